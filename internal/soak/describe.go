//go:build linux

package main

import (
	"fmt"
	"strings"
	"time"
)

// describer writes reads and writes for the report's examples, with times
// relative to the start of the run.
type describer struct {
	origin   int64        // Unix nanoseconds
	snapshot map[int]bool // incarnation → started client
}

// at formats a time as seconds into the run, "+12.345s".
func (d *describer) at(ns int64) string {
	return fmt.Sprintf("+%.3fs", time.Duration(ns-d.origin).Seconds())
}

// worker names an incarnation and how it reads.
func (d *describer) worker(id int) string {
	if d.snapshot[id] {
		return fmt.Sprintf("worker %d (snapshot)", id)
	}
	return fmt.Sprintf("worker %d (through Redis)", id)
}

// value formats a written value as "incarnation:counter", the default as
// "0 (default)".
func value(v int64) string {
	if v == 0 {
		return "0 (default)"
	}
	return fmt.Sprintf("%d:%d", v/valueSpan, v%valueSpan)
}

// write describes a change and its outcome.
func (d *describer) write(w *write) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s write #%d at %s", d.worker(w.worker), w.seq, d.at(w.start))
	for i, p := range w.paths {
		fmt.Fprintf(&b, " %s=%s", p, value(w.values[i]))
	}
	switch {
	case w.outcome == "":
		b.WriteString(", interrupted by the worker's death")
	case w.outcome == outcomeUnknown:
		fmt.Fprintf(&b, ", outcome unknown after %s (change %s), resolved committed=%v", d.took(w), w.change, w.committed)
	default:
		fmt.Fprintf(&b, ", %s after %s", w.outcome, d.took(w))
	}
	if w.err != "" {
		fmt.Fprintf(&b, " (%s)", w.err)
	}
	return b.String()
}

// took is how long a write took.
func (d *describer) took(w *write) time.Duration {
	return time.Duration(w.end - w.start).Round(time.Millisecond)
}

// presence says which of a write's values are in the history.
func (d *describer) presence(w *write, h *history) string {
	var in, out []string
	for i, p := range w.paths {
		if h.committed(p, w.values[i]) {
			in = append(in, p)
		} else {
			out = append(out, p)
		}
	}
	return fmt.Sprintf("in sysconfig_history: %v; not: %v", in, out)
}

// read describes what a read returned.
func (d *describer) read(r *read) string {
	return fmt.Sprintf("%s at %s–%s returned %s (version %d, %s)",
		r.path, d.at(r.start), d.at(r.end), value(r.value), r.version, r.source)
}

// stale describes a read staler than the bound.
func (d *describer) stale(r *read, c commit, lag time.Duration) string {
	since := "had committed at " + d.at(c.at)
	if c.current != c.at {
		since += " (racing a Postgres fault; current surely from " + d.at(c.current) + ")"
	}
	return fmt.Sprintf("%s read %s; version %d (%s) %s, %v before the read began (bound %v)",
		d.worker(r.worker), d.read(r), c.version, value(c.value), since, lag.Round(time.Millisecond), bound)
}

// backwards describes a read older than one that ended before it began.
func (d *describer) backwards(r, before *read) string {
	return fmt.Sprintf("%s read %s, after it read %s", d.worker(r.worker), d.read(r), d.read(before))
}

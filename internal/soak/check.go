//go:build linux

package main

import (
	"time"
)

// violationKind is one broken promise.
type violationKind int

// The violations the checks look for.
const (
	lostWrite       violationKind = iota // acknowledged, not in the history
	failedCommitted                      // reported failed (ErrUnavailable), in the history
	wrongResolution                      // Resolve's answer disagrees with the history
	partialChange                        // some values of one change in the history, not all
	staleRead                            // served as current, replaced more than the bound before the read began
	backwardsRead                        // older (epoch, version) than a read of the same process that ended before it began
	violationKinds                       // the number of kinds
)

// violationNames name the kinds in the report.
var violationNames = [violationKinds]string{
	lostWrite:       "acknowledged writes lost",
	failedCommitted: "writes reported failed that committed",
	wrongResolution: "unknown outcomes resolved wrongly",
	partialChange:   "changes partly committed",
	staleRead:       "reads served as current, staler than the bound",
	backwardsRead:   "reads that went back in time",
}

// maxExamples is how many examples of each kind the report shows.
const maxExamples = 10

// finding is one example of a violation: when it happened (Unix
// nanoseconds, to show the faults around it) and what it was.
type finding struct {
	at   int64
	text string
}

// verdict is what the checks found, with the figures of the run.
type verdict struct {
	counts   [violationKinds]int
	examples [violationKinds][]finding
	writes   writeFigures
	reads    readFigures
}

// writeFigures count the writes by outcome.
type writeFigures struct {
	changes, values, many int
	outcomes              map[string]int
	resolvedCommitted     int
	resolvedNot           int
	resolvedByLeader      int
	unresolved            int
	interruptedCommitted  int
}

// readFigures count the reads by source, and how far behind the value
// most behind was.
type readFigures struct {
	total      int
	sources    map[string]int // "error" for a failed Lookup
	otherEpoch int            // served as current from an epoch not the store's
	lagged     int            // served as current after a newer version had committed
	worst      time.Duration  // the largest such lag
	worstRead  read
}

// check runs every check on the journals of a run against what Postgres
// committed; f describes reads and writes for the examples.
func check(j *journals, h *history, f *describer) *verdict {
	v := &verdict{writes: writeFigures{outcomes: map[string]int{}}, reads: readFigures{sources: map[string]int{}}}
	for _, w := range j.writes {
		v.checkWrite(w, h, f)
	}
	for i := range j.reads {
		v.checkStaleness(&j.reads[i], h, f)
	}
	v.checkMonotonic(j.reads, f)
	return v
}

// flag records a violation, and an example while there are few.
func (v *verdict) flag(k violationKind, at int64, text string) {
	v.counts[k]++
	if len(v.examples[k]) < maxExamples {
		v.examples[k] = append(v.examples[k], finding{at: at, text: text})
	}
}

// violations is the number of violations of every kind.
func (v *verdict) violations() int {
	n := 0
	for _, c := range v.counts {
		n += c
	}
	return n
}

// checkWrite checks one change against the history: whole or absent, and
// as its outcome said.
func (v *verdict) checkWrite(w *write, h *history, f *describer) {
	v.countWrite(w)
	in := 0
	for i, val := range w.values {
		if h.committed(w.paths[i], val) {
			in++
		}
	}
	all, none := in == len(w.values), in == 0
	if !all && !none {
		v.flag(partialChange, w.start, f.write(w)+": "+f.presence(w, h))
	}
	switch {
	case w.outcome == outcomeOK && !all:
		v.flag(lostWrite, w.start, f.write(w)+": not in sysconfig_history")
	case w.outcome == outcomeFailed && !none:
		v.flag(failedCommitted, w.start, f.write(w)+": in sysconfig_history")
	case w.outcome == outcomeUnknown && w.resolved && w.committed != all:
		v.flag(wrongResolution, w.start, f.write(w)+": "+f.presence(w, h))
	case w.outcome == "" && !none:
		v.writes.interruptedCommitted++
	}
}

// countWrite adds w to the figures.
func (v *verdict) countWrite(w *write) {
	wf := &v.writes
	wf.changes++
	wf.values += len(w.values)
	if len(w.values) > 1 {
		wf.many++
	}
	wf.outcomes[w.outcome]++
	switch {
	case w.outcome != outcomeUnknown:
	case !w.resolved:
		wf.unresolved++
	case w.committed:
		wf.resolvedCommitted++
	default:
		wf.resolvedNot++
	}
	if w.byLeader {
		wf.resolvedByLeader++
	}
}

// current reports whether a read's source claims the value is current.
func current(source string) bool {
	return source == "snapshot" || source == "cache" || source == "store"
}

// checkStaleness checks that a read served as current returned a version
// that was still current, or had been replaced no more than the bound
// before the read began.
func (v *verdict) checkStaleness(r *read, h *history, f *describer) {
	rf := &v.reads
	rf.total++
	if r.source == "" {
		rf.sources["error"]++
		return
	}
	rf.sources[r.source]++
	if !current(r.source) {
		return
	}
	if r.epoch != h.epoch {
		rf.otherEpoch++
		return
	}
	c, ok := h.replaced(r.path, r.version)
	if !ok || c.current >= r.start {
		return
	}
	lag := time.Duration(r.start - c.current)
	rf.lagged++
	if lag > rf.worst {
		rf.worst, rf.worstRead = lag, *r
	}
	if lag > bound {
		v.flag(staleRead, r.start, f.stale(r, c, lag))
	}
}

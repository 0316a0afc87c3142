//go:build linux

package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// results are everything the report shows.
type results struct {
	settings     settings
	elapsed      time.Duration // the whole run, servers to check
	incarnations int           // worker processes started
	origin       time.Time     // when the workers started
	events       []event
	skipped      int
	verdict      *verdict
	noTime       int      // history rows without a commit time
	raced        int      // commits that raced a Postgres fault
	mutations    []string // what -mutate changed
	problems     []string // what kept the soak from running as it should
}

// exitCode is 1 when a promise was broken, else 2 when the soak had
// problems, else 0.
func (r *results) exitCode() int {
	switch {
	case r.verdict != nil && r.verdict.violations() > 0:
		return 1
	case len(r.problems) > 0 || r.verdict == nil:
		return 2
	}
	return 0
}

// print writes the report.
func (r *results) print(w io.Writer) {
	s := r.settings
	fmt.Fprintf(w, "\nsysconfig soak: %v of faults, seed %d, %d workers (%d with a snapshot, %d through Redis), staleness bound %v\n",
		s.duration, s.seed, s.workers, (s.workers+1)/2, s.workers/2, bound)
	fmt.Fprintf(w, "ran %v in all; %d worker processes (%d replacements)\n", r.elapsed.Round(100*time.Millisecond),
		r.incarnations, r.incarnations-s.workers)
	r.printFaults(w)
	if r.verdict != nil {
		r.printWrites(w)
		r.printReads(w)
		r.printViolations(w)
	}
	r.printEnd(w)
}

// line prints one row: a label and a count, and a note.
func line(w io.Writer, label string, n int, note string) {
	fmt.Fprintln(w, strings.TrimRight(fmt.Sprintf("  %-46s %9s  %s", label, count(n), note), " "))
}

func (r *results) printFaults(w io.Writer) {
	var byKind [faultKinds]int
	failed := 0
	for _, ev := range r.events {
		byKind[ev.kind]++
		if ev.err != nil {
			failed++
		}
	}
	fmt.Fprintln(w, "\nfaults")
	for k, n := range byKind {
		line(w, faultNames[k], n, "")
	}
	line(w, "total", len(r.events), fmt.Sprintf("(%d failed to play, %d skipped: their target was behind)", failed, r.skipped))
}

func (r *results) printWrites(w io.Writer) {
	wf := r.verdict.writes
	fmt.Fprintln(w, "\nwrites (changes)")
	line(w, "acknowledged", wf.outcomes[outcomeOK], "")
	line(w, "failed (ErrUnavailable)", wf.outcomes[outcomeFailed], "")
	line(w, "outcome unknown (OutcomeUnknownError)", wf.outcomes[outcomeUnknown],
		fmt.Sprintf("Resolve: %d committed, %d not (%d asked by the leader), %d unresolved",
			wf.resolvedCommitted, wf.resolvedNot, wf.resolvedByLeader, wf.unresolved))
	line(w, "other errors (no documented outcome)", wf.outcomes[outcomeOther], "")
	line(w, "interrupted by SIGKILL", wf.outcomes[""], fmt.Sprintf("%d found committed", wf.interruptedCommitted))
	line(w, "total", wf.changes, fmt.Sprintf("(%s SetMany; %s values)", count(wf.many), count(wf.values)))
}

func (r *results) printReads(w io.Writer) {
	rf := r.verdict.reads
	fmt.Fprintln(w, "\nreads (Lookup)")
	for _, src := range []string{"snapshot", "cache", "store", "stale", "default", "error"} {
		line(w, src, rf.sources[src], "")
	}
	line(w, "total", rf.total, "")
	fmt.Fprintf(w, "  served as current after a newer version had committed: %s reads; the most behind by %v (bound %v), from the %s\n",
		count(rf.lagged), rf.worst.Round(time.Millisecond), bound, rf.worstRead.source)
	fmt.Fprintf(w, "  %s commits raced a Postgres pause or kill (came at most %v before it, or during it): current surely only %v after its end\n",
		count(r.raced), raceSlack, raceSlack)
	if rf.otherEpoch > 0 || r.noTime > 0 {
		fmt.Fprintf(w, "  not checked: %d reads of another epoch, %d history rows without a commit time\n", rf.otherEpoch, r.noTime)
	}
}

func (r *results) printViolations(w io.Writer) {
	v := r.verdict
	fmt.Fprintln(w, "\nviolations")
	for k := range violationKinds {
		line(w, violationNames[k], v.counts[k], "")
	}
	for k := range violationKinds {
		if len(v.examples[k]) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s (%d of %d):\n", violationNames[k], len(v.examples[k]), v.counts[k])
		for _, f := range v.examples[k] {
			fmt.Fprintf(w, "  - %s\n", f.text)
			r.printFaultsAround(w, f.at)
		}
	}
}

// faultWindow is how far before an example the report looks for faults.
const faultWindow = 3 * time.Second

// printFaultsAround lists the faults that overlapped the few seconds
// before at.
func (r *results) printFaultsAround(w io.Writer, at int64) {
	t := time.Unix(0, at)
	for _, ev := range r.events {
		if ev.begin.Before(t.Add(time.Second)) && ev.end.After(t.Add(-faultWindow)) {
			fmt.Fprintf(w, "      fault %s\n", ev.describe(r.origin))
		}
	}
}

func (r *results) printEnd(w io.Writer) {
	for _, m := range r.mutations {
		fmt.Fprintf(w, "\nmutated: %s", m)
	}
	if len(r.mutations) > 0 {
		fmt.Fprintln(w)
	}
	for _, p := range r.problems {
		fmt.Fprintf(w, "\nproblem: %s", p)
	}
	if len(r.problems) > 0 {
		fmt.Fprintln(w)
	}
	switch r.exitCode() {
	case 0:
		fmt.Fprintln(w, "\nPASS: no violation")
	case 1:
		fmt.Fprintf(w, "\nFAIL: %d violations\n", r.verdict.violations())
	default:
		fmt.Fprintln(w, "\nERROR: the soak did not run as it should (see the problems above)")
	}
}

// count formats n with thousands separators: 12,345.
func count(n int) string {
	s := strconv.Itoa(n)
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

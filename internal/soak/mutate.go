//go:build linux

package main

import "fmt"

// mutate corrupts a run's results so that each check has something to
// find (-mutate): it shows that a clean report comes from checks that can
// fail. It returns what it changed; a kind with nothing to change (a run
// without a failed write, say) is reported as such.
func mutate(j *journals, h *history) []string {
	return []string{
		mutateWrite(j, "an acknowledged write is lost",
			func(w *write) bool { return w.outcome == outcomeOK && h.committed(w.paths[0], w.values[0]) },
			func(w *write) { delete(h.where, w.values[0]) }),
		mutateWrite(j, "a failed write committed",
			func(w *write) bool { return w.outcome == outcomeFailed },
			func(w *write) { h.where[w.values[0]] = w.paths[0] }),
		mutateWrite(j, "Resolve answers wrongly",
			func(w *write) bool { return w.outcome == outcomeUnknown && w.resolved },
			func(w *write) { w.committed = !w.committed }),
		mutateWrite(j, "a SetMany commits in part",
			func(w *write) bool { return len(w.values) > 1 && h.committed(w.paths[0], w.values[0]) },
			func(w *write) { delete(h.where, w.values[0]) }),
		mutateStale(j, h),
		mutateBackwards(j),
	}
}

// mutateWrite applies change to the first write that pick accepts.
func mutateWrite(j *journals, what string, pick func(*write) bool, change func(*write)) string {
	for _, w := range j.writes {
		if pick(w) {
			change(w)
			return fmt.Sprintf("%s: worker %d write #%d", what, w.worker, w.seq)
		}
	}
	return what + ": no write to change"
}

// mutateStale makes a read served as current return the first version of
// its path, when a later one had committed more than the bound before it.
func mutateStale(j *journals, h *history) string {
	for i := range j.reads {
		r := &j.reads[i]
		ph := h.paths[r.path]
		if !current(r.source) || ph == nil {
			continue
		}
		first := ph.commits[0]
		if c, ok := h.replaced(r.path, first.version); ok && r.start-c.current > int64(bound) {
			r.version, r.value = first.version, first.value
			return fmt.Sprintf("a read is stale: worker %d reads version %d of %s", r.worker, r.version, r.path)
		}
	}
	return "a read is stale: no read to change"
}

// mutateBackwards makes a read return an older version than a read of the
// same worker and path that ended before it began.
func mutateBackwards(j *journals) string {
	last := map[readGroup]*read{}
	for i := range j.reads {
		r := &j.reads[i]
		if r.source == "" {
			continue
		}
		g := readGroup{r.worker, r.path}
		if prev := last[g]; prev != nil && prev.end < r.start && prev.version > 0 {
			r.epoch, r.version = prev.epoch, prev.version-1
			return fmt.Sprintf("a read goes back: worker %d reads version %d of %s after %d", r.worker, r.version, r.path, prev.version)
		}
		last[g] = r
	}
	return "a read goes back: no read to change"
}

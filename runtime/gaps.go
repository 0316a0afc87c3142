package runtime

import "time"

// gapGrace is how long a follower waits for the notice of a change it
// learned of from its successor's Prev before it asks the store: notices
// published by different writers may arrive out of order.
const gapGrace = 50 * time.Millisecond

// maxRecent bounds how many heard versions gaps remembers.
const maxRecent = 1024

// gaps tracks the changes a follower knows it has not heard of: a notice
// whose Prev is a version the follower has neither reached nor heard
// names a change before it, lost, still on its way, or never announced
// (its writer had no notifier). Unknown Prevs name nothing. A gap still
// open after gapGrace makes the follower ask the store. The zero value is
// ready to use; the syncer guards it with its mutex.
type gaps struct {
	recent  map[int64]struct{} // versions heard lately, at most maxRecent
	order   []int64            // recent, oldest first
	awaited map[int64]time.Time
}

// heard records that the change of version v was heard of, which closes
// its gap.
func (g *gaps) heard(v int64) {
	if g.recent == nil {
		g.recent = map[int64]struct{}{}
	}
	if _, ok := g.recent[v]; ok {
		return
	}
	if len(g.order) == maxRecent {
		delete(g.recent, g.order[0])
		g.order = g.order[1:]
	}
	g.recent[v] = struct{}{}
	g.order = append(g.order, v)
	delete(g.awaited, v)
}

// await records, at now, that the change of version prev is missing,
// unless it was heard already.
func (g *gaps) await(prev int64, now time.Time) {
	if _, ok := g.recent[prev]; ok {
		return
	}
	if _, ok := g.awaited[prev]; ok {
		return
	}
	if g.awaited == nil {
		g.awaited = map[int64]time.Time{}
	}
	g.awaited[prev] = now
}

// settle forgets the gaps at or below at: the follower reached them.
func (g *gaps) settle(at int64) {
	for v := range g.awaited {
		if v <= at {
			delete(g.awaited, v)
		}
	}
}

// reset forgets everything, as after a full reload.
func (g *gaps) reset() { *g = gaps{} }

// next reports how long after now the oldest awaited gap has been open
// for gapGrace (zero if it has), and false when none is awaited.
func (g *gaps) next(now time.Time) (time.Duration, bool) {
	if len(g.awaited) == 0 {
		return 0, false
	}
	wait := gapGrace
	for _, since := range g.awaited {
		wait = min(wait, max(0, gapGrace-now.Sub(since)))
	}
	return wait, true
}

// takeDue forgets the gaps open for gapGrace at now, and reports whether
// there were any: the caller asks the store for them, once (if it cannot,
// the reconcile will).
func (g *gaps) takeDue(now time.Time) bool {
	due := false
	for v, since := range g.awaited {
		if now.Sub(since) >= gapGrace {
			delete(g.awaited, v)
			due = true
		}
	}
	return due
}

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

// open reports whether a gap is awaited, and whether one has been for
// gapGrace at now.
func (g *gaps) open(now time.Time) (any, due bool) {
	for _, since := range g.awaited {
		any = true
		if now.Sub(since) >= gapGrace {
			return true, true
		}
	}
	return any, false
}

package runtime

import (
	"sync"
	"sync/atomic"
)

// floors remember, for a client reading without a snapshot, the newest
// state it has served of each field, so that its reads never go backwards:
// a read that comes back older — a cache entry written before a change the
// client has already seen, a store load that started before it — serves
// the floor instead. The one exception is a floor the store contradicts
// (see Client.believeStore): a value the store never issued is replaced by
// the store's. They hold nothing until the first read.
type floors struct {
	once  sync.Once
	n     int // the number of fields
	slots []atomic.Pointer[state]
}

// raise returns the newer of st and f's floor, by (epoch, version), and
// makes it the floor. The result has st's source, even when it is the
// floor: st's source is where the read went, and it vouches for the floor
// as well, which is newer than st (a value newer than one that was current
// within the staleness bound is itself current within it).
func (fl *floors) raise(f *fieldInfo, st state) state {
	p := fl.slot(f)
	for {
		cur := p.Load()
		if cur != nil && !newer(st.epoch, st.version, cur.epoch, cur.version) {
			if cur.epoch == st.epoch && cur.version == st.version {
				return st
			}
			floor := *cur
			floor.source = st.source // what vouches for it now (see raise's doc)
			return floor
		}
		if next := st; p.CompareAndSwap(cur, &next) { // allocates only on a change
			return st
		}
	}
}

// lower replaces f's floor by st if it is still was, a state the store has
// shown it never issued (see Client.believeStore).
func (fl *floors) lower(f *fieldInfo, was, st state) {
	p := fl.slot(f)
	if cur := p.Load(); cur != nil && cur.epoch == was.epoch && cur.version == was.version {
		p.CompareAndSwap(cur, &st)
	}
}

// get returns f's floor, if the client has served f before.
func (fl *floors) get(f *fieldInfo) (state, bool) {
	if cur := fl.slot(f).Load(); cur != nil {
		return *cur, true
	}
	return state{}, false
}

func (fl *floors) slot(f *fieldInfo) *atomic.Pointer[state] {
	fl.once.Do(func() { fl.slots = make([]atomic.Pointer[state], fl.n) })
	return &fl.slots[f.index]
}

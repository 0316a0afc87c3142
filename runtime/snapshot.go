package runtime

import (
	"reflect"
	"sync"
	"sync/atomic"
)

// snapshot is every field's state, indexed by the field's position in the
// schema. A snapshot is never modified once published: a change builds a
// new one and swaps it in atomically, so readers need no lock.
type snapshot struct {
	slots []slot
}

// slot is one field's state in a snapshot.
type slot struct {
	state
	known  bool  // from a backend; false: the default, served before the first load
	pinned bool  // the field's pin (see pins): no record replaces it
	err    error // the stored value does not decode; reads return it
}

// fieldChange is one field's move from one effective value to another.
type fieldChange struct {
	f        *fieldInfo
	rec      Record // the record that made the change
	old, new any
	hooks    []HookFunc // registered when the change was seen; set by hookSet.enqueue
}

// snapshots holds a started client's current snapshot: records go in,
// changes come out. Reads load it without a lock; changes are applied one
// at a time, each publishing a new snapshot.
type snapshots struct {
	schema *Schema
	codec  codec
	pins   pins                     // fields whose slots hold their pins, whatever is stored
	cur    atomic.Pointer[snapshot] // nil until begin
	mu     sync.Mutex               // serialises replacement
}

// load returns the current snapshot, or nil when there is none.
func (s *snapshots) load() *snapshot { return s.cur.Load() }

// begin publishes a snapshot holding every field's default, not yet
// known, or its pin.
func (s *snapshots) begin() {
	snap := &snapshot{slots: make([]slot, len(s.schema.fields))}
	for i, d := range s.schema.fields {
		snap.slots[i].value = d.field().def
		if p := s.pins.of(d.field()); p != nil {
			snap.slots[i] = slot{state: p.state, known: true, pinned: true}
		}
	}
	s.cur.Store(snap)
}

// clear drops the snapshot: reads go through the cache and the store again.
func (s *snapshots) clear() { s.cur.Store(nil) }

// merge publishes a snapshot with recs applied, each only if it is newer,
// by (epoch, version), than what the snapshot holds, and returns what
// changed. src is the source reads will report until the next change.
func (s *snapshots) merge(recs []Record, src Source) []fieldChange {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := s.cur.Load()
	next := cur
	var changes []fieldChange
	for _, r := range recs {
		d, ok := s.schema.byPath[r.Path]
		if !ok {
			continue // a field no longer in the schema
		}
		f := d.field()
		old := next.slots[f.index]
		if old.pinned || old.known && !newer(r.Epoch, r.Version, old.epoch, old.version) {
			continue
		}
		if next == cur {
			next = &snapshot{slots: append([]slot(nil), cur.slots...)}
		}
		next.slots[f.index] = s.newSlot(f, r, src)
		changes = append(changes, fieldChange{f: f, rec: r, old: old.value, new: next.slots[f.index].value})
	}
	if next != cur {
		s.cur.Store(next)
	}
	return changes
}

// replace publishes a snapshot holding exactly recs, every record of the
// app in the store's epoch: the store is the truth, so nothing the snapshot
// held before is kept, however high its version. A field without a record
// has no override. It returns the fields whose effective value changed.
func (s *snapshots) replace(recs []Record, epoch int64) []fieldChange {
	byPath := make(map[string]Record, len(recs))
	for _, r := range recs {
		byPath[r.Path] = r
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := s.cur.Load()
	next := &snapshot{slots: make([]slot, len(cur.slots))}
	var changes []fieldChange
	for _, d := range s.schema.fields {
		f := d.field()
		r, ok := byPath[f.path]
		if !ok {
			r = Record{Path: f.path, Epoch: epoch}
		}
		old := cur.slots[f.index]
		if old.pinned {
			next.slots[f.index] = old
			continue
		}
		next.slots[f.index] = s.newSlot(f, r, SourceStore)
		if n := next.slots[f.index]; old.set != n.set || !reflect.DeepEqual(old.value, n.value) {
			changes = append(changes, fieldChange{f: f, rec: r, old: old.value, new: n.value})
		}
	}
	s.cur.Store(next)
	return changes
}

// newSlot decodes a record into a slot. An undecodable value is kept as an
// error, so reads report it instead of serving the default.
func (s *snapshots) newSlot(f *fieldInfo, r Record, src Source) slot {
	st, err := s.codec.decode(f, r, src)
	if err != nil {
		return slot{state: state{value: f.def, epoch: r.Epoch, version: r.Version, source: src}, known: true, err: err}
	}
	return slot{state: st, known: true}
}

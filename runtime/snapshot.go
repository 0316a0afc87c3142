package runtime

// snapshot is every field's state, indexed by the field's position in the
// schema. A snapshot is never modified once published: a change builds a
// new one and swaps it in atomically, so readers need no lock.
type snapshot struct {
	slots []slot
}

// slot is one field's state in a snapshot.
type slot struct {
	state
	known bool  // from a backend; false: the default, served before the first load
	err   error // the stored value does not decode; reads return it
}

// newSnapshot returns a snapshot holding every field's default, unknown.
func newSnapshot(s *Schema) *snapshot {
	snap := &snapshot{slots: make([]slot, len(s.fields))}
	for i, d := range s.fields {
		snap.slots[i].value = d.field().def
	}
	return snap
}

func (s *snapshot) clone() *snapshot {
	return &snapshot{slots: append([]slot(nil), s.slots...)}
}

// change is one field's move from one effective value to another.
type change struct {
	f        *fieldInfo
	rec      Record // the record that made the change
	old, new any
	hooks    []HookFunc // registered when the change was seen; set by queueEvents
}

// merge publishes a snapshot with recs applied, each only if newer than
// what the snapshot holds, and returns what changed. complete marks every
// slot known: recs are then everything the store holds, so fields without
// a record have no override.
func (c *Client) merge(recs []Record, src Source, complete bool) []change {
	c.snapMu.Lock()
	defer c.snapMu.Unlock()
	cur := c.snap.Load()
	next := cur
	var changes []change
	for _, r := range recs {
		d, ok := c.schema.byPath[r.Path]
		if !ok {
			continue // a field no longer in the schema
		}
		f := d.field()
		old := next.slots[f.index]
		if old.known && r.Version <= old.version {
			continue
		}
		if next == cur {
			next = cur.clone()
		}
		next.slots[f.index] = c.newSlot(f, r, src)
		changes = append(changes, change{f: f, rec: r, old: old.value, new: next.slots[f.index].value})
	}
	if complete {
		next = markKnown(cur, next)
	}
	if next != cur {
		c.snap.Store(next)
	}
	return changes
}

// markKnown returns next with every slot known, cloning it if it is still cur.
func markKnown(cur, next *snapshot) *snapshot {
	if next == cur {
		next = cur.clone()
	}
	for i := range next.slots {
		next.slots[i].known = true
	}
	return next
}

// newSlot decodes a record into a slot. An undecodable value is kept as an
// error, so reads report it instead of serving the default.
func (c *Client) newSlot(f *fieldInfo, r Record, src Source) slot {
	st, err := c.decode(f, r, src)
	if err != nil {
		return slot{state: state{value: f.def, version: r.Version, source: src}, known: true, err: err}
	}
	return slot{state: st, known: true}
}

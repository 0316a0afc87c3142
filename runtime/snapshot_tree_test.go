package runtime

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"unsafe"
)

// modelFields spans three full nodes and part of a fourth, whose last
// leaf is partly used, so that every edge of the tree is exercised.
const modelFields = 3*fieldsPerNode + 2*leafLen + 5

// modelSnapshots returns snapshots of a wide schema of modelFields fields,
// some of them pinned, begun.
func modelSnapshots() *snapshots {
	s := &snapshots{schema: wideSchema(modelFields), pins: make(pins, modelFields)}
	for _, i := range []int{0, 17, fieldsPerNode, modelFields - 1} {
		s.pins[i] = &pin{state: state{value: int64(-i), set: true, source: SourceEnv}}
	}
	s.begin()
	return s
}

// model is what a snapshot must hold: every slot, in a flat array, changed
// by the rules merge and replace document.
type model []slot

func (m model) merge(s *snapshots, recs []Record, src Source) {
	for _, r := range recs {
		i := s.schema.byPath[r.Path].field().index
		if old := m[i]; old.pinned || old.known && !newer(r.Epoch, r.Version, old.epoch, old.version) {
			continue
		}
		m[i] = s.newSlot(s.schema.fields[i].field(), r, src)
	}
}

func (m model) replace(s *snapshots, recs []Record, epoch int64) {
	for i, d := range s.schema.fields {
		if !m[i].pinned {
			m[i] = s.newSlot(d.field(), Record{Path: d.Path(), Epoch: epoch}, SourceStore)
		}
	}
	for _, r := range recs { // one per path, as the store hands them
		if i := s.schema.byPath[r.Path].field().index; !m[i].pinned {
			m[i] = s.newSlot(s.schema.fields[i].field(), r, SourceStore)
		}
	}
}

// check fails unless snap holds exactly what m does.
func (m model) check(t *testing.T, what string, snap *snapshot) {
	t.Helper()
	for i := range m {
		if got := *snap.at(i); got != m[i] { // ints and errors: comparable
			t.Fatalf("%s: field %d holds %+v, want %+v", what, i, got, m[i])
		}
	}
}

// modelIndex draws a field, often one at an edge of a leaf or a node.
func modelIndex(rng *rand.Rand) int {
	if rng.IntN(2) == 0 {
		return rng.IntN(modelFields)
	}
	edges := []int{0, 1, leafLen - 1, leafLen, fieldsPerNode - 1, fieldsPerNode, 2*fieldsPerNode + leafLen, modelFields - 1}
	return edges[rng.IntN(len(edges))]
}

// randomRecords draws a batch of records, some older than what they would
// replace, some repeating a path of the batch.
func randomRecords(rng *rand.Rand, s *snapshots, epoch int64, version *int64) []Record {
	recs := make([]Record, 1+rng.IntN(8))
	for j := range recs {
		*version++
		v := *version
		if rng.IntN(5) == 0 {
			v = rng.Int64N(v) // older than it may need to be
		}
		i := modelIndex(rng)
		recs[j] = Record{Path: s.schema.fields[i].Path(), Epoch: epoch, Version: v, Set: rng.IntN(4) != 0, Value: fmt.Sprint(v)}
		if !recs[j].Set {
			recs[j].Value = ""
		}
	}
	return recs
}

// onePerPath keeps the last record of each path, as a full reload has
// one per path.
func onePerPath(recs []Record) []Record {
	last := map[string]int{}
	for i, r := range recs {
		last[r.Path] = i
	}
	var out []Record
	for i, r := range recs {
		if last[r.Path] == i {
			out = append(out, r)
		}
	}
	return out
}

// TestSnapshotTreeMatchesModel applies random changes and full reloads to
// the snapshot and to a flat model, and checks after each that the
// snapshot holds what the model does, that merge reported exactly the
// fields it changed, and, at the end, that no snapshot published on the
// way was changed by what came after it.
func TestSnapshotTreeMatchesModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 2))
	s := modelSnapshots()
	m := make(model, modelFields)
	for i := range m {
		m[i] = *s.load().at(i)
	}
	type kept struct {
		snap *snapshot
		m    model
	}
	var history []kept
	epoch, version := int64(1), int64(0)
	for step := range 400 {
		before := s.load()
		if rng.IntN(20) == 0 {
			epoch++
			recs := onePerPath(randomRecords(rng, s, epoch, &version))
			m.replace(s, recs, epoch)
			s.replace(recs, epoch)
		} else {
			recs := randomRecords(rng, s, epoch, &version)
			wantChanged := changedIn(m, recs, s)
			m.merge(s, recs, SourceStore)
			changes := s.merge(recs, SourceStore)
			if len(changes) != wantChanged {
				t.Fatalf("step %d: merge reported %d changes, want %d", step, len(changes), wantChanged)
			}
			if len(changes) == 0 && s.load() != before {
				t.Fatalf("step %d: a merge that changed nothing published a new snapshot", step)
			}
		}
		m.check(t, fmt.Sprintf("step %d", step), s.load())
		if step%10 == 0 {
			history = append(history, kept{s.load(), append(model(nil), m...)})
		}
	}
	for i, h := range history {
		h.m.check(t, fmt.Sprintf("snapshot %d, after all the changes", i*10), h.snap)
	}
}

// changedIn counts the records of recs that a merge applies to m: newer
// than what it holds, for a field that is not pinned.
func changedIn(m model, recs []Record, s *snapshots) int {
	m = append(model(nil), m...)
	n := 0
	for _, r := range recs {
		before := m[s.schema.byPath[r.Path].field().index]
		m.merge(s, []Record{r}, SourceStore)
		if before != m[s.schema.byPath[r.Path].field().index] {
			n++
		}
	}
	return n
}

// The sizes the snapshot's documentation counts in.
func TestSlotAndLeafSizes(t *testing.T) {
	if s, l := unsafe.Sizeof(slot{}), unsafe.Sizeof(leaf{}); s != 64 || l != 1024 {
		t.Errorf("a slot is %d B and a leaf %d B, want 64 and 1,024", s, l)
	}
}

// TestReadersSeeWholeChanges runs readers while changes of four fields —
// two in one leaf, the others in other nodes — are merged, each change
// setting all four to one version. Every snapshot a reader loads must hold
// one change whole, never part of one; versions never go backwards from one
// load to the next; and a snapshot a reader keeps never changes under it.
// Run with -race: a write to anything published is a data race.
func TestReadersSeeWholeChanges(t *testing.T) {
	s := wideSnapshots(5 * fieldsPerNode)
	fields := []int{3, 4, 2*fieldsPerNode + 100, 5*fieldsPerNode - 1}
	var done atomic.Bool
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 3 {
		wg.Go(func() {
			var last int64
			var kept *snapshot
			for !done.Load() {
				snap := s.load()
				v, err := wholeChange(snap, fields)
				if err == nil && v < last {
					err = fmt.Errorf("version %d after %d", v, last)
				}
				if err == nil && kept != nil {
					_, err = wholeChange(kept, fields)
				}
				if err != nil {
					errs <- err
					return
				}
				last, kept = v, snap
			}
		})
	}
	for v := int64(1); v <= 3000; v++ {
		recs := make([]Record, len(fields))
		for j, i := range fields {
			recs[j] = Record{Path: s.schema.fields[i].Path(), Epoch: 1, Version: v, Set: true, Value: fmt.Sprint(v)}
		}
		s.merge(recs, SourceStore)
	}
	done.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if v, err := wholeChange(s.load(), fields); err != nil || v != 3000 {
		t.Errorf("after the last change: version %d, %v; want 3000", v, err)
	}
}

// wholeChange returns the version the fields hold in snap, or an error if
// they do not all hold the same one, or a value other than their version.
func wholeChange(snap *snapshot, fields []int) (int64, error) {
	first := snap.at(fields[0])
	for _, i := range fields {
		sl := snap.at(i)
		if sl.version != first.version {
			return 0, fmt.Errorf("a torn change: field %d at version %d, field %d at version %d", fields[0], first.version, i, sl.version)
		}
		if sl.known && sl.value != sl.version {
			return 0, fmt.Errorf("field %d holds %v at version %d", i, sl.value, sl.version)
		}
	}
	return first.version, nil
}

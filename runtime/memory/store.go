package memory

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// Store is an in-memory runtime.Store, and a runtime.Notifier and
// runtime.HeadReader of its own changes. The zero value is not usable;
// call NewStore.
//
// Its epoch is the time NewStore was called, in microseconds since 1970, so
// a new Store (a process restarted on the memory backend) is in a later
// epoch than the one before it, as a recreated database would be.
type Store struct {
	mu        sync.Mutex
	epoch     int64
	version   int64
	records   map[string]runtime.Record
	heads     map[string]int64 // each app's highest version
	history   []runtime.HistoryEntry
	changes   map[string]*runtime.ChangeSet // committed changes by ID
	log       []loggedChange                // committed changes, oldest first
	fenced    map[string]bool               // IDs Resolve found uncommitted
	listeners []*listener
}

// NewStore returns an empty store.
func NewStore() *Store {
	return &Store{
		epoch:   time.Now().UnixMicro(),
		records: map[string]runtime.Record{},
		heads:   map[string]int64{},
		changes: map[string]*runtime.ChangeSet{},
		fenced:  map[string]bool{},
	}
}

// Load implements runtime.Store.
func (s *Store) Load(ctx context.Context, paths []string) ([]runtime.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	recs := make([]runtime.Record, len(paths))
	for i, p := range paths {
		recs[i] = s.record(p)
	}
	return recs, nil
}

func (s *Store) record(path string) runtime.Record {
	if r, ok := s.records[path]; ok {
		return r
	}
	return runtime.Record{Path: path, Epoch: s.epoch}
}

// Since implements runtime.Store.
func (s *Store) Since(ctx context.Context, app string, from runtime.Position) (runtime.Delta, error) {
	if err := ctx.Err(); err != nil {
		return runtime.Delta{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var above int64
	if from.Epoch == s.epoch {
		above = from.Version
	}
	var records []runtime.Record
	for p, r := range s.records {
		if strings.HasPrefix(p, app+".") && r.Version > above {
			records = append(records, r)
		}
	}
	slices.SortFunc(records, func(a, b runtime.Record) int { return cmp.Compare(a.Version, b.Version) })
	return runtime.DeltaOf(from, s.epoch, records, math.MaxInt64), nil
}

// Apply implements runtime.Store.
func (s *Store) Apply(ctx context.Context, ch runtime.Change) ([]runtime.Applied, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.check(ch); err != nil {
		return nil, err
	}
	applied := make([]runtime.Applied, len(ch.Writes))
	prev := s.heads[ch.App]
	for i, w := range ch.Writes {
		applied[i] = s.apply(ch, w)
		applied[i].Prev = prev
	}
	if len(applied) > 0 {
		s.heads[ch.App] = s.version
	}
	s.keep(ch, applied)
	s.announce(ch.App, applied)
	return slices.Clone(applied), nil
}

// Head implements runtime.HeadReader.
func (s *Store) Head(ctx context.Context, app string) (runtime.Position, error) {
	if err := ctx.Err(); err != nil {
		return runtime.Position{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return runtime.Position{Epoch: s.epoch, Version: s.heads[app]}, nil
}

// loggedChange is a committed change set and its app.
type loggedChange struct {
	app string
	*runtime.ChangeSet
}

// keep records a committed change set. A change that only reveals takes a
// version of its own; one with neither writes nor reveals leaves no
// trace, as in the Postgres store.
func (s *Store) keep(ch runtime.Change, applied []runtime.Applied) {
	switch {
	case len(applied) == 0 && len(ch.Revealed) == 0:
		return
	case len(applied) == 0:
		s.version++
	}
	cs := &runtime.ChangeSet{ID: ch.ID, Version: s.version, At: time.Now(), ChangeInfo: ch.ChangeInfo,
		Reverts: ch.Reverts, Writes: applied, Revealed: slices.Clone(ch.Revealed)}
	s.changes[ch.ID] = cs
	s.log = append(s.log, loggedChange{app: ch.App, ChangeSet: cs})
}

// check verifies a change before any of it is applied.
func (s *Store) check(ch runtime.Change) error {
	if s.fenced[ch.ID] {
		return fmt.Errorf("memory: change %s was resolved as not committed", ch.ID)
	}
	if _, ok := s.changes[ch.ID]; ok {
		return fmt.Errorf("memory: change %s was already applied", ch.ID)
	}
	if err := ch.Check(); err != nil {
		return fmt.Errorf("memory: %w", err)
	}
	for _, w := range ch.Writes {
		if cur := s.record(w.Path); w.CheckVersion && cur.Version != w.Version {
			return &runtime.ConflictError{Path: w.Path, Expected: w.Version, Actual: cur.Version}
		}
	}
	return nil
}

func (s *Store) apply(ch runtime.Change, w runtime.Write) runtime.Applied {
	old := s.record(w.Path)
	s.version++
	rec := runtime.Record{Path: w.Path, Epoch: s.epoch, Version: s.version, Set: !w.Reset}
	if !w.Reset {
		rec.Value = w.Value
	}
	s.records[w.Path] = rec
	s.history = append(s.history, runtime.HistoryEntry{
		Path: w.Path, Version: rec.Version, Set: rec.Set, Value: rec.Value,
		OldSet: old.Set, OldValue: old.Value, OldVersion: old.Version, At: time.Now(),
		ChangeID: ch.ID, ChangeInfo: ch.ChangeInfo,
	})
	return runtime.Applied{Old: old, New: rec}
}

// Resolve implements runtime.Store. A memory store always knows: Apply
// either commits before it returns or fails.
func (s *Store) Resolve(ctx context.Context, app, id string) (runtime.Resolution, error) {
	if err := ctx.Err(); err != nil {
		return runtime.Resolution{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if cs, ok := s.changes[id]; ok {
		return runtime.Resolution{Committed: true, Applied: slices.Clone(cs.Writes)}, nil
	}
	s.fenced[id] = true
	return runtime.Resolution{}, nil
}

// History implements runtime.Store.
func (s *Store) History(ctx context.Context, path string, limit int) ([]runtime.HistoryEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []runtime.HistoryEntry
	for i := len(s.history) - 1; i >= 0 && len(out) < limit; i-- {
		if s.history[i].Path == path {
			out = append(out, s.history[i])
		}
	}
	return out, nil
}

// Changes implements runtime.Store.
func (s *Store) Changes(ctx context.Context, app string, q runtime.ChangeQuery) ([]runtime.ChangeSet, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []runtime.ChangeSet{}
	for i := len(s.log) - 1; i >= 0 && len(out) < q.Limit; i-- {
		l := s.log[i]
		if l.app == app && q.Matches(app, *l.ChangeSet) {
			cs := *l.ChangeSet
			cs.Writes, cs.Revealed = slices.Clone(cs.Writes), slices.Clone(cs.Revealed)
			out = append(out, cs)
		}
	}
	return out, nil
}

// HistoryAt implements runtime.Store.
func (s *Store) HistoryAt(ctx context.Context, path string, version int64) (runtime.HistoryEntry, bool, error) {
	if err := ctx.Err(); err != nil {
		return runtime.HistoryEntry{}, false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.history) - 1; i >= 0; i-- {
		if h := s.history[i]; h.Path == path && h.Version <= version {
			return h, true, nil
		}
	}
	return runtime.HistoryEntry{}, false, nil
}

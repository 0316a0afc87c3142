package memory

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// Store is an in-memory runtime.Store. The zero value is not usable; call
// NewStore.
type Store struct {
	mu        sync.Mutex
	version   int64
	records   map[string]runtime.Record
	history   []runtime.HistoryEntry
	listeners []*listener
}

// NewStore returns an empty store.
func NewStore() *Store {
	return &Store{records: map[string]runtime.Record{}}
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
	return runtime.Record{Path: path}
}

// LoadApp implements runtime.Store.
func (s *Store) LoadApp(ctx context.Context, app string) ([]runtime.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.matching(app, 0), nil
}

// matching returns the records of app newer than version, in path order.
func (s *Store) matching(app string, version int64) []runtime.Record {
	var recs []runtime.Record
	for p, r := range s.records {
		if strings.HasPrefix(p, app+".") && r.Version > version {
			recs = append(recs, r)
		}
	}
	slices.SortFunc(recs, func(a, b runtime.Record) int { return strings.Compare(a.Path, b.Path) })
	return recs
}

// Apply implements runtime.Store.
func (s *Store) Apply(ctx context.Context, app string, writes []runtime.Write) ([]runtime.Applied, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.check(writes); err != nil {
		return nil, err
	}
	applied := make([]runtime.Applied, len(writes))
	for i, w := range writes {
		applied[i] = s.apply(w)
	}
	s.announce(app, s.version)
	return applied, nil
}

// check verifies a batch before any of it is applied.
func (s *Store) check(writes []runtime.Write) error {
	seen := make(map[string]bool, len(writes))
	for _, w := range writes {
		if seen[w.Path] {
			return fmt.Errorf("memory: path %s written twice in one batch", w.Path)
		}
		seen[w.Path] = true
		if cur := s.record(w.Path); w.CheckVersion && cur.Version != w.Version {
			return &runtime.ConflictError{Path: w.Path, Expected: w.Version, Actual: cur.Version}
		}
	}
	return nil
}

func (s *Store) apply(w runtime.Write) runtime.Applied {
	old := s.record(w.Path)
	s.version++
	rec := runtime.Record{Path: w.Path, Version: s.version, Set: !w.Reset}
	if !w.Reset {
		rec.Value = w.Value
	}
	s.records[w.Path] = rec
	s.history = append(s.history, runtime.HistoryEntry{
		Path: w.Path, Version: rec.Version, Set: rec.Set, Value: rec.Value,
		OldSet: old.Set, OldValue: old.Value, At: time.Now(),
	})
	return runtime.Applied{Old: old, New: rec}
}

// Since implements runtime.Store.
func (s *Store) Since(ctx context.Context, app string, version int64) ([]runtime.Record, int64, error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	recs := s.matching(app, version)
	slices.SortFunc(recs, func(a, b runtime.Record) int { return int(a.Version - b.Version) })
	latest := version
	if len(recs) > 0 {
		latest = recs[len(recs)-1].Version
	}
	return recs, latest, nil
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

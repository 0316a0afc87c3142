package runtimetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// TestStore runs the Store contract (see runtime.Store) against stores made
// by newStore, one fresh, empty store per subtest.
func TestStore(t *testing.T, newStore func(t *testing.T) runtime.Store) {
	tests := []struct {
		name string
		run  func(t *testing.T, s runtime.Store)
	}{
		{"LoadNeverWritten", storeLoadNeverWritten},
		{"SetThenLoad", storeSetThenLoad},
		{"ResetKeepsVersionedTombstone", storeResetTombstone},
		{"VersionsIncreaseAcrossPaths", storeVersionsIncrease},
		{"AppliedReportsOldAndNew", storeAppliedOldNew},
		{"BatchIsAtomic", storeBatchAtomic},
		{"CheckVersion", storeCheckVersion},
		{"DuplicatePathRejected", storeDuplicatePath},
		{"LoadAppIsolatesApps", storeLoadApp},
		{"Since", storeSince},
		{"History", storeHistory},
		{"ConcurrentWrites", storeConcurrentWrites},
		{"ConcurrentFirstWriteConflict", storeConcurrentFirstWrite},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, newStore(t)) })
	}
}

const app = "conf"

func path(n int) string { return fmt.Sprintf("%s.sec.f%d", app, n) }

func set(p, v string) runtime.Write { return runtime.Write{Path: p, Value: v} }

func mustApply(t *testing.T, s runtime.Store, writes ...runtime.Write) []runtime.Applied {
	t.Helper()
	applied, err := s.Apply(context.Background(), app, writes)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if len(applied) != len(writes) {
		t.Fatalf("Apply returned %d results for %d writes", len(applied), len(writes))
	}
	return applied
}

func mustLoad(t *testing.T, s runtime.Store, paths ...string) []runtime.Record {
	t.Helper()
	recs, err := s.Load(context.Background(), paths)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if len(recs) != len(paths) {
		t.Fatalf("Load returned %d records for %d paths", len(recs), len(paths))
	}
	return recs
}

func storeLoadNeverWritten(t *testing.T, s runtime.Store) {
	recs := mustLoad(t, s, path(2), path(1))
	for i, p := range []string{path(2), path(1)} {
		if want := (runtime.Record{Path: p}); recs[i] != want {
			t.Errorf("record %d = %+v, want %+v", i, recs[i], want)
		}
	}
}

func storeSetThenLoad(t *testing.T, s runtime.Store) {
	mustApply(t, s, set(path(1), "hello"), set(path(2), ""))
	recs := mustLoad(t, s, path(1), path(2), path(3))
	if r := recs[0]; !r.Set || r.Value != "hello" || r.Version <= 0 {
		t.Errorf("path 1 = %+v, want set to hello with a version", r)
	}
	if r := recs[1]; !r.Set || r.Value != "" {
		t.Errorf("path 2 = %+v, want set to the empty string", r)
	}
	if r := recs[2]; r.Set || r.Version != 0 {
		t.Errorf("path 3 = %+v, want never written", r)
	}
}

func storeResetTombstone(t *testing.T, s runtime.Store) {
	first := mustApply(t, s, set(path(1), "x"))[0].New
	reset := mustApply(t, s, runtime.Write{Path: path(1), Reset: true})[0].New
	got := mustLoad(t, s, path(1))[0]
	if got.Set || got.Value != "" {
		t.Errorf("after reset: %+v, want no override", got)
	}
	if got.Version <= first.Version || got.Version != reset.Version {
		t.Errorf("after reset version %d, want %d (> %d)", got.Version, reset.Version, first.Version)
	}
}

func storeVersionsIncrease(t *testing.T, s runtime.Store) {
	var last int64
	for i := 0; i < 5; i++ {
		v := mustApply(t, s, set(path(i%2), fmt.Sprint(i)))[0].New.Version
		if v <= last {
			t.Fatalf("write %d got version %d, not above %d", i, v, last)
		}
		last = v
	}
}

func storeAppliedOldNew(t *testing.T, s runtime.Store) {
	a := mustApply(t, s, set(path(1), "one"))[0]
	if a.Old.Set || a.Old.Version != 0 || a.Old.Path != path(1) {
		t.Errorf("first write old = %+v, want never written", a.Old)
	}
	b := mustApply(t, s, set(path(1), "two"))[0]
	if !b.Old.Set || b.Old.Value != "one" || b.Old.Version != a.New.Version {
		t.Errorf("second write old = %+v, want %+v", b.Old, a.New)
	}
	if !b.New.Set || b.New.Value != "two" {
		t.Errorf("second write new = %+v", b.New)
	}
}

func storeBatchAtomic(t *testing.T, s runtime.Store) {
	mustApply(t, s, set(path(1), "before"))
	_, err := s.Apply(context.Background(), app, []runtime.Write{
		set(path(1), "after"),
		{Path: path(2), Value: "x", CheckVersion: true, Version: 12345},
	})
	var conflict *runtime.ConflictError
	if !errors.As(err, &conflict) || conflict.Path != path(2) || conflict.Expected != 12345 || conflict.Actual != 0 {
		t.Fatalf("Apply = %v, want a *ConflictError for %s expecting 12345 finding 0", err, path(2))
	}
	recs := mustLoad(t, s, path(1), path(2))
	if recs[0].Value != "before" || recs[1].Set {
		t.Errorf("after failed batch: %+v, want nothing written", recs)
	}
}

func storeCheckVersion(t *testing.T, s runtime.Store) {
	create := runtime.Write{Path: path(1), Value: "a", CheckVersion: true, Version: 0}
	v1 := mustApply(t, s, create)[0].New.Version
	if _, err := s.Apply(context.Background(), app, []runtime.Write{create}); !errors.Is(err, runtime.ErrConflict) {
		t.Fatalf("second create = %v, want ErrConflict", err)
	}
	update := runtime.Write{Path: path(1), Value: "b", CheckVersion: true, Version: v1}
	if got := mustApply(t, s, update)[0].New; got.Value != "b" {
		t.Errorf("update with the right version wrote %+v", got)
	}
}

func storeDuplicatePath(t *testing.T, s runtime.Store) {
	_, err := s.Apply(context.Background(), app, []runtime.Write{set(path(1), "a"), set(path(1), "b")})
	if err == nil {
		t.Fatal("Apply with a path written twice succeeded")
	}
	if r := mustLoad(t, s, path(1))[0]; r.Set {
		t.Errorf("after rejected batch: %+v, want nothing written", r)
	}
}

func storeLoadApp(t *testing.T, s runtime.Store) {
	mustApply(t, s, set(path(2), "b"), set(path(1), "a"))
	mustApply(t, s, runtime.Write{Path: path(2), Reset: true})
	if _, err := s.Apply(context.Background(), "other", []runtime.Write{set("other.sec.f1", "z")}); err != nil {
		t.Fatalf("Apply other app: %v", err)
	}
	recs, err := s.LoadApp(context.Background(), app)
	if err != nil {
		t.Fatalf("LoadApp: %v", err)
	}
	if len(recs) != 2 || recs[0].Path != path(1) || recs[1].Path != path(2) {
		t.Fatalf("LoadApp = %+v, want %s then %s", recs, path(1), path(2))
	}
	if !recs[0].Set || recs[1].Set {
		t.Errorf("LoadApp = %+v, want first set, second reset", recs)
	}
}

func storeSince(t *testing.T, s runtime.Store) {
	_, latest0, err := s.Since(context.Background(), app, 0)
	if err != nil || latest0 != 0 {
		t.Fatalf("Since on empty store = %d, %v; want 0, nil", latest0, err)
	}
	v1 := mustApply(t, s, set(path(1), "a"))[0].New.Version
	v2 := mustApply(t, s, set(path(2), "b"))[0].New.Version
	recs, latest, err := s.Since(context.Background(), app, v1)
	if err != nil {
		t.Fatalf("Since: %v", err)
	}
	if latest != v2 || len(recs) != 1 || recs[0].Path != path(2) || recs[0].Version != v2 {
		t.Errorf("Since(%d) = %+v, %d; want only %s at %d", v1, recs, latest, path(2), v2)
	}
	if _, latest, _ = s.Since(context.Background(), app, v2); latest != v2 {
		t.Errorf("Since(latest) reported latest %d, want %d", latest, v2)
	}
}

func storeHistory(t *testing.T, s runtime.Store) {
	mustApply(t, s, set(path(1), "a"))
	mustApply(t, s, set(path(1), "b"))
	mustApply(t, s, runtime.Write{Path: path(1), Reset: true})
	hist, err := s.History(context.Background(), path(1), 2)
	if err != nil {
		t.Fatalf("History: %v", err)
	}
	if len(hist) != 2 {
		t.Fatalf("History returned %d entries, want 2 (the limit)", len(hist))
	}
	if h := hist[0]; h.Set || !h.OldSet || h.OldValue != "b" {
		t.Errorf("newest entry = %+v, want the reset of b", h)
	}
	if h := hist[1]; !h.Set || h.Value != "b" || h.OldValue != "a" || h.Version >= hist[0].Version {
		t.Errorf("second entry = %+v, want a -> b, older than the reset", h)
	}
}

func storeConcurrentWrites(t *testing.T, s runtime.Store) {
	const writers = 16
	versions := make([]int64, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, err := s.Apply(context.Background(), app, []runtime.Write{set(path(1), fmt.Sprint(i))})
			if err != nil {
				t.Errorf("writer %d: %v", i, err)
				return
			}
			versions[i] = a[0].New.Version
		}()
	}
	wg.Wait()
	final := mustLoad(t, s, path(1))[0]
	seen := map[int64]bool{}
	var highest int64
	for i, v := range versions {
		if seen[v] {
			t.Errorf("version %d handed out twice", v)
		}
		seen[v] = true
		if v > highest {
			highest = v
			if final.Value != fmt.Sprint(i) && final.Version == v {
				t.Errorf("final value %q does not belong to version %d", final.Value, v)
			}
		}
	}
	if final.Version != highest {
		t.Errorf("final version %d, want the highest handed out, %d", final.Version, highest)
	}
}

func storeConcurrentFirstWrite(t *testing.T, s runtime.Store) {
	const writers = 12
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins, conflicts := 0, 0
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := runtime.Write{Path: path(1), Value: fmt.Sprint(i), CheckVersion: true}
			_, err := s.Apply(context.Background(), app, []runtime.Write{w})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
			case errors.Is(err, runtime.ErrConflict):
				conflicts++
			default:
				t.Errorf("writer %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	if wins != 1 || conflicts != writers-1 {
		t.Errorf("%d creates won and %d conflicted, want 1 and %d", wins, conflicts, writers-1)
	}
}

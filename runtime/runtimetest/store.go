package runtimetest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

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
		{"SinceFullIsolatesApps", storeSinceFull},
		{"Since", storeSince},
		{"SinceFromAnotherEpochIsFull", storeSinceOtherEpoch},
		{"ResolveCommitted", storeResolveCommitted},
		{"ResolveFencesUnknownChange", storeResolveFences},
		{"History", storeHistory},
		{"HistoryCarriesAttribution", storeHistoryAttribution},
		{"HistoryAt", storeHistoryAt},
		{"ChangesNewestFirstWithWrites", storeChanges},
		{"ChangesFilters", storeChangesFilters},
		{"ChangesPaging", storeChangesPaging},
		{"ChangesRecordReveals", storeChangesReveals},
		{"ConcurrentWrites", storeConcurrentWrites},
		{"ConcurrentFirstWriteConflict", storeConcurrentFirstWrite},
		{"AppliedCarriesPrev", storeAppliedPrev},
		{"ConcurrentChangesChain", storeConcurrentChain},
		{"SinceMissesNothingUnderConcurrentWriters", storeSinceMissesNothing},
		{"Head", storeHead},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, newStore(t)) })
	}
}

const app = "conf"

func path(n int) string { return fmt.Sprintf("%s.sec.f%d", app, n) }

func set(p, v string) runtime.Write { return runtime.Write{Path: p, Value: v} }

// change returns a new change of app with writes.
func change(app string, writes ...runtime.Write) runtime.Change {
	return runtime.Change{ID: runtime.NewChangeID(), App: app, Writes: writes}
}

// apply applies writes to app as one new change.
func apply(s runtime.Store, app string, writes ...runtime.Write) ([]runtime.Applied, error) {
	return s.Apply(context.Background(), change(app, writes...))
}

func mustApply(t *testing.T, s runtime.Store, writes ...runtime.Write) []runtime.Applied {
	t.Helper()
	applied, err := apply(s, app, writes...)
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
	if recs[0].Epoch <= 0 {
		t.Fatalf("record %+v carries no epoch", recs[0])
	}
	for i, p := range []string{path(2), path(1)} {
		if want := (runtime.Record{Path: p, Epoch: recs[0].Epoch}); recs[i] != want {
			t.Errorf("record %d = %+v, want %+v", i, recs[i], want)
		}
	}
}

func storeSetThenLoad(t *testing.T, s runtime.Store) {
	mustApply(t, s, set(path(1), "hello"), set(path(2), ""))
	recs := mustLoad(t, s, path(1), path(2), path(3))
	if r := recs[0]; !r.Set || r.Value != "hello" || r.Version <= 0 || r.Epoch <= 0 {
		t.Errorf("path 1 = %+v, want set to hello with an epoch and a version", r)
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
	_, err := apply(s, app, set(path(1), "after"),
		runtime.Write{Path: path(2), Value: "x", CheckVersion: true, Version: 12345})
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
	if _, err := apply(s, app, create); !errors.Is(err, runtime.ErrConflict) {
		t.Fatalf("second create = %v, want ErrConflict", err)
	}
	update := runtime.Write{Path: path(1), Value: "b", CheckVersion: true, Version: v1}
	if got := mustApply(t, s, update)[0].New; got.Value != "b" {
		t.Errorf("update with the right version wrote %+v", got)
	}
}

func storeDuplicatePath(t *testing.T, s runtime.Store) {
	_, err := apply(s, app, set(path(1), "a"), set(path(1), "b"))
	if !errors.Is(err, runtime.ErrInvalid) {
		t.Fatalf("Apply with a path written twice = %v, want an error matching ErrInvalid", err)
	}
	if r := mustLoad(t, s, path(1))[0]; r.Set {
		t.Errorf("after rejected batch: %+v, want nothing written", r)
	}
}

func storeSinceFull(t *testing.T, s runtime.Store) {
	mustApply(t, s, set(path(2), "b"), set(path(1), "a"))
	mustApply(t, s, runtime.Write{Path: path(2), Reset: true})
	if _, err := apply(s, "other", set("other.sec.f1", "z")); err != nil {
		t.Fatalf("Apply other app: %v", err)
	}
	d, err := s.Since(context.Background(), app, runtime.Position{})
	if err != nil {
		t.Fatalf("Since: %v", err)
	}
	if !d.Full || len(d.Records) != 2 {
		t.Fatalf("Since(zero) = %+v, want both records of the app, Full", d)
	}
	byPath := map[string]runtime.Record{}
	for _, r := range d.Records {
		byPath[r.Path] = r
		if r.Epoch != d.At.Epoch {
			t.Errorf("record %+v is not in the delta's epoch %d", r, d.At.Epoch)
		}
	}
	if !byPath[path(1)].Set || byPath[path(2)].Set {
		t.Errorf("Since(zero) = %+v, want %s set, %s reset", d.Records, path(1), path(2))
	}
	if last := d.Records[len(d.Records)-1].Version; d.At.Version != last || byPath[path(2)].Version != last {
		t.Errorf("Since(zero) reached %+v, want the reset's version %d, last", d.At, byPath[path(2)].Version)
	}
}

func storeSince(t *testing.T, s runtime.Store) {
	empty, err := s.Since(context.Background(), app, runtime.Position{})
	if err != nil || empty.At.Version != 0 || len(empty.Records) != 0 || !empty.Full || empty.At.Epoch <= 0 {
		t.Fatalf("Since(zero) on an empty store = %+v, %v; want nothing, Full, in an epoch", empty, err)
	}
	v1 := mustApply(t, s, set(path(1), "a"))[0].New.Version
	v2 := mustApply(t, s, set(path(2), "b"))[0].New.Version
	at := runtime.Position{Epoch: empty.At.Epoch, Version: v1}
	d, err := s.Since(context.Background(), app, at)
	if err != nil {
		t.Fatalf("Since: %v", err)
	}
	if d.Full || d.At.Version != v2 || len(d.Records) != 1 || d.Records[0].Path != path(2) || d.Records[0].Version != v2 {
		t.Errorf("Since(%+v) = %+v; want only %s at %d", at, d, path(2), v2)
	}
	if d, _ = s.Since(context.Background(), app, d.At); d.At.Version != v2 || len(d.Records) != 0 {
		t.Errorf("Since(latest) = %+v, want nothing newer than %d", d, v2)
	}
}

func storeSinceOtherEpoch(t *testing.T, s runtime.Store) {
	a := mustApply(t, s, set(path(1), "a"))[0].New
	mustApply(t, s, set(path(2), "b"))
	past := runtime.Position{Epoch: a.Epoch - 1, Version: 1 << 40}
	d, err := s.Since(context.Background(), app, past)
	if err != nil {
		t.Fatalf("Since: %v", err)
	}
	if !d.Full || len(d.Records) != 2 || d.At.Epoch != a.Epoch {
		t.Errorf("Since(%+v), from another epoch with a higher version = %+v; want every record, Full", past, d)
	}
}

func storeResolveCommitted(t *testing.T, s runtime.Store) {
	ch := change(app, set(path(1), "a"), runtime.Write{Path: path(2), Reset: true})
	applied, err := s.Apply(context.Background(), ch)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	for range 2 {
		res, err := s.Resolve(context.Background(), app, ch.ID)
		if err != nil {
			t.Fatalf("Resolve: %v", err)
		}
		if !res.Committed || len(res.Applied) != 2 {
			t.Fatalf("Resolve of a committed change = %+v, want committed with its 2 writes", res)
		}
		for i := range applied {
			if res.Applied[i].New != applied[i].New || res.Applied[i].Old != applied[i].Old {
				t.Errorf("Resolve reports write %d as %+v, Apply returned %+v", i, res.Applied[i], applied[i])
			}
		}
	}
}

func storeResolveFences(t *testing.T, s runtime.Store) {
	ch := change(app, set(path(1), "never"))
	for range 2 {
		res, err := s.Resolve(context.Background(), app, ch.ID)
		if err != nil || res.Committed {
			t.Fatalf("Resolve of a change never applied = %+v, %v; want not committed", res, err)
		}
	}
	if _, err := s.Apply(context.Background(), ch); err == nil {
		t.Fatal("Apply of a change Resolve reported as not committed succeeded")
	}
	if r := mustLoad(t, s, path(1))[0]; r.Set {
		t.Errorf("after the fenced Apply: %+v, want nothing written", r)
	}
	if res, err := s.Resolve(context.Background(), app, ch.ID); err != nil || res.Committed {
		t.Errorf("Resolve after the fenced Apply = %+v, %v; want still not committed", res, err)
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
			a, err := apply(s, app, set(path(1), fmt.Sprint(i)))
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
			_, err := apply(s, app, w)
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

func storeHistoryAttribution(t *testing.T, s runtime.Store) {
	first := mustApply(t, s, set(path(1), "a"))[0].New
	ch := change(app, set(path(2), "b"), set(path(1), "c"))
	ch.ChangeInfo = runtime.ChangeInfo{Actor: "alice@example.com", Reason: "raise the limit, ticket #12", Source: runtime.FromCLI}
	if _, err := s.Apply(context.Background(), ch); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	hist, err := s.History(context.Background(), path(1), 10)
	if err != nil || len(hist) != 2 {
		t.Fatalf("History = %+v, %v; want 2 entries", hist, err)
	}
	if h := hist[0]; h.ChangeID != ch.ID || h.ChangeInfo != ch.ChangeInfo || h.OldVersion != first.Version {
		t.Errorf("newest entry = %+v, want change %s with %+v, from version %d", h, ch.ID, ch.ChangeInfo, first.Version)
	}
	if h := hist[1]; h.ChangeID == "" || h.ChangeID == ch.ID || h.ChangeInfo != (runtime.ChangeInfo{}) || h.OldVersion != 0 {
		t.Errorf("first entry = %+v, want its own change, no attribution, from version 0", h)
	}
}

// applyAs applies writes to app as one new change attributed to info, and
// returns the change.
func applyAs(t *testing.T, s runtime.Store, app string, info runtime.ChangeInfo, writes ...runtime.Write) runtime.Change {
	t.Helper()
	ch := change(app, writes...)
	ch.ChangeInfo = info
	if _, err := s.Apply(context.Background(), ch); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	return ch
}

func mustChanges(t *testing.T, s runtime.Store, q runtime.ChangeQuery) []runtime.ChangeSet {
	t.Helper()
	if q.Limit == 0 {
		q.Limit = 100
	}
	sets, err := s.Changes(context.Background(), app, q)
	if err != nil {
		t.Fatalf("Changes(%+v): %v", q, err)
	}
	return sets
}

// ids returns the IDs of sets.
func ids(sets []runtime.ChangeSet) []string {
	out := make([]string, len(sets))
	for i, cs := range sets {
		out[i] = cs.ID
	}
	return out
}

func assertIDs(t *testing.T, what string, sets []runtime.ChangeSet, want ...runtime.Change) {
	t.Helper()
	var wantIDs []string
	for _, ch := range want {
		wantIDs = append(wantIDs, ch.ID)
	}
	if got := ids(sets); !slices.Equal(got, wantIDs) {
		t.Errorf("%s: change sets %q, want %q", what, got, wantIDs)
	}
}

func storeChanges(t *testing.T, s runtime.Store) {
	before := time.Now().Add(-time.Minute)
	first := mustApply(t, s, set(path(1), "a"))[0]
	info := runtime.ChangeInfo{Actor: "bob", Reason: "why not", Source: runtime.FromApply}
	ch := change(app, set(path(2), "b"), runtime.Write{Path: path(1), Reset: true})
	ch.ChangeInfo, ch.Reverts = info, "conf.sec.f1@1"
	applied, err := s.Apply(context.Background(), ch)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	sets := mustChanges(t, s, runtime.ChangeQuery{})
	if len(sets) != 2 {
		t.Fatalf("Changes = %+v, want 2 change sets", sets)
	}
	cs := sets[0]
	if cs.ID != ch.ID || cs.ChangeInfo != info || cs.Reverts != ch.Reverts || cs.Version != applied[1].New.Version {
		t.Errorf("newest change set = %+v, want %s by %+v reverting %s at version %d",
			cs, ch.ID, info, ch.Reverts, applied[1].New.Version)
	}
	if cs.At.Before(before) || cs.At.After(time.Now().Add(time.Minute)) {
		t.Errorf("change set committed at %v", cs.At)
	}
	if !sameWrites(cs.Writes, applied) {
		t.Errorf("change set writes = %+v, want what Apply returned, %+v", cs.Writes, applied)
	}
	if old := sets[1]; !sameWrites(old.Writes, []runtime.Applied{first}) || old.Version != first.New.Version {
		t.Errorf("older change set = %+v, want the first write %+v", old, first)
	}
}

func storeChangesFilters(t *testing.T, s runtime.Store) {
	alice, bob := runtime.ChangeInfo{Actor: "alice", Source: runtime.FromCLI}, runtime.ChangeInfo{Actor: "bob"}
	a := applyAs(t, s, app, alice, set(path(1), "1"))
	b := applyAs(t, s, app, bob, set(path(2), "2"), set("conf.other.f1", "x"))
	applyAs(t, s, "other", alice, set("other.sec.f1", "y"))
	time.Sleep(20 * time.Millisecond)
	middle := time.Now()
	time.Sleep(20 * time.Millisecond)
	c := applyAs(t, s, app, alice, set("conf.other.f2", "z"))

	assertIDs(t, "every change of the app", mustChanges(t, s, runtime.ChangeQuery{}), c, b, a)
	assertIDs(t, "by ID", mustChanges(t, s, runtime.ChangeQuery{ID: b.ID}), b)
	assertIDs(t, "by an unknown ID", mustChanges(t, s, runtime.ChangeQuery{ID: runtime.NewChangeID()}))
	assertIDs(t, "by actor", mustChanges(t, s, runtime.ChangeQuery{Actor: "alice"}), c, a)
	assertIDs(t, "by path", mustChanges(t, s, runtime.ChangeQuery{Path: path(2)}), b)
	assertIDs(t, "by section", mustChanges(t, s, runtime.ChangeQuery{Section: "other"}), c, b)
	assertIDs(t, "by section and path", mustChanges(t, s, runtime.ChangeQuery{Section: "other", Path: path(2)}))
	assertIDs(t, "since", mustChanges(t, s, runtime.ChangeQuery{Since: middle}), c)
	assertIDs(t, "until", mustChanges(t, s, runtime.ChangeQuery{Until: middle}), b, a)
	if got := mustChanges(t, s, runtime.ChangeQuery{Section: "other"}); len(got) == 2 && len(got[1].Writes) != 2 {
		t.Errorf("a change set selected by one write = %+v, want all its writes", got[1])
	}
}

// storeChangesReveals: a change that only reveals writes no record but is
// a change set in order, found by the paths it revealed; a change with
// neither writes nor reveals leaves no trace.
func storeChangesReveals(t *testing.T, s runtime.Store) {
	ctx := context.Background()
	first := mustApply(t, s, set(path(1), "a"))[0].New
	reveal := change(app)
	reveal.Revealed = []string{path(3), path(1)}
	reveal.ChangeInfo = runtime.ChangeInfo{Actor: "alice", Reason: "audit", Source: runtime.FromCLI}
	if applied, err := s.Apply(ctx, reveal); err != nil || len(applied) != 0 {
		t.Fatalf("Apply(a reveal) = %+v, %v; want no writes, no error", applied, err)
	}
	if _, err := s.Apply(ctx, change(app)); err != nil {
		t.Fatalf("Apply(an empty change): %v", err)
	}
	last := mustApply(t, s, set(path(2), "b"))[0].New

	sets := mustChanges(t, s, runtime.ChangeQuery{})
	if len(sets) != 3 {
		t.Fatalf("Changes = %+v, want the two writes and the reveal (an empty change leaves no trace)", sets)
	}
	r := sets[1]
	if r.ID != reveal.ID || r.ChangeInfo != reveal.ChangeInfo || len(r.Writes) != 0 ||
		!slices.Equal(r.Revealed, reveal.Revealed) || r.Version <= first.Version || r.Version >= last.Version {
		t.Errorf("reveal change set = %+v, want %s by %+v revealing %q, no writes, its version between %d and %d",
			r, reveal.ID, reveal.ChangeInfo, reveal.Revealed, first.Version, last.Version)
	}
	if len(sets[0].Revealed) != 0 || len(sets[2].Revealed) != 0 {
		t.Errorf("write change sets reveal %q and %q, want nothing", sets[0].Revealed, sets[2].Revealed)
	}
	assertIDs(t, "by a revealed path", mustChanges(t, s, runtime.ChangeQuery{Path: path(3)}), reveal)
	assertIDs(t, "by actor", mustChanges(t, s, runtime.ChangeQuery{Actor: "alice"}), reveal)
	if got := mustChanges(t, s, runtime.ChangeQuery{Section: "sec"}); len(got) != 3 {
		t.Errorf("by section = %q, want the reveal among the 3 change sets", ids(got))
	}
	if rec := mustLoad(t, s, path(3))[0]; rec.Version != 0 || rec.Set {
		t.Errorf("a revealed path that was never written loads as %+v, want no record", rec)
	}
	d, err := s.Since(ctx, app, runtime.Position{Epoch: first.Epoch, Version: first.Version})
	if err != nil || len(d.Records) != 1 || d.Records[0].Path != path(2) {
		t.Errorf("Since(the first write) = %+v, %v; want only the last write's record", d, err)
	}
	if res, err := s.Resolve(ctx, app, reveal.ID); err != nil || !res.Committed || len(res.Applied) != 0 {
		t.Errorf("Resolve(the reveal) = %+v, %v; want committed, no writes", res, err)
	}
}

func storeChangesPaging(t *testing.T, s runtime.Store) {
	var all []runtime.Change
	for i := range 5 {
		all = append([]runtime.Change{applyAs(t, s, app, runtime.ChangeInfo{}, set(path(i%2), fmt.Sprint(i)))}, all...)
	}
	var pages [][]runtime.ChangeSet
	q := runtime.ChangeQuery{Limit: 2}
	for {
		page := mustChanges(t, s, q)
		if len(page) == 0 {
			break
		}
		pages = append(pages, page)
		q.Before = page[len(page)-1].Version
	}
	if len(pages) != 3 || len(pages[0]) != 2 || len(pages[2]) != 1 {
		t.Fatalf("pages of 2 = %v, want 2, 2, 1 change sets", pages)
	}
	assertIDs(t, "pages of 2", slices.Concat(pages...), all...)
	if got := mustChanges(t, s, runtime.ChangeQuery{Limit: -1}); len(got) != 0 {
		t.Errorf("Changes with a negative limit = %+v, want none", got)
	}
}

func storeHistoryAt(t *testing.T, s runtime.Store) {
	other := mustApply(t, s, set(path(2), "x"))[0].New.Version
	a := mustApply(t, s, set(path(1), "a"), set(path(2), "y"))[0].New.Version
	reset := mustApply(t, s, runtime.Write{Path: path(1), Reset: true})[0].New.Version
	mustApply(t, s, set(path(1), "c"))
	for _, tc := range []struct {
		version int64
		found   bool
		set     bool
		value   string
	}{
		{other, false, false, ""}, {a, true, true, "a"}, {a + 1, true, true, "a"},
		{reset, true, false, ""}, {1 << 40, true, true, "c"},
	} {
		h, found, err := s.HistoryAt(context.Background(), path(1), tc.version)
		if err != nil || found != tc.found || h.Set != tc.set || h.Value != tc.value || found && h.Path != path(1) {
			t.Errorf("HistoryAt(%d) = %+v, %v, %v; want found %v, set %v to %q", tc.version, h, found, err, tc.found, tc.set, tc.value)
		}
	}
}

// sameWrites reports whether two lists of writes hold the same old and new
// records (a change set's writes need not carry the change's Prev).
func sameWrites(a, b []runtime.Applied) bool {
	return slices.EqualFunc(a, b, func(x, y runtime.Applied) bool { return x.Old == y.Old && x.New == y.New })
}

// storeAppliedPrev: each change's Prev is the app's highest version before
// it, whatever other apps and failed changes do in between.
func storeAppliedPrev(t *testing.T, s runtime.Store) {
	a := mustApply(t, s, set(path(1), "a"))
	if a[0].Prev != 0 {
		t.Errorf("first change of the app: Prev %d, want 0", a[0].Prev)
	}
	if _, err := apply(s, "conf2", set("conf2.sec.f1", "x")); err != nil {
		t.Fatal(err)
	}
	conflict := runtime.Write{Path: path(2), Value: "x", CheckVersion: true, Version: 999}
	if _, err := apply(s, app, conflict); !errors.Is(err, runtime.ErrConflict) {
		t.Fatalf("conflicting Apply = %v", err)
	}
	b := mustApply(t, s, set(path(2), "b"), runtime.Write{Path: path(1), Reset: true})
	for i, w := range b {
		if w.Prev != a[0].New.Version {
			t.Errorf("write %d of the second change: Prev %d, want %d", i, w.Prev, a[0].New.Version)
		}
	}
	c := mustApply(t, s, set(path(3), "c"))
	if c[0].Prev != b[1].New.Version {
		t.Errorf("third change: Prev %d, want %d (the second's last version)", c[0].Prev, b[1].New.Version)
	}
}

// storeConcurrentChain: changes of one app committed concurrently, beside
// another app's, each carry a Prev that is either unknown (negative) or
// exactly the highest version of the changes before it, none of whose
// versions lies within its own. This is what lets a reader that applies a
// change only at its Prev never miss one. A store that runs an app's
// writers one at a time knows every Prev; a store that runs them side by
// side may leave some unknown, and their versions may interleave.
func storeConcurrentChain(t *testing.T, s runtime.Store) {
	const writers, each = 8, 6
	type link struct{ prev, first, last int64 }
	var mu sync.Mutex
	var links []link
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				if _, err := apply(s, "conf2", set(fmt.Sprintf("conf2.sec.f%d", w), "x")); err != nil {
					t.Errorf("other app: %v", err)
				}
				a, err := apply(s, app, set(path(w), fmt.Sprint(i)), set(path(100+i), "y"))
				if err != nil {
					t.Errorf("writer %d: %v", w, err)
					return
				}
				mu.Lock()
				links = append(links, link{a[0].Prev, a[0].New.Version, a[1].New.Version})
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	slices.SortFunc(links, func(a, b link) int { return cmp.Compare(a.first, b.first) })
	var at int64 // the highest version of the changes before l
	known := 0
	for i, l := range links {
		if l.prev >= 0 {
			known++
			if l.prev != at || l.first <= at || i+1 < len(links) && links[i+1].first < l.last {
				t.Fatalf("change %d–%d says it follows %d, but the app was at %d, or another change's versions lie within it: "+
					"the chain is broken (%+v)", l.first, l.last, l.prev, at, links)
			}
		}
		at = max(at, l.last)
	}
	t.Logf("%d of %d changes knew their Prev", known, len(links))
}

// storeSinceMissesNothing: a reader that follows an app with Since, from
// the position each Delta gives, while writers of the app commit side by
// side, ends up with every record: no change commits at or below a
// position Since has already handed out. Every change writes a path of its
// own, never written again, so that a missed record is never covered by a
// later one.
func storeSinceMissesNothing(t *testing.T, s runtime.Store) {
	const writers, each = 8, 25
	ctx := context.Background()
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				if _, err := apply(s, app, set(path(1000*(w+1)+i), "x")); err != nil {
					t.Errorf("writer %d: %v", w, err)
					return
				}
			}
		})
	}
	seen := map[string]bool{}
	var at runtime.Position
	follow := func() {
		d, err := s.Since(ctx, app, at)
		if err != nil {
			t.Fatalf("Since(%+v): %v", at, err)
		}
		for _, r := range d.Records {
			seen[r.Path] = true
		}
		at = d.At
	}
	writing := make(chan struct{})
	go func() { wg.Wait(); close(writing) }()
	for done := false; !done; {
		select {
		case <-writing:
			done = true
		default:
		}
		follow()
	}
	follow()
	var missed []string
	for w := range writers {
		for i := range each {
			if p := path(1000*(w+1) + i); !seen[p] {
				missed = append(missed, p)
			}
		}
	}
	if len(missed) > 0 {
		t.Errorf("a reader following with Since missed %d of %d records, e.g. %v", len(missed), writers*each, missed[:min(5, len(missed))])
	}
}

// storeHead: a HeadReader's Head is the position a Since from scratch
// reaches, whatever other apps write. Stores that are not HeadReaders
// skip it.
func storeHead(t *testing.T, s runtime.Store) {
	hr, ok := s.(runtime.HeadReader)
	if !ok {
		t.Skip("the store is not a runtime.HeadReader")
	}
	ctx := context.Background()
	h, err := hr.Head(ctx, app)
	if err != nil || h.Epoch == 0 || h.Version != 0 {
		t.Fatalf("Head of an empty app = %+v, %v; want the store's epoch and version 0", h, err)
	}
	mustApply(t, s, set(path(1), "a"), set(path(2), "b"))
	if _, err := apply(s, "conf2", set("conf2.sec.f1", "x")); err != nil {
		t.Fatal(err)
	}
	mustApply(t, s, runtime.Write{Path: path(1), Reset: true})
	h, err = hr.Head(ctx, app)
	d, derr := s.Since(ctx, app, runtime.Position{})
	if err != nil || derr != nil || h != d.At {
		t.Errorf("Head = %+v (%v), want %+v, the position a full Since reaches (%v)", h, err, d.At, derr)
	}
}

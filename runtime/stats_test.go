package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/memory"
)

// Each test below makes the events a figure counts happen, one kind after
// another, and checks that the figure moves with each and nothing else
// does.

// faultStore is a memory store (it notifies) that, while down, fails
// every read and write as an unreachable Postgres does, and while held,
// keeps every sync waiting until released, as a slow query does.
type faultStore struct {
	*memory.Store
	down, held atomic.Bool
	release    chan struct{}
}

func newFaultStore(s *memory.Store) *faultStore {
	return &faultStore{Store: s, release: make(chan struct{})}
}

func (s *faultStore) Load(ctx context.Context, paths []string) ([]runtime.Record, error) {
	if s.down.Load() {
		return nil, errDown
	}
	return s.Store.Load(ctx, paths)
}

func (s *faultStore) Since(ctx context.Context, app string, from runtime.Position) (runtime.Delta, error) {
	if s.down.Load() {
		return runtime.Delta{}, errDown
	}
	if s.held.Load() {
		select {
		case <-s.release:
		case <-ctx.Done():
			return runtime.Delta{}, ctx.Err()
		}
	}
	return s.Store.Since(ctx, app, from)
}

// Head fails while the store is down, as every read does.
func (s *faultStore) Head(ctx context.Context, app string) (runtime.Position, error) {
	if s.down.Load() {
		return runtime.Position{}, errDown
	}
	return s.Store.Head(ctx, app)
}

// Listen reports the store's notices without their records, so that a
// client hearing one must ask Since, which the test can hold.
func (s *faultStore) Listen(ctx context.Context, app string, notify func(runtime.Notice)) error {
	return s.Store.Listen(ctx, app, func(n runtime.Notice) {
		n.Records = nil
		notify(n)
	})
}

func (s *faultStore) Apply(ctx context.Context, ch runtime.Change) ([]runtime.Applied, error) {
	if s.down.Load() {
		return nil, errDown
	}
	return s.Store.Apply(ctx, ch)
}

// quiet is the options of a client whose logs the test does not read.
func quiet(opts runtime.Options) runtime.Options {
	opts.Logger = slog.New(slog.DiscardHandler)
	return opts
}

func TestStatsCountHowWritesEnd(t *testing.T) {
	ls := &lostAnswerStore{}
	e := newEnv(t, func(s runtime.Store, c runtime.Cache) (runtime.Store, runtime.Cache) { ls.Store = s; return ls, c })
	var want runtime.WriteStats
	step := func(what string, err error, check func(error) bool, counter *uint64) string {
		t.Helper()
		if !check(err) {
			t.Fatalf("%s: unexpected result %v", what, err)
		}
		if counter != nil {
			*counter++
		}
		if got := e.client.Stats().Writes; got != want {
			t.Errorf("after %s: %+v, want %+v", what, got, want)
		}
		var unknown *runtime.OutcomeUnknownError
		if errors.As(err, &unknown) {
			return unknown.ChangeID
		}
		return ""
	}
	isNil := func(err error) bool { return err == nil }
	isUnknown := func(err error) bool { return errors.Is(err, runtime.ErrOutcomeUnknown) }

	step("a write", maxField.Set(ctx, e.client, 1), isNil, &want.Committed)
	step("a refused value", maxField.Set(ctx, e.client, 1000), func(err error) bool { return errors.Is(err, runtime.ErrInvalid) }, nil)
	err := e.client.SetMany(ctx, maxField.Assign(2).IfVersion(0))
	step("a conflict", err, func(err error) bool { return errors.Is(err, runtime.ErrConflict) }, &want.Failed)

	ls.lose.Store(true)
	ls.commit.Store(true)
	step("a committed write whose answer was lost", maxField.Set(ctx, e.client, 3), isNil, &want.Committed)
	ls.commit.Store(false)
	step("a write that did not commit, its answer lost", maxField.Set(ctx, e.client, 4),
		func(err error) bool { return errors.Is(err, runtime.ErrUnavailable) }, &want.Failed)

	ls.deaf.Store(true)
	aborted := step("an unknown outcome", maxField.Set(ctx, e.client, 5), isUnknown, &want.OutcomeUnknown)
	ls.commit.Store(true)
	committed := step("an unknown outcome that committed", maxField.Set(ctx, e.client, 6), isUnknown, &want.OutcomeUnknown)
	ls.deaf.Store(false)

	ok, err := e.client.Resolve(ctx, aborted)
	step("Resolve: not committed", err, func(err error) bool { return err == nil && !ok }, &want.ResolvedNotCommitted)
	ok, err = e.client.Resolve(ctx, committed)
	step("Resolve: committed", err, func(err error) bool { return err == nil && ok }, &want.ResolvedCommitted)
}

func TestStatsCacheLookupsOfReadsWithoutSnapshot(t *testing.T) {
	e := newEnv(t, nil)
	want := runtime.CacheStats{Enabled: true}
	check := func(what string) {
		t.Helper()
		if got := e.client.Stats().Cache; got != want {
			t.Errorf("after %s:\n got %+v\nwant %+v", what, got, want)
		}
	}
	check("nothing")
	read := func(f *runtime.Field[int64]) {
		t.Helper()
		if _, err := f.Get(ctx, e.client); err != nil {
			t.Fatal(err)
		}
	}
	read(maxField)
	want.Misses, want.Fills = 1, 1 // then loaded, and its tombstone filled
	check("a first read")
	read(maxField)
	want.Hits = 1
	check("a second read")
	if r := e.client.Stats().Cache.HitRate(); r != 0.5 {
		t.Errorf("hit rate = %v, want 0.5", r)
	}

	old := runtime.Entry{Key: ttlField.CacheKey(), Set: true, Value: "1s", Epoch: 1, Version: 1, AsOf: time.Now().Add(-time.Hour)}
	if err := e.cache.Fill(ctx, []runtime.Entry{old}); err != nil {
		t.Fatal(err)
	}
	if _, err := ttlField.Get(ctx, e.client); err != nil {
		t.Fatal(err)
	}
	want.Stale, want.Fills = 1, 2
	check("a read over an entry older than the bound")

	garbage := old
	garbage.Key, garbage.Value, garbage.AsOf, garbage.Epoch = maxField.CacheKey(), "not a number", time.Now(), 1<<62
	if err := e.cache.Fill(ctx, []runtime.Entry{garbage}); err != nil {
		t.Fatal(err)
	}
	read(maxField)
	want.Misses, want.Corrupt, want.Fills = 2, 1, 3
	check("a read over a corrupt entry")
	if e.client.Stats().Store.Loads != 3 {
		t.Errorf("store loads = %d, want 3 (first read, stale entry, corrupt entry)", e.client.Stats().Store.Loads)
	}
}

// fillFailingCache answers reads but fails every fill while broken.
type fillFailingCache struct {
	runtime.Cache
	broken atomic.Bool
}

func (f *fillFailingCache) Fill(ctx context.Context, entries []runtime.Entry) error {
	if f.broken.Load() {
		return errDown
	}
	return f.Cache.Fill(ctx, entries)
}

// TestStatsCacheOutages: a started client's cache fails a fill, then
// fails every call, twice. Each outage shows from the failed call on, the
// probes that fail are counted, and the fills kept meanwhile are sent when
// it ends.
func TestStatsCacheOutages(t *testing.T) {
	fc := &failingCache{Cache: memory.NewCache()}
	ff := &fillFailingCache{Cache: fc}
	fc.up.Store(true)
	c := started(t, memory.NewStore(), ff, quiet(runtime.Options{CacheRetryInterval: 5 * time.Millisecond, ReconcileInterval: 5 * time.Millisecond}))
	cache := func() runtime.CacheStats { return c.Stats().Cache }
	back := func(what string, value int64) {
		t.Helper()
		eventually(t, what, func() bool { return !cache().Down })
		if got := cachedValue(fc.Cache); got != fmt.Sprint(value) {
			t.Errorf("%s: the cache holds %q, want the kept fill's %d", what, got, value)
		}
	}

	ff.broken.Store(true)
	if err := maxField.Set(ctx, c, 5); err != nil {
		t.Fatal(err)
	}
	eventually(t, "a failed fill", func() bool { return cache().Down })
	if s := cache(); s.Fills != 1 || s.FillErrors != 1 || s.Errors != 1 {
		t.Errorf("after a failed fill: %+v, want 1 fill, 1 fill error, 1 error", s)
	}
	ff.broken.Store(false)
	back("back after a failed fill", 5)
	if s := cache(); s.Fills != 2 || s.FillErrors != 1 || s.Errors != 1 || !s.DownSince.IsZero() {
		t.Errorf("after the outage: %+v, want the kept fill sent (2 fills, 1 error)", s)
	}

	for round := range int64(2) { // an outage, then another one
		before, errs := time.Now(), cache().Errors
		fc.up.Store(false)
		if err := maxField.Set(ctx, c, 6+round); err != nil {
			t.Fatalf("round %d: a write with the cache down: %v", round, err)
		}
		eventually(t, "down", func() bool { return cache().Down })
		if s := cache(); s.Errors < errs+1 || s.DownSince.Before(before) || s.DownSince.After(time.Now()) {
			t.Errorf("round %d, down: %+v; want down since %v, its error counted", round, s, before)
		}
		eventually(t, "a failed probe counted", func() bool { return cache().Errors >= errs+2 })
		fc.up.Store(true)
		back(fmt.Sprintf("round %d, back", round), 6+round)
		if s := cache(); !s.DownSince.IsZero() {
			t.Errorf("round %d, back: DownSince = %v, want zero", round, s.DownSince)
		}
	}
}

func TestStatsStoreOutageWithoutSnapshot(t *testing.T) {
	fs := newFaultStore(memory.NewStore())
	e := newEnv(t, func(runtime.Store, runtime.Cache) (runtime.Store, runtime.Cache) { return fs, nil })
	store := func() runtime.StoreStats { return e.client.Stats().Store }
	if _, err := maxField.Get(ctx, e.client); err != nil {
		t.Fatal(err)
	}
	if s := store(); s != (runtime.StoreStats{Loads: 1}) {
		t.Errorf("after a read: %+v, want one load", s)
	}
	before := time.Now()
	fs.down.Store(true)
	_, _ = titleField.Get(ctx, e.client)
	first := store()
	if !first.Failing || first.LoadErrors != 1 || first.FailingSince.Before(before) {
		t.Errorf("after a failed load: %+v, want failing since %v", first, before)
	}
	_, _ = titleField.Get(ctx, e.client)
	if s := store(); s.LoadErrors != 2 || s.FailingSince != first.FailingSince {
		t.Errorf("after a second failed load: %+v, want 2 errors, failing since the first", s)
	}
	fs.down.Store(false)
	_, _ = titleField.Get(ctx, e.client)
	if s := store(); s != (runtime.StoreStats{Loads: 4, LoadErrors: 2}) {
		t.Errorf("after the store answered: %+v, want not failing", s)
	}
}

func TestStatsSnapshotAgeAndStoreOutage(t *testing.T) {
	fs := newFaultStore(memory.NewStore())
	bound := 60 * time.Millisecond
	c := started(t, fs, nil, quiet(runtime.Options{StalenessBound: bound, ReconcileInterval: 10 * time.Millisecond}))
	s := c.Stats()
	if !s.Started || !s.Ready || !s.Snapshot.Enabled || s.Snapshot.Syncs < 1 || s.Snapshot.Stale ||
		s.Snapshot.Epoch == 0 || s.Snapshot.LastSync.IsZero() || s.Snapshot.Age > bound || s.Cache.Enabled {
		t.Fatalf("a started client: %+v", s)
	}
	if err := maxField.Set(ctx, c, 3); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the position at the write", func() bool { return c.Stats().Snapshot.Version == 1 })
	for round := range 2 { // an outage, then another one
		before := time.Now()
		fs.down.Store(true)
		eventually(t, "stale", func() bool { return c.Stats().Snapshot.Stale })
		s := c.Stats()
		if !s.Store.Failing || s.Store.FailingSince.Before(before) || s.Snapshot.SyncErrors == 0 ||
			s.Snapshot.Age <= bound || s.Snapshot.LastSync.After(before) {
			t.Errorf("round %d, the store down: %+v", round, s)
		}
		fs.down.Store(false)
		eventually(t, "fresh again", func() bool {
			s := c.Stats()
			return !s.Snapshot.Stale && !s.Store.Failing && s.Store.FailingSince.IsZero() &&
				s.Snapshot.Age < bound && s.Snapshot.LastSync.After(before)
		})
	}
}

func TestStatsStartWithTheStoreDown(t *testing.T) {
	fs := newFaultStore(memory.NewStore())
	fs.down.Store(true)
	c, err := runtime.NewClient(testSchema, fs, quiet(runtime.Options{ReconcileInterval: 10 * time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	before := time.Now()
	if err := c.Start(ctx); !errors.Is(err, runtime.ErrUnavailable) {
		t.Fatalf("Start = %v", err)
	}
	t.Cleanup(c.Close)
	time.Sleep(20 * time.Millisecond)
	s := c.Stats()
	if s.Ready || !s.Snapshot.Stale || !s.Snapshot.LastSync.IsZero() || s.Snapshot.Age < 20*time.Millisecond ||
		s.Snapshot.Age > time.Since(before) || !s.Store.Failing {
		t.Errorf("a client started without its store: %+v; want stale, not ready, aged since Start", s)
	}
	fs.down.Store(false)
	eventually(t, "ready", func() bool { s := c.Stats(); return s.Ready && !s.Snapshot.Stale && !s.Store.Failing })
}

func TestStatsLagBehindNotifications(t *testing.T) {
	store := memory.NewStore()
	fs := newFaultStore(store)
	reader := started(t, fs, nil, quiet(runtime.Options{}))
	writer := started(t, quietStore{store}, nil, quiet(runtime.Options{})) // moves by its own writes only
	eventually(t, "the reader listens", func() bool { return reader.Stats().Snapshot.Notifications > 0 })
	heard := reader.Stats().Snapshot.Notifications

	fs.held.Store(true) // the reader hears of changes but cannot fetch them
	if err := maxField.Set(ctx, writer, 5); err != nil {
		t.Fatal(err)
	}
	if s := writer.Stats().Snapshot; s.Version != 1 || s.Lag != 0 {
		t.Errorf("a writer after its write: %+v; want at its version at once", s)
	}
	eventually(t, "a lag of one version", func() bool { return reader.Stats().Snapshot.Lag == 1 })
	time.Sleep(30 * time.Millisecond)
	if err := maxField.Set(ctx, writer, 6); err != nil {
		t.Fatal(err)
	}
	eventually(t, "a lag of two versions", func() bool { return reader.Stats().Snapshot.Lag == 2 })
	s := reader.Stats().Snapshot
	if s.Version != 0 || s.Announced != 2 || s.Behind < 30*time.Millisecond || s.Notifications < heard+2 {
		t.Errorf("behind two changes: %+v; want version 0, 2 announced, behind since the first", s)
	}

	fs.held.Store(false)
	close(fs.release)
	eventually(t, "caught up", func() bool {
		s := reader.Stats().Snapshot
		return s.Version == 2 && s.Lag == 0 && s.Behind == 0
	})
}

func TestStatsHooksQueueAndErrors(t *testing.T) {
	c := started(t, memory.NewStore(), nil, quiet(runtime.Options{}))
	gate := make(chan struct{})
	err := maxField.OnChange(c, func(_ context.Context, _, v int64) error {
		<-gate
		switch v {
		case 2:
			return errors.New("refused")
		case 3:
			panic("hook bug")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for v := range int64(3) {
		if err := maxField.Set(ctx, c, v+1); err != nil {
			t.Fatal(err)
		}
	}
	if h := c.Stats().Hooks; h != (runtime.HookStats{Queued: 3}) {
		t.Errorf("with the hook blocked: %+v, want 3 queued", h)
	}
	close(gate)
	eventually(t, "delivered", func() bool { return c.Stats().Hooks == runtime.HookStats{Delivered: 3, Errors: 2} })
}

func TestStatsCountRefills(t *testing.T) {
	cache := &electingCache{Cache: memory.NewCache()}
	c := started(t, memory.NewStore(), cache, quiet(runtime.Options{ReconcileInterval: 5 * time.Millisecond}))
	eventually(t, "a refill", func() bool { return c.Stats().Cache.Refills == 1 })
	if s := c.Stats().Cache; s.Fills != 1 || s.Hits+s.Misses+s.Stale != 0 {
		t.Errorf("after a refill: %+v, want one fill and no lookups (reads use the snapshot)", s)
	}
}

func TestStatsReadsDoNotCountAndStatsDoesNotAllocate(t *testing.T) {
	c := started(t, memory.NewStore(), memory.NewCache(), quiet(runtime.Options{}))
	before := c.Stats()
	for range 100 {
		_, _ = maxField.Get(ctx, c)
	}
	after := c.Stats()
	after.Taken, after.Snapshot.Age = before.Taken, before.Snapshot.Age
	if after != before {
		t.Errorf("snapshot reads moved the figures:\n%+v\n%+v", before, after)
	}
	if n := testing.AllocsPerRun(100, func() { _ = c.Stats() }); n != 0 {
		t.Errorf("Stats allocates %.1f times, want 0", n)
	}
}

func BenchmarkStats(b *testing.B) {
	c := started(b, memory.NewStore(), memory.NewCache(), quiet(runtime.Options{}))
	b.ReportAllocs()
	for b.Loop() {
		_ = c.Stats()
	}
}

// BenchmarkSharedCounterAdd is what counting snapshot reads would cost
// each read: an atomic add on a counter shared by every reading goroutine
// (the same order as the read itself, and worse with more cores).
func BenchmarkSharedCounterAdd(b *testing.B) {
	var n atomic.Uint64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n.Add(1)
		}
	})
}

var metricName = regexp.MustCompile(`^sysconfig_[a-z]+(_[a-z]+)*$`)

func TestMetricsNameEveryFigureOnce(t *testing.T) {
	empty := runtime.Stats{}.Metrics()
	seen := map[string]bool{}
	for _, m := range empty {
		if !metricName.MatchString(m.Name) || seen[m.Name] || m.Help == "" || m.Value != 0 {
			t.Errorf("metric %+v: want a new snake-case name, help, 0 for empty stats", m)
		}
		seen[m.Name] = true
		if counter := m.Kind == runtime.MetricCounter; counter != strings.HasSuffix(m.Name, "_total") {
			t.Errorf("%s is a %v: counters, and only they, end in _total", m.Name, m.Kind)
		}
	}
	got := map[string]float64{}
	for i, m := range fullStats().Metrics() {
		if m.Name != empty[i].Name || m.Kind != empty[i].Kind {
			t.Fatalf("metric %d is %s, want %s: every Stats yields the same metrics in order", i, m.Name, empty[i].Name)
		}
		got[m.Name] = m.Value
	}
	for name, v := range wantMetrics {
		if got[name] != v {
			t.Errorf("%s = %v, want %v", name, got[name], v)
		}
	}
	if len(got) != len(wantMetrics) {
		t.Errorf("%d metrics, %d expected: add the new ones to wantMetrics", len(got), len(wantMetrics))
	}
}

// fullStats has a distinct value in every figure, so that a metric
// reading the wrong one shows.
func fullStats() runtime.Stats {
	at := time.Unix(1_000_000, 0)
	return runtime.Stats{
		App: "t", Taken: at, Started: true, Ready: true,
		Snapshot: runtime.SnapshotStats{Enabled: true, LastSync: at.Add(-time.Second), Age: 1500 * time.Millisecond, Stale: true,
			Epoch: 11, Version: 12, Announced: 13, Lag: 14, Behind: 2500 * time.Millisecond, Notifications: 15, Syncs: 16, SyncErrors: 17},
		Cache: runtime.CacheStats{Enabled: true, Hits: 21, Misses: 22, Stale: 23, Errors: 24, Corrupt: 25, Fills: 26, FillErrors: 27,
			Refills: 28, Down: true, DownSince: at.Add(-3 * time.Second)},
		Store:  runtime.StoreStats{Loads: 31, LoadErrors: 32, Failing: true, FailingSince: at.Add(-4 * time.Second)},
		Writes: runtime.WriteStats{Committed: 41, Failed: 42, OutcomeUnknown: 43, ResolvedCommitted: 44, ResolvedNotCommitted: 45},
		Hooks:  runtime.HookStats{Queued: 51, Delivered: 52, Errors: 53},
	}
}

var wantMetrics = map[string]float64{
	"sysconfig_started": 1, "sysconfig_ready": 1,
	"sysconfig_snapshot_enabled": 1, "sysconfig_snapshot_age_seconds": 1.5, "sysconfig_snapshot_stale": 1,
	"sysconfig_snapshot_epoch": 11, "sysconfig_snapshot_version": 12, "sysconfig_snapshot_announced_version": 13,
	"sysconfig_snapshot_lag_versions": 14, "sysconfig_snapshot_behind_seconds": 2.5,
	"sysconfig_notifications_total": 15, "sysconfig_syncs_total": 16, "sysconfig_sync_errors_total": 17,
	"sysconfig_cache_enabled": 1, "sysconfig_cache_hits_total": 21, "sysconfig_cache_misses_total": 22,
	"sysconfig_cache_stale_total": 23, "sysconfig_cache_errors_total": 24, "sysconfig_cache_corrupt_entries_total": 25,
	"sysconfig_cache_fills_total": 26, "sysconfig_cache_fill_errors_total": 27, "sysconfig_cache_refills_total": 28,
	"sysconfig_cache_down": 1, "sysconfig_cache_down_seconds": 3,
	"sysconfig_store_loads_total": 31, "sysconfig_store_load_errors_total": 32,
	"sysconfig_store_failing": 1, "sysconfig_store_failing_seconds": 4,
	"sysconfig_writes_committed_total": 41, "sysconfig_writes_failed_total": 42, "sysconfig_writes_outcome_unknown_total": 43,
	"sysconfig_resolved_committed_total": 44, "sysconfig_resolved_not_committed_total": 45,
	"sysconfig_hook_events_queued": 51, "sysconfig_hook_events_total": 52, "sysconfig_hook_errors_total": 53,
}

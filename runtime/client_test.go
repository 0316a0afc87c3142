package runtime_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime/value"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/memory"
)

type Theme string

// The test schema: app "t", sections "site" and "limits".
var (
	titleField  = runtime.StringField("title", "Shop", runtime.Meta{Validators: []value.Validator{value.MinLength(3), value.Regex("^[A-Z]", false)}})
	themeField  = runtime.SelectField("theme", Theme("light"), []Theme{"light", "dark"}, runtime.Meta{})
	tagsField   = runtime.StringListField("tags", []string{"a", "b"}, runtime.Meta{})
	apiKeyField = runtime.SecretField("api_key", runtime.Meta{})
	maxField    = runtime.IntField("max_items", 10, runtime.Meta{Validators: []value.Validator{value.Range(int64(1), int64(100))}})
	ttlField    = runtime.DurationField("ttl", time.Minute, runtime.Meta{})
	flagField   = runtime.BoolField("flag", false, runtime.Meta{})
	priceField  = runtime.DecimalField("price", value.MustDecimal("9.99"), runtime.Meta{})

	testSchema = runtime.NewSchema("t",
		runtime.NewSection("site", "Site", "", titleField, themeField, tagsField, apiKeyField),
		runtime.NewSection("limits", "Limits", "", maxField, ttlField, flagField, priceField),
	)
)

type env struct {
	client *runtime.Client
	store  *memory.Store
	cache  *memory.Cache
	logs   *syncWriter
}

func newEnv(t *testing.T, wrap func(runtime.Store, runtime.Cache) (runtime.Store, runtime.Cache)) *env {
	return newEnvWith(t, wrap, runtime.Options{})
}

func newEnvWith(t *testing.T, wrap func(runtime.Store, runtime.Cache) (runtime.Store, runtime.Cache), opts runtime.Options) *env {
	t.Helper()
	e := &env{store: memory.NewStore(), cache: memory.NewCache(), logs: &syncWriter{}}
	var store runtime.Store = e.store
	var cache runtime.Cache = e.cache
	if wrap != nil {
		store, cache = wrap(store, cache)
	}
	logger := slog.New(slog.NewTextHandler(e.logs, nil))
	opts.Cache, opts.Logger = cache, logger
	if opts.Secrets == nil {
		opts.Secrets = testKeys
	}
	c, err := runtime.NewClient(testSchema, store, opts)
	if err != nil {
		t.Fatal(err)
	}
	e.client = c
	return e
}

func slogTo(w *syncWriter) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

// syncWriter collects log output written from several goroutines.
type syncWriter struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

var ctx = context.Background()

func TestDefaultThenOverrideThenReset(t *testing.T) {
	e := newEnv(t, nil)
	if got, err := titleField.Get(ctx, e.client); err != nil || got != "Shop" {
		t.Fatalf("Get before any write = %q, %v; want the default", got, err)
	}
	if err := titleField.Set(ctx, e.client, "Bazaar"); err != nil {
		t.Fatal(err)
	}
	if got, _ := titleField.Get(ctx, e.client); got != "Bazaar" {
		t.Fatalf("Get after Set = %q", got)
	}
	if set, _ := titleField.IsSet(ctx, e.client); !set {
		t.Error("IsSet after Set = false")
	}
	if err := titleField.Reset(ctx, e.client); err != nil {
		t.Fatal(err)
	}
	if got, _ := titleField.Get(ctx, e.client); got != "Shop" {
		t.Errorf("Get after Reset = %q, want the default", got)
	}
	if set, _ := e.client.IsSet(ctx, "t.site.title"); set {
		t.Error("IsSet after Reset = true")
	}
}

func TestOnlyOverridesAreStored(t *testing.T) {
	e := newEnv(t, nil)
	if _, err := e.client.All(ctx); err != nil {
		t.Fatal(err)
	}
	d, _ := e.store.Since(ctx, "t", runtime.Position{})
	if len(d.Records) != 0 {
		t.Errorf("reading wrote %d records to the store: %+v", len(d.Records), d.Records)
	}
}

func TestValidationReportsEveryProblemAndWritesNothing(t *testing.T) {
	e := newEnv(t, nil)
	err := titleField.Set(ctx, e.client, "ab")
	var ve *runtime.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, runtime.ErrInvalid) {
		t.Fatalf("Set(ab) = %v, want a *ValidationError", err)
	}
	if len(ve.Problems) != 2 || ve.Path != "t.site.title" {
		t.Errorf("problems = %q for %s, want both min_length and regex", ve.Problems, ve.Path)
	}
	if set, _ := titleField.IsSet(ctx, e.client); set {
		t.Error("an invalid value was written")
	}
}

func TestTextValuesAreParsedExactly(t *testing.T) {
	e := newEnv(t, nil)
	for _, tc := range []struct{ path, text string }{
		{"t.limits.max_items", "1.5"},
		{"t.limits.max_items", "500"},
		{"t.site.theme", "purple"},
		{"t.limits.ttl", "10 minutes"},
		{"t.site.tags", "a,b"},
	} {
		if err := e.client.Set(ctx, tc.path, tc.text); !errors.Is(err, runtime.ErrInvalid) {
			t.Errorf("Set(%s, %q) = %v, want ErrInvalid", tc.path, tc.text, err)
		}
	}
	if err := e.client.Set(ctx, "t.limits.ttl", "1m30s"); err != nil {
		t.Fatal(err)
	}
	if got, _ := ttlField.Get(ctx, e.client); got != 90*time.Second {
		t.Errorf("ttl = %v, want 1m30s", got)
	}
	if err := e.client.Set(ctx, "t.site.theme", "dark"); err != nil {
		t.Fatal(err)
	}
	if got, _ := themeField.Get(ctx, e.client); got != Theme("dark") {
		t.Errorf("theme = %q, want dark", got)
	}
}

func TestUnknownPath(t *testing.T) {
	e := newEnv(t, nil)
	_, err := e.client.Get(ctx, "t.site.nope")
	var upe *runtime.UnknownPathError
	if !errors.As(err, &upe) || !errors.Is(err, runtime.ErrUnknownPath) || upe.Path != "t.site.nope" {
		t.Errorf("Get(unknown) = %v", err)
	}
	if e.client.Exists("t.site.nope") || !e.client.Exists("t.site.title") {
		t.Error("Exists disagrees with the schema")
	}
	if err := e.client.Set(ctx, "t.x.y", "1"); !errors.Is(err, runtime.ErrUnknownPath) {
		t.Errorf("Set(unknown) = %v", err)
	}
}

func TestSetManyIsAllOrNothing(t *testing.T) {
	e := newEnv(t, nil)
	err := e.client.SetMany(ctx, titleField.Assign("Market"), maxField.Assign(1000), runtime.AssignText("t.site.theme", "pink"))
	if !errors.Is(err, runtime.ErrInvalid) || !strings.Contains(err.Error(), "max_items") || !strings.Contains(err.Error(), "theme") {
		t.Fatalf("SetMany = %v, want both invalid values reported", err)
	}
	if set, _ := titleField.IsSet(ctx, e.client); set {
		t.Error("the valid part of a failed batch was written")
	}
	if err := e.client.SetMany(ctx, titleField.Assign("Market"), maxField.Assign(50)); err != nil {
		t.Fatal(err)
	}
	vals, err := e.client.Section(ctx, "limits")
	if err != nil || vals[0].Value != int64(50) || !vals[0].Set {
		t.Errorf("Section(limits) = %+v, %v", vals, err)
	}
}

func TestIfVersionDetectsConcurrentEdits(t *testing.T) {
	e := newEnv(t, nil)
	v, _ := e.client.Get(ctx, "t.site.title")
	if err := e.client.SetMany(ctx, titleField.Assign("First").IfVersion(v.Version)); err != nil {
		t.Fatal(err)
	}
	err := e.client.SetMany(ctx, titleField.Assign("Second").IfVersion(v.Version))
	if !errors.Is(err, runtime.ErrConflict) {
		t.Fatalf("stale IfVersion = %v, want ErrConflict", err)
	}
	if got, _ := titleField.Get(ctx, e.client); got != "First" {
		t.Errorf("after conflict title = %q, want First", got)
	}
}

func TestHooksRunAfterCommitAndFailuresAreContained(t *testing.T) {
	e := newEnv(t, nil)
	var calls []string
	_ = e.client.OnChange("t.site.title", func(_ context.Context, p string, old, new any) error {
		calls = append(calls, fmt.Sprintf("first %s %v->%v", p, old, new))
		return errors.New("boom")
	})
	_ = e.client.OnChange("t.site.title", func(context.Context, string, any, any) error { panic("kaboom") })
	_ = titleField.OnChange(e.client, func(_ context.Context, old, new string) error {
		stored, _ := e.store.Load(ctx, []string{"t.site.title"})
		calls = append(calls, fmt.Sprintf("typed %s->%s committed=%v", old, new, stored[0].Set))
		return nil
	})
	if err := titleField.Set(ctx, e.client, "Bazaar"); err != nil {
		t.Fatalf("Set with failing hooks = %v, want nil: hooks cannot undo a write", err)
	}
	want := []string{"first t.site.title Shop->Bazaar", "typed Shop->Bazaar committed=true"}
	if !slices.Equal(calls, want) {
		t.Errorf("hook calls = %q, want %q", calls, want)
	}
	if got, _ := titleField.Get(ctx, e.client); got != "Bazaar" {
		t.Errorf("value after failing hooks = %q", got)
	}
	if logs := e.logs.String(); !strings.Contains(logs, "boom") || !strings.Contains(logs, "kaboom") {
		t.Errorf("hook failures not logged: %s", logs)
	}
	if err := e.client.OnChange("t.nope.x", nil); !errors.Is(err, runtime.ErrUnknownPath) {
		t.Errorf("OnChange(unknown) = %v", err)
	}
}

func TestReadFillsCacheWithTombstoneAndWriteUpdatesIt(t *testing.T) {
	e := newEnv(t, nil)
	if _, err := titleField.Get(ctx, e.client); err != nil {
		t.Fatal(err)
	}
	if len(cachedEntries(t, e)) != 1 {
		t.Fatal("a read of a defaulted field did not cache a tombstone")
	}
	if err := titleField.Set(ctx, e.client, "Bazaar"); err != nil {
		t.Fatal(err)
	}
	var entries []runtime.Entry
	eventually(t, "the write reaches the cache", func() bool { // the writer fills it in the background
		entries = cachedEntries(t, e)
		return len(entries) == 1 && entries[0].Set && entries[0].Value == "Bazaar"
	})
	v, _ := titleField.Lookup(ctx, e.client)
	if v.Source != runtime.SourceCache || v.Version != entries[0].Version {
		t.Errorf("Lookup = %+v, want served from the cache at version %d", v, entries[0].Version)
	}
}

// cachedEntries returns the cache entries of t.site.title.
func cachedEntries(t *testing.T, e *env) []runtime.Entry {
	t.Helper()
	var found []runtime.Entry
	for _, key := range cacheKeysOf(e, "t.site.title") {
		res, _ := e.cache.Get(ctx, []string{key})
		if res[0].Found {
			found = append(found, res[0].Entry)
		}
	}
	return found
}

// cacheKeysOf finds the keys used for path by watching a fill.
func cacheKeysOf(e *env, path string) []string {
	rec := &recordingCache{Cache: memory.NewCache()}
	c, _ := runtime.NewClient(testSchema, e.store, runtime.Options{Cache: rec, Secrets: testKeys})
	_, _ = c.Get(ctx, path)
	return rec.keys
}

type recordingCache struct {
	runtime.Cache
	keys []string
}

func (r *recordingCache) Fill(ctx context.Context, entries []runtime.Entry) error {
	for _, e := range entries {
		r.keys = append(r.keys, e.Key)
	}
	return r.Cache.Fill(ctx, entries)
}

func TestUndecodableCacheEntryIsDroppedAndReloaded(t *testing.T) {
	e := newEnv(t, nil)
	if err := maxField.Set(ctx, e.client, 42); err != nil {
		t.Fatal(err)
	}
	key := cacheKeysOf(e, "t.limits.max_items")[0]
	var res []runtime.CacheResult
	eventually(t, "the write reaches the cache", func() bool {
		res, _ = e.cache.Get(ctx, []string{key})
		return res[0].Found && res[0].Value == "42"
	})
	bad := res[0].Entry
	bad.Value = "not a number"
	_ = e.cache.Delete(ctx, []string{key})
	_ = e.cache.Fill(ctx, []runtime.Entry{bad})
	if got, err := maxField.Get(ctx, e.client); err != nil || got != 42 {
		t.Fatalf("Get over a corrupt entry = %d, %v; want 42 from the store", got, err)
	}
	if e.client.CorruptEntries() != 1 {
		t.Errorf("CorruptEntries = %d, want 1", e.client.CorruptEntries())
	}
	res, _ = e.cache.Get(ctx, []string{key})
	if !res[0].Found || res[0].Value != "42" {
		t.Errorf("cache after reload = %+v, want the good value back", res[0])
	}
}

func TestListsAreCopied(t *testing.T) {
	e := newEnv(t, nil)
	got, _ := tagsField.Get(ctx, e.client)
	got[0] = "mutated"
	again, _ := tagsField.Get(ctx, e.client)
	if again[0] != "a" {
		t.Errorf("mutating a returned list changed the default: %q", again)
	}
}

// failingCache fails every call while down, as an unreachable Redis does.
type failingCache struct {
	runtime.Cache
	up    atomic.Bool
	calls atomic.Int64
}

var errDown = errors.New("connection refused")

func (f *failingCache) Get(ctx context.Context, keys []string) ([]runtime.CacheResult, error) {
	if f.calls.Add(1); !f.up.Load() {
		return nil, errDown
	}
	return f.Cache.Get(ctx, keys)
}

func (f *failingCache) Fill(ctx context.Context, entries []runtime.Entry) error {
	if f.calls.Add(1); !f.up.Load() {
		return errDown
	}
	return f.Cache.Fill(ctx, entries)
}

func TestCacheOutageIsLoggedOnceAndServedFromStore(t *testing.T) {
	fc := &failingCache{Cache: memory.NewCache()}
	e := newEnv(t, func(s runtime.Store, _ runtime.Cache) (runtime.Store, runtime.Cache) { return s, fc })
	if _, err := maxField.Get(ctx, e.client); err != nil {
		t.Fatalf("read during cache outage: %v", err)
	}
	calls := fc.calls.Load()
	for i := range 5 {
		if err := maxField.Set(ctx, e.client, int64(i+1)); err != nil {
			t.Fatalf("write %d during cache outage: %v", i, err)
		}
		if got, err := maxField.Get(ctx, e.client); err != nil || got != int64(i+1) {
			t.Fatalf("read %d during cache outage = %d, %v", i, got, err)
		}
	}
	time.Sleep(10 * time.Millisecond) // background fills would have run by now
	if n := fc.calls.Load() - calls; n != 0 {
		t.Errorf("cache called %d times once the outage was noticed, want 0 until the retry interval", n)
	}
	if n := strings.Count(e.logs.String(), "cache unavailable"); n != 1 {
		t.Errorf("outage logged %d times, want once:\n%s", n, e.logs.String())
	}
}

// failingStore fails every call, as an unreachable Postgres does.
type failingStore struct{ runtime.Store }

func (failingStore) Load(context.Context, []string) ([]runtime.Record, error) { return nil, errDown }

func (failingStore) Apply(context.Context, runtime.Change) ([]runtime.Applied, error) {
	return nil, errDown
}

func TestStoreOutageIsAnErrorNeverADefault(t *testing.T) {
	e := newEnv(t, func(s runtime.Store, _ runtime.Cache) (runtime.Store, runtime.Cache) {
		return failingStore{s}, nil
	})
	got, err := titleField.Get(ctx, e.client)
	var ue *runtime.UnavailableError
	if !errors.As(err, &ue) || !errors.Is(err, errDown) || got != "" {
		t.Errorf("Get with the store down = %q, %v; want an *UnavailableError and no default", got, err)
	}
	if err := titleField.Set(ctx, e.client, "Bazaar"); !errors.Is(err, runtime.ErrUnavailable) {
		t.Errorf("Set with the store down = %v, want ErrUnavailable", err)
	}
}

// slowStore counts loads and holds each one until released.
type slowStore struct {
	runtime.Store
	loads   atomic.Int64
	release chan struct{}
}

func (s *slowStore) Load(ctx context.Context, paths []string) ([]runtime.Record, error) {
	s.loads.Add(1)
	<-s.release
	return s.Store.Load(ctx, paths)
}

func TestConcurrentMissesLoadOnce(t *testing.T) {
	ss := &slowStore{release: make(chan struct{})}
	e := newEnv(t, func(s runtime.Store, _ runtime.Cache) (runtime.Store, runtime.Cache) {
		ss.Store = s
		return ss, nil
	})
	const readers = 50
	var wg sync.WaitGroup
	var started sync.WaitGroup
	started.Add(readers)
	for range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			started.Done()
			if got, err := titleField.Get(ctx, e.client); err != nil || got != "Shop" {
				t.Errorf("Get = %q, %v", got, err)
			}
		}()
	}
	started.Wait()
	time.Sleep(20 * time.Millisecond) // let the readers queue up behind the first load
	close(ss.release)
	wg.Wait()
	// Usually 1; a reader scheduled after the first load ended starts another.
	if n := ss.loads.Load(); n > readers/10 {
		t.Errorf("%d concurrent misses caused %d store loads, want them to share one", readers, n)
	}
}

func TestReaderGivingUpDoesNotFailOthers(t *testing.T) {
	ss := &slowStore{release: make(chan struct{})}
	e := newEnv(t, func(s runtime.Store, _ runtime.Cache) (runtime.Store, runtime.Cache) {
		ss.Store = s
		return ss, nil
	})
	short, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := titleField.Get(ctx, e.client)
		done <- err
	}()
	if _, err := titleField.Get(short, e.client); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("impatient reader = %v, want its own deadline", err)
	}
	close(ss.release)
	if err := <-done; err != nil {
		t.Errorf("patient reader = %v, want success", err)
	}
}

func TestWritesMissedDuringACacheOutageReachItWhenItReturns(t *testing.T) {
	fc := &failingCache{Cache: memory.NewCache()}
	fc.up.Store(true)
	e := newEnvWith(t, func(s runtime.Store, _ runtime.Cache) (runtime.Store, runtime.Cache) { return s, fc },
		runtime.Options{CacheRetryInterval: 5 * time.Millisecond})
	if err := maxField.Set(ctx, e.client, 1); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the first write reaches the cache", func() bool { return cachedValue(fc.Cache) == "1" })
	fc.up.Store(false)
	if err := maxField.Set(ctx, e.client, 2); err != nil { // cannot reach the cache
		t.Fatal(err)
	}
	eventually(t, "the outage is noticed", func() bool { return strings.Contains(e.logs.String(), "cache unavailable") })
	if got, err := maxField.Get(ctx, e.client); err != nil || got != 2 {
		t.Fatalf("Get during the outage = %d, %v; want 2 from the store", got, err)
	}
	fc.up.Store(true)
	eventually(t, "the missed write reaches the returning cache", func() bool {
		_, _ = maxField.Get(ctx, e.client) // reads start the probe
		return cachedValue(fc.Cache) == "2" && strings.Contains(e.logs.String(), "cache available again")
	})
}

// cachedValue returns the value c holds for max_items, or "".
func cachedValue(c runtime.Cache) string {
	res, _ := c.Get(ctx, []string{maxField.CacheKey()})
	return res[0].Value
}

// TestStaleCacheEntryIsNotServedPastTheBound: the cache keeps an old value
// that nobody replaced (its writer died before updating it, or the update
// was lost); a client reading through the cache serves it as current for
// the staleness bound after it was read from the store, and then the
// store's value. Its reads never go back.
func TestStaleCacheEntryIsNotServedPastTheBound(t *testing.T) {
	store, cache := memory.NewStore(), memory.NewCache()
	const bound = 200 * time.Millisecond
	newReader := func() *runtime.Client {
		c, _ := runtime.NewClient(testSchema, store, runtime.Options{Cache: cache, StalenessBound: bound, Secrets: testKeys})
		return c
	}
	if _, err := maxField.Get(ctx, newReader()); err != nil { // caches the tombstone
		t.Fatal(err)
	}
	if _, err := store.Apply(ctx, runtime.Change{ID: runtime.NewChangeID(), App: "t",
		Writes: []runtime.Write{{Path: maxField.Path(), Value: "55"}}}); err != nil { // and dies
		t.Fatal(err)
	}
	committed := time.Now()
	reader := newReader()
	for {
		got, err := maxField.Get(ctx, reader)
		if err != nil {
			t.Fatal(err)
		}
		if got == 55 {
			break
		}
		if time.Since(committed) > bound {
			t.Fatalf("read %d at %v after the commit, past the staleness bound of %v", got, time.Since(committed), bound)
		}
		time.Sleep(5 * time.Millisecond)
	}
	v, err := maxField.Lookup(ctx, reader)
	if err != nil || v.Value != int64(55) {
		t.Errorf("after the bound: %+v, %v; want 55, and never back", v, err)
	}
}

// electingCache is a memory cache that elects one refiller, as Redis does,
// and can forget everything, as a Redis restarted empty does.
type electingCache struct {
	*memory.Cache
	mu     sync.Mutex
	state  runtime.Claim // 0: nobody has claimed
	claims atomic.Int64
}

func (e *electingCache) ClaimRepopulation(context.Context, string) (runtime.Claim, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.state == 0 {
		e.claims.Add(1)
		e.state = runtime.ClaimBusy
		return runtime.ClaimWon, nil
	}
	return e.state, nil
}

func (e *electingCache) FinishRepopulation(context.Context, string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.state = runtime.ClaimDone
	return nil
}

// restart empties the cache, its claim state included.
func (e *electingCache) restart() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.Cache, e.state = memory.NewCache(), 0
}

// countingStore counts full loads (Since from the zero position), which
// Start and refills make.
type countingStore struct {
	runtime.Store
	full atomic.Int64
}

func (c *countingStore) Since(ctx context.Context, app string, from runtime.Position) (runtime.Delta, error) {
	if from == (runtime.Position{}) {
		c.full.Add(1)
	}
	return c.Store.Since(ctx, app, from)
}

func TestOneClientRefillsACacheThatLostItsContents(t *testing.T) {
	cache := &electingCache{Cache: memory.NewCache()}
	store := &countingStore{Store: memory.NewStore()}
	opts := runtime.Options{ReconcileInterval: 5 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(&syncWriter{}, nil))}
	var clients []*runtime.Client
	for range 5 {
		clients = append(clients, started(t, store, cache, opts))
	}
	if err := maxField.Set(ctx, clients[0], 9); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the first refill", func() bool { return cache.claims.Load() == 1 })
	time.Sleep(20 * time.Millisecond)
	cache.restart()
	before := store.full.Load()
	eventually(t, "the emptied cache holds every field again", func() bool {
		res, _ := cache.Get(ctx, []string{maxField.CacheKey(), titleField.CacheKey()})
		return res[0].Found && res[0].Value == "9" && res[1].Found && !res[1].Set
	})
	time.Sleep(20 * time.Millisecond) // every client has reconciled a few times
	if n := store.full.Load() - before; n != 1 || cache.claims.Load() != 2 {
		t.Errorf("the emptied cache was refilled by %d full loads (%d claims won), want one", n, cache.claims.Load()-1)
	}
}

// lostAnswerStore applies changes but, while lose is set, reports their
// outcome unknown, as a store whose connection broke after the commit
// does; while deaf is set, Resolve fails too.
type lostAnswerStore struct {
	runtime.Store
	lose, commit, deaf atomic.Bool
}

func (s *lostAnswerStore) Apply(ctx context.Context, ch runtime.Change) ([]runtime.Applied, error) {
	if !s.lose.Load() {
		return s.Store.Apply(ctx, ch)
	}
	if s.commit.Load() {
		if _, err := s.Store.Apply(ctx, ch); err != nil {
			return nil, err
		}
	}
	return nil, runtime.OutcomeUnknown(errors.New("connection reset after the commit was sent"))
}

func (s *lostAnswerStore) Resolve(ctx context.Context, app, id string) (runtime.Resolution, error) {
	if s.deaf.Load() {
		return runtime.Resolution{}, errDown
	}
	return s.Store.Resolve(ctx, app, id)
}

func TestWriteWhoseAnswerIsLostIsResolved(t *testing.T) {
	ls := &lostAnswerStore{}
	e := newEnv(t, func(s runtime.Store, c runtime.Cache) (runtime.Store, runtime.Cache) { ls.Store = s; return ls, c })
	ls.lose.Store(true)

	ls.commit.Store(true)
	if err := maxField.Set(ctx, e.client, 5); err != nil {
		t.Errorf("a write that committed, its answer lost = %v, want nil: Resolve finds it", err)
	}
	if got, _ := maxField.Get(ctx, e.client); got != 5 {
		t.Errorf("after the resolved write the client reads %d", got)
	}

	ls.commit.Store(false)
	err := maxField.Set(ctx, e.client, 6)
	if !errors.Is(err, runtime.ErrUnavailable) || errors.Is(err, runtime.ErrOutcomeUnknown) {
		t.Errorf("a write that did not commit, its answer lost = %v, want ErrUnavailable only", err)
	}

	ls.deaf.Store(true)
	err = maxField.Set(ctx, e.client, 7)
	var unknown *runtime.OutcomeUnknownError
	if !errors.As(err, &unknown) || errors.Is(err, runtime.ErrUnavailable) || unknown.ChangeID == "" {
		t.Fatalf("a write whose outcome cannot be learnt = %v, want an *OutcomeUnknownError only", err)
	}
	ls.deaf.Store(false)
	if committed, err := e.client.Resolve(ctx, unknown.ChangeID); err != nil || committed {
		t.Errorf("Resolve later = %v, %v; want not committed", committed, err)
	}
	if got, _ := maxField.Get(ctx, e.client); got != 5 {
		t.Errorf("after failed writes the client reads %d, want 5", got)
	}
}

// stallingStore answers a Load, then stalls once before returning it, as
// a process paused between the store's answer and the end of its load.
type stallingStore struct {
	runtime.Store
	stall    atomic.Int64 // nanoseconds; used once
	answered chan struct{}
}

func (s *stallingStore) Load(ctx context.Context, paths []string) ([]runtime.Record, error) {
	recs, err := s.Store.Load(ctx, paths)
	if d := s.stall.Swap(0); d > 0 {
		close(s.answered)
		time.Sleep(time.Duration(d))
	}
	return recs, err
}

// TestReadJoiningAnOldLoadIsNotServedAsCurrent: reader A's store load is
// answered, then A stalls; meanwhile another process commits; reader B,
// starting more than the bound after that commit, must not be handed A's
// older result as current by joining A's load.
func TestReadJoiningAnOldLoadIsNotServedAsCurrent(t *testing.T) {
	const bound = 200 * time.Millisecond
	store := memory.NewStore()
	writer, _ := runtime.NewClient(testSchema, store, runtime.Options{Secrets: testKeys})
	if err := maxField.Set(ctx, writer, 1); err != nil {
		t.Fatal(err)
	}
	ss := &stallingStore{Store: store, answered: make(chan struct{})}
	reader, _ := runtime.NewClient(testSchema, ss, runtime.Options{StalenessBound: bound, Secrets: testKeys})
	ss.stall.Store(int64(3 * bound))
	go func() { _, _ = maxField.Get(ctx, reader) }() // reader A
	<-ss.answered
	if err := maxField.Set(ctx, writer, 2); err != nil {
		t.Fatal(err)
	}
	time.Sleep(bound + 50*time.Millisecond)
	v, err := maxField.Lookup(ctx, reader) // reader B
	if err != nil || (v.Value != int64(2) && v.Source != runtime.SourceStale) {
		t.Errorf("a read %v after the commit of 2 = %+v, %v; want 2, or the old value labelled stale", bound+50*time.Millisecond, v, err)
	}
}

// TestFloorServedForAnOlderReadTakesThatReadsSource: the client has served
// version 2 from the store; the cache then holds version 1, fresh (Redis
// restored from an old save). The read serves 2, never 1, and says it came
// through the cache, which vouches for it, not from the store, which it
// did not ask (and which may be down).
func TestFloorServedForAnOlderReadTakesThatReadsSource(t *testing.T) {
	cache := memory.NewCache()
	c, _ := runtime.NewClient(testSchema, memory.NewStore(), runtime.Options{Cache: cache, Secrets: testKeys})
	if err := maxField.Set(ctx, c, 1); err != nil {
		t.Fatal(err)
	}
	res, _ := cache.Get(ctx, []string{maxField.CacheKey()})
	old := res[0].Entry
	if err := maxField.Set(ctx, c, 2); err != nil {
		t.Fatal(err)
	}
	old.AsOf = time.Now()
	_ = cache.Delete(ctx, []string{old.Key})
	_ = cache.Fill(ctx, []runtime.Entry{old})
	v, err := maxField.Lookup(ctx, c)
	if err != nil || v.Value != int64(2) || v.Source != runtime.SourceCache {
		t.Errorf("read over an older fresh entry = %+v, %v; want 2, labelled as read through the cache", v, err)
	}
}

// TestErrorsSaySysconfigOnce: a chain of errors carries the package prefix
// once, however many layers wrap it.
func TestErrorsSaySysconfigOnce(t *testing.T) {
	without, _ := runtime.NewClient(testSchema, memory.NewStore(), runtime.Options{Logger: slog.New(slog.NewTextHandler(&syncWriter{}, nil))})
	down := newEnv(t, func(s runtime.Store, _ runtime.Cache) (runtime.Store, runtime.Cache) { return failingStore{s}, nil })
	ls := &lostAnswerStore{}
	lost := newEnv(t, func(s runtime.Store, c runtime.Cache) (runtime.Store, runtime.Cache) { ls.Store = s; return ls, c })
	ls.lose.Store(true)
	ls.deaf.Store(true)
	errs := map[string]error{
		"secret without a keyring":   apiKeyField.Set(ctx, without, value.NewSecret("x")),
		"rotation without a keyring": func() error { _, err := without.RotateSecrets(ctx); return err }(),
		"store down":                 maxField.Set(ctx, down.client, 5),
		"outcome unknown":            maxField.Set(ctx, lost.client, 5),
		"invalid":                    maxField.Set(ctx, down.client, 1000),
	}
	for name, err := range errs {
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if n := strings.Count(err.Error(), "sysconfig"); n != 1 {
			t.Errorf("%s: %q says sysconfig %d times", name, err, n)
		}
	}
}

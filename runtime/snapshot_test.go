package runtime_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/memory"
)

// started returns a started client over store and cache, closed when t ends.
func started(t testing.TB, store runtime.Store, cache runtime.Cache, opts runtime.Options) *runtime.Client {
	t.Helper()
	opts.Cache = cache
	if opts.Secrets == nil {
		opts.Secrets = testKeys
	}
	c, err := runtime.NewClient(testSchema, store, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(ctx); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

// eventually polls cond until it holds or 2 s pass.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 2 s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestSnapshotReadsDoNotAllocate(t *testing.T) {
	c := started(t, memory.NewStore(), memory.NewCache(), runtime.Options{})
	reads := map[string]func(){
		"string":   func() { _, _ = titleField.Get(ctx, c) },
		"int":      func() { _, _ = maxField.Get(ctx, c) },
		"bool":     func() { _, _ = flagField.Get(ctx, c) },
		"select":   func() { _, _ = themeField.Get(ctx, c) },
		"decimal":  func() { _, _ = priceField.Get(ctx, c) },
		"duration": func() { _, _ = ttlField.Get(ctx, c) },
	}
	for kind, read := range reads {
		if n := testing.AllocsPerRun(1000, read); n != 0 {
			t.Errorf("a snapshot read of a %s field allocates %.1f times, want 0", kind, n)
		}
	}
	if v, _ := titleField.Lookup(ctx, c); v.Source != runtime.SourceSnapshot {
		t.Errorf("source = %v, want snapshot", v.Source)
	}
}

func TestWriterSeesItsOwnWriteAndOthersFollow(t *testing.T) {
	store, cache := memory.NewStore(), memory.NewCache()
	writer := started(t, store, cache, runtime.Options{})
	reader := started(t, store, cache, runtime.Options{ReconcileInterval: time.Hour})
	seen := make(chan string, 1)
	_ = titleField.OnChange(reader, func(_ context.Context, old, new string) error {
		now, _ := titleField.Get(ctx, reader) // hooks run after the snapshot holds the change
		seen <- old + "->" + new + " read " + now
		return nil
	})
	if err := titleField.Set(ctx, writer, "Bazaar"); err != nil {
		t.Fatal(err)
	}
	if got, _ := titleField.Get(ctx, writer); got != "Bazaar" {
		t.Errorf("writer reads %q right after its write", got)
	}
	select {
	case got := <-seen:
		if got != "Shop->Bazaar read Bazaar" {
			t.Errorf("reader's hook saw %q", got)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the other client never heard of the write (notification path)")
	}
}

func TestSetManyBecomesVisibleAllAtOnce(t *testing.T) {
	store := memory.NewStore()
	writer := started(t, store, nil, runtime.Options{})
	reader := started(t, store, nil, runtime.Options{ReconcileInterval: time.Hour})
	pairs := make(chan [2]int64, 1)
	_ = maxField.OnChange(reader, func(_ context.Context, _, new int64) error {
		view := reader.Snapshot()
		other, _ := ttlField.Get(ctx, view)
		pairs <- [2]int64{new, int64(other / time.Second)}
		return nil
	})
	if err := writer.SetMany(ctx, maxField.Assign(42), ttlField.Assign(42*time.Second)); err != nil {
		t.Fatal(err)
	}
	if got := <-pairs; got != [2]int64{42, 42} {
		t.Errorf("when max_items changed, ttl read %ds: the batch was not applied at once", got[1])
	}
}

func TestSnapshotViewIsFrozen(t *testing.T) {
	c := started(t, memory.NewStore(), nil, runtime.Options{})
	view := c.Snapshot()
	if err := titleField.Set(ctx, c, "Later"); err != nil {
		t.Fatal(err)
	}
	if got, _ := titleField.Get(ctx, view); got != "Shop" {
		t.Errorf("frozen view reads %q, want the value when it was taken", got)
	}
	if got, _ := titleField.Get(ctx, c.Snapshot()); got != "Later" {
		t.Errorf("a new view reads %q", got)
	}
}

// change returns a new change of the test app.
func change(writes ...runtime.Write) runtime.Change {
	return runtime.Change{ID: runtime.NewChangeID(), App: "t", Writes: writes}
}

// quietStore hides the memory store's notifications, as lost NOTIFYs would.
type quietStore struct{ runtime.Store }

func TestReconcileBoundsStalenessWithoutNotifications(t *testing.T) {
	store := memory.NewStore()
	writer := started(t, store, nil, runtime.Options{})
	reader := started(t, quietStore{store}, nil, runtime.Options{ReconcileInterval: 20 * time.Millisecond})
	if err := maxField.Set(ctx, writer, 5); err != nil {
		t.Fatal(err)
	}
	eventually(t, "reconcile picks up the change", func() bool {
		v, _ := maxField.Get(ctx, reader)
		return v == 5
	})
}

// switchStore fails every call while down.
type switchStore struct {
	runtime.Store
	down atomic.Bool
}

func (s *switchStore) Since(ctx context.Context, app string, from runtime.Position) (runtime.Delta, error) {
	if s.down.Load() {
		return runtime.Delta{}, errDown
	}
	return s.Store.Since(ctx, app, from)
}

func (s *switchStore) Apply(ctx context.Context, ch runtime.Change) ([]runtime.Applied, error) {
	if s.down.Load() {
		return nil, errDown
	}
	return s.Store.Apply(ctx, ch)
}

func TestStartWithStoreDownServesCacheAndDefaultsNotReady(t *testing.T) {
	store, cache := memory.NewStore(), memory.NewCache()
	seed := started(t, store, cache, runtime.Options{})
	if err := titleField.Set(ctx, seed, "Cached"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the write reaches the cache", func() bool { // a started writer fills it in the background
		res, _ := cache.Get(ctx, []string{titleField.CacheKey()})
		return res[0].Found && res[0].Value == "Cached"
	})
	sw := &switchStore{Store: store}
	sw.down.Store(true)
	c, _ := runtime.NewClient(testSchema, sw, runtime.Options{Cache: cache, ReconcileInterval: 10 * time.Millisecond})
	err := c.Start(ctx)
	t.Cleanup(c.Close)
	if !errors.Is(err, runtime.ErrUnavailable) || c.Ready() {
		t.Fatalf("Start with the store down = %v, Ready %v; want ErrUnavailable and not ready", err, c.Ready())
	}
	if v, _ := titleField.Lookup(ctx, c); v.Value != "Cached" {
		t.Errorf("cached field = %+v, want the cached value", v)
	}
	if v, _ := maxField.Lookup(ctx, c); v.Source != runtime.SourceDefault || v.Value != int64(10) {
		t.Errorf("uncached field = %+v, want the default reported as such", v)
	}
	sw.down.Store(false)
	eventually(t, "ready once the store answers", c.Ready)
}

func TestStoreOutageAfterStartServesStaleAndFailsWrites(t *testing.T) {
	sw := &switchStore{Store: memory.NewStore()}
	c := started(t, sw, nil, runtime.Options{StalenessBound: 50 * time.Millisecond, ReconcileInterval: 10 * time.Millisecond})
	if err := maxField.Set(ctx, c, 3); err != nil {
		t.Fatal(err)
	}
	sw.down.Store(true)
	eventually(t, "reported stale", func() bool {
		v, err := maxField.Lookup(ctx, c)
		return err == nil && v.Value == int64(3) && v.Source == runtime.SourceStale
	})
	if err := maxField.Set(ctx, c, 4); !errors.Is(err, runtime.ErrUnavailable) {
		t.Errorf("Set with the store down = %v", err)
	}
	if got, _ := maxField.Get(ctx, c); got != 3 {
		t.Errorf("after a failed write the client reads %d, want the last committed 3", got)
	}
	sw.down.Store(false)
	eventually(t, "fresh again", func() bool {
		v, _ := maxField.Lookup(ctx, c)
		return v.Source == runtime.SourceSnapshot
	})
}

func TestWriterDyingBeforeUpdatingTheCacheLeavesNoStartedClientStale(t *testing.T) {
	store, cache := memory.NewStore(), memory.NewCache()
	reader := started(t, store, cache, runtime.Options{})
	if _, err := titleField.Get(ctx, reader); err != nil {
		t.Fatal(err)
	}
	// A process that committed and died before touching the cache:
	if _, err := store.Apply(ctx, change(runtime.Write{Path: "t.site.title", Value: "Orphan"})); err != nil {
		t.Fatal(err)
	}
	eventually(t, "reader serves the orphaned write", func() bool {
		got, _ := titleField.Get(ctx, reader)
		return got == "Orphan"
	})
	late := started(t, store, cache, runtime.Options{}) // starts from the store, whatever the cache says
	if got, _ := titleField.Get(ctx, late); got != "Orphan" {
		t.Errorf("a client started after the write reads %q", got)
	}
}

func TestUndecodableStoredValueIsAnErrorInTheSnapshot(t *testing.T) {
	store := memory.NewStore()
	if _, err := store.Apply(ctx, change(runtime.Write{Path: "t.limits.max_items", Value: "many"})); err != nil {
		t.Fatal(err)
	}
	c := started(t, store, nil, runtime.Options{})
	if _, err := maxField.Get(ctx, c); !errors.Is(err, runtime.ErrDecode) {
		t.Errorf("Get of an undecodable value = %v, want ErrDecode rather than the default", err)
	}
}

func TestHookMayWrite(t *testing.T) {
	c := started(t, memory.NewStore(), nil, runtime.Options{})
	_ = maxField.OnChange(c, func(ctx context.Context, _, new int64) error {
		return ttlField.Set(ctx, c, time.Duration(new)*time.Second)
	})
	if err := maxField.Set(ctx, c, 7); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the hook's own write lands", func() bool {
		got, _ := ttlField.Get(ctx, c)
		return got == 7*time.Second
	})
}

func TestHookHearsOnlyChangesAfterItsRegistration(t *testing.T) {
	c := started(t, memory.NewStore(), nil, runtime.Options{})
	block := make(chan struct{})
	_ = c.OnChange("", func(context.Context, string, any, any) error { <-block; return nil }) // holds the event goroutine
	if err := maxField.Set(ctx, c, 1); err != nil {
		t.Fatal(err)
	}
	heard := make(chan int64, 2)
	_ = maxField.OnChange(c, func(_ context.Context, _, new int64) error { heard <- new; return nil })
	if err := maxField.Set(ctx, c, 2); err != nil {
		t.Fatal(err)
	}
	close(block)
	if got := <-heard; got != 2 {
		t.Errorf("a hook registered after the change to 1 heard %d first", got)
	}
}

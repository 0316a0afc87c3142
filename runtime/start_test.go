package runtime_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/memory"
)

// callCountingCache counts the calls a client makes to its cache.
type callCountingCache struct {
	runtime.Cache
	calls atomic.Int64
}

func (c *callCountingCache) Get(ctx context.Context, keys []string) ([]runtime.CacheResult, error) {
	c.calls.Add(1)
	return c.Cache.Get(ctx, keys)
}

func (c *callCountingCache) Fill(ctx context.Context, entries []runtime.Entry) error {
	c.calls.Add(1)
	return c.Cache.Fill(ctx, entries)
}

func (c *callCountingCache) Delete(ctx context.Context, keys []string) error {
	c.calls.Add(1)
	return c.Cache.Delete(ctx, keys)
}

// readCountingStore counts the reads a client makes of its store.
type readCountingStore struct {
	runtime.Store
	reads atomic.Int64
}

func (s *readCountingStore) Load(ctx context.Context, paths []string) ([]runtime.Record, error) {
	s.reads.Add(1)
	return s.Store.Load(ctx, paths)
}

func (s *readCountingStore) Since(ctx context.Context, app string, from runtime.Position) (runtime.Delta, error) {
	s.reads.Add(1)
	return s.Store.Since(ctx, app, from)
}

// TestStartReadsTheStoreOnceAndNotTheCache: with a warm cache and a store
// that answers, Start asks the store once and the cache never: the
// store's answer is complete, so the cache has nothing to add.
func TestStartReadsTheStoreOnceAndNotTheCache(t *testing.T) {
	store, cache := memory.NewStore(), memory.NewCache()
	seed := started(t, store, cache, runtime.Options{})
	if err := titleField.Set(ctx, seed, "Stored"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the write reaches the cache", func() bool {
		res, _ := cache.Get(ctx, []string{titleField.CacheKey()})
		return res[0].Found
	})
	counted, reads := &callCountingCache{Cache: cache}, &readCountingStore{Store: store}
	c, err := runtime.NewClient(testSchema, reads, runtime.Options{Cache: counted, Secrets: testKeys,
		ReconcileInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if n, m := reads.reads.Load(), counted.calls.Load(); n != 1 || m != 0 {
		t.Errorf("Start read the store %d times and called the cache %d times, want 1 and 0", n, m)
	}
	if v, _ := titleField.Lookup(ctx, c); v.Value != "Stored" || v.Source != runtime.SourceSnapshot {
		t.Errorf("after Start: %+v, want the stored value from the snapshot", v)
	}
}

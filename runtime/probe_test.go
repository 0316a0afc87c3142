package runtime_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/memory"
)

// partialCache fails every call for one key, as a Redis Cluster does for
// the slots of a master that died and has not been replaced yet, while the
// other keys work; its Probe tells the truth: the cache is back when the
// key works again.
type partialCache struct {
	runtime.Cache
	dead   string
	down   atomic.Bool
	gets   atomic.Int64 // Gets of the dead key
	probes atomic.Int64
}

func (p *partialCache) Get(ctx context.Context, keys []string) ([]runtime.CacheResult, error) {
	for _, k := range keys {
		if k == p.dead {
			p.gets.Add(1)
			if p.down.Load() {
				return nil, errDown
			}
		}
	}
	return p.Cache.Get(ctx, keys)
}

func (p *partialCache) Probe(context.Context) error {
	p.probes.Add(1)
	if p.down.Load() {
		return errDown
	}
	return nil
}

// TestProberDecidesWhenTheCacheIsBack: while part of the cache is down, the
// client probes it with the cache's Probe, not with a read of some other
// key that works, so that it does not go back to the cache (and pay its
// timeout on the next read of the dead key) until Probe says it can serve
// every key; then reads come from the cache again.
func TestProberDecidesWhenTheCacheIsBack(t *testing.T) {
	pc := &partialCache{Cache: memory.NewCache(), dead: maxField.CacheKey()}
	e := newEnvWith(t, func(s runtime.Store, _ runtime.Cache) (runtime.Store, runtime.Cache) { return s, pc },
		runtime.Options{CacheRetryInterval: 2 * time.Millisecond, DisableSnapshot: true})
	if err := maxField.Set(ctx, e.client, 5); err != nil {
		t.Fatal(err)
	}
	pc.down.Store(true)
	if v, err := maxField.Lookup(ctx, e.client); err != nil || v.Source != runtime.SourceStore {
		t.Fatalf("read as the key dies = %+v, %v; want the store's value", v, err)
	}
	gets := pc.gets.Load()
	for deadline := time.Now().Add(2 * time.Second); pc.probes.Load() < 10; {
		if time.Now().After(deadline) {
			t.Fatalf("%d probes in 2 s, want 10 (one every 2 ms)", pc.probes.Load())
		}
		if v, err := maxField.Lookup(ctx, e.client); err != nil || v.Value != int64(5) {
			t.Fatalf("read while the key is down = %+v, %v", v, err)
		}
		time.Sleep(time.Millisecond)
	}
	if n := pc.gets.Load() - gets; n != 0 {
		t.Errorf("the client asked the cache for the dead key %d more times while its probes failed, want 0", n)
	}
	pc.down.Store(false)
	eventually(t, "reads come from the cache again", func() bool {
		v, err := maxField.Lookup(ctx, e.client)
		return err == nil && v.Source == runtime.SourceCache
	})
}

// misconfiguredCache fails every call as a cache that cannot work as set up.
type misconfiguredCache struct{ runtime.Cache }

func (misconfiguredCache) Get(context.Context, []string) ([]runtime.CacheResult, error) {
	return nil, fmt.Errorf("a single-node client on a Cluster node: %w", runtime.ErrMisconfigured)
}

// TestMisconfiguredCacheIsLoggedAsAnError: a cache that answers it cannot
// work as set up is logged once, as an error, and reads go on from the
// store.
func TestMisconfiguredCacheIsLoggedAsAnError(t *testing.T) {
	e := newEnvWith(t, func(s runtime.Store, c runtime.Cache) (runtime.Store, runtime.Cache) {
		return s, misconfiguredCache{c}
	}, runtime.Options{CacheRetryInterval: time.Millisecond, DisableSnapshot: true})
	for range 20 {
		if _, err := maxField.Get(ctx, e.client); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond)
	}
	logs := e.logs.String()
	if n := strings.Count(logs, "level=ERROR msg=\"sysconfig: cache misconfigured"); n != 1 {
		t.Errorf("logged %d misconfiguration errors, want 1:\n%s", n, logs)
	}
}

// slowProber answers every probe after a delay, as a Redis Cluster client
// does when it must get past a dead node to read the cluster's layout.
type slowProber struct {
	partialCache
	delay time.Duration
}

func (s *slowProber) Probe(ctx context.Context) error {
	select {
	case <-time.After(s.delay):
		return s.partialCache.Probe(ctx)
	case <-ctx.Done():
		return ctx.Err()
	}
}

// TestProbeMayTakeLongerThanACacheCall: a probe runs in the background,
// so it may take longer than the cache timeout that bounds readers' calls
// (up to the retry interval); a cache whose probe is slower than a read
// must still be used again.
func TestProbeMayTakeLongerThanACacheCall(t *testing.T) {
	sp := &slowProber{partialCache: partialCache{Cache: memory.NewCache(), dead: maxField.CacheKey()}, delay: 60 * time.Millisecond}
	e := newEnvWith(t, func(s runtime.Store, _ runtime.Cache) (runtime.Store, runtime.Cache) { return s, sp },
		runtime.Options{CacheTimeout: 20 * time.Millisecond, CacheRetryInterval: 200 * time.Millisecond, DisableSnapshot: true})
	if err := maxField.Set(ctx, e.client, 5); err != nil {
		t.Fatal(err)
	}
	sp.down.Store(true)
	_, _ = maxField.Get(ctx, e.client) // the outage begins
	sp.down.Store(false)
	eventually(t, "reads come from the cache again", func() bool {
		v, err := maxField.Lookup(ctx, e.client)
		return err == nil && v.Source == runtime.SourceCache
	})
}

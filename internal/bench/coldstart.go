package main

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/rediscache"
)

// The cold-start fixture: coldFields fields, every coldOverrideEvery-th
// overridden in Postgres, every coldCachedEvery-th cached in Redis (so the
// snapshot needs both backends: some overrides come from Redis, the others
// and the remaining defaults from Postgres).
const (
	coldFields        = 10_000
	coldOverrideEvery = 5 // 2,000 overrides
	coldCachedEvery   = 2 // 5,000 Redis entries, 1,000 of them overrides
)

// coldStart is figure 8: NewClient and Start, until the snapshot is
// complete, for a schema of coldFields fields, with a warm Redis; and its
// baseline, 8a, the same without a cache (Postgres alone).
type coldStart struct {
	rig     *rig
	schema  *runtime.Schema
	cache   *rediscache.Cache
	counted *countedCache   // cache, counting the client's calls
	keys    []string        // every field's cache key
	entries []runtime.Entry // what Redis holds before each start
}

// countedCache counts the calls a client makes to its cache (all of its
// methods, Repopulator's included, are the cache's).
type countedCache struct {
	*rediscache.Cache
	calls atomic.Int64
}

func (c *countedCache) Get(ctx context.Context, keys []string) ([]runtime.CacheResult, error) {
	c.calls.Add(1)
	return c.Cache.Get(ctx, keys)
}

func (c *countedCache) Fill(ctx context.Context, entries []runtime.Entry) error {
	c.calls.Add(1)
	return c.Cache.Fill(ctx, entries)
}

func (c *countedCache) Delete(ctx context.Context, keys []string) error {
	c.calls.Add(1)
	return c.Cache.Delete(ctx, keys)
}

// newColdStart declares the wide schema and writes its overrides to
// Postgres; reset puts its entries in Redis.
func newColdStart(r *rig) (*coldStart, error) {
	cs := &coldStart{rig: r, schema: wideSchema(coldFields), cache: r.env.cache("cold:")}
	cs.counted = &countedCache{Cache: cs.cache}
	if err := cs.writeOverrides(); err != nil {
		return nil, err
	}
	if err := cs.loadEntries(); err != nil {
		return nil, err
	}
	return cs, cs.verify()
}

// writeOverrides stores the overrides in one transaction, without a cache.
func (cs *coldStart) writeOverrides() error {
	c, err := runtime.NewClient(cs.schema, cs.rig.store, runtime.Options{})
	if err != nil {
		return err
	}
	var updates []runtime.Update
	for i, d := range cs.schema.Fields() {
		cs.keys = append(cs.keys, d.CacheKey())
		if i%coldOverrideEvery == 0 {
			updates = append(updates, runtime.AssignText(d.Path(), overrideText(i)))
		}
	}
	return c.SetMany(cs.rig.ctx, updates...)
}

// loadEntries reads from Postgres the records of the fields to cache, as
// entries (a tombstone for a field without an override).
func (cs *coldStart) loadEntries() error {
	var paths, keys []string
	for i, d := range cs.schema.Fields() {
		if i%coldCachedEvery == 0 {
			paths, keys = append(paths, d.Path()), append(keys, d.CacheKey())
		}
	}
	recs, err := cs.rig.store.Load(cs.rig.ctx, paths)
	if err != nil {
		return err
	}
	for i, rec := range recs {
		cs.entries = append(cs.entries, runtime.Entry{Key: keys[i], Version: rec.Version, Set: rec.Set, Value: rec.Value})
	}
	return nil
}

// reset gives Redis exactly the fixture's entries: a start fills Redis
// with what it learnt from Postgres, which would warm the next start.
func (cs *coldStart) reset() error {
	if err := cs.cache.Delete(cs.rig.ctx, cs.keys); err != nil {
		return err
	}
	return cs.cache.Fill(cs.rig.ctx, cs.entries)
}

// start builds and starts a client, as a process does at boot, with the
// cache unless noCache.
func (cs *coldStart) start(noCache bool) (*runtime.Client, error) {
	opts := runtime.Options{Cache: cs.counted}
	if noCache {
		opts.Cache = nil
	}
	c, err := runtime.NewClient(cs.schema, cs.rig.store, opts)
	if err != nil {
		return nil, err
	}
	return c, c.Start(cs.rig.ctx)
}

// body is figure 8: it times start with a warm Redis, and fails if Start
// called the cache at all (Postgres answers, so Redis has nothing to add).
func (cs *coldStart) body(b *testing.B) error { return cs.time(b, false) }

// baseline is figure 8a: start without a cache.
func (cs *coldStart) baseline(b *testing.B) error { return cs.time(b, true) }

// time times start; resetting Redis and closing the client are not timed.
func (cs *coldStart) time(b *testing.B, noCache bool) error {
	for b.Loop() {
		b.StopTimer()
		if err := cs.reset(); err != nil {
			return err
		}
		before := cs.counted.calls.Load()
		b.StartTimer()
		c, err := cs.start(noCache)
		b.StopTimer()
		calls := cs.counted.calls.Load() - before
		if c != nil {
			c.Close()
		}
		if err == nil && !c.Ready() {
			err = errors.New("the snapshot was not complete when Start returned")
		}
		if err == nil && calls > 0 {
			err = fmt.Errorf("the cache was called %d times during Start although Postgres answered", calls)
		}
		if err != nil {
			return err
		}
		b.StartTimer()
	}
	return nil
}

// verify starts a client once and checks that its snapshot serves every
// field, with every override, from memory.
func (cs *coldStart) verify() error {
	if err := cs.reset(); err != nil {
		return err
	}
	c, err := cs.start(false)
	if c != nil {
		defer c.Close()
	}
	if err != nil {
		return err
	}
	vals, err := c.All(cs.rig.ctx)
	if err != nil {
		return err
	}
	return checkColdValues(vals)
}

// checkColdValues checks the values a started client serves for the wide
// schema.
func checkColdValues(vals []runtime.Value) error {
	if len(vals) != coldFields {
		return fmt.Errorf("cold start: %d values, want %d", len(vals), coldFields)
	}
	for i, v := range vals {
		set := i%coldOverrideEvery == 0
		if v.Source != runtime.SourceSnapshot || v.Set != set || (set && v.Text() != overrideText(i)) {
			return fmt.Errorf("cold start: %s = %q (set %v) from %s, want set %v from the snapshot",
				v.Path, v.Text(), v.Set, v.Source, set)
		}
	}
	return nil
}

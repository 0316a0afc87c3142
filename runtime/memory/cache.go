package memory

import (
	"context"
	"sync"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// Cache is an in-memory runtime.Cache with set-if-newer fills, ordered as
// runtime.EntryNewer says. The zero
// value is not usable; call NewCache.
type Cache struct {
	mu      sync.RWMutex
	entries map[string]runtime.Entry
}

// NewCache returns an empty cache.
func NewCache() *Cache {
	return &Cache{entries: map[string]runtime.Entry{}}
}

// Get implements runtime.Cache.
func (c *Cache) Get(ctx context.Context, keys []string) ([]runtime.CacheResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	res := make([]runtime.CacheResult, len(keys))
	for i, k := range keys {
		e, ok := c.entries[k]
		res[i] = runtime.CacheResult{Entry: e, Found: ok}
	}
	return res, nil
}

// Fill implements runtime.Cache.
func (c *Cache) Fill(ctx context.Context, entries []runtime.Entry) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range entries {
		e.AsOf = e.AsOf.Truncate(time.Millisecond) // as the contract allows, and Redis does
		if cur, ok := c.entries[e.Key]; !ok || runtime.EntryNewer(e, cur) {
			c.entries[e.Key] = e
		}
	}
	return nil
}

// Delete implements runtime.Cache.
func (c *Cache) Delete(ctx context.Context, keys []string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, k := range keys {
		delete(c.entries, k)
	}
	return nil
}

package runtimetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// TestCache runs the Cache contract (see runtime.Cache) against caches made
// by newCache, one fresh, empty cache per subtest.
func TestCache(t *testing.T, newCache func(t *testing.T) runtime.Cache) {
	tests := []struct {
		name string
		run  func(t *testing.T, c runtime.Cache)
	}{
		{"Miss", cacheMiss},
		{"FillThenGet", cacheFillGet},
		{"Tombstone", cacheTombstone},
		{"OlderFillIgnored", cacheOlderIgnored},
		{"EqualFillIgnored", cacheEqualIgnored},
		{"NewerFillWins", cacheNewerWins},
		{"Delete", cacheDelete},
		{"ManyKeysInOrder", cacheManyKeys},
		{"ConcurrentFillsKeepHighest", cacheConcurrentFills},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, newCache(t)) })
	}
}

func fill(t *testing.T, c runtime.Cache, entries ...runtime.Entry) {
	t.Helper()
	if err := c.Fill(context.Background(), entries); err != nil {
		t.Fatalf("Fill: %v", err)
	}
}

func get(t *testing.T, c runtime.Cache, keys ...string) []runtime.CacheResult {
	t.Helper()
	res, err := c.Get(context.Background(), keys)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if len(res) != len(keys) {
		t.Fatalf("Get returned %d results for %d keys", len(res), len(keys))
	}
	return res
}

func entry(key string, version int64, value string) runtime.Entry {
	return runtime.Entry{Key: key, Version: version, Set: true, Value: value}
}

func wantEntry(t *testing.T, got runtime.CacheResult, want runtime.Entry) {
	t.Helper()
	if !got.Found || got.Corrupt || got.Entry != want {
		t.Errorf("Get = %+v, want found %+v", got, want)
	}
}

func cacheMiss(t *testing.T, c runtime.Cache) {
	if r := get(t, c, "k1")[0]; r.Found || r.Corrupt {
		t.Errorf("Get of an empty cache = %+v, want a miss", r)
	}
}

func cacheFillGet(t *testing.T, c runtime.Cache) {
	e := entry("k1", 3, "with:colons|and\nnewlines")
	fill(t, c, e)
	wantEntry(t, get(t, c, "k1")[0], e)
}

func cacheTombstone(t *testing.T, c runtime.Cache) {
	e := runtime.Entry{Key: "k1", Version: 4}
	fill(t, c, e)
	wantEntry(t, get(t, c, "k1")[0], e)
}

func cacheOlderIgnored(t *testing.T, c runtime.Cache) {
	newer := entry("k1", 10, "new")
	fill(t, c, newer)
	fill(t, c, entry("k1", 9, "old"))
	wantEntry(t, get(t, c, "k1")[0], newer)
}

func cacheEqualIgnored(t *testing.T, c runtime.Cache) {
	first := entry("k1", 10, "first")
	fill(t, c, first)
	fill(t, c, runtime.Entry{Key: "k1", Version: 10})
	wantEntry(t, get(t, c, "k1")[0], first)
}

func cacheNewerWins(t *testing.T, c runtime.Cache) {
	fill(t, c, entry("k1", 1, "old"))
	tomb := runtime.Entry{Key: "k1", Version: 2}
	fill(t, c, tomb)
	wantEntry(t, get(t, c, "k1")[0], tomb)
}

func cacheDelete(t *testing.T, c runtime.Cache) {
	fill(t, c, entry("k1", 1, "a"), entry("k2", 1, "b"))
	if err := c.Delete(context.Background(), []string{"k1"}); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	res := get(t, c, "k1", "k2")
	if res[0].Found {
		t.Errorf("deleted key still found: %+v", res[0])
	}
	wantEntry(t, res[1], entry("k2", 1, "b"))
	fill(t, c, entry("k1", 1, "again"))
	wantEntry(t, get(t, c, "k1")[0], entry("k1", 1, "again"))
}

func cacheManyKeys(t *testing.T, c runtime.Cache) {
	var entries []runtime.Entry
	var keys []string
	for i := range 50 {
		key := fmt.Sprintf("many%d", i)
		keys = append(keys, key)
		if i%3 != 0 {
			entries = append(entries, entry(key, int64(i+1), fmt.Sprint(i)))
		}
	}
	fill(t, c, entries...)
	res := get(t, c, keys...)
	for i, r := range res {
		if i%3 == 0 {
			if r.Found {
				t.Errorf("key %d found but never filled", i)
			}
			continue
		}
		wantEntry(t, r, entry(keys[i], int64(i+1), fmt.Sprint(i)))
	}
}

func cacheConcurrentFills(t *testing.T, c runtime.Cache) {
	const fillers, per = 8, 25
	var wg sync.WaitGroup
	var mu sync.Mutex
	var highest int64
	for range fillers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range per {
				v := rand.Int64N(100000) + 1
				if err := c.Fill(context.Background(), []runtime.Entry{entry("race", v, fmt.Sprint(v))}); err != nil {
					t.Errorf("Fill: %v", err)
					return
				}
				mu.Lock()
				highest = max(highest, v)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	wantEntry(t, get(t, c, "race")[0], entry("race", highest, fmt.Sprint(highest)))
}

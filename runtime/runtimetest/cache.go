package runtimetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

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
		{"LaterEpochWinsWhateverItsVersion", cacheEpochFirst},
		{"LaterAsOfRefreshesSameVersion", cacheAsOfRefresh},
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

// asOf is the AsOf of the suite's entries; caches keep it to the millisecond.
var asOf = time.Date(2026, 12, 1, 12, 0, 0, 123_000_000, time.UTC)

func entry(key string, version int64, value string) runtime.Entry {
	return runtime.Entry{Key: key, Epoch: 1, Version: version, Set: true, Value: value, AsOf: asOf}
}

func tombstone(key string, version int64) runtime.Entry {
	return runtime.Entry{Key: key, Epoch: 1, Version: version, AsOf: asOf}
}

func wantEntry(t *testing.T, got runtime.CacheResult, want runtime.Entry) {
	t.Helper()
	same := got.Key == want.Key && got.Set == want.Set && got.Value == want.Value &&
		got.Epoch == want.Epoch && got.Version == want.Version && got.AsOf.Equal(want.AsOf)
	if !got.Found || got.Corrupt || !same {
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
	e := tombstone("k1", 4)
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
	fill(t, c, tombstone("k1", 10))
	wantEntry(t, get(t, c, "k1")[0], first)
}

func cacheNewerWins(t *testing.T, c runtime.Cache) {
	fill(t, c, entry("k1", 1, "old"))
	tomb := tombstone("k1", 2)
	fill(t, c, tomb)
	wantEntry(t, get(t, c, "k1")[0], tomb)
}

func cacheEpochFirst(t *testing.T, c runtime.Cache) {
	fill(t, c, entry("k1", 100, "old store"))
	recreated := entry("k1", 1, "new store")
	recreated.Epoch = 2
	fill(t, c, recreated)
	wantEntry(t, get(t, c, "k1")[0], recreated)
	fill(t, c, entry("k1", 200, "old store, late"))
	wantEntry(t, get(t, c, "k1")[0], recreated)
}

func cacheAsOfRefresh(t *testing.T, c runtime.Cache) {
	first := entry("k1", 7, "v")
	fill(t, c, first)
	later := first
	later.AsOf = first.AsOf.Add(1500 * time.Millisecond)
	fill(t, c, later)
	wantEntry(t, get(t, c, "k1")[0], later)
	fill(t, c, first)
	wantEntry(t, get(t, c, "k1")[0], later)
	precise := entry("k2", 1, "v")
	precise.AsOf = asOf.Add(456789 * time.Nanosecond)
	fill(t, c, precise)
	want := precise
	want.AsOf = precise.AsOf.Truncate(time.Millisecond)
	wantEntry(t, get(t, c, "k2")[0], want)
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

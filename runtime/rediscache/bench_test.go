package rediscache_test

import (
	"context"
	"testing"

	"github.com/go-sysconfig/sysconfig/internal/testenv"
	"github.com/go-sysconfig/sysconfig/runtime"
	rediscache "github.com/go-sysconfig/sysconfig/runtime/rediscache"
)

// benchValue is a ~20-byte value, the size of a typical setting.
const benchValue = "https://example.org/"

// BenchmarkRawGet is the baseline: one go-redis GET of a stored string.
func BenchmarkRawGet(b *testing.B) {
	client, prefix := testenv.Redis(b)
	ctx := context.Background()
	key := prefix + "raw"
	if err := client.Set(ctx, key, benchValue, 0).Err(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := client.Get(ctx, key).Result(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCacheGetOne is Cache.Get of one key holding an entry with the
// same value: the read path when every read goes through Redis.
func BenchmarkCacheGetOne(b *testing.B) {
	client, prefix := testenv.Redis(b)
	ctx := context.Background()
	c := rediscache.New(client, rediscache.Options{Prefix: prefix})
	entry := runtime.Entry{Key: "site.url", Version: 123456, Set: true, Value: benchValue}
	if err := c.Fill(ctx, []runtime.Entry{entry}); err != nil {
		b.Fatal(err)
	}
	keys := []string{entry.Key}
	b.ReportAllocs()
	for b.Loop() {
		res, err := c.Get(ctx, keys)
		if err != nil || !res[0].Found {
			b.Fatal(res, err)
		}
	}
}

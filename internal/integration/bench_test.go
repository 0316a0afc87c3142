package integration

import (
	"fmt"
	"testing"
)

// The issue-2 read target: an accessor read that goes through Redis every
// time costs at most 1.2× a raw go-redis GET. Run both in one go:
//
//	go test -run '^$' -bench 'RawRedisGet|AccessorViaRedis' -count 5 ./internal/integration/

// BenchmarkRawRedisGet is the baseline: one go-redis GET of a short value.
func BenchmarkRawRedisGet(b *testing.B) {
	be := newBackends(b)
	key := be.prefix + "raw"
	if err := be.redis.Set(ctx, key, "12:s:Some title", 0).Err(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := be.redis.Get(ctx, key).Result(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAccessorViaRedis is a typed accessor read served from Redis.
func BenchmarkAccessorViaRedis(b *testing.B) {
	be := newBackends(b)
	c := be.client(b, be.store, be.cache)
	if err := titleField.Set(ctx, c, "Some title"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := titleField.Get(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawUpsertAndSet is the write baseline: one upsert and one SET.
func BenchmarkRawUpsertAndSet(b *testing.B) {
	be := newBackends(b)
	_, err := be.pool.Exec(ctx, "CREATE TABLE raw_values (path text PRIMARY KEY, value text, version bigint)")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		_, err := be.pool.Exec(ctx, `INSERT INTO raw_values VALUES ('it.main.title', $1, $2)
			ON CONFLICT (path) DO UPDATE SET value = excluded.value, version = excluded.version`, fmt.Sprint(i), i)
		if err != nil {
			b.Fatal(err)
		}
		if err := be.redis.Set(ctx, be.prefix+"raw", fmt.Sprint(i), 0).Err(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAccessorWrite is a typed Set: validate, transaction with history
// and notification, version-gated cache update.
func BenchmarkAccessorWrite(b *testing.B) {
	be := newBackends(b)
	c := be.client(b, be.store, be.cache)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		if err := countField.Set(ctx, c, int64(i)); err != nil {
			b.Fatal(err)
		}
	}
}

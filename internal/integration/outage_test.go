package integration

import (
	"errors"
	"strings"
	"testing"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/pgstore"
	"github.com/go-sysconfig/sysconfig/runtime/rediscache"
)

func TestRoundTripThroughPostgresAndRedis(t *testing.T) {
	b := newBackends(t)
	c := b.client(t, b.store, b.cache)
	if got, err := titleField.Get(ctx, c); err != nil || got != "Default title" {
		t.Fatalf("Get before any write = %q, %v", got, err)
	}
	if err := titleField.Set(ctx, c, "Live"); err != nil {
		t.Fatal(err)
	}
	other := b.client(t, b.store, b.cache)
	v, err := titleField.Lookup(ctx, other)
	if err != nil || v.Value != "Live" || v.Source != runtime.SourceCache {
		t.Errorf("another client read %+v, %v; want Live from Redis", v, err)
	}
}

func TestRedisUnreachableReadsAndWritesSucceed(t *testing.T) {
	b := newBackends(t)
	dead := rediscache.New(deadRedis(), rediscache.Options{Prefix: b.prefix})
	c := b.client(t, b.store, dead)
	for i := range 3 {
		if err := countField.Set(ctx, c, int64(i)); err != nil {
			t.Fatalf("write %d with Redis down: %v", i, err)
		}
		v, err := countField.Lookup(ctx, c)
		if err != nil || v.Value != int64(i) || v.Source != runtime.SourceStore {
			t.Fatalf("read %d with Redis down = %+v, %v; want %d from Postgres", i, v, err, i)
		}
	}
}

func TestPostgresUnreachableIsAnErrorNotADefault(t *testing.T) {
	b := newBackends(t)
	healthy := b.client(t, b.store, b.cache)
	if err := titleField.Set(ctx, healthy, "Cached"); err != nil {
		t.Fatal(err)
	}
	dead := pgstore.New(deadPostgres(t), pgstore.Options{})
	c := b.client(t, dead, b.cache)

	_, err := countField.Get(ctx, c)
	if !errors.Is(err, runtime.ErrUnavailable) {
		t.Errorf("Get of an uncached field with Postgres down = %v, want ErrUnavailable", err)
	}
	if err := titleField.Set(ctx, c, "Lost"); !errors.Is(err, runtime.ErrUnavailable) {
		t.Errorf("Set with Postgres down = %v, want ErrUnavailable", err)
	}
	got, err := titleField.Get(ctx, c)
	if err != nil || got != "Cached" {
		t.Errorf("cached field with Postgres down = %q, %v; want the last committed value", got, err)
	}
}

func TestCorruptRedisEntryIsDroppedAndReloaded(t *testing.T) {
	b := newBackends(t)
	c := b.client(t, b.store, b.cache)
	if err := countField.Set(ctx, c, 41); err != nil {
		t.Fatal(err)
	}
	key := b.prefix + countField.CacheKey()
	for _, garbage := range []string{"garbage", "999999:s:not-a-number"} {
		if err := b.redis.Set(ctx, key, garbage, 0).Err(); err != nil {
			t.Fatal(err)
		}
		if got, err := countField.Get(ctx, c); err != nil || got != 41 {
			t.Errorf("Get over %q = %d, %v; want 41 from Postgres", garbage, got, err)
		}
		raw, _ := b.redis.Get(ctx, key).Result()
		if !strings.HasSuffix(raw, ":s:41") {
			t.Errorf("after reading over %q Redis holds %q, want the repaired entry", garbage, raw)
		}
	}
	if n := c.CorruptEntries(); n != 2 {
		t.Errorf("CorruptEntries = %d, want 2", n)
	}
}

func TestSetManyIsOneTransaction(t *testing.T) {
	b := newBackends(t)
	c := b.client(t, b.store, b.cache)
	err := c.SetMany(ctx, countField.Assign(5), runtime.AssignText("it.main.title", "x"))
	if !errors.Is(err, runtime.ErrInvalid) {
		t.Fatalf("SetMany with an invalid title = %v", err)
	}
	v, stale := countField.Get(ctx, c)
	if v != 7 || stale != nil {
		t.Errorf("count after a failed batch = %d, %v; want the default 7", v, stale)
	}
	if err := c.SetMany(ctx, countField.Assign(5), titleField.Assign("Both")); err != nil {
		t.Fatal(err)
	}
	all, err := c.Section(ctx, "main")
	if err != nil || all[0].Value != "Both" || all[1].Value != int64(5) {
		t.Errorf("after batch: %+v, %v", all, err)
	}
	if all[0].Version == all[1].Version {
		t.Errorf("two writes share version %d", all[0].Version)
	}
}

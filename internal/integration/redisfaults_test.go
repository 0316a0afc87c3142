package integration

import (
	"context"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/go-sysconfig/sysconfig/internal/localredis"
	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/rediscache"
)

// These sequences need a Redis of their own, to restore from an old save
// or to fail over: internal/localredis runs private redis-server processes.

// TestRedisRestoredFromAnOlderSave: Redis restarts from a save taken
// before the last write, and go-redis reconnects to it without a word.
// A reader that had seen the write never goes back; a new reader serves
// the restored entry only within the bound after the write; a started
// client never sees it.
func TestRedisRestoredFromAnOlderSave(t *testing.T) {
	t.Parallel()
	b := newBackends(t)
	srv := localredis.NewServer(t, localredis.Options{})
	cache := cacheOn(t, goredis.NewClient(&goredis.Options{Addr: srv.Addr(), ContextTimeoutEnabled: true}))
	writer := throughCache(t, b.store, cache)
	if err := countField.Set(ctx, writer, 1); err != nil {
		t.Fatal(err)
	}
	old, err := srv.Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seen := throughCache(t, b.store, cache)
	if err := countField.Set(ctx, writer, 2); err != nil {
		t.Fatal(err)
	}
	committed := time.Now()
	if got, _ := countField.Get(ctx, seen); got != 2 {
		t.Fatalf("reader before the restore = %d, want 2", got)
	}
	if err := srv.RestoreFrom(ctx, old); err != nil {
		t.Fatal(err)
	}
	for range 20 {
		if got, err := countField.Get(ctx, seen); err != nil || got != 2 {
			t.Fatalf("a reader that had read 2 reads %d, %v after the restore: it went back", got, err)
		}
	}
	if got, _ := countField.Get(ctx, started(t, b.store, cache, runtime.Options{})); got != 2 {
		t.Errorf("a client started after the restore reads %d, want Postgres' 2", got)
	}
	assertConverges(t, throughCache(t, b.store, cache), 2, committed)
}

// TestFillLostInAClusterFailover: a Redis Cluster master acknowledges the
// fill of a write and dies before its replica has it; the replica, now
// master, holds the previous entry. Readers serve it only within the bound
// after the write, then Postgres' value, which repairs Redis.
func TestFillLostInAClusterFailover(t *testing.T) {
	t.Parallel()
	cluster := localredis.NewCluster(t, 3, 1)
	rdb := goredis.NewClusterClient(&goredis.ClusterOptions{Addrs: cluster.Addrs(), ContextTimeoutEnabled: true})
	cache, key := cacheOn(t, rdb), rediscache.DefaultPrefix+countField.CacheKey()
	master, err := cluster.MasterOf(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	replicas, err := cluster.ReplicasOf(ctx, master)
	if err != nil || len(replicas) != 1 {
		t.Fatalf("replicas of %s: %v, %v", master.Addr(), replicas, err)
	}
	loseFill(t, master, replicas[0], key, true, cache, func() error { return cluster.Failover(ctx, replicas[0]) })
}

// TestFillLostInASentinelFailover is TestFillLostInAClusterFailover with a
// master and a replica watched by three sentinels.
func TestFillLostInASentinelFailover(t *testing.T) {
	t.Parallel()
	s := localredis.NewSentinel(t)
	rdb := goredis.NewFailoverClient(&goredis.FailoverOptions{MasterName: s.MasterName(),
		SentinelAddrs: s.SentinelAddrs(), ContextTimeoutEnabled: true})
	cache := cacheOn(t, rdb)
	master, err := s.Master(ctx)
	if err != nil {
		t.Fatal(err)
	}
	replica, err := s.Replica(ctx)
	if err != nil {
		t.Fatal(err)
	}
	loseFill(t, master, replica, rediscache.DefaultPrefix+countField.CacheKey(), false, cache, func() error { return s.Failover(ctx) })
}

// loseFill plays the lost fill: count = 1 reaches the replica; the replica
// is cut off; count = 2 is committed and its fill acknowledged by the
// master alone, which dies; failover promotes the replica. Then a reader
// must converge on 2 within the bound. key is count's Redis key; cluster
// says whether the replica needs READONLY to be read.
func loseFill(t *testing.T, master, replica *localredis.Server, key string, cluster bool, cache runtime.Cache, failover func() error) {
	t.Helper()
	b := newBackends(t)
	writer := throughCache(t, b.store, cache)
	if err := countField.Set(ctx, writer, 1); err != nil {
		t.Fatal(err)
	}
	opts := &goredis.Options{Addr: replica.Addr()}
	if cluster {
		opts.OnConnect = func(ctx context.Context, cn *goredis.Conn) error { return cn.ReadOnly(ctx).Err() }
	}
	onReplica := goredis.NewClient(opts)
	t.Cleanup(func() { _ = onReplica.Close() })
	eventually(t, "the replica has count = 1", func() bool {
		raw, _ := onReplica.Get(ctx, key).Result()
		return strings.HasSuffix(raw, ":s:1")
	})
	if err := replica.Pause(); err != nil {
		t.Fatal(err)
	}
	if _, err := master.DisconnectReplicas(ctx); err != nil {
		t.Fatal(err)
	}
	if err := countField.Set(ctx, writer, 2); err != nil {
		t.Fatal(err)
	}
	committed := time.Now()
	if err := master.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := replica.Resume(); err != nil {
		t.Fatal(err)
	}
	if err := failover(); err != nil {
		t.Fatal(err)
	}
	if raw, _ := onReplica.Get(ctx, key).Result(); !strings.HasSuffix(raw, ":s:1") {
		t.Fatalf("the promoted replica holds %q, want the entry of count = 1: the fill of 2 was not lost", raw)
	}
	reader := throughCache(t, b.store, cache)
	assertConverges(t, reader, 2, committed)
	// A Cluster client learns the new layout when it reloads it (every 10 s
	// at most); until then the reader's fills fail, and only cost it loads.
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, _ = countField.Get(ctx, reader) // a stale entry makes it load and fill
		if raw, _ := onReplica.Get(ctx, key).Result(); strings.HasSuffix(raw, ":s:2") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("Redis not repaired within 20 s of the failover")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// cacheOn returns a cache over rdb under the default prefix, and closes
// rdb when t ends.
func cacheOn(t testing.TB, rdb goredis.UniversalClient) *rediscache.Cache {
	t.Cleanup(func() { _ = rdb.Close() })
	return rediscache.New(rdb, rediscache.Options{})
}

package integration

import (
	"log/slog"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/go-sysconfig/sysconfig/internal/localredis"
	"github.com/go-sysconfig/sysconfig/runtime"
)

// TestStatsShowRedisOutages: a private Redis is paused, resumed, killed
// and restarted empty under a client that reads through it. Stats shows
// each outage — the cache down since it began, its failed calls counted —
// and its end, while reads go on from Postgres and the store is never
// reported failing.
func TestStatsShowRedisOutages(t *testing.T) {
	t.Parallel()
	b := newBackends(t)
	srv := localredis.NewServer(t, localredis.Options{})
	cache := cacheOn(t, goredis.NewClient(&goredis.Options{Addr: srv.Addr(), ContextTimeoutEnabled: true, MaxRetries: -1}))
	c, err := runtime.NewClient(itSchema, b.store, runtime.Options{Cache: cache, Secrets: oldKeys,
		CacheTimeout: 100 * time.Millisecond, CacheRetryInterval: 20 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	read := func(what string) runtime.Stats {
		t.Helper()
		if _, err := countField.Get(ctx, c); err != nil {
			t.Fatalf("%s: a read failed: %v", what, err)
		}
		return c.Stats()
	}
	read("warm-up")
	if s := read("a second read").Cache; s.Hits != 1 || s.Misses != 1 || s.Fills != 1 || s.Errors != 0 || s.Down {
		t.Fatalf("a miss then a hit: %+v", s)
	}
	faults := []struct {
		name           string
		inject, repair func() error
	}{
		{"paused", srv.Pause, srv.Resume},
		{"killed", srv.Kill, func() error { return srv.Restart(ctx) }},
	}
	for _, f := range faults {
		before, began := c.Stats(), time.Now()
		if err := f.inject(); err != nil {
			t.Fatal(err)
		}
		s := read(f.name)
		if !s.Cache.Down || s.Cache.DownSince.Before(began) || s.Cache.Errors <= before.Cache.Errors ||
			s.Store.Loads <= before.Store.Loads || s.Store.Failing {
			t.Errorf("Redis %s: %+v; want the cache down since %v, errors counted, reads from Postgres", f.name, s, began)
		}
		if err := f.repair(); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the cache back after Redis was "+f.name, func() bool {
			s := read("repaired")
			return !s.Cache.Down && s.Cache.Hits > before.Cache.Hits
		})
	}
	if s := c.Stats(); s.Cache.Fills < 2 || s.Store.LoadErrors != 0 {
		t.Errorf("after the restart: %+v; want the entry filled again (Redis came back empty) and no store errors", s)
	}
}

// TestStatsShowPostgresOutageAndLag: a started client follows another's
// writes through LISTEN, with no lag once each is applied; then Postgres is
// cut off twice, and Stats shows the store failing, the syncs failing and
// the snapshot going stale, and each recovery.
func TestStatsShowPostgresOutageAndLag(t *testing.T) {
	b := newBackends(t)
	px, store := proxiedStore(t, b.schema)
	bound := 300 * time.Millisecond
	c := started(t, store, nil, runtime.Options{StalenessBound: bound, ReconcileInterval: 20 * time.Millisecond,
		Logger: slog.New(slog.DiscardHandler)})
	writer := started(t, b.store, nil, runtime.Options{})
	for i := range int64(3) {
		if err := countField.Set(ctx, writer, i); err != nil {
			t.Fatal(err)
		}
	}
	v, err := countField.Lookup(ctx, writer)
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "the follower at the writer's version", func() bool {
		s := c.Stats().Snapshot
		return s.Version == v.Version && s.Lag == 0 && s.Behind == 0
	})
	if s := c.Stats().Snapshot; s.Notifications == 0 || s.Announced != v.Version || s.Epoch != v.Epoch {
		t.Errorf("after following three writes: %+v; want notifications heard, announcing version %d of epoch %d", s, v.Version, v.Epoch)
	}
	for round := range 2 {
		began := time.Now()
		px.Cut()
		eventually(t, "stale", func() bool { return c.Stats().Snapshot.Stale })
		s := c.Stats()
		if !s.Store.Failing || s.Store.FailingSince.Before(began) || s.Snapshot.SyncErrors == 0 || s.Snapshot.Age <= bound {
			t.Errorf("round %d, Postgres cut off: %+v", round, s)
		}
		px.Restore()
		eventually(t, "fresh again", func() bool {
			s := c.Stats()
			return !s.Snapshot.Stale && !s.Store.Failing && s.Snapshot.LastSync.After(began)
		})
	}
}

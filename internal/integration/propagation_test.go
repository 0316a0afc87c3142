package integration

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	goredis "github.com/redis/go-redis/v9"

	"github.com/go-sysconfig/sysconfig/internal/faultproxy"
	"github.com/go-sysconfig/sysconfig/internal/testenv"
	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/pgstore"
	"github.com/go-sysconfig/sysconfig/runtime/rediscache"
)

// started returns a started client of itSchema, closed when t ends.
func started(t testing.TB, store runtime.Store, cache runtime.Cache, opts runtime.Options) *runtime.Client {
	t.Helper()
	opts.Cache = cache
	if opts.Secrets == nil {
		opts.Secrets = oldKeys
	}
	return startedOf(t, itSchema, store, opts)
}

// startedOf returns a started client of schema, closed when t ends.
func startedOf(t testing.TB, schema *runtime.Schema, store runtime.Store, opts runtime.Options) *runtime.Client {
	t.Helper()
	c, err := runtime.NewClient(schema, store, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(ctx); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

// eventuallyBound is how long eventually waits.
const eventuallyBound = 20 * time.Second

// eventually polls cond until it holds or eventuallyBound passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	// A liveness bound, not a performance figure (make bench measures
	// those): generous, so that a loaded machine does not fail it.
	deadline := time.Now().Add(eventuallyBound)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, eventuallyBound)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func reads(c *runtime.Client, want int64) func() bool {
	return func() bool {
		got, err := countField.Get(ctx, c)
		return err == nil && got == want
	}
}

func TestChangesReachOtherClientsThroughNotify(t *testing.T) {
	b := newBackends(t)
	writer := started(t, b.store, b.cache, runtime.Options{})
	reader := started(t, b.store, b.cache, runtime.Options{ReconcileInterval: time.Hour})
	lat := writesHeard(t, writer, reader)
	t.Logf("set → other client's hook: p50 %v, max %v (30 writes)", lat[len(lat)/2], lat[len(lat)-1])
}

// writesHeard sets count to 1…30 through writer and waits for reader's
// hook to hear each value before the next write; reader's reconcile is off,
// so the notification must carry every change. It returns the latencies,
// sorted.
func writesHeard(t *testing.T, writer, reader *runtime.Client) []time.Duration {
	t.Helper()
	heard := make(chan int64, 100)
	_ = countField.OnChange(reader, func(_ context.Context, _, new int64) error {
		heard <- new
		return nil
	})
	var lat []time.Duration
	for i := int64(1); i <= 30; i++ {
		start := time.Now()
		if err := countField.Set(ctx, writer, i); err != nil {
			t.Fatal(err)
		}
		select {
		case got := <-heard:
			lat = append(lat, time.Since(start))
			if got != i {
				t.Fatalf("reader heard %d, want %d", got, i)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("write %d never reached the other client (reconcile is off: NOTIFY must carry it)", i)
		}
	}
	slices.Sort(lat)
	return lat
}

// quietStore hides the Postgres store's notifications, as if every NOTIFY were lost.
type quietStore struct{ runtime.Store }

func TestReconcileConvergesWithNotificationsLost(t *testing.T) {
	b := newBackends(t)
	writer := started(t, b.store, b.cache, runtime.Options{})
	reader := started(t, quietStore{b.store}, b.cache, runtime.Options{ReconcileInterval: 100 * time.Millisecond})
	if err := countField.Set(ctx, writer, 99); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the reconcile brings the change without notifications", reads(reader, 99))
}

// logBuffer collects a client's log output.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) count(s string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Count(l.buf.String(), s)
}

func (l *logBuffer) logger() *slog.Logger { return slog.New(slog.NewTextHandler(l, nil)) }

// proxiedRedis returns a cache reaching Redis through a fault proxy.
func proxiedRedis(t *testing.T, b *backends) (*faultproxy.Proxy, *rediscache.Cache) {
	opts, err := goredis.ParseURL(testenv.RedisURL())
	if err != nil {
		t.Fatal(err)
	}
	px := faultproxy.New(t, opts.Addr)
	opts.Addr, opts.MaxRetries = px.Addr(), -1
	opts.DialTimeout, opts.ReadTimeout, opts.WriteTimeout = 200*time.Millisecond, 500*time.Millisecond, 500*time.Millisecond
	rdb := goredis.NewClient(opts)
	t.Cleanup(func() { _ = rdb.Close() })
	return px, rediscache.New(rdb, rediscache.Options{Prefix: b.prefix})
}

func TestRedisOutage(t *testing.T) {
	b := newBackends(t)
	px, cache := proxiedRedis(t, b)
	logs := &logBuffer{}
	opts := runtime.Options{Logger: logs.logger(), ReconcileInterval: 50 * time.Millisecond, CacheRetryInterval: 50 * time.Millisecond}
	writer := started(t, b.store, cache, opts)
	reader := started(t, b.store, cache, runtime.Options{ReconcileInterval: time.Hour})
	px.Cut()
	for i := int64(1); i <= 5; i++ {
		if err := countField.Set(ctx, writer, i); err != nil {
			t.Fatalf("write %d with Redis down: %v", i, err)
		}
		eventually(t, "propagation through Postgres with Redis down", reads(reader, i))
	}
	if n := logs.count("cache unavailable"); n != 1 {
		t.Errorf("the outage was logged %d times, want once", n)
	}
	testenv.FlushPrefix(t, b.redis, b.prefix) // Redis comes back empty
	px.Restore()
	eventually(t, "Redis repopulated with the value written during the outage", func() bool {
		raw, _ := b.redis.Get(ctx, b.prefix+countField.CacheKey()).Result()
		return strings.HasSuffix(raw, ":s:5")
	})
}

// proxiedStore returns a Postgres store reaching the test's schema through
// a fault proxy.
func proxiedStore(t *testing.T, schema string) (*faultproxy.Proxy, *pgstore.Store) {
	cfg, err := pgxpool.ParseConfig(testenv.DatabaseURL())
	if err != nil {
		t.Fatal(err)
	}
	px := faultproxy.New(t, net.JoinHostPort(cfg.ConnConfig.Host, itoa(cfg.ConnConfig.Port)))
	host, port, _ := net.SplitHostPort(px.Addr())
	cfg.ConnConfig.Host, cfg.ConnConfig.Port = host, atou16(port)
	cfg.ConnConfig.ConnectTimeout = time.Second
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return px, pgstore.New(pool, pgstore.Options{Schema: schema})
}

func TestPostgresOutage(t *testing.T) {
	b := newBackends(t)
	px, store := proxiedStore(t, b.schema)
	c := started(t, store, b.cache, runtime.Options{ReconcileInterval: 50 * time.Millisecond})
	other := started(t, b.store, b.cache, runtime.Options{})
	if err := countField.Set(ctx, c, 1); err != nil {
		t.Fatal(err)
	}
	px.Cut()
	eventually(t, "last-known value reported stale", func() bool {
		v, err := countField.Lookup(ctx, c)
		return err == nil && v.Value == int64(1) && v.Source == runtime.SourceStale
	})
	short, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	began := time.Now()
	if err := countField.Set(short, c, 2); !errors.Is(err, runtime.ErrUnavailable) {
		t.Errorf("write with Postgres down = %v, want ErrUnavailable", err)
	}
	if took := time.Since(began); took > 2*time.Second {
		t.Errorf("the failing write took %v; it must give up by its deadline", took)
	}
	if err := countField.Set(ctx, other, 3); err != nil { // another process writes meanwhile
		t.Fatal(err)
	}
	px.Restore()
	eventually(t, "full reconcile after recovery", func() bool {
		v, _ := countField.Lookup(ctx, c)
		return v.Value == int64(3) && v.Source == runtime.SourceSnapshot
	})
}

func TestStartWithPostgresDown(t *testing.T) {
	b := newBackends(t)
	seed := started(t, b.store, b.cache, runtime.Options{})
	if err := titleField.Set(ctx, seed, "From Redis"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the write reaches Redis", func() bool { // a started writer updates Redis in the background
		raw, _ := b.redis.Get(ctx, b.prefix+titleField.CacheKey()).Result()
		return strings.HasSuffix(raw, ":s:From Redis")
	})
	px, store := proxiedStore(t, b.schema)
	px.Cut()
	c, _ := runtime.NewClient(itSchema, store, runtime.Options{Cache: b.cache, Secrets: oldKeys, ReconcileInterval: 50 * time.Millisecond})
	err := c.Start(ctx)
	t.Cleanup(c.Close)
	if !errors.Is(err, runtime.ErrUnavailable) || c.Ready() {
		t.Fatalf("Start with Postgres down = %v, Ready %v; want ErrUnavailable, not ready", err, c.Ready())
	}
	if got, _ := titleField.Get(ctx, c); got != "From Redis" {
		t.Errorf("title = %q, want the value Redis holds", got)
	}
	if v, _ := countField.Lookup(ctx, c); v.Source != runtime.SourceDefault {
		t.Errorf("a field Redis lacks = %+v, want the default reported as such", v)
	}
	px.Restore()
	eventually(t, "ready once Postgres answers", c.Ready)
}

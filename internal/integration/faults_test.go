package integration

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-sysconfig/sysconfig/internal/faultproxy"
	"github.com/go-sysconfig/sysconfig/internal/testenv"
	"github.com/go-sysconfig/sysconfig/runtime"
)

// The fault sequences of this file each once left Redis serving an old
// value forever. The rule that now bounds them all: a cache entry carries
// the time its value was read from Postgres, and is served as current for
// the staleness bound after that, no longer. They use a short bound so
// that they run quickly.
const bound = 300 * time.Millisecond

// throughCache returns a client without a snapshot, reading through cache
// with the test's staleness bound.
func throughCache(t testing.TB, store runtime.Store, cache runtime.Cache) *runtime.Client {
	t.Helper()
	c, err := runtime.NewClient(itSchema, store, runtime.Options{Cache: cache, Secrets: oldKeys, StalenessBound: bound})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// assertConverges reads count through c until it reads want, and fails if
// a read that started more than the bound after committed returns anything
// else, or if c's reads ever go back to an older value — by (epoch,
// version) — except from a version the store never issued, forged.
func assertConverges(t *testing.T, c *runtime.Client, want int64, committed time.Time, forged ...int64) {
	t.Helper()
	var last runtime.Value
	for {
		began := time.Now()
		v, err := countField.Lookup(ctx, c)
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		back := v.Epoch < last.Epoch || v.Epoch == last.Epoch && v.Version < last.Version
		if back && !slices.Contains(forged, last.Version) {
			t.Fatalf("reads went back: %+v after %+v", v, last)
		}
		last = v
		if v.Value == want {
			return
		}
		if late := began.Sub(committed); late > bound {
			t.Fatalf("a read %v after the commit returned %v (%v), want %d: stale past the bound of %v",
				late, v.Value, v.Source, want, bound)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// cachedCount returns the raw Redis entry of count.
func cachedCount(b *backends) string {
	raw, _ := b.redis.Get(ctx, b.prefix+countField.CacheKey()).Result()
	return raw
}

// TestWriterKilledBeforeItsCacheUpdate: a process commits and dies before
// it updates Redis, and no started client runs to hear of the change.
// Readers through Redis serve the new value within the bound, and the
// first one that loads it repairs Redis.
func TestWriterKilledBeforeItsCacheUpdate(t *testing.T) {
	b := newBackends(t)
	if err := countField.Set(ctx, throughCache(t, b.store, b.cache), 1); err != nil {
		t.Fatal(err)
	}
	orphan(t, b.store, runtime.Write{Path: countField.Path(), Value: "2"})
	committed := time.Now()
	assertConverges(t, throughCache(t, b.store, b.cache), 2, committed)
	eventually(t, "Redis repaired by a reader", func() bool { return strings.HasSuffix(cachedCount(b), ":s:2") })
}

// TestRefillRacingAWriterWhoseCacheIsDown replays the refill race: a
// process refills Redis from a load made before another process's write;
// that writer could not reach Redis (its breaker is open, its fill is
// missed) and never does again (it dies). Redis keeps the refill's older
// value, which readers serve only within the bound; and a writer that does
// come back sends the fill it missed.
func TestRefillRacingAWriterWhoseCacheIsDown(t *testing.T) {
	for _, writerReturns := range []bool{false, true} {
		t.Run(fmt.Sprintf("writerReturns=%v", writerReturns), func(t *testing.T) {
			b := newBackends(t)
			px, writerCache := proxiedRedis(t, b)
			writer, err := runtime.NewClient(itSchema, b.store, runtime.Options{Cache: writerCache,
				Secrets: oldKeys, CacheRetryInterval: 20 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			if err := countField.Set(ctx, writer, 1); err != nil {
				t.Fatal(err)
			}
			gate := &gatedStore{Store: b.store, release: make(chan struct{})}
			started(t, gate, b.cache, runtime.Options{ReconcileInterval: 20 * time.Millisecond}) // the refiller
			gate.arm()
			testenv.FlushPrefix(t, b.redis, b.prefix) // Redis lost everything: the refiller is elected to refill it
			gate.waitLoaded(t)                        // it has loaded count = 1, and holds its fill
			px.Cut()
			if err := countField.Set(ctx, writer, 2); err != nil { // the writer's fill cannot be made
				t.Fatal(err)
			}
			committed := time.Now()
			close(gate.release) // the refill of count = 1 goes through
			eventually(t, "the refill lands", func() bool { return strings.HasSuffix(cachedCount(b), ":s:1") })
			if writerReturns {
				px.Restore()
				eventually(t, "the writer sends its missed fill", func() bool {
					_, _ = countField.Get(ctx, writer) // a read starts its probe
					return strings.HasSuffix(cachedCount(b), ":s:2")
				})
			}
			assertConverges(t, throughCache(t, b.store, b.cache), 2, committed)
		})
	}
}

// gatedStore holds a refill's result (a Since from the zero position) once
// armed, until released, so that the refill fills what it loaded late.
type gatedStore struct {
	runtime.Store
	mu      sync.Mutex
	armed   bool
	loaded  chan struct{}
	release chan struct{}
}

func (g *gatedStore) arm() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.armed, g.loaded = true, make(chan struct{})
}

func (g *gatedStore) Since(ctx context.Context, app string, from runtime.Position) (runtime.Delta, error) {
	d, err := g.Store.Since(ctx, app, from)
	g.mu.Lock()
	hold := g.armed && from == (runtime.Position{})
	if hold {
		g.armed = false
		close(g.loaded)
	}
	g.mu.Unlock()
	if hold {
		<-g.release
	}
	return d, err
}

func (g *gatedStore) waitLoaded(t *testing.T) {
	t.Helper()
	select {
	case <-g.loaded:
	case <-time.After(5 * time.Second):
		t.Fatal("the refill never loaded")
	}
}

// TestRecreatedStoreWinsOverRedis: the tables are dropped and created
// again, so versions restart from 1 while Redis and running processes hold
// versions far above. The new store's epoch orders its values after all
// of those: running clients, clients started later and readers through
// Redis all serve the new store's values.
func TestRecreatedStoreWinsOverRedis(t *testing.T) {
	b := newBackends(t)
	running := started(t, b.store, b.cache, runtime.Options{ReconcileInterval: 20 * time.Millisecond})
	reader := throughCache(t, b.store, b.cache)
	for i := range 30 {
		if err := countField.Set(ctx, running, int64(100+i)); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "Redis holds the last write", func() bool { return strings.HasSuffix(cachedCount(b), ":s:129") })
	if got, _ := countField.Get(ctx, reader); got != 129 {
		t.Fatalf("reader before the recreation = %d, want 129", got)
	}
	recreate(t, b)
	fresh := orphan(t, b.store, runtime.Write{Path: countField.Path(), Value: "7"})[0].New
	committed := time.Now()
	if fresh.Version >= 30 {
		t.Fatalf("the recreated store wrote version %d; the test needs versions to restart", fresh.Version)
	}
	late := started(t, b.store, b.cache, runtime.Options{})
	if got, _ := countField.Get(ctx, late); got != 7 {
		t.Errorf("a client started after the recreation reads %d, want the new store's 7", got)
	}
	eventually(t, "the running client follows the new store", reads(running, 7))
	assertConverges(t, reader, 7, committed)
	eventually(t, "Redis holds the new store's value", func() bool { return strings.HasSuffix(cachedCount(b), ":s:7") })
}

// recreate drops the store's tables and creates them again.
func recreate(t *testing.T, b *backends) {
	t.Helper()
	_, err := b.pool.Exec(ctx, `DROP TABLE sysconfig_values, sysconfig_history, sysconfig_changes,
		sysconfig_meta, sysconfig_migrations; DROP SEQUENCE sysconfig_version`)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.store.EnsureSchema(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestForgedRedisEntryLosesToPostgres: an entry in Redis claims a version
// far above anything the store has issued, in the store's epoch. Started
// clients never serve it; readers through Redis serve it at most for the
// bound after the time it claims, then the store's value; and the entry,
// contradicted by the store, is dropped and replaced.
func TestForgedRedisEntryLosesToPostgres(t *testing.T) {
	b := newBackends(t)
	written := orphan(t, b.store, runtime.Write{Path: countField.Path(), Value: "5"})[0].New
	forged := runtime.Entry{Key: countField.CacheKey(), Epoch: written.Epoch, Version: 1 << 60, Set: true,
		Value: "666", AsOf: time.Now()}
	if err := b.cache.Fill(ctx, []runtime.Entry{forged}); err != nil {
		t.Fatal(err)
	}
	if got, _ := countField.Get(ctx, started(t, b.store, b.cache, runtime.Options{})); got != 5 {
		t.Errorf("a started client reads %d, want the store's 5", got)
	}
	assertConverges(t, throughCache(t, b.store, b.cache), 5, forged.AsOf, forged.Version)
	eventually(t, "the forged entry replaced", func() bool { return strings.HasSuffix(cachedCount(b), ":s:5") })
}

// TestPausedRedisDoesNotStallPropagation: Redis stops answering (a
// partition, or a paused server). Changes keep reaching started clients
// through Postgres at once, values are not labelled stale, and reads
// through the cache cost at most the cache timeout, then come from
// Postgres: no errors, never backwards.
func TestPausedRedisDoesNotStallPropagation(t *testing.T) {
	b := newBackends(t)
	px, cache := proxiedRedis(t, b)
	writer := started(t, b.store, cache, runtime.Options{})
	follower := started(t, b.store, cache, runtime.Options{ReconcileInterval: time.Hour})
	reader := throughCache(t, b.store, cache)
	if _, err := countField.Get(ctx, reader); err != nil {
		t.Fatal(err)
	}
	px.Blackhole()
	defer px.Restore()
	for i := int64(1); i <= 5; i++ {
		start := time.Now()
		if err := countField.Set(ctx, writer, i); err != nil {
			t.Fatalf("write %d with Redis paused: %v", i, err)
		}
		eventually(t, "the follower hears of the write", reads(follower, i))
		v, err := countField.Lookup(ctx, follower)
		if err != nil || v.Source != runtime.SourceSnapshot {
			t.Errorf("follower reads %+v, %v; want a current snapshot value", v, err)
		}
		readCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
		got, err := countField.Get(readCtx, reader)
		cancel()
		if err != nil || got != i {
			t.Errorf("read through the paused cache = %d, %v; want %d from Postgres", got, err, i)
		}
		t.Logf("write %d: visible to the follower and the reader after %v", i, time.Since(start))
	}
}

// TestWriteGivesUpWithinItsDeadlineWhenPostgresHangs: Postgres stops
// answering (a partition) while writes are sent. With a caller deadline,
// the write returns soon after it; without one, Options.WriteTimeout bounds
// it. Neither is reported as failed unless it provably did not commit.
func TestWriteGivesUpWithinItsDeadlineWhenPostgresHangs(t *testing.T) {
	b := newBackends(t)
	px, store := proxiedStore(t, b.schema)
	c, err := runtime.NewClient(itSchema, store, runtime.Options{Secrets: oldKeys, WriteTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := countField.Set(ctx, c, 1); err != nil {
		t.Fatal(err)
	}
	px.Blackhole()
	defer px.Restore()
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	for name, writeCtx := range map[string]context.Context{"caller deadline": short, "no deadline": ctx} {
		start := time.Now()
		err := countField.Set(writeCtx, c, 2)
		if took := time.Since(start); took > time.Second {
			t.Errorf("%s: the write returned after %v", name, took)
		}
		if !errors.Is(err, runtime.ErrOutcomeUnknown) && !errors.Is(err, runtime.ErrUnavailable) {
			t.Errorf("%s: write with Postgres hanging = %v, want ErrOutcomeUnknown or ErrUnavailable", name, err)
		}
	}
}

// pausedStore returns a client whose Postgres is reached through a fault
// proxy, and the proxy; the pool holds one idle connection, open.
func pausedStore(t *testing.T, b *backends, opts runtime.Options) (*faultproxy.Proxy, *runtime.Client) {
	t.Helper()
	px, store := proxiedStore(t, b.schema)
	opts.Secrets = oldKeys
	c, err := runtime.NewClient(itSchema, store, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := countField.Set(ctx, c, 1); err != nil { // opens the connection and prepares the statements
		t.Fatal(err)
	}
	return px, c
}

// committedCount returns count's value in Postgres, read directly.
func committedCount(t *testing.T, b *backends) string {
	t.Helper()
	recs, err := b.store.Load(ctx, []string{countField.Path()})
	if err != nil {
		t.Fatal(err)
	}
	return recs[0].Value
}

// TestWriteInAPausedPostgresIsNeverReportedFailed: Postgres is paused
// (SIGSTOP) while a write's transaction, COMMIT included, sits in its
// socket buffer. The client gives up at its deadline and cannot ask the
// server anything: the outcome is unknown, and it says so, never "failed".
// When the server runs again, the transaction commits (or not, if pgx's
// cancel request gets there first); Resolve then tells which, truthfully.
func TestWriteInAPausedPostgresIsNeverReportedFailed(t *testing.T) {
	b := newBackends(t)
	px, c := pausedStore(t, b, runtime.Options{})
	px.Pause()
	defer px.Resume()
	deadline := time.Now().Add(300 * time.Millisecond)
	writeCtx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	err := countField.Set(writeCtx, c, 2)
	late := time.Since(deadline)
	var unknown *runtime.OutcomeUnknownError
	if !errors.As(err, &unknown) || errors.Is(err, runtime.ErrUnavailable) {
		t.Fatalf("write into a paused Postgres = %v, want an *OutcomeUnknownError and not ErrUnavailable", err)
	}
	if late > time.Second {
		t.Errorf("the write returned %v after its deadline", late)
	}
	t.Logf("outcome unknown %v after the deadline: %v", late, err)
	px.Resume()
	var committed bool
	eventually(t, "Resolve answers once Postgres runs again", func() bool {
		committed, err = c.Resolve(ctx, unknown.ChangeID)
		return err == nil
	})
	if got := committedCount(t, b); committed != (got == "2") {
		t.Errorf("Resolve says committed = %v, but Postgres holds %q", committed, got)
	}
	time.Sleep(200 * time.Millisecond) // nothing changes after Resolve has answered
	if got := committedCount(t, b); committed != (got == "2") {
		t.Errorf("after Resolve said committed = %v, Postgres came to hold %q", committed, got)
	}
	t.Logf("the write committed after it was given up: %v", committed)
}

// TestWriteStuckInOneSessionIsFencedAndReportedFailed: one session's
// transaction, COMMIT included, is stuck in the server's buffers (that
// backend is stopped) while Postgres still accepts new sessions. The
// client gives up at its deadline and, through a new session, fences the
// change: so the write is reported as failed, and when the stuck session
// runs again its commit fails.
func TestWriteStuckInOneSessionIsFencedAndReportedFailed(t *testing.T) {
	b := newBackends(t)
	px, c := pausedStore(t, b, runtime.Options{ResolveTimeout: 2 * time.Second})
	px.PauseOpen()
	defer px.Resume()
	writeCtx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	err := countField.Set(writeCtx, c, 2)
	if !errors.Is(err, runtime.ErrUnavailable) || errors.Is(err, runtime.ErrOutcomeUnknown) {
		t.Fatalf("write stuck in one session = %v, want ErrUnavailable: the fence settles it", err)
	}
	px.Resume()
	time.Sleep(300 * time.Millisecond) // the stuck session runs its batch, COMMIT included
	if got := committedCount(t, b); got != "1" {
		t.Errorf("a write reported as failed committed later: Postgres holds %q", got)
	}
}

package pgstore_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/go-sysconfig/sysconfig/internal/testenv"
	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/pgstore"
	"github.com/go-sysconfig/sysconfig/runtime/runtimetest"
)

// These tests run the store through the real PgBouncer in transaction
// pooling mode (testenv.PgBouncer, set up as the README's "Behind
// PgBouncer" section says); they fail, saying how to start it, when it is
// unreachable.

// newBouncedStore returns a store whose pool goes through PgBouncer and
// whose listener connects straight to Postgres, on a channel of its own,
// and its pool.
func newBouncedStore(t testing.TB) (*pgstore.Store, *pgxpool.Pool) {
	t.Helper()
	return testenv.PgBouncer(t, pgstore.Options{Channel: "sysconfig_test_" + testenv.Unique()})
}

// TestConformanceThroughPgBouncer runs the Store contract suite through
// PgBouncer in transaction pooling mode.
func TestConformanceThroughPgBouncer(t *testing.T) {
	runtimetest.TestStore(t, func(t *testing.T) runtime.Store {
		s, _ := newBouncedStore(t)
		return s
	})
}

// TestNotifierConformanceThroughPgBouncer runs the Notifier contract
// suite with writes through PgBouncer and the listener on Postgres.
func TestNotifierConformanceThroughPgBouncer(t *testing.T) {
	runtimetest.TestNotifier(t, func(t *testing.T) (runtime.Store, runtime.Notifier) {
		s, _ := newBouncedStore(t)
		return s, s
	})
}

// bouncedPool returns a pool through PgBouncer with the given statement
// mode and at most maxConns connections, closed when t ends.
func bouncedPool(t testing.TB, mode pgx.QueryExecMode, maxConns int32) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(testenv.PgBouncerURL())
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.DefaultQueryExecMode = mode
	cfg.MaxConns = maxConns
	pool, err := pgxpool.NewWithConfig(testCtx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// TestEnsureSchemaRefusesSessionModesThroughPgBouncer: behind a pooler,
// EnsureSchema refuses the statement modes that need the server session
// to last from one round trip to the next, says what to set, and accepts
// the others, or those two when the pooler is said to keep statements.
func TestEnsureSchemaRefusesSessionModesThroughPgBouncer(t *testing.T) {
	t.Parallel()
	_, schema := testenv.Postgres(t)
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeDescribeExec} {
		pool := bouncedPool(t, mode, 4)
		err := pgstore.New(pool, pgstore.Options{Schema: schema}).EnsureSchema(testCtx(t))
		if !errors.Is(err, pgstore.ErrPooler) || !errors.Is(err, runtime.ErrMisconfigured) ||
			!strings.Contains(err.Error(), "default_query_exec_mode=cache_describe") {
			t.Errorf("EnsureSchema through PgBouncer with %v = %v, want ErrPooler, ErrMisconfigured and the remedy", mode, err)
		}
		err = pgstore.New(pool, pgstore.Options{Schema: schema, PoolerKeepsStatements: true}).EnsureSchema(testCtx(t))
		if errors.Is(err, pgstore.ErrPooler) {
			t.Errorf("EnsureSchema with PoolerKeepsStatements and %v = %v", mode, err)
		}
	}
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheDescribe, pgx.QueryExecModeExec, pgx.QueryExecModeSimpleProtocol} {
		if err := pgstore.New(bouncedPool(t, mode, 4), pgstore.Options{Schema: schema}).EnsureSchema(testCtx(t)); err != nil {
			t.Errorf("EnsureSchema through PgBouncer with %v = %v", mode, err)
		}
	}
}

// TestStatementCacheFailsThroughPgBouncer shows why EnsureSchema refuses
// pgx's statement cache behind a pooler, and that the PgBouncer of these
// tests pools transactions: told that the pooler keeps statements, a
// store that uses the cache soon fails, with an error matching
// runtime.ErrMisconfigured that names the statement cache.
func TestStatementCacheFailsThroughPgBouncer(t *testing.T) {
	t.Parallel()
	_, pool := newStore(t) // sets the tables up
	schema := currentSchema(t, pool)
	t.Cleanup(func() { testenv.PgBouncerReconnect(t) }) // drop the statements it leaves on PgBouncer's servers
	store := pgstore.New(bouncedPool(t, pgx.QueryExecModeCacheStatement, 16),
		pgstore.Options{Schema: schema, PoolerKeepsStatements: true})
	ops, err := firstError(store, 16, 10*time.Second)
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "42P05" && pgErr.Code != "26000" {
		t.Fatalf("after %d operations with the statement cache through PgBouncer: %v, want SQLSTATE 42P05 or 26000", ops, err)
	}
	if !errors.Is(err, runtime.ErrMisconfigured) || !strings.Contains(err.Error(), "statement cache") {
		t.Errorf("%v: want runtime.ErrMisconfigured, naming the statement cache", err)
	}
	t.Logf("the statement cache failed after %d operations: %v", ops, err)
}

// currentSchema returns the search_path of pool's connections: the
// test's own schema.
func currentSchema(t testing.TB, pool *pgxpool.Pool) string {
	t.Helper()
	var schema string
	if err := pool.QueryRow(testCtx(t), "SELECT current_schema()").Scan(&schema); err != nil {
		t.Fatal(err)
	}
	return schema
}

// firstError runs loads and writes on store from workers goroutines until
// one fails or the time is up, and returns how many operations ran and
// the first error.
func firstError(store *pgstore.Store, workers int, limit time.Duration) (int64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	var ops atomic.Int64
	var once sync.Once
	var first error
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				if err := loadAndWrite(ctx, store, w, ops.Add(1)); err != nil && ctx.Err() == nil {
					once.Do(func() { first = err })
					cancel()
				}
			}
		})
	}
	wg.Wait()
	return ops.Load(), first
}

// loadAndWrite loads a path and writes it.
func loadAndWrite(ctx context.Context, store *pgstore.Store, worker int, n int64) error {
	path := "app.w.f" + string(rune('a'+worker))
	if _, err := store.Load(ctx, []string{path}); err != nil {
		return err
	}
	_, err := store.Apply(ctx, change("app", set(path, strconv.FormatInt(n, 10))))
	return err
}

// syncBuffer is a bytes.Buffer safe for a logger's concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestNoServerConnectionOfPgBouncerListens runs, side by side, a listener
// that connects straight to Postgres and two that would LISTEN through
// PgBouncer (with no Options.ListenConfig, like the pool; and with one
// that names PgBouncer), while writes go through PgBouncer. The first
// hears every write; the other two refuse, log it once each, and are
// never called; and no server connection of PgBouncer's pool listens.
func TestNoServerConnectionOfPgBouncerListens(t *testing.T) {
	testenv.PgBouncerReconnect(t) // no LISTEN left over by an earlier run
	store, pool := newBouncedStore(t)
	channel := store.Channel()
	good := startListen(t, store, "app")
	viaBouncer, err := pgx.ParseConfig(testenv.PgBouncerURL())
	if err != nil {
		t.Fatal(err)
	}
	var logs [2]syncBuffer
	var bad [2]*listener
	for i, cfg := range []*pgx.ConnConfig{nil, viaBouncer} {
		logger := slog.New(slog.NewTextHandler(&logs[i], nil))
		s := pgstore.New(pool, pgstore.Options{Channel: channel, ListenConfig: cfg, Logger: logger})
		bad[i] = startListen(t, s, "app")
	}
	good.expectVersions(t, 0)
	for round := range 10 {
		got := mustApply(t, store, "app", set("app.a.b", string(rune('0'+round))))
		good.expectVersions(t, versions(got)...)
	}
	time.Sleep(time.Second) // several attempts of the refused listeners, 50 ms apart and more
	for pid, channels := range testenv.PgBouncerListening(t) {
		if channels != 0 {
			t.Errorf("PgBouncer's server connection (backend %d) listens on %d channels, want none", pid, channels)
		}
	}
	for i, l := range bad {
		if got := strings.Count(logs[i].String(), "Options.ListenConfig"); got != 1 {
			t.Errorf("refused listener %d logged its refusal %d times, want once:\n%s", i, got, logs[i].String())
		}
		l.expectNothing(t)
	}
}

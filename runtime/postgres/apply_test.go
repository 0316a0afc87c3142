package postgres_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/postgres"
)

// These tests cover how Apply's single round trip (its COMMIT queued with
// its writes) still never commits what it should not: a failed version
// check, a timeout, a cancellation.

// TestFirstConflictIsReported: when the second and third writes of a batch
// both fail their check, the second is reported, with its versions, and no
// write is applied, not even the first, which comes before any failure.
func TestFirstConflictIsReported(t *testing.T) {
	s, _ := newStore(t)
	old := mustApply(t, s, "app", set("app.a.one", "old"), set("app.a.two", "old"))
	_, err := s.Apply(testCtx(t), "app", []runtime.Write{
		set("app.a.one", "new"),
		expect(set("app.a.two", "new"), 0),
		expect(set("app.a.three", "new"), 7),
	})
	var conflict *runtime.ConflictError
	if !errors.As(err, &conflict) || !errors.Is(err, runtime.ErrConflict) {
		t.Fatalf("Apply = %v, want a *runtime.ConflictError", err)
	}
	want := runtime.ConflictError{Path: "app.a.two", Expected: 0, Actual: old[1].New.Version}
	if *conflict != want {
		t.Errorf("conflict = %+v, want %+v", *conflict, want)
	}
	assertRecords(t, mustLoad(t, s, "app.a.one", "app.a.two", "app.a.three"),
		[]runtime.Record{old[0].New, old[1].New, {Path: "app.a.three"}})
	assertHistoryLen(t, s, "app.a.one", 1)
	assertHistoryLen(t, s, "app.a.three", 0)
}

// TestConnectionReusedAfterConflict: the transaction a conflict aborts is
// rolled back, and the same connection serves the next Apply.
func TestConnectionReusedAfterConflict(t *testing.T) {
	s, pool, _ := singleConnStore(t, postgres.Options{}, nil)
	v := mustApply(t, s, "app", set("app.a.b", "1"))[0].New.Version
	pid := backendPID(t, pool)
	if _, err := s.Apply(testCtx(t), "app", []runtime.Write{expect(set("app.a.b", "2"), v+1)}); !errors.Is(err, runtime.ErrConflict) {
		t.Fatalf("Apply = %v, want a conflict", err)
	}
	if got := backendPID(t, pool); got != pid {
		t.Errorf("backend %d after a conflict, want the same connection (%d)", got, pid)
	}
	assertPoolHealthy(t, s, pool)
}

// TestWriteTimeoutWhileBlocked: with no deadline on its context, an Apply
// stuck behind a row lock is stopped by the server at Options.WriteTimeout
// (lock_timeout), writes nothing once the lock is released, and leaves its
// connection fit for reuse.
func TestWriteTimeoutWhileBlocked(t *testing.T) {
	s, pool, other := singleConnStore(t, postgres.Options{WriteTimeout: 150 * time.Millisecond}, nil)
	mustApply(t, s, "app", set("app.a.b", "1"))
	pid := backendPID(t, pool)
	release := lockRow(t, other, "app.a.b")
	start := time.Now()
	_, err := s.Apply(testCtx(t), "app", []runtime.Write{set("app.a.b", "2")})
	if code := pgCode(err); (code != "55P03" && code != "57014") || time.Since(start) > 5*time.Second {
		t.Errorf("blocked Apply returned %v (SQLSTATE %q) after %v, want a prompt lock timeout", err, code, time.Since(start))
	}
	release()
	time.Sleep(300 * time.Millisecond)
	if got := mustLoad(t, s, "app.a.b")[0]; got.Value != "1" {
		t.Errorf("after a timed-out Apply: %+v", got)
	}
	if got := backendPID(t, pool); got != pid {
		t.Errorf("backend %d after a timeout, want the same connection (%d)", got, pid)
	}
	assertPoolHealthy(t, s, pool)
}

// TestCancelWhileBlocked: an Apply whose context (with no deadline) is
// cancelled while it waits for a row lock returns at once and writes
// nothing, even once the lock is released well within the write timeout:
// the Store has the server cancel the waiting statement.
func TestCancelWhileBlocked(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer time.AfterFunc(200*time.Millisecond, cancel).Stop()
	assertBlockedApplyGivesUp(t, ctx, context.Canceled)
}

// assertBlockedApplyGivesUp runs an Apply stuck behind another
// transaction's row lock until ctx ends, and checks that it returns
// promptly with want, that nothing is written even once the lock is
// released, and that the pool still works.
func assertBlockedApplyGivesUp(t *testing.T, ctx context.Context, want error) {
	t.Helper()
	s, pool, other := singleConnStore(t, postgres.Options{}, nil)
	mustApply(t, s, "app", set("app.a.b", "1"))
	release := lockRow(t, other, "app.a.b")
	start := time.Now()
	_, err := s.Apply(ctx, "app", []runtime.Write{set("app.a.b", "2")})
	if !errors.Is(err, want) || time.Since(start) > 5*time.Second {
		t.Errorf("blocked Apply returned %v after %v, want a prompt %v", err, time.Since(start), want)
	}
	release()
	time.Sleep(300 * time.Millisecond) // let the abandoned statement run, if it is going to
	if got := mustLoad(t, s, "app.a.b")[0]; got.Value != "1" {
		t.Errorf("after an Apply that gave up: %+v", got)
	}
	assertPoolHealthy(t, s, pool)
}

// TestTimeLimitSpansStatements: each wait is shorter than the write
// timeout (first for the app's lock, then for a row lock) but together
// they outlast it; the check before the COMMIT then rolls back.
func TestTimeLimitSpansStatements(t *testing.T) {
	s, pool, other := singleConnStore(t, postgres.Options{WriteTimeout: time.Second}, nil)
	mustApply(t, s, "app", set("app.a.b", "1"))
	releaseApp := lockApp(t, other, "app")
	releaseRow := lockRow(t, other, "app.a.b")
	defer time.AfterFunc(600*time.Millisecond, releaseApp).Stop()
	defer time.AfterFunc(1200*time.Millisecond, releaseRow).Stop()
	_, err := s.Apply(testCtx(t), "app", []runtime.Write{set("app.a.b", "2")})
	if code := pgCode(err); code != "57014" || !strings.Contains(err.Error(), "deadline") {
		t.Errorf("Apply = %v (SQLSTATE %q), want the deadline check's error", err, code)
	}
	if got := mustLoad(t, s, "app.a.b")[0]; got.Value != "1" {
		t.Errorf("after an Apply past its time limit: %+v", got)
	}
	assertPoolHealthy(t, s, pool)
}

// lockRow holds a row lock on path, in a transaction of pool, until the
// returned function (or the end of the test) releases it.
func lockRow(t *testing.T, pool *pgxpool.Pool, path string) (release func()) {
	return holdLock(t, pool, "SELECT FROM sysconfig_values WHERE path = $1 FOR UPDATE", path)
}

// lockApp holds the advisory lock Apply takes for app, like lockRow.
func lockApp(t *testing.T, pool *pgxpool.Pool, app string) (release func()) {
	class, key := postgres.AppLockKeys(app)
	return holdLock(t, pool, "SELECT pg_advisory_xact_lock($1::int4, $2::int4)", class, key)
}

func holdLock(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) (release func()) {
	t.Helper()
	tx, err := pool.Begin(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	release = sync.OnceFunc(func() { _ = tx.Rollback(context.Background()) })
	t.Cleanup(release)
	if _, err := tx.Exec(testCtx(t), sql, args...); err != nil {
		t.Fatal(err)
	}
	return release
}

func backendPID(t *testing.T, pool *pgxpool.Pool) int32 {
	t.Helper()
	var pid int32
	if err := pool.QueryRow(testCtx(t), "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		t.Fatal(err)
	}
	return pid
}

// assertPoolHealthy checks that no connection of pool is left acquired or
// in a transaction, and that s still writes.
func assertPoolHealthy(t *testing.T, s *postgres.Store, pool *pgxpool.Pool) {
	t.Helper()
	if n := pool.Stat().AcquiredConns(); n != 0 {
		t.Errorf("%d connections still acquired", n)
	}
	conn, err := pool.Acquire(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if st := conn.Conn().PgConn().TxStatus(); st != 'I' {
		t.Errorf("pooled connection in transaction status %q, want idle", st)
	}
	conn.Release()
	written := mustApply(t, s, "app", set("app.health.check", "ok"))[0].New
	assertRecords(t, mustLoad(t, s, "app.health.check"), []runtime.Record{written})
}

// pgCode returns the SQLSTATE of the Postgres error in err's chain, or "".
func pgCode(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	return ""
}

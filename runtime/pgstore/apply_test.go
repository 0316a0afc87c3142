package pgstore_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/pgstore"
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
	_, err := s.Apply(testCtx(t), change("app",
		set("app.a.one", "new"),
		expect(set("app.a.two", "new"), 0),
		expect(set("app.a.three", "new"), 7),
	))
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
	s, pool, _ := singleConnStore(t, pgstore.Options{}, nil)
	v := mustApply(t, s, "app", set("app.a.b", "1"))[0].New.Version
	pid := backendPID(t, pool)
	if _, err := s.Apply(testCtx(t), change("app", expect(set("app.a.b", "2"), v+1))); !errors.Is(err, runtime.ErrConflict) {
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
	// On a loaded machine the client's cut-off (serverLead after the
	// server's) can win the race and drop the connection: nothing is
	// written either way, which every attempt checks; the connection must
	// be kept in at least one of a few attempts.
	for attempt := 1; ; attempt++ {
		kept := writeTimeoutWhileBlocked(t)
		if kept || t.Failed() {
			return
		}
		if attempt == 3 {
			t.Fatal("a write stopped by its timeout never left its connection fit for reuse, in 3 attempts")
		}
	}
}

// writeTimeoutWhileBlocked plays TestWriteTimeoutWhileBlocked once and
// reports whether the connection was kept.
func writeTimeoutWhileBlocked(t *testing.T) bool {
	s, pool, other := singleConnStore(t, pgstore.Options{WriteTimeout: 150 * time.Millisecond}, nil)
	mustApply(t, s, "app", set("app.a.b", "1"))
	pid := backendPID(t, pool)
	release := lockRow(t, other, "app.a.b")
	start := time.Now()
	_, err := s.Apply(testCtx(t), change("app", set("app.a.b", "2")))
	code, took := pgCode(err), time.Since(start)
	if took > 5*time.Second {
		t.Errorf("blocked Apply returned %v after %v, want a prompt timeout", err, took)
	}
	release()
	time.Sleep(300 * time.Millisecond)
	if got := mustLoad(t, s, "app.a.b")[0]; got.Value != "1" {
		t.Errorf("after a timed-out Apply: %+v", got)
	}
	kept := backendPID(t, pool) == pid
	if kept && code != "55P03" && code != "57014" {
		t.Errorf("blocked Apply returned %v (SQLSTATE %q), want the server's lock or statement timeout", err, code)
	}
	assertPoolHealthy(t, s, pool)
	return kept
}

// TestCancelWhileBlocked: an Apply whose context (with no deadline) is
// cancelled while it waits for a row lock returns at once. Its batch,
// COMMIT included, is usually in the server by then, which goes on once
// the lock is released: the outcome is then unknown, and Resolve, called
// while it still waits, fences it so that it never commits. (When the
// machine is slow enough that the context ends before the batch is sent,
// the outcome is a plain failure; either way nothing is written.)
func TestCancelWhileBlocked(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer time.AfterFunc(200*time.Millisecond, cancel).Stop()
	err := assertBlockedApplyGivesUp(t, ctx, context.Canceled)
	t.Logf("cancelled Apply: %v (outcome unknown: %v)", err, errors.Is(err, runtime.ErrOutcomeUnknown))
}

// assertBlockedApplyGivesUp runs an Apply stuck behind another
// transaction's row lock until ctx ends, and checks that it returns
// promptly with want; when its outcome is unknown, that Resolve reports it
// did not commit while the lock is still held; then that nothing is written
// once the lock is released, and that the pool still works.
func assertBlockedApplyGivesUp(t *testing.T, ctx context.Context, want error) error {
	t.Helper()
	s, pool, other := singleConnStore(t, pgstore.Options{}, nil)
	mustApply(t, s, "app", set("app.a.b", "1"))
	release := lockRow(t, other, "app.a.b")
	start := time.Now()
	ch := change("app", set("app.a.b", "2"))
	_, err := s.Apply(ctx, ch)
	if !errors.Is(err, want) || time.Since(start) > 5*time.Second {
		t.Errorf("blocked Apply returned %v after %v, want a prompt %v", err, time.Since(start), want)
	}
	if errors.Is(err, runtime.ErrOutcomeUnknown) {
		if res, err := s.Resolve(testCtx(t), "app", ch.ID); err != nil || res.Committed {
			t.Errorf("Resolve while the Apply waits = %+v, %v; want not committed", res, err)
		}
	}
	release()
	time.Sleep(300 * time.Millisecond) // let the abandoned statement run, if it is going to
	if got := mustLoad(t, s, "app.a.b")[0]; got.Value != "1" {
		t.Errorf("after an Apply that gave up: %+v", got)
	}
	if res, err := s.Resolve(testCtx(t), "app", ch.ID); err != nil || res.Committed {
		t.Errorf("Resolve after the lock was released = %+v, %v; want not committed", res, err)
	}
	assertPoolHealthy(t, s, pool)
	return err
}

// TestTimeLimitSpansStatements: each wait is shorter than the write
// timeout (first for the app's lock, then for a row lock) but together
// they outlast it; the server, which counts every wait against one budget
// from the start of the transaction, then rolls back and says so before
// the client gives up, so the outcome is known.
func TestTimeLimitSpansStatements(t *testing.T) {
	s, pool, other := singleConnStore(t, pgstore.Options{WriteTimeout: time.Second}, nil)
	mustApply(t, s, "app", set("app.a.b", "1"))
	releaseApp := lockApp(t, s, other, "app")
	releaseRow := lockRow(t, other, "app.a.b")
	defer time.AfterFunc(600*time.Millisecond, releaseApp).Stop()
	defer time.AfterFunc(1200*time.Millisecond, releaseRow).Stop()
	start := time.Now()
	_, err := s.Apply(testCtx(t), change("app", set("app.a.b", "2")))
	if code := pgCode(err); (code != "57014" && code != "55P03") || errors.Is(err, runtime.ErrOutcomeUnknown) {
		t.Errorf("Apply = %v (SQLSTATE %q), want the server's time limit error, a known outcome", err, code)
	}
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("Apply returned after %v, want about its write timeout of 1 s", elapsed)
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

// lockApp holds s's lock of app exclusively, like lockRow: writers of the
// app wait for it.
func lockApp(t *testing.T, s *pgstore.Store, pool *pgxpool.Pool, app string) (release func()) {
	return holdLock(t, pool, pgstore.AppLockSQL(s), app)
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
func assertPoolHealthy(t *testing.T, s *pgstore.Store, pool *pgxpool.Pool) {
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

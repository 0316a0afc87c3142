package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// conflictCode is the SQLSTATE of sysconfig_conflict (see schema.sql).
const conflictCode = "SC001"

// closeWait bounds how long an Apply whose context has ended waits for
// the server to end its session (see endFailed).
const closeWait = 2 * time.Second

// Apply applies writes atomically in one transaction and returns, in write
// order, each path's record before and after.
//
// app must be one path segment (no "."), and every path must start with
// app+"."; a path may appear only once. These are checked before the
// database is touched. A failed version check returns a
// *runtime.ConflictError for the first failing write, and writes nothing.
// Each write gets a version from the store's sequence, adds a history row
// and sends a notification on the store's channel, delivered at commit.
//
// # Round trips
//
// The transaction is one pipelined batch, COMMIT included: BEGIN, the time
// limits, the app's advisory lock, one statement per write, a deadline
// check, COMMIT. (pgx prepares the statements first, in one more round
// trip, once per connection.) A statement that fails, such as a failed
// version check, aborts the transaction: the server skips the rest of the
// batch, COMMIT included, and Apply sends a ROLLBACK, a second round trip
// on failures only, so that the connection returns to the pool clean.
//
// # Time limits
//
// The transaction may last until ctx's deadline, and no longer than
// Options.WriteTimeout (30 s by default), and the server enforces this
// itself, so that a transaction whose COMMIT was sent with its writes
// still rolls back once it is too late: lock_timeout and statement_timeout
// are set, for the transaction, to the time left when the batch is sent,
// and the deadline check before the COMMIT aborts the transaction once its
// statements together have run longer.
//
// When ctx ends during the batch, cancelled or past its deadline, pgx
// (v5.13, with its default context handling) closes the connection and,
// in the background, sends the server a cancel request: a server waiting
// for a lock, or running statements it has already received, does not
// notice a closed socket. Apply waits, at most 2 s, for the server to end
// the session, so that its transaction is rolled back by the time Apply
// returns ctx's error, and a lock released just after cannot let it commit.
//
// What remains is the ambiguity of any commit: when ctx ends as the server
// runs the COMMIT, the write may have committed although Apply returns an
// error (Load tells); and when the cancel request cannot reach the server
// within those 2 s, only the time limits above stop the transaction.
func (s *Store) Apply(ctx context.Context, app string, writes []runtime.Write) ([]runtime.Applied, error) {
	if err := checkWrites(app, writes); err != nil {
		return nil, err
	}
	if len(writes) == 0 {
		return []runtime.Applied{}, nil
	}
	results := make([]writeResult, len(writes))
	if err := s.runWrites(ctx, app, writes, results); err != nil {
		return nil, err
	}
	return applied(writes, results), nil
}

// writeResult is what writeSQL returns for one write.
type writeResult struct {
	oldValue   pgtype.Text
	oldVersion int64
	newVersion int64
}

// runWrites sends the batch on a connection it holds until the
// transaction is over, whatever the outcome (see endFailed).
func (s *Store) runWrites(ctx context.Context, app string, writes []runtime.Write, results []writeResult) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return applyError(ctx, err)
	}
	defer conn.Release()
	if err := conn.SendBatch(ctx, s.writeBatch(ctx, app, writes, results)).Close(); err != nil {
		endFailed(ctx, conn)
		return applyError(ctx, err)
	}
	return nil
}

// writeBatch queues Apply's whole transaction, scanning each write's row
// into results.
//
// The lock serialises the writers of an app (every writer of a path takes
// it, as paths start with their app). That makes the version check exact
// even for a path with no row yet, which FOR UPDATE cannot lock, and makes
// an app's versions commit in increasing order, which Since relies on.
// Each statement that follows the lock gets a fresh snapshot (the
// transaction is READ COMMITTED), so it sees every write committed before
// the lock was granted.
func (s *Store) writeBatch(ctx context.Context, app string, writes []runtime.Write, results []writeResult) *pgx.Batch {
	ms, limited := s.budgetMillis(ctx)
	b := &pgx.Batch{}
	b.Queue(beginSQL)
	if limited {
		b.Queue(timeoutsSQL, fmt.Sprintf("%dms", ms))
	}
	b.Queue(lockSQL, appLockClass, int32(hash32(app)))
	for i, w := range writes {
		r := &results[i]
		b.Queue(s.q.write, w.Path, app, newValue(w), w.CheckVersion, w.Version, s.channel).
			QueryRow(func(row pgx.Row) error { return row.Scan(&r.oldValue, &r.oldVersion, &r.newVersion) })
	}
	if limited {
		b.Queue(s.q.checkDeadline, ms)
	}
	b.Queue(commitSQL).Exec(committed)
	return b
}

// budgetMillis returns how many milliseconds (at least 1) the transaction
// may last: until ctx's deadline, and at most the store's write timeout.
// limited is false when neither applies.
func (s *Store) budgetMillis(ctx context.Context) (ms int64, limited bool) {
	budget, limited := s.writeTimeout, s.writeTimeout > 0
	if deadline, ok := ctx.Deadline(); ok {
		if left := time.Until(deadline); !limited || left < budget {
			budget, limited = left, true
		}
	}
	return max(1, int64((budget+time.Millisecond-1)/time.Millisecond)), limited
}

// committed fails unless the COMMIT committed. (Postgres answers the
// COMMIT of a failed transaction with ROLLBACK, not with an error; here a
// failed statement makes it skip the COMMIT, so this is a safeguard.)
func committed(tag pgconn.CommandTag) error {
	if tag.String() != "COMMIT" {
		return pgx.ErrTxCommitRollback
	}
	return nil
}

// endFailed makes sure that the transaction of a failed batch is over
// before Apply returns.
//
// When a statement failed, the server skipped the rest of the batch, and
// waits in the aborted transaction: endFailed rolls it back, so that the
// connection returns to the pool clean (if that fails, the connection is
// not idle, and the pool discards it). When ctx ended during the batch,
// pgx has closed the connection and, in the background, sends the server
// a cancel request, then waits for the session to end: endFailed waits for
// that too, at most closeWait, so that a statement still waiting for a
// lock released just after Apply returns cannot go on to commit.
func endFailed(ctx context.Context, conn *pgxpool.Conn) {
	pc := conn.Conn().PgConn()
	switch {
	case pc.IsClosed():
		timer := time.NewTimer(closeWait)
		defer timer.Stop()
		select {
		case <-pc.CleanupDone():
		case <-timer.C:
		}
	case pc.TxStatus() != 'I':
		_, _ = conn.Exec(ctx, "ROLLBACK")
	}
}

// applyError is Apply's error for err: a *runtime.ConflictError when a
// version check failed, otherwise err wrapped, and matching ctx's error
// with errors.Is when ctx has ended.
func applyError(ctx context.Context, err error) error {
	if c := conflictOf(err); c != nil {
		return c
	}
	if ctxErr := ended(ctx); ctxErr != nil && !errors.Is(err, ctxErr) {
		return fmt.Errorf("sysconfig/postgres: apply: %w (%w)", err, ctxErr)
	}
	return fmt.Errorf("sysconfig/postgres: apply: %w", err)
}

// ended returns ctx.Err(), or context.DeadlineExceeded once ctx's deadline
// has passed even if ctx does not say so yet: the server's time limit, set
// from that deadline, can report first.
func ended(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if deadline, ok := ctx.Deadline(); ok && !time.Now().Before(deadline) {
		return context.DeadlineExceeded
	}
	return nil
}

// conflictOf returns the conflict that err, an error of sysconfig_conflict,
// reports in its DETAIL, or nil if err is something else.
func conflictOf(err error) *runtime.ConflictError {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != conflictCode {
		return nil
	}
	var d struct {
		Path     string `json:"path"`
		Expected int64  `json:"expected"`
		Actual   int64  `json:"actual"`
	}
	if json.Unmarshal([]byte(pgErr.Detail), &d) != nil {
		return nil
	}
	return &runtime.ConflictError{Path: d.Path, Expected: d.Expected, Actual: d.Actual}
}

// newValue is the value column of w: NULL for a reset.
func newValue(w runtime.Write) *string {
	if w.Reset {
		return nil
	}
	return &w.Value
}

// applied pairs each write's old record with its new one.
func applied(writes []runtime.Write, results []writeResult) []runtime.Applied {
	out := make([]runtime.Applied, len(writes))
	for i, w := range writes {
		r := results[i]
		out[i].Old = runtime.Record{Path: w.Path, Value: r.oldValue.String, Set: r.oldValue.Valid, Version: r.oldVersion}
		out[i].New = runtime.Record{Path: w.Path, Set: !w.Reset, Version: r.newVersion}
		if !w.Reset {
			out[i].New.Value = w.Value
		}
	}
	return out
}

// checkWrites rejects what Apply refuses before touching the database.
func checkWrites(app string, writes []runtime.Write) error {
	if app == "" || strings.Contains(app, ".") {
		return fmt.Errorf("sysconfig/postgres: apply: app %q is not a single path segment", app)
	}
	seen := make(map[string]bool, len(writes))
	for _, w := range writes {
		if !strings.HasPrefix(w.Path, app+".") {
			return fmt.Errorf("sysconfig/postgres: apply: path %q is not in app %q", w.Path, app)
		}
		if seen[w.Path] {
			return fmt.Errorf("sysconfig/postgres: apply: path %q is written twice", w.Path)
		}
		seen[w.Path] = true
	}
	return nil
}

package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// conflictCode is the SQLSTATE of sysconfig_conflict (see functions.sql).
const conflictCode = "SC001"

// Apply applies a change atomically in one transaction and returns, in
// write order, each path's record before and after.
//
// The app must be one path segment (no "."), and every path must start
// with app+"."; a path may appear only once; the ID must be a UUID. These
// are checked before the database is touched. A failed version check
// returns a *runtime.ConflictError for the first failing write, and writes
// nothing. Each write gets a version from the store's sequence and adds a
// history row naming the change; the change sends one notification on the
// store's channel, delivered at commit (see Notification), and is recorded
// in sysconfig_changes, with its attribution (runtime.ChangeInfo) as
// given, and the paths it revealed. Every Applied carries the change's
// Prev. A change that only reveals writes nothing but that row, with a
// version of its own, and notifies nothing (the app's head does not move);
// one with neither writes nor reveals does nothing.
//
// The package documentation explains its round trips ("Writes"), when its
// error means "not committed" and when "outcome unknown" ("Outcomes"), and
// its time limits.
func (s *Store) Apply(ctx context.Context, ch runtime.Change) ([]runtime.Applied, error) {
	if err := ch.Check(); err != nil {
		return nil, fmt.Errorf("sysconfig/pgstore: apply: %w", err)
	}
	if len(ch.Writes) == 0 && len(ch.Revealed) == 0 {
		return []runtime.Applied{}, nil
	}
	b := s.budget(ctx)
	if b.limited {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, b.deadline)
		defer cancel()
	}
	results := make([]writeResult, len(ch.Writes))
	var prev int64
	if err := s.runWrites(ctx, ch, b, results, &prev); err != nil {
		return nil, err
	}
	return applied(ch.Writes, results, prev), nil
}

// maxServerLead bounds serverLead.
const maxServerLead = 50 * time.Millisecond

// serverLead is how much sooner than the client the server is told to give
// up (a tenth of the time left, at most maxServerLead): a transaction that
// runs out of time is then ended by the server, whose error proves that it
// did not commit, before the client cuts the connection and can no longer
// tell.
func serverLead(left time.Duration) time.Duration { return min(left/10, maxServerLead) }

// budget is the time an Apply has: the client gives up at deadline, and
// the server at server, slightly sooner. limited is false when there is
// neither a context deadline nor a write timeout.
type budget struct {
	limited  bool
	deadline time.Time
	server   time.Duration
	fromCtx  bool // the caller's deadline, not the write timeout, set it
}

// unlimitedMs is the server's budget of an Apply whose budget is not
// limited: the largest time limit Postgres takes (about 24 days).
const unlimitedMs = math.MaxInt32

// serverMs is the server's budget in milliseconds, as the time limits take
// it.
func (b budget) serverMs() int64 {
	if !b.limited {
		return unlimitedMs
	}
	return min(b.server.Milliseconds(), unlimitedMs)
}

// budget returns the Apply's time limits: until ctx's deadline, and at most
// Options.WriteTimeout, which the server enforces itself; the client waits
// serverLead longer than the write timeout, so that the server reports it.
func (s *Store) budget(ctx context.Context) budget {
	var b budget
	if s.writeTimeout > 0 {
		b = budget{limited: true, deadline: time.Now().Add(s.writeTimeout + serverLead(s.writeTimeout))}
	}
	if d, ok := ctx.Deadline(); ok && (!b.limited || d.Before(b.deadline)) {
		b = budget{limited: true, deadline: d, fromCtx: true}
	}
	if b.limited {
		left := time.Until(b.deadline)
		b.server = max(time.Millisecond, left-serverLead(left))
	}
	return b
}

// writeResult is what writeSQL returns for one write.
type writeResult struct {
	oldValue   pgtype.Text
	oldVersion int64
	newVersion int64
	epoch      int64
}

// runWrites sends the batch and sorts its failures into those that
// provably did not commit and those whose outcome is unknown.
func (s *Store) runWrites(ctx context.Context, ch runtime.Change, b budget, results []writeResult, prev *int64) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return applyError(ctx, b, err)
	}
	defer conn.Release()
	err = conn.SendBatch(ctx, s.writeBatch(ch, b, results, prev)).Close()
	switch {
	case err == nil:
		return nil
	case refused(err):
		rollback(ctx, conn)
		return applyError(ctx, b, err)
	}
	return applyError(ctx, b, runtime.OutcomeUnknown(fmt.Errorf("no answer to the commit: %w", err)))
}

// refused reports whether err, from a batch, proves that its transaction
// did not commit: the server answered with an error, which aborts the
// transaction (a FATAL one ends the session, and might have come after
// the commit, so it proves nothing), or nothing was sent at all.
func refused(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Severity == "ERROR"
	}
	return errors.Is(err, pgx.ErrTxCommitRollback) || pgconn.SafeToRetry(err)
}

// writeBatch queues Apply's whole transaction, scanning each write's row
// into results and the change's Prev into prev: BEGIN (READ COMMITTED),
// the time limits, the locks (which set the time limits again, less the
// wait for them), one statement per write, then one that places the
// change (its Prev), records it in sysconfig_changes, notifies it and
// checks the deadline, and the COMMIT, pipelined in one pgx batch (pgx
// prepares the statements in one more round trip, once per connection).
// A change that only reveals has no locks, writes nor place: its row and
// a deadline check come instead. A failed version check calls
// sysconfig_conflict, which raises SQLSTATE SC001 with the path and the
// versions as JSON in its DETAIL: the transaction aborts, the server skips
// the rest of the batch, the COMMIT included, and runWrites rolls back (a
// second round trip, on failure only) so that the connection returns to
// the pool clean.
//
// The time limits: lock_timeout and statement_timeout are set to what is
// left of the server's budget (about 24 days when the Apply has none),
// counted from the start of the transaction, and the check before the
// COMMIT aborts it once the budget is spent. A paused server's clock
// moves on only when it runs again, so these limits bound the server's
// work; what guarantees that a write reported as failed never commits is
// Resolve's fence.
//
// The locks (transaction-level advisory locks, keyed by the store's
// values table and the app or path; see appKeySQL), taken paths first
// (writeLocksSQL):
//   - Each path's lock, taken by every writer of the path, makes the
//     version check exact, even for a path with no row yet, which FOR
//     UPDATE cannot lock. Writers of different paths do not wait for each
//     other.
//   - The app's lock is held shared by every writer of the app from
//     before it takes a version until its commit is visible, so that
//     writers run side by side. Since notes the last version handed out
//     and the transactions holding it, and waits until none of them does
//     (awaitWritersSQL): every version handed out until then has committed
//     or rolled back, which is the invariant Since relies on to never
//     miss a write that commits after a greater version. It takes no lock,
//     so it holds up no writer. After its last upsert, a writer tries to
//     take it exclusively (writeSQL); one that is granted it was alone,
//     keeps later writers waiting until its COMMIT, and knows its Prev
//     (placeCTEs).
//
// Each statement after the locks gets a fresh snapshot (the transaction
// is READ COMMITTED), so it sees every write committed before the locks
// were granted.
func (s *Store) writeBatch(ch runtime.Change, b budget, results []writeResult, prev *int64) *pgx.Batch {
	ms := b.serverMs()
	batch := &pgx.Batch{}
	batch.Queue(beginSQL)
	batch.Queue(s.q.timeouts, ms)
	if len(ch.Writes) > 0 {
		batch.Queue(s.q.writeLocks, ch.App, paths(ch.Writes), ms)
	}
	for i, w := range ch.Writes {
		r := &results[i]
		last := i == len(ch.Writes)-1
		batch.Queue(s.q.write, w.Path, ch.App, newValue(w), w.CheckVersion, w.Version, ch.ID, last).
			QueryRow(func(row pgx.Row) error { return row.Scan(&r.oldValue, &r.oldVersion, &r.newVersion, &r.epoch) })
	}
	info := []any{ch.Actor, ch.Reason, string(ch.Source), ch.Reverts, revealed(ch)}
	switch {
	case len(ch.Writes) == 0:
		batch.Queue(s.q.recordReveal, append([]any{ch.ID, ch.App}, info...)...)
		batch.Queue(s.q.checkDeadline, ms)
	case s.notify:
		args := append([]any{ch.App, ch.ID, ms}, info...)
		batch.Queue(s.q.notify, append(args, s.channel, !s.versionsOnly, MaxNotificationSize)...).QueryRow(place(prev))
	default:
		batch.Queue(s.q.place, append([]any{ch.App, ch.ID, ms}, info...)...).QueryRow(place(prev))
	}
	batch.Queue(commitSQL).Exec(committed)
	return batch
}

// place scans the row of placeSQL or notifySQL, keeping the change's Prev
// in prev.
func place(prev *int64) func(pgx.Row) error {
	return func(row pgx.Row) error { return row.Scan(new(int64), prev) }
}

// paths returns the path of each write.
func paths(writes []runtime.Write) []string {
	out := make([]string, len(writes))
	for i, w := range writes {
		out[i] = w.Path
	}
	return out
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

// rollback ends the aborted transaction of a batch the server refused, so
// that the connection returns to the pool clean. When that cannot be done
// (ctx has ended, the connection is gone) the pool discards the
// connection instead, as it does every connection not idle on release.
func rollback(ctx context.Context, conn *pgxpool.Conn) {
	pc := conn.Conn().PgConn()
	if ctx.Err() == nil && !pc.IsClosed() && pc.TxStatus() != 'I' {
		_, _ = conn.Exec(ctx, "ROLLBACK")
	}
}

// applyError is Apply's error for err: a *runtime.ConflictError when a
// version check failed, otherwise err classified (see classify) and
// wrapped, and matching the caller's
// context error with errors.Is when its context has ended or its deadline
// made the server give up.
func applyError(ctx context.Context, b budget, err error) error {
	if c := conflictOf(err); c != nil {
		return c
	}
	err = classify(err)
	ctxErr := ctx.Err()
	if ctxErr == nil && b.fromCtx && serverTimedOut(err) {
		ctxErr = context.DeadlineExceeded
	}
	if ctxErr != nil && !errors.Is(err, ctxErr) {
		return fmt.Errorf("sysconfig/pgstore: apply: %w (%w)", err, ctxErr)
	}
	return fmt.Errorf("sysconfig/pgstore: apply: %w", err)
}

// serverTimedOut reports whether err is the server stopping a transaction
// at the time limit Apply set: lock_timeout (55P03) or statement_timeout
// and the deadline check (57014).
func serverTimedOut(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "55P03" || pgErr.Code == "57014")
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

// revealed is the revealed parameter of placeCTEs and recordRevealSQL:
// never nil, so that pgx sends an empty array rather than NULL.
func revealed(ch runtime.Change) []string {
	if ch.Revealed == nil {
		return []string{}
	}
	return ch.Revealed
}

// newValue is the value column of w: NULL for a reset.
func newValue(w runtime.Write) *string {
	if w.Reset {
		return nil
	}
	return &w.Value
}

// applied pairs each write's old record with its new one.
func applied(writes []runtime.Write, results []writeResult, prev int64) []runtime.Applied {
	out := make([]runtime.Applied, len(writes))
	for i, w := range writes {
		r := results[i]
		out[i].Prev = prev
		out[i].Old = runtime.Record{Path: w.Path, Value: r.oldValue.String, Set: r.oldValue.Valid,
			Epoch: r.epoch, Version: r.oldVersion}
		out[i].New = runtime.Record{Path: w.Path, Set: !w.Reset, Epoch: r.epoch, Version: r.newVersion}
		if !w.Reset {
			out[i].New.Value = w.Value
		}
	}
	return out
}

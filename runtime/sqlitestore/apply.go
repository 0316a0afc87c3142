package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// Apply applies a change atomically in one write transaction and returns,
// in write order, each path's record before and after.
//
// The app must be one path segment (no "."), every path must start with
// app+".", a path may appear only once, and the ID must be a UUID: these
// are checked before the file is touched. A failed version check returns a
// *runtime.ConflictError for the first failing write, and writes nothing.
//
// The transaction begins IMMEDIATE: it takes the file's write lock first,
// waiting for another process's writer at most until the time limit (the
// context's deadline and Options.WriteTimeout, whichever comes first), so
// writes commit one at a time, in version order. It records the change
// in sysconfig_changes first, where a fence left by Resolve refuses it;
// then each write takes the next version, upserts its path and adds a
// history row; then the counter is saved and the transaction commits.
//
// Outcomes: nil once SQLite reported the COMMIT done. An error matching
// runtime.ErrOutcomeUnknown only when the COMMIT itself failed (an I/O
// error while writing the log, a full disk), which may leave the change
// durable: Resolve settles it. Any other error means the change did not
// commit, and never will: SQLITE_BUSY once the time limit is spent, a
// cancelled or expired context (it then matches ctx.Err() with
// errors.Is), a conflict, a fence.
func (s *Store) Apply(ctx context.Context, ch runtime.Change) ([]runtime.Applied, error) {
	if err := ch.Check(); err != nil {
		return nil, fmt.Errorf("sysconfig/sqlitestore: apply: %w", err)
	}
	if len(ch.Writes) == 0 && len(ch.Revealed) == 0 {
		return []runtime.Applied{}, nil
	}
	wctx, cancel := s.writeContext(ctx)
	defer cancel()
	var applied []runtime.Applied
	var at position
	err := s.inTx(wctx, time.Until(deadline(wctx)), func(tx *sql.Tx) (err error) {
		applied, at, err = s.applyIn(wctx, tx, ch)
		return err
	})
	if err != nil {
		return nil, applyError(ctx, wctx, err)
	}
	s.mark.raise(at)
	return applied, nil
}

// writeContext bounds ctx by Options.WriteTimeout, if set.
func (s *Store) writeContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if s.writeTimeout < 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, s.writeTimeout)
}

// deadline returns ctx's deadline, or a day from now without one.
func deadline(ctx context.Context) time.Time {
	if d, ok := ctx.Deadline(); ok {
		return d
	}
	return time.Now().Add(24 * time.Hour)
}

// commitError is a COMMIT that SQLite answered with an error: the change
// may be durable all the same.
type commitError struct{ err error }

func (e *commitError) Error() string { return "commit: " + e.err.Error() }
func (e *commitError) Unwrap() error { return e.err }

// inTx runs fn in a write transaction on the store's write connection,
// waiting at most busy for another process's write lock, and commits it
// unless fn fails. An error of the COMMIT itself is a *commitError; every
// other error leaves the transaction rolled back (database/sql rolls it
// back when ctx ends before the COMMIT, and then the COMMIT fails with
// ctx.Err() or sql.ErrTxDone).
func (s *Store) inTx(ctx context.Context, busy time.Duration, fn func(*sql.Tx) error) error {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := waitBusy(ctx, conn, busy); err != nil {
		return err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	err = tx.Commit()
	if err != nil && !errors.Is(err, sql.ErrTxDone) && ctx.Err() == nil {
		return &commitError{err}
	}
	return err
}

// waitBusy sets how long conn's statements wait for a lock another
// connection holds: d, at least 1 ms.
func waitBusy(ctx context.Context, conn *sql.Conn, d time.Duration) error {
	_, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", max(d.Milliseconds(), 1)))
	return err
}

// applyIn does Apply's work in tx and returns the file's new position.
func (s *Store) applyIn(ctx context.Context, tx *sql.Tx, ch runtime.Change) ([]runtime.Applied, position, error) {
	at, err := s.catchUp(ctx, tx)
	if err != nil {
		return nil, at, err
	}
	now := micros(time.Now())
	if err := recordChange(ctx, tx, ch, now); err != nil {
		return nil, at, err
	}
	var prev int64 // the app's highest version before the change (runtime.Applied.Prev)
	if len(ch.Writes) > 0 {
		if err := tx.QueryRowContext(ctx, headSQL, ch.App).Scan(&prev); err != nil {
			return nil, at, err
		}
	}
	applied := make([]runtime.Applied, len(ch.Writes))
	for i, w := range ch.Writes {
		if applied[i], err = writeOne(ctx, tx, ch, w, &at, now); err != nil {
			return nil, at, err
		}
		applied[i].Prev = prev
	}
	if len(ch.Writes) == 0 {
		at.version++ // a change that only reveals takes a version of its own
	}
	if _, err := tx.ExecContext(ctx, finishChangeSQL, ch.ID, at.version); err != nil {
		return nil, at, err
	}
	if _, err := tx.ExecContext(ctx, saveCounterSQL, at.version); err != nil {
		return nil, at, err
	}
	return applied, at, nil
}

// recordChange inserts the change's row, without its version yet. The
// primary key refuses an ID that Resolve has fenced, or that committed
// before.
func recordChange(ctx context.Context, tx *sql.Tx, ch runtime.Change, now int64) error {
	_, err := tx.ExecContext(ctx, recordChangeSQL, ch.ID, ch.App, now, ch.Actor, ch.Reason,
		string(ch.Source), nullIfEmpty(ch.Reverts), revealedJSON(ch.Revealed))
	if isTaken(err) {
		return fmt.Errorf("change %s was resolved as not committed, or applied before: %w", ch.ID, err)
	}
	return err
}

// writeOne applies one write with the next version after at, which it
// advances, and returns the path's old and new records.
func writeOne(ctx context.Context, tx *sql.Tx, ch runtime.Change, w runtime.Write, at *position, now int64) (runtime.Applied, error) {
	old := runtime.Record{Path: w.Path, Epoch: at.epoch}
	var value sql.NullString
	err := tx.QueryRowContext(ctx, currentSQL, w.Path).Scan(&value, &old.Version)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return runtime.Applied{}, err
	}
	old.Value, old.Set = value.String, value.Valid
	if w.CheckVersion && old.Version != w.Version {
		return runtime.Applied{}, &runtime.ConflictError{Path: w.Path, Expected: w.Version, Actual: old.Version}
	}
	at.version++
	nv := newValue(w)
	if _, err := tx.ExecContext(ctx, upsertSQL, w.Path, ch.App, nv, at.version, now); err != nil {
		return runtime.Applied{}, err
	}
	if _, err := tx.ExecContext(ctx, historySQL, at.version, w.Path, ch.App, nv, value, old.Version, ch.ID, now); err != nil {
		return runtime.Applied{}, err
	}
	new := runtime.Record{Path: w.Path, Value: nv.String, Set: nv.Valid, Epoch: at.epoch, Version: at.version}
	return runtime.Applied{Old: old, New: new}, nil
}

// applyError is Apply's error for err, from a write bounded by wctx, the
// caller's ctx bounded by Options.WriteTimeout: a conflict as it is, the
// uncertain COMMIT as outcome unknown, anything else classified and
// matching wctx's error once it has ended — or context.DeadlineExceeded
// when the write lock was still taken at the caller's deadline (SQLite's
// busy handler gives up a little before it, not after).
func applyError(ctx, wctx context.Context, err error) error {
	var conflict *runtime.ConflictError
	if errors.As(err, &conflict) {
		return conflict
	}
	var ce *commitError
	if errors.As(err, &ce) {
		return fmt.Errorf("sysconfig/sqlitestore: apply: %w", runtime.OutcomeUnknown(err))
	}
	err = classify(err)
	ctxErr := wctx.Err()
	if ctxErr == nil && isBusy(err) && boundByCaller(ctx, wctx) {
		ctxErr = context.DeadlineExceeded
	}
	if ctxErr != nil && !errors.Is(err, ctxErr) {
		return fmt.Errorf("sysconfig/sqlitestore: apply: %w (%w)", err, ctxErr)
	}
	return fmt.Errorf("sysconfig/sqlitestore: apply: %w", err)
}

// boundByCaller reports whether wctx's deadline is ctx's own, rather than
// Options.WriteTimeout's.
func boundByCaller(ctx, wctx context.Context) bool {
	d, ok := ctx.Deadline()
	wd, _ := wctx.Deadline()
	return ok && d.Equal(wd)
}

// newValue is the value column of w: NULL for a reset.
func newValue(w runtime.Write) sql.NullString {
	return sql.NullString{String: w.Value, Valid: !w.Reset}
}

// nullIfEmpty is s, or NULL when empty.
func nullIfEmpty(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// revealedJSON is the revealed column: a JSON array, or NULL for none.
func revealedJSON(paths []string) sql.NullString {
	if len(paths) == 0 {
		return sql.NullString{}
	}
	b, _ := json.Marshal(paths) // a []string always marshals
	return sql.NullString{String: string(b), Valid: true}
}

// The statements of Apply's transaction (see Store.Apply).
const (
	recordChangeSQL = `INSERT INTO sysconfig_changes (id, app, changed_at, actor, reason, source, reverts, revealed)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)`

	currentSQL = `SELECT value, version FROM sysconfig_values WHERE path = ?1`
	// headSQL reads app ?1's highest version: writers hold the file's write
	// lock, so the app's changes form one chain (runtime.Applied.Prev).
	headSQL = `SELECT coalesce(max(version), 0) FROM sysconfig_values WHERE app = ?1`

	upsertSQL = `INSERT INTO sysconfig_values (path, app, value, version, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
		ON CONFLICT (path) DO UPDATE SET app = excluded.app, value = excluded.value,
			version = excluded.version, updated_at = excluded.updated_at`

	historySQL = `INSERT INTO sysconfig_history (version, path, app, value, old_value, old_version, change_id, changed_at)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)`

	// finishChangeSQL sets the change's version ($2: the last it wrote,
	// or its own).
	finishChangeSQL = `UPDATE sysconfig_changes SET version = ?2 WHERE id = ?1`

	// saveCounterSQL saves the last version handed out.
	saveCounterSQL = `UPDATE sysconfig_meta SET version = ?1`
)

package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// Apply applies writes atomically in one transaction and returns, in write
// order, each path's record before and after.
//
// app must be one path segment (no "."), and every path must start with
// app+"."; a path may appear only once. These are checked before the
// database is touched. A failed version check returns a
// *runtime.ConflictError (for the first failing write) and writes nothing.
//
// The transaction costs two round trips once the connection has prepared
// the statements: one pipelined batch (BEGIN, the app's advisory lock, one
// statement per write), then the COMMIT (or the ROLLBACK). Each write
// gets a version from the store's sequence, adds a history row and sends a
// notification on the store's channel, delivered at commit.
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
	newVersion pgtype.Int8 // NULL: the version check failed
}

// runWrites sends the batch, then commits, or rolls back on any error or
// conflict.
//
// The COMMIT is sent only once the batch's results are in, even when no
// write checks its version and nothing could conflict. Queued in the same
// batch it would save a round trip, but an Apply that gave up (its context
// ended while a statement waited for a lock) would still commit later,
// once the lock was granted: the server runs the COMMIT it has already
// received. Sent separately, it never arrives, and the server rolls back.
func (s *Store) runWrites(ctx context.Context, app string, writes []runtime.Write, results []writeResult) error {
	br := s.pool.SendBatch(ctx, s.writeBatch(app, writes, results))
	tx := br.Tx()
	defer func() { _ = tx.Rollback(ctx) }() // a no-op once committed
	if err := br.Close(); err != nil {
		return fmt.Errorf("sysconfig/postgres: apply: %w", err)
	}
	if err := conflict(writes, results); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("sysconfig/postgres: apply: commit: %w", err)
	}
	return nil
}

// writeBatch begins a read-committed transaction, takes the app's lock and
// queues one writeSQL per write, scanning into results.
//
// The lock serialises the writers of an app (every writer of a path takes
// it, as paths start with their app). That makes the version check exact
// even for a path with no row yet, which FOR UPDATE cannot lock, and makes
// an app's versions commit in increasing order, which Since relies on.
// Each statement that follows the lock gets a fresh snapshot, so it sees
// every write committed before the lock was granted.
func (s *Store) writeBatch(app string, writes []runtime.Write, results []writeResult) *pgx.Batch {
	b := &pgx.Batch{}
	b.BeginTx(pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	b.Queue(s.q.lock, appLockClass, int32(hash32(app)))
	for i, w := range writes {
		r := &results[i]
		b.Queue(s.q.write, w.Path, app, newValue(w), w.CheckVersion, w.Version, s.channel).
			QueryRow(func(row pgx.Row) error { return row.Scan(&r.oldValue, &r.oldVersion, &r.newVersion) })
	}
	return b
}

// newValue is the value column of w: NULL for a reset.
func newValue(w runtime.Write) *string {
	if w.Reset {
		return nil
	}
	return &w.Value
}

// conflict reports the first write whose version check failed.
func conflict(writes []runtime.Write, results []writeResult) error {
	for i, r := range results {
		if !r.newVersion.Valid {
			return &runtime.ConflictError{Path: writes[i].Path, Expected: writes[i].Version, Actual: r.oldVersion}
		}
	}
	return nil
}

// applied pairs each write's old record with its new one.
func applied(writes []runtime.Write, results []writeResult) []runtime.Applied {
	out := make([]runtime.Applied, len(writes))
	for i, w := range writes {
		r := results[i]
		out[i].Old = runtime.Record{Path: w.Path, Value: r.oldValue.String, Set: r.oldValue.Valid, Version: r.oldVersion}
		out[i].New = runtime.Record{Path: w.Path, Set: !w.Reset, Version: r.newVersion.Int64}
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

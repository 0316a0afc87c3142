package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// Resolve reports whether the change with the given ID committed, and if
// not, makes sure it never will (runtime.Store's contract).
//
// It works in one write transaction, so no Apply of any process is in
// flight meanwhile: it inserts a fence, a row of sysconfig_changes with
// no version, under the change's ID, unless a row is there. Every Apply
// inserts its change's row under the same primary key, so an Apply of the
// ID sent later fails; if the row is there with a version, the change
// committed, and Resolve reads back its writes from the history. It is
// safe to call any number of times.
func (s *Store) Resolve(ctx context.Context, app, id string) (runtime.Resolution, error) {
	if !runtime.IsChangeID(id) {
		return runtime.Resolution{}, fmt.Errorf("sysconfig/sqlitestore: resolve: change ID %q is not a UUID", id)
	}
	var res runtime.Resolution
	var at position
	err := s.inTx(ctx, s.busyTimeout, func(tx *sql.Tx) (err error) {
		if at, err = s.catchUp(ctx, tx); err == nil {
			res, err = resolveIn(ctx, tx, app, id, at.epoch)
		}
		return err
	})
	if err != nil {
		return runtime.Resolution{}, fmt.Errorf("sysconfig/sqlitestore: resolve: %w", classify(err))
	}
	s.mark.raise(at)
	return res, nil
}

// resolveIn fences the change or reads back what it wrote, in tx.
func resolveIn(ctx context.Context, tx *sql.Tx, app, id string, epoch int64) (runtime.Resolution, error) {
	r, err := tx.ExecContext(ctx, fenceSQL, id, app, micros(time.Now()))
	if err != nil {
		return runtime.Resolution{}, err
	}
	if n, err := r.RowsAffected(); err != nil || n == 1 {
		return runtime.Resolution{}, err // fenced now: it never committed, and never will
	}
	var version sql.NullInt64
	var revealed bool
	if err := tx.QueryRowContext(ctx, changeVersionSQL, id).Scan(&version, &revealed); err != nil {
		return runtime.Resolution{}, err
	}
	if !version.Valid {
		return runtime.Resolution{}, nil // fenced before
	}
	applied, err := changeWrites(ctx, tx, id, epoch)
	if err == nil && len(applied) == 0 && !revealed {
		err = errors.New("a committed change without history")
	}
	return runtime.Resolution{Committed: true, Applied: applied}, err
}

// changeWrites reads back what a committed change wrote, in write order.
func changeWrites(ctx context.Context, tx *sql.Tx, id string, epoch int64) ([]runtime.Applied, error) {
	rows, err := tx.QueryContext(ctx, changeWritesSQL, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	applied := []runtime.Applied{}
	for rows.Next() {
		_, a, err := scanWrite(rows, epoch)
		if err != nil {
			return nil, err
		}
		applied = append(applied, a)
	}
	return applied, rows.Err()
}

const (
	// fenceSQL claims change ID $1 of app $2 for "never committed",
	// unless the ID has a row already.
	fenceSQL = `INSERT INTO sysconfig_changes (id, app, changed_at) VALUES (?1, ?2, ?3) ON CONFLICT (id) DO NOTHING`

	// changeVersionSQL reads a change's version (NULL: fenced) and
	// whether it revealed paths (a change that did may write nothing).
	changeVersionSQL = `SELECT version, revealed IS NOT NULL FROM sysconfig_changes WHERE id = ?1`

	// changeWritesSQL reads what a committed change wrote, in write order.
	changeWritesSQL = `SELECT change_id, path, value, version, old_value, old_version FROM sysconfig_history
		WHERE change_id = ?1 ORDER BY version`
)

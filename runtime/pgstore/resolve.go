package pgstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// Resolve reports whether the change with the given ID committed, and if
// not, makes sure it never will (runtime.Store's contract).
//
// It fences the ID: it inserts a row for it in sysconfig_changes with no
// version. Every Apply records its change in that table, under the same
// primary key, as the last statement before its COMMIT, so exactly one of
// the two can succeed: if the fence goes in first, the Apply — still in
// the server's buffers, waiting for a lock, or sent again — fails on the
// key and rolls back; if the Apply's row is there, or goes in while the
// fence waits for its transaction, the change committed and Resolve reads
// back its writes from the history. Each step runs in its own short
// transaction; Resolve is safe to call any number of times.
func (s *Store) Resolve(ctx context.Context, app, id string) (runtime.Resolution, error) {
	if !runtime.IsChangeID(id) {
		return runtime.Resolution{}, fmt.Errorf("sysconfig/pgstore: resolve: change ID %q is not a UUID", id)
	}
	tag, err := s.pool.Exec(ctx, s.q.fence, id, app)
	if err != nil {
		return runtime.Resolution{}, fmt.Errorf("sysconfig/pgstore: resolve: %w", classify(err))
	}
	if tag.RowsAffected() == 1 {
		return runtime.Resolution{}, nil // fenced: it never committed, and never will
	}
	var version pgtype.Int8
	var epoch int64
	var revealed bool
	err = s.pool.QueryRow(ctx, s.q.changeVersion, id).Scan(&version, &revealed, &epoch)
	if err != nil {
		return runtime.Resolution{}, fmt.Errorf("sysconfig/pgstore: resolve: %w", classify(err))
	}
	if !version.Valid {
		return runtime.Resolution{}, nil // fenced before
	}
	applied, err := s.changeWrites(ctx, id, epoch, revealed)
	if err != nil {
		return runtime.Resolution{}, fmt.Errorf("sysconfig/pgstore: resolve: %w", classify(err))
	}
	return runtime.Resolution{Committed: true, Applied: applied}, nil
}

// changeWrites reads back what a committed change wrote, from the history.
// Only a change that revealed paths may have written nothing.
func (s *Store) changeWrites(ctx context.Context, id string, epoch int64, revealed bool) ([]runtime.Applied, error) {
	rows, _ := s.pool.Query(ctx, s.q.changeWrites, id)
	applied, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (runtime.Applied, error) {
		var a runtime.Applied
		var value, old pgtype.Text
		err := row.Scan(&a.New.Path, &value, &a.New.Version, &old, &a.Old.Version)
		return historyWrite(a, value, old, epoch), err
	})
	if err == nil && len(applied) == 0 && !revealed {
		err = errors.New("a committed change without history")
	}
	return applied, err
}

package pgstore

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// Load returns one record per path, in order, in one round trip. A path
// never written has Version 0 and Set false. Load never writes.
func (s *Store) Load(ctx context.Context, paths []string) ([]runtime.Record, error) {
	if len(paths) == 0 {
		return []runtime.Record{}, nil
	}
	rows, _ := s.pool.Query(ctx, s.q.load, paths)
	epoch, found, err := scanRecords(rows)
	if err != nil {
		return nil, fmt.Errorf("sysconfig/pgstore: load: %w", classify(err))
	}
	return inOrder(paths, found, epoch), nil
}

// inOrder returns the record of each path in found, or a never-written one.
func inOrder(paths []string, found []runtime.Record, epoch int64) []runtime.Record {
	byPath := make(map[string]runtime.Record, len(found))
	for _, r := range found {
		byPath[r.Path] = r
	}
	out := make([]runtime.Record, len(paths))
	for i, p := range paths {
		out[i] = byPath[p]
		out[i].Path, out[i].Epoch = p, epoch
	}
	return out
}

// Since returns what changed in app after from, in version order (see
// runtime.Delta): the records with a greater version when from is in the
// store's epoch, else every record of the app, Full. One round trip; it
// never writes.
//
// Writers of an app run side by side, so versions of one app may commit
// out of order. Since never misses one all the same: it first waits until
// every writer of the app in flight has committed or rolled back
// (sysconfig_await_writers, which notes the last version handed out, L,
// and the transactions then holding the app's lock, which every writer
// holds from before it takes a version until its commit is visible; see
// Store.writeBatch), then reads, from a snapshot taken after the wait.
// Every version up to L that ever commits is then in the read; versions
// above L may still be in flight below a greater one that is read, so the
// position it returns is at most L, and the records above it are read
// again next time. The wait holds up no writer and no other reader.
func (s *Store) Since(ctx context.Context, app string, from runtime.Position) (runtime.Delta, error) {
	var last, epoch int64
	var records []runtime.Record
	batch := &pgx.Batch{}
	batch.Queue(s.q.awaitWriters, app).QueryRow(func(row pgx.Row) error { return row.Scan(&last) })
	batch.Queue(s.q.since, app, from.Epoch, from.Version).Query(func(rows pgx.Rows) (err error) {
		epoch, records, err = scanRecords(rows)
		return err
	})
	if err := s.pool.SendBatch(ctx, batch).Close(); err != nil {
		return runtime.Delta{}, fmt.Errorf("sysconfig/pgstore: since: %w", classify(err))
	}
	return runtime.DeltaOf(from, epoch, records, last), nil
}

// Head returns the store's epoch and app's highest version (0 when it
// has none): the position of a reader that is up to date (see
// runtime.HeadReader). One round trip that reads the (app, version) index
// and no record; it never writes.
func (s *Store) Head(ctx context.Context, app string) (runtime.Position, error) {
	var p runtime.Position
	err := s.pool.QueryRow(ctx, s.q.head, app).Scan(&p.Epoch, &p.Version)
	if errors.Is(err, pgx.ErrNoRows) {
		err = runtime.Misconfigured(errNoEpoch)
	}
	if err != nil {
		return runtime.Position{}, fmt.Errorf("sysconfig/pgstore: head: %w", classify(err))
	}
	return p, nil
}

// History returns at most limit entries of path, newest first. A limit of
// zero or less returns none.
func (s *Store) History(ctx context.Context, path string, limit int) ([]runtime.HistoryEntry, error) {
	if limit <= 0 {
		return []runtime.HistoryEntry{}, nil
	}
	return s.history(ctx, path, limit, math.MaxInt64)
}

// HistoryAt returns the entry of path's newest write at or below version,
// and whether there is one. One round trip.
func (s *Store) HistoryAt(ctx context.Context, path string, version int64) (runtime.HistoryEntry, bool, error) {
	entries, err := s.history(ctx, path, 1, version)
	if err != nil || len(entries) == 0 {
		return runtime.HistoryEntry{}, false, err
	}
	return entries[0], true, nil
}

// history returns at most limit entries of path with a version of at
// most upTo, newest first.
func (s *Store) history(ctx context.Context, path string, limit int, upTo int64) ([]runtime.HistoryEntry, error) {
	rows, _ := s.pool.Query(ctx, s.q.history, path, limit, upTo)
	entries, err := pgx.CollectRows(rows, scanEntry)
	if err != nil {
		return nil, fmt.Errorf("sysconfig/pgstore: history: %w", classify(err))
	}
	return entries, nil
}

// scanRecords reads (epoch, path, value, version) rows, where a row with a
// NULL path only carries the epoch, and returns the epoch and the records.
// A store without an epoch is misconfigured.
func scanRecords(rows pgx.Rows) (int64, []runtime.Record, error) {
	var epoch int64
	var records []runtime.Record
	var path, value pgtype.Text
	var version pgtype.Int8
	_, err := pgx.ForEachRow(rows, []any{&epoch, &path, &value, &version}, func() error {
		if path.Valid {
			records = append(records, runtime.Record{
				Path: path.String, Value: value.String, Set: value.Valid, Epoch: epoch, Version: version.Int64,
			})
		}
		return nil
	})
	if err == nil && epoch == 0 {
		err = runtime.Misconfigured(errNoEpoch)
	}
	return epoch, records, err
}

// errNoEpoch reports a store without its epoch row: EnsureSchema has not
// run since the tables were made, or the row was deleted.
var errNoEpoch = errors.New("the store has no epoch (sysconfig_meta is empty): run Store.EnsureSchema")

func scanEntry(row pgx.CollectableRow) (runtime.HistoryEntry, error) {
	var e runtime.HistoryEntry
	var value, old pgtype.Text
	err := row.Scan(&e.Path, &e.Version, &value, &old, &e.OldVersion, &e.At,
		&e.ChangeID, &e.Actor, &e.Reason, &e.Source)
	e.Value, e.Set = value.String, value.Valid
	e.OldValue, e.OldSet = old.String, old.Valid
	return e, err
}

package postgres

import (
	"context"
	"fmt"

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
	found, err := s.records(ctx, "load", s.q.load, paths)
	if err != nil {
		return nil, err
	}
	return inOrder(paths, found), nil
}

// inOrder returns the record of each path in found, or a never-written one.
func inOrder(paths []string, found []runtime.Record) []runtime.Record {
	byPath := make(map[string]runtime.Record, len(found))
	for _, r := range found {
		byPath[r.Path] = r
	}
	out := make([]runtime.Record, len(paths))
	for i, p := range paths {
		out[i] = byPath[p]
		out[i].Path = p
	}
	return out
}

// LoadApp returns every record of app (whose paths start with app+"."),
// resets included, in path order: byte order, as the path column uses the
// "C" collation.
func (s *Store) LoadApp(ctx context.Context, app string) ([]runtime.Record, error) {
	return s.records(ctx, "load app", s.q.loadApp, app)
}

// Since returns the records of app with a version above version, in version
// order, and the highest version of the app's records (version itself when
// none is newer).
//
// Apply serialises the writes of an app, so versions of one app become
// visible in increasing order: a caller that passes the latest it was given
// never misses a write.
func (s *Store) Since(ctx context.Context, app string, version int64) ([]runtime.Record, int64, error) {
	records, err := s.records(ctx, "since", s.q.since, app, version)
	if err != nil {
		return nil, 0, err
	}
	if n := len(records); n > 0 {
		version = records[n-1].Version
	}
	return records, version, nil
}

// History returns at most limit entries of path, newest first. A limit of
// zero or less returns none.
func (s *Store) History(ctx context.Context, path string, limit int) ([]runtime.HistoryEntry, error) {
	if limit <= 0 {
		return []runtime.HistoryEntry{}, nil
	}
	rows, _ := s.pool.Query(ctx, s.q.history, path, limit)
	entries, err := pgx.CollectRows(rows, scanEntry)
	if err != nil {
		return nil, fmt.Errorf("sysconfig/postgres: history: %w", err)
	}
	return entries, nil
}

// records runs a query returning (path, value, version) rows.
func (s *Store) records(ctx context.Context, op, sql string, args ...any) ([]runtime.Record, error) {
	rows, _ := s.pool.Query(ctx, sql, args...)
	records, err := pgx.CollectRows(rows, scanRecord)
	if err != nil {
		return nil, fmt.Errorf("sysconfig/postgres: %s: %w", op, err)
	}
	return records, nil
}

func scanRecord(row pgx.CollectableRow) (runtime.Record, error) {
	var r runtime.Record
	var value pgtype.Text
	err := row.Scan(&r.Path, &value, &r.Version)
	r.Value, r.Set = value.String, value.Valid
	return r, err
}

func scanEntry(row pgx.CollectableRow) (runtime.HistoryEntry, error) {
	var e runtime.HistoryEntry
	var value, old pgtype.Text
	err := row.Scan(&e.Path, &e.Version, &value, &old, &e.At)
	e.Value, e.Set = value.String, value.Valid
	e.OldValue, e.OldSet = old.String, old.Valid
	return e, err
}

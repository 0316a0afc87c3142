package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// errStillBehind is what a read returns when the file went back again
// while it started a new epoch and read a second time.
var errStillBehind = errors.New("the file went back twice in a row")

// readAt runs read, which returns the file's position beside what it
// read, and hands it to observe: when the file is behind what this
// process has seen, observe starts a new epoch and read runs again, so
// that nothing read in the old epoch is handed out.
func (s *Store) readAt(ctx context.Context, read func() (position, error)) error {
	for range 2 {
		seen := s.mark.get()
		at, err := read()
		if err != nil {
			return err
		}
		restarted, err := s.observe(ctx, seen, at)
		if err != nil || !restarted {
			return err
		}
	}
	return errStillBehind
}

// Load returns one record per path, in order, in one statement. A path
// never written has Version 0 and Set false.
func (s *Store) Load(ctx context.Context, paths []string) ([]runtime.Record, error) {
	if len(paths) == 0 {
		return []runtime.Record{}, nil
	}
	list, _ := json.Marshal(paths) // a []string always marshals
	var found []runtime.Record
	var at position
	err := s.readAt(ctx, func() (position, error) {
		var err error
		at, found, err = s.records(ctx, loadSQL, string(list))
		return at, err
	})
	if err != nil {
		return nil, fmt.Errorf("sysconfig/sqlitestore: load: %w", classify(err))
	}
	return inOrder(paths, found, at.epoch), nil
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
// store's epoch, else every record of the app, Full. One statement.
//
// Writers commit one at a time, in version order, so a caller that passes
// the position it was given never misses a write.
func (s *Store) Since(ctx context.Context, app string, from runtime.Position) (runtime.Delta, error) {
	var records []runtime.Record
	var at position
	err := s.readAt(ctx, func() (position, error) {
		var err error
		at, records, err = s.records(ctx, sinceSQL, app, from.Epoch, from.Version)
		return at, err
	})
	if err != nil {
		return runtime.Delta{}, fmt.Errorf("sysconfig/sqlitestore: since: %w", classify(err))
	}
	return runtime.DeltaOf(from, at.epoch, records, math.MaxInt64), nil
}

// Head returns where app stands: the store's epoch and the highest
// version of the app's records (0 when it has none), the At of a Since
// that is up to date. One statement that reads no record (the newest
// entry of an index); it never writes, but for a new epoch on a file
// that went back (see the package documentation).
func (s *Store) Head(ctx context.Context, app string) (runtime.Position, error) {
	var head runtime.Position
	err := s.readAt(ctx, func() (position, error) {
		var at position
		err := s.r.QueryRowContext(ctx, appVersionSQL, app).Scan(&at.epoch, &at.version, &head.Version)
		head.Epoch = at.epoch
		return at, noMeta(err)
	})
	if err != nil {
		return runtime.Position{}, fmt.Errorf("sysconfig/sqlitestore: head: %w", classify(err))
	}
	return head, nil
}

// records runs a query returning (epoch, counter, path, value, version)
// rows, where a row with a NULL path only carries the position, and
// returns the position and the records.
func (s *Store) records(ctx context.Context, query string, args ...any) (at position, records []runtime.Record, err error) {
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return at, nil, err
	}
	defer rows.Close()
	seen := false
	for rows.Next() {
		var path, value sql.NullString
		var version sql.NullInt64
		if err := rows.Scan(&at.epoch, &at.version, &path, &value, &version); err != nil {
			return at, nil, err
		}
		seen = true
		if path.Valid {
			records = append(records, runtime.Record{Path: path.String, Value: value.String, Set: value.Valid,
				Version: version.Int64})
		}
	}
	if err := rows.Err(); err != nil {
		return at, nil, err
	}
	if !seen {
		return at, nil, errNoEpoch
	}
	for i := range records {
		records[i].Epoch = at.epoch
	}
	return at, records, nil
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
// and whether there is one.
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
	entries, err := s.scanHistory(ctx, path, limit, upTo)
	if err != nil {
		return nil, fmt.Errorf("sysconfig/sqlitestore: history: %w", classify(err))
	}
	return entries, nil
}

func (s *Store) scanHistory(ctx context.Context, path string, limit int, upTo int64) ([]runtime.HistoryEntry, error) {
	rows, err := s.r.QueryContext(ctx, pathHistorySQL, path, limit, upTo)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	entries := []runtime.HistoryEntry{}
	for rows.Next() {
		var e runtime.HistoryEntry
		var value, old sql.NullString
		var at int64
		err := rows.Scan(&e.Path, &e.Version, &value, &old, &e.OldVersion, &at,
			&e.ChangeID, &e.Actor, &e.Reason, &e.Source)
		if err != nil {
			return nil, err
		}
		e.Value, e.Set, e.OldValue, e.OldSet, e.At = value.String, value.Valid, old.String, old.Valid, fromMicros(at)
		entries = append(entries, e)
	}
	return entries, rows.Err()
}

// The reads. Each returns the file's position (sysconfig_meta) beside the
// rows, joined so that it comes back even when no row matches.
const (
	// loadSQL returns the records of the paths in the JSON array $1.
	loadSQL = `SELECT m.epoch, m.version, v.path, v.value, v.version FROM sysconfig_meta AS m
		LEFT JOIN (SELECT v.path, v.value, v.version
			FROM json_each(?1) AS p JOIN sysconfig_values AS v ON v.path = p.value) AS v ON 1`

	// sinceSQL returns the records of app $1 above version $3 when $2 is
	// the file's epoch, and all of them otherwise, in version order.
	sinceSQL = `SELECT m.epoch, m.version, v.path, v.value, v.version FROM sysconfig_meta AS m
		LEFT JOIN sysconfig_values AS v
			ON v.app = ?1 AND v.version > CASE WHEN m.epoch = ?2 THEN ?3 ELSE 0 END
		ORDER BY v.version`

	// pathHistorySQL returns path $1's last $2 writes with a version of
	// at most $3, with their changes' attribution.
	pathHistorySQL = `SELECT h.path, h.version, h.value, h.old_value, h.old_version, h.changed_at, h.change_id,
			coalesce(c.actor, ''), coalesce(c.reason, ''), coalesce(c.source, '')
		FROM sysconfig_history AS h LEFT JOIN sysconfig_changes AS c ON c.id = h.change_id
		WHERE h.path = ?1 AND h.version <= ?3 ORDER BY h.version DESC LIMIT ?2`
)

package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// Changes returns the app's committed change sets that match q, newest
// first, at most q.Limit, each with every write it made and the paths it
// revealed (runtime.Store's contract), in two statements: the change
// sets, then their writes.
func (s *Store) Changes(ctx context.Context, app string, q runtime.ChangeQuery) ([]runtime.ChangeSet, error) {
	if q.Limit <= 0 || q.ID != "" && !runtime.IsChangeID(q.ID) {
		return []runtime.ChangeSet{}, nil
	}
	var sets []runtime.ChangeSet
	var at position
	err := s.readAt(ctx, func() (position, error) {
		var err error
		at, sets, err = s.changeSets(ctx, app, q)
		return at, err
	})
	if err == nil && len(sets) > 0 {
		err = s.addWrites(ctx, sets, at.epoch)
	}
	if err != nil {
		return nil, fmt.Errorf("sysconfig/sqlitestore: changes: %w", classify(err))
	}
	return sets, nil
}

// changeSets reads the change sets that match q, without their writes,
// and the file's position.
func (s *Store) changeSets(ctx context.Context, app string, q runtime.ChangeQuery) (position, []runtime.ChangeSet, error) {
	var prefix string
	if q.Section != "" {
		prefix = app + "." + q.Section + "."
	}
	var at position
	err := s.r.QueryRowContext(ctx, metaSQL).Scan(&at.epoch, &at.version)
	if err != nil {
		return at, nil, noMeta(err)
	}
	rows, err := s.r.QueryContext(ctx, changesSQL, app, q.ID, q.Path, prefix, q.Actor,
		timeOrNull(q.Since), timeOrNull(q.Until), q.Before, q.Limit)
	if err != nil {
		return at, nil, err
	}
	defer rows.Close()
	sets := []runtime.ChangeSet{}
	for rows.Next() {
		cs, err := scanChangeSet(rows)
		if err != nil {
			return at, nil, err
		}
		sets = append(sets, cs)
	}
	return at, sets, rows.Err()
}

// scanChangeSet reads one row of changesSQL.
func scanChangeSet(rows *sql.Rows) (runtime.ChangeSet, error) {
	var cs runtime.ChangeSet
	var at int64
	var revealed sql.NullString
	err := rows.Scan(&cs.ID, &cs.Version, &at, &cs.Actor, &cs.Reason, &cs.Source, &cs.Reverts, &revealed)
	if err == nil && revealed.Valid {
		err = json.Unmarshal([]byte(revealed.String), &cs.Revealed)
	}
	cs.At = fromMicros(at)
	return cs, err
}

// addWrites reads the writes of sets, in one statement.
func (s *Store) addWrites(ctx context.Context, sets []runtime.ChangeSet, epoch int64) error {
	ids := make([]string, len(sets))
	byID := make(map[string]*runtime.ChangeSet, len(sets))
	for i := range sets {
		ids[i], byID[sets[i].ID] = sets[i].ID, &sets[i]
	}
	list, _ := json.Marshal(ids) // a []string always marshals
	rows, err := s.r.QueryContext(ctx, changesWritesSQL, string(list))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		id, a, err := scanWrite(rows, epoch)
		if err != nil {
			return err
		}
		cs := byID[id]
		cs.Writes = append(cs.Writes, a)
	}
	return rows.Err()
}

// scanWrite reads one write of a change set from the history: its
// change's ID, path, new value and version, old value and version.
func scanWrite(rows *sql.Rows, epoch int64) (string, runtime.Applied, error) {
	var id string
	var a runtime.Applied
	var value, old sql.NullString
	err := rows.Scan(&id, &a.New.Path, &value, &a.New.Version, &old, &a.Old.Version)
	a.New.Value, a.New.Set, a.New.Epoch = value.String, value.Valid, epoch
	a.Old.Path, a.Old.Value, a.Old.Set, a.Old.Epoch = a.New.Path, old.String, old.Valid, epoch
	return id, a, err
}

// timeOrNull is t in microseconds as a query parameter: NULL when zero.
func timeOrNull(t time.Time) sql.NullInt64 {
	return sql.NullInt64{Int64: micros(t), Valid: !t.IsZero()}
}

const (
	// changesSQL selects app $1's committed change sets, newest first, at
	// most $9; each filter is off when its parameter is empty, zero or
	// NULL: $2 the ID, $3 a path, $4 a path prefix (a section's), $5 the
	// actor, $6 and $7 the time range, $8 the version paging is before.
	// The path filters match a path written or revealed.
	changesSQL = `SELECT c.id, c.version, c.changed_at, c.actor, c.reason, c.source,
			coalesce(c.reverts, ''), c.revealed
		FROM sysconfig_changes AS c
		WHERE c.app = ?1 AND c.version IS NOT NULL
			AND (?2 = '' OR c.id = ?2)
			AND (?5 = '' OR c.actor = ?5)
			AND (?6 IS NULL OR c.changed_at >= ?6)
			AND (?7 IS NULL OR c.changed_at < ?7)
			AND (?8 = 0 OR c.version < ?8)
			AND (?3 = '' AND ?4 = ''
				OR EXISTS (SELECT 1 FROM sysconfig_history AS h
					WHERE h.change_id = c.id AND (?3 = '' OR h.path = ?3)
						AND (?4 = '' OR substr(h.path, 1, length(?4)) = ?4))
				OR EXISTS (SELECT 1 FROM json_each(c.revealed) AS r
					WHERE (?3 = '' OR r.value = ?3) AND (?4 = '' OR substr(r.value, 1, length(?4)) = ?4)))
		ORDER BY c.version DESC LIMIT ?9`

	// changesWritesSQL reads the writes of the change sets in the JSON
	// array $1, in version order.
	changesWritesSQL = `SELECT change_id, path, value, version, old_value, old_version FROM sysconfig_history
		WHERE change_id IN (SELECT value FROM json_each(?1)) ORDER BY version`
)

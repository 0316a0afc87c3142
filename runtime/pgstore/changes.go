package pgstore

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// Changes returns the app's committed change sets that match q, newest
// first, at most q.Limit, each with every write it made and the paths it
// revealed (runtime.Store's contract), in two round trips: the change
// sets, then their writes.
// Writes recorded before migration 2 belong to no change set, so they are
// listed only by History.
func (s *Store) Changes(ctx context.Context, app string, q runtime.ChangeQuery) ([]runtime.ChangeSet, error) {
	if q.Limit <= 0 || q.ID != "" && !runtime.IsChangeID(q.ID) {
		return []runtime.ChangeSet{}, nil
	}
	sets, epoch, err := s.changeSets(ctx, app, q)
	if err == nil && len(sets) > 0 {
		err = s.addWrites(ctx, sets, epoch)
	}
	if err != nil {
		return nil, fmt.Errorf("sysconfig/pgstore: changes: %w", classify(err))
	}
	return sets, nil
}

// changeSets reads the change sets that match q, without their writes,
// and the store's epoch.
func (s *Store) changeSets(ctx context.Context, app string, q runtime.ChangeQuery) ([]runtime.ChangeSet, int64, error) {
	var prefix string
	if q.Section != "" {
		prefix = app + "." + q.Section + "."
	}
	rows, _ := s.pool.Query(ctx, s.q.changes, app, q.ID, q.Path, prefix, q.Actor,
		timeOrNull(q.Since), timeOrNull(q.Until), q.Before, q.Limit)
	var epoch int64
	sets, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (runtime.ChangeSet, error) {
		var cs runtime.ChangeSet
		err := row.Scan(&cs.ID, &cs.Version, &cs.At, &cs.Actor, &cs.Reason, &cs.Source, &cs.Reverts, &cs.Revealed, &epoch)
		return cs, err
	})
	return sets, epoch, err
}

// addWrites reads the writes of sets, in one query.
func (s *Store) addWrites(ctx context.Context, sets []runtime.ChangeSet, epoch int64) error {
	ids := make([]string, len(sets))
	byID := make(map[string]*runtime.ChangeSet, len(sets))
	for i := range sets {
		ids[i], byID[sets[i].ID] = sets[i].ID, &sets[i]
	}
	rows, _ := s.pool.Query(ctx, s.q.changesWrites, ids)
	var id string
	var a runtime.Applied
	var value, old pgtype.Text
	_, err := pgx.ForEachRow(rows, []any{&id, &a.New.Path, &value, &a.New.Version, &old, &a.Old.Version}, func() error {
		cs := byID[id]
		cs.Writes = append(cs.Writes, historyWrite(a, value, old, epoch))
		return nil
	})
	return err
}

// historyWrite completes a write read from the history: a's paths and
// versions are set; value and old are the new and old values.
func historyWrite(a runtime.Applied, value, old pgtype.Text, epoch int64) runtime.Applied {
	a.New.Value, a.New.Set, a.New.Epoch = value.String, value.Valid, epoch
	a.Old.Path, a.Old.Value, a.Old.Set, a.Old.Epoch = a.New.Path, old.String, old.Valid, epoch
	return a
}

// timeOrNull is t as a query parameter: NULL when zero.
func timeOrNull(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

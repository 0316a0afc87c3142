package runtime

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
)

// RevertPath puts the field at path back to the value it held at version
// (PATH@VERSION): the value of its newest write at or below that version,
// or "no override" when that write was a reset or there was none. It
// returns the ID of the new change that does it: history is never
// rewritten. The change is recorded with source FromRevert, the actor and
// reason of ctx (WithChangeInfo), and Reverts "PATH@VERSION".
//
// The old value is parsed and validated against the current schema, as a
// Set would be: one that no longer passes is an error matching ErrInvalid.
// A secret is decrypted and sealed again under the primary key: one sealed
// under a key since dropped fails with its *DecryptError (ErrSecret). The
// write is conditional on the version read when the revert was computed:
// if the field changes in between, the revert fails with a *ConflictError.
// In every failure nothing is written.
func (c *Client) RevertPath(ctx context.Context, path string, version int64) (string, error) {
	f, err := c.lookup(path)
	if err != nil {
		return "", err
	}
	if version <= 0 {
		return "", &ValidationError{Path: path, Problems: []string{"cannot revert to version " + strconv.FormatInt(version, 10) + ": versions start at 1"}}
	}
	target, err := c.valueAt(ctx, path, version)
	if err != nil {
		return "", err
	}
	cur, err := c.loadRecords(ctx, []string{path})
	if err != nil {
		return "", err
	}
	what := fmt.Sprintf("%s@%d", path, version)
	u, err := c.restore(f, target, cur[0].Version)
	if err != nil {
		return "", revertError(err, what)
	}
	return c.revert(ctx, what, what, []Update{u})
}

// RevertChange undoes the change set with ID id: every path it wrote is
// put back to the value it held before, as one new change, whose ID it
// returns; history is never rewritten. The change is recorded with source
// FromRevert, the actor and reason of ctx (WithChangeInfo), and Reverts
// id. An id that names no committed change set is an error matching
// ErrUnknownChange; one that wrote nothing (a reveal, see RecordReveal)
// is a *ValidationError (ErrInvalid).
//
// When paths of the change set have been written since, it refuses with a
// *ChangedSinceError (ErrConflict) naming them, unless every one of them
// is named in force: those are put back too, over the later writes. A
// path in force that the change set did not write is a *ValidationError
// (ErrInvalid), as it is most likely a typo. Old
// values are validated against the current schema and secrets decrypted
// and sealed again, as in RevertPath, and the writes are conditional on
// the versions read when the revert was computed. In every failure
// nothing is written.
func (c *Client) RevertChange(ctx context.Context, id string, force ...string) (string, error) {
	cs, err := c.changeSet(ctx, id)
	if err != nil {
		return "", err
	}
	if len(cs.Writes) == 0 {
		return "", revertError(&ValidationError{Path: "change " + id,
			Problems: []string{"wrote nothing (it records secrets shown in plaintext): there is nothing to undo"}}, "change "+id)
	}
	updates, err := c.undo(ctx, cs, force)
	if err != nil {
		return "", err
	}
	return c.revert(ctx, id, "change "+id, updates)
}

// undo returns the updates that put back what cs wrote, each conditional
// on the version its path has now.
func (c *Client) undo(ctx context.Context, cs ChangeSet, force []string) ([]Update, error) {
	paths := make([]string, len(cs.Writes))
	for i, w := range cs.Writes {
		paths[i] = w.New.Path
	}
	for _, p := range force {
		if !slices.Contains(paths, p) {
			return nil, revertError(&ValidationError{Path: p, Problems: []string{"is named to force, but change " + cs.ID + " did not write it"}}, "change "+cs.ID)
		}
	}
	cur, err := c.loadRecords(ctx, paths)
	if err != nil {
		return nil, err
	}
	var since []string
	updates := make([]Update, len(cs.Writes))
	for i, w := range cs.Writes {
		if cur[i].Version != w.New.Version && !slices.Contains(force, w.New.Path) {
			since = append(since, w.New.Path)
		}
		f, err := c.lookup(w.New.Path)
		if err == nil {
			updates[i], err = c.restore(f, w.Old, cur[i].Version)
		}
		if err != nil {
			return nil, revertError(err, "change "+cs.ID)
		}
	}
	if len(since) > 0 {
		return nil, &ChangedSinceError{ChangeID: cs.ID, Paths: since}
	}
	return updates, nil
}

// revert validates and commits updates as the revert recorded as reverts
// and described in errors as what, then brings the snapshot and cache up
// to date and runs hooks, as SetMany does.
func (c *Client) revert(ctx context.Context, reverts, what string, updates []Update) (string, error) {
	fields, writes, err := c.prepare(updates)
	if errors.Is(err, ErrInvalid) {
		what += " (an old value no longer passes the current schema)"
	}
	if err != nil {
		return "", revertError(err, what)
	}
	info := ChangeInfoFrom(ctx)
	info.Source = FromRevert
	change := Change{ID: NewChangeID(), Writes: writes, ChangeInfo: info, Reverts: reverts}
	applied, asOf, err := c.commit(ctx, change)
	if err != nil {
		return "", err
	}
	c.afterCommit(ctx, fields, applied, asOf)
	return change.ID, nil
}

// restore returns the update that puts f back to the stored record r (a
// stored text, or no override), conditional on f's version being version.
// A secret is decrypted, to be validated and sealed again.
func (c *Client) restore(f *fieldInfo, r Record, version int64) (Update, error) {
	if !r.Set {
		return Unassign(f.path).IfVersion(version), nil
	}
	text, err := c.codec.unseal(f, r.Value)
	if err != nil {
		return Update{}, err
	}
	return AssignText(f.path, text).IfVersion(version), nil
}

// valueAt returns the record path held at version, from its history.
func (c *Client) valueAt(ctx context.Context, path string, version int64) (Record, error) {
	h, found, err := c.store.HistoryAt(ctx, path, version)
	if err != nil {
		return Record{}, storeError("history", err)
	}
	if !found {
		return Record{Path: path}, nil
	}
	return Record{Path: path, Set: h.Set, Value: h.Value, Version: h.Version}, nil
}

// changeSet returns the committed change set with ID id.
func (c *Client) changeSet(ctx context.Context, id string) (ChangeSet, error) {
	sets, err := c.store.Changes(ctx, c.schema.app, ChangeQuery{ID: id, Limit: 1})
	if err != nil {
		return ChangeSet{}, storeError("changes", err)
	}
	if len(sets) == 0 {
		return ChangeSet{}, revertError(ErrUnknownChange, fmt.Sprintf("change %q", id))
	}
	return sets[0], nil
}

// loadRecords reads paths' current records from the store.
func (c *Client) loadRecords(ctx context.Context, paths []string) ([]Record, error) {
	recs, err := c.store.Load(ctx, paths)
	if err != nil {
		return nil, storeError("load", err)
	}
	return recs, nil
}

// revertError says that err stopped the revert of what.
func revertError(err error, what string) error {
	return wrap(err, "sysconfig: cannot revert "+what)
}

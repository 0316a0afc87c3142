package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Update is one change in a SetMany batch. Build it with Field.Assign,
// Field.Unassign, AssignText or Unassign.
type Update struct {
	path         string
	value        any // typed as the field's T; unused when fromText or reset
	text         string
	fromText     bool
	reset        bool
	checkVersion bool
	version      int64
}

// AssignText sets the field at path to the value written as text (the
// canonical form the CLI uses; a JSON array for string lists).
func AssignText(path, text string) Update {
	return Update{path: path, text: text, fromText: true}
}

// Unassign removes the override of the field at path.
func Unassign(path string) Update { return Update{path: path, reset: true} }

// IfVersion makes the update apply only if the field's stored version is
// still version (0: never written), as read from Value.Version. Otherwise
// the whole batch fails with a *ConflictError and nothing is written.
func (u Update) IfVersion(version int64) Update {
	u.checkVersion, u.version = true, version
	return u
}

// Path returns the path the update changes.
func (u Update) Path() string { return u.path }

// String describes the update without its value, which may be a secret:
// "set shop.site.title" or "reset shop.site.title".
func (u Update) String() string {
	if u.reset {
		return "reset " + u.path
	}
	return "set " + u.path
}

// Format implements fmt.Formatter: every verb prints String, so that no
// verb (%v, %+v, %#v...) reaches the value through the unexported fields.
func (u Update) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(u.String())) }

// LogValue implements slog.LogValuer, without the value.
func (u Update) LogValue() slog.Value { return slog.StringValue(u.String()) }

// MarshalJSON encodes the update as {"path": ..., "reset": ...}, without
// the value.
func (u Update) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Path  string `json:"path"`
		Reset bool   `json:"reset"`
	}{u.path, u.reset})
}

// SetMany applies updates atomically: all are validated first, then written
// in one store transaction; if anything fails nothing is written. After the
// commit the cache is updated and change hooks run. The batch is recorded
// as one change, attributed as ctx says (see WithChangeInfo); an
// attribution that cannot be recorded is an error matching ErrInvalid.
//
// The write is bounded by Options.WriteTimeout as well as by ctx. An error
// matching ErrUnavailable means nothing was written; ErrOutcomeUnknown
// (an *OutcomeUnknownError) means the store stopped answering after the
// commit was sent and could not be asked in time whether it committed.
func (c *Client) SetMany(ctx context.Context, updates ...Update) error {
	fields, writes, err := c.prepare(updates)
	if err != nil {
		return err
	}
	applied, asOf, err := c.commit(ctx, Change{Writes: writes, ChangeInfo: ChangeInfoFrom(ctx)})
	if err != nil {
		return err
	}
	c.afterCommit(ctx, fields, applied, asOf)
	return nil
}

// prepare resolves, parses and validates every update, reporting every
// problem at once.
func (c *Client) prepare(updates []Update) ([]*fieldInfo, []Write, error) {
	fields := make([]*fieldInfo, len(updates))
	writes := make([]Write, len(updates))
	seen := make(map[string]bool, len(updates))
	var errs []error
	for i, u := range updates {
		if seen[u.path] {
			errs = append(errs, &ValidationError{Path: u.path, Problems: []string{"is changed twice in one SetMany"}})
			continue
		}
		seen[u.path] = true
		var err error
		if fields[i], writes[i], err = c.prepareOne(u); err != nil {
			errs = append(errs, err)
		}
	}
	return fields, writes, errors.Join(errs...)
}

func (c *Client) prepareOne(u Update) (*fieldInfo, Write, error) {
	f, err := c.lookup(u.path)
	if err != nil {
		return nil, Write{}, err
	}
	if p := c.pins.of(f); p != nil {
		return nil, Write{}, &PinnedError{Path: f.path, Variable: p.variable}
	}
	w := Write{Path: u.path, Reset: u.reset, CheckVersion: u.checkVersion, Version: u.version}
	if u.reset {
		return f, w, nil
	}
	v, err := c.valueOf(f, u)
	if err != nil {
		return nil, Write{}, err
	}
	if w.Value, err = c.codec.seal(f, f.format(v)); err != nil {
		return nil, Write{}, err
	}
	return f, w, nil
}

// valueOf returns the update's typed value, validated.
func (c *Client) valueOf(f *fieldInfo, u Update) (any, error) {
	if u.fromText {
		return f.parseValid(u.text, c.opts.MaxValueSize)
	}
	return u.value, f.validate(u.value, c.opts.MaxValueSize)
}

// storeError wraps a store failure in an *UnavailableError; a conflict,
// input the store refused (ErrInvalid) or a misconfigured store
// (ErrMisconfigured) passes through unchanged, since retrying would not
// help.
func storeError(op string, err error) error {
	if errors.Is(err, ErrConflict) || errors.Is(err, ErrInvalid) || errors.Is(err, ErrMisconfigured) {
		return err
	}
	return &UnavailableError{Backend: "store", Op: op, Err: err}
}

// newRecords returns the records written by an Apply.
func newRecords(applied []Applied) []Record {
	recs := make([]Record, len(applied))
	for i, a := range applied {
		recs[i] = a.New
	}
	return recs
}

// afterCommit brings the snapshot (so the writer sees its own write at
// once, and a batch becomes visible all at once), or the floors of a client
// without one, and the cache up to date with the committed records, and
// reports the changes to hooks, and publishes the change when the
// client's notifier is a Publisher. None of this can undo the write.
//
// A started client updates the cache in the background: its own reads come
// from its snapshot, and other processes' snapshots hear of the change from
// the store. A client without a snapshot updates it before returning, so
// that a reader through the cache that the writer tells of the change
// finds it. Either way, an update that is lost (the cache failed, the
// process died) makes other processes stop trusting the entry it would
// have replaced within the staleness bound.
func (c *Client) afterCommit(ctx context.Context, fields []*fieldInfo, applied []Applied, asOf time.Time) {
	recs := newRecords(applied)
	c.publisher.announce(ctx, applied, c.snaps.load() != nil)
	if c.snaps.load() != nil {
		c.cache.fillLater(ctx, fields, recs, asOf)
		changes := c.snaps.merge(recs, SourceStore)
		c.syncer.advance(applied)
		c.hooks.enqueue(changes)
		return
	}
	c.cache.fillNow(ctx, fields, recs, asOf)
	for i, a := range applied {
		if st, err := c.codec.decode(fields[i], a.New, SourceStore); err == nil {
			c.floors.raise(fields[i], st)
		}
		c.hooks.deliver(ctx, fields[i].path, c.codec.effective(fields[i], a.Old), c.codec.effective(fields[i], a.New))
	}
}

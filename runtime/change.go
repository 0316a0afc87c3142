package runtime

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// NewChangeID returns a new random change ID: a version 4 UUID in
// canonical text form, such as "0b5e2f1c-3a4d-4e6f-8a9b-1c2d3e4f5a6b".
func NewChangeID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}

// commit applies change, given its writes and attribution (and its ID,
// if the caller chose one), as a new change of the app, bounded by
// Options.WriteTimeout, and returns what was applied and a time before the commit (the AsOf of the cache entries it
// makes). When the store cannot tell whether the change committed, commit
// asks it (see resolveAfter); so an error means the change did not
// commit, unless it is an *OutcomeUnknownError.
func (c *Client) commit(ctx context.Context, change Change) ([]Applied, time.Time, error) {
	if err := change.ChangeInfo.check(); err != nil {
		return nil, time.Time{}, err
	}
	if change.ID == "" {
		change.ID = NewChangeID()
	}
	change.App = c.schema.app
	writeCtx, cancel := context.WithTimeout(ctx, c.opts.WriteTimeout)
	defer cancel()
	asOf := time.Now()
	applied, err := c.store.Apply(writeCtx, change)
	switch {
	case err == nil:
	case errors.Is(err, ErrOutcomeUnknown):
		applied, err = c.resolveAfter(ctx, change.ID, err)
	default:
		err = storeError("apply", err)
	}
	c.meter.wrote(err)
	if err != nil {
		return nil, asOf, err
	}
	for _, a := range applied {
		c.epochs.saw(a.New.Epoch)
	}
	return applied, asOf, nil
}

// resolveAfter settles a change whose Apply failed with cause, an error
// matching ErrOutcomeUnknown, by asking the store for at most
// Options.ResolveTimeout, whatever is left of ctx: it returns the change's
// writes if it committed, an *UnavailableError if it did not (and now never
// will), and an *OutcomeUnknownError if the store could not say.
func (c *Client) resolveAfter(ctx context.Context, id string, cause error) ([]Applied, error) {
	resolveCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.opts.ResolveTimeout)
	defer cancel()
	res, err := c.store.Resolve(resolveCtx, c.schema.app, id)
	switch {
	case err != nil:
		return nil, &OutcomeUnknownError{ChangeID: id, Err: cause}
	case res.Committed:
		for i := range res.Applied {
			res.Applied[i].Prev = unknownPrev
		}
		return res.Applied, nil
	}
	return nil, &UnavailableError{Backend: "store", Op: "apply", Err: fenced(id, cause)}
}

// unknownPrev marks the Applied of a change that Resolve found committed:
// what the app's version was before it is not known, so the change cannot
// be chained to the snapshot's position, nor published with its records.
const unknownPrev = -1

// fenced is the error of a change whose Apply failed with err, an error
// matching ErrOutcomeUnknown, and that Resolve then found uncommitted: it
// no longer matches ErrOutcomeUnknown, but still matches the context error
// that err matched, if any.
func fenced(id string, err error) error {
	msg := fmt.Sprintf("change %s did not commit, and never will (the store stopped answering, so the client fenced it): %s",
		id, cause(err))
	for _, ctxErr := range []error{context.DeadlineExceeded, context.Canceled} {
		if errors.Is(err, ctxErr) {
			return wrap(ctxErr, msg)
		}
	}
	return errors.New(msg)
}

// Resolve settles a write that failed with an *OutcomeUnknownError: it
// asks the store whether the change with that ID committed. If it did, it
// reports true (a started client shows the change, as it shows every
// committed change, through its snapshot). If it did not, it reports false
// and the change never will commit: the store refuses it from then on.
// An error means the store could not answer; ask again later.
func (c *Client) Resolve(ctx context.Context, changeID string) (committed bool, err error) {
	res, err := c.store.Resolve(ctx, c.schema.app, changeID)
	if err != nil {
		return false, storeError("resolve", fmt.Errorf("change %s: %w", changeID, err))
	}
	c.meter.resolved(res.Committed)
	return res.Committed, nil
}

// IsChangeID reports whether id has the form Change.ID requires: a UUID in
// canonical text form (either case), as NewChangeID returns.
func IsChangeID(id string) bool {
	if len(id) != 36 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// Check reports what makes ch unfit for a Store to apply, for stores to
// call before they touch their backend: an app that is not one path
// segment (empty, or holding a "."), an ID that is not a change ID (see
// IsChangeID), a path written or revealed outside the app, a path written
// twice. The error matches ErrInvalid.
func (ch Change) Check() error {
	if err := ch.problem(); err != nil {
		return InvalidInput(err)
	}
	return nil
}

// problem describes what Check refuses in ch, if anything.
func (ch Change) problem() error {
	if ch.App == "" || strings.Contains(ch.App, ".") {
		return fmt.Errorf("app %q is not a single path segment", ch.App)
	}
	if !IsChangeID(ch.ID) {
		return fmt.Errorf("change ID %q is not a UUID", ch.ID)
	}
	prefix := ch.App + "."
	for _, p := range ch.Revealed {
		if !strings.HasPrefix(p, prefix) {
			return fmt.Errorf("revealed path %q is not in app %q", p, ch.App)
		}
	}
	seen := make(map[string]bool, len(ch.Writes))
	for _, w := range ch.Writes {
		if !strings.HasPrefix(w.Path, prefix) {
			return fmt.Errorf("path %q is not in app %q", w.Path, ch.App)
		}
		if seen[w.Path] {
			return fmt.Errorf("path %q is written twice", w.Path)
		}
		seen[w.Path] = true
	}
	return nil
}

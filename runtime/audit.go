package runtime

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/go-sysconfig/sysconfig/runtime/value"
)

// ChangeSource says what a change came through: the program's own code,
// the operator CLI, the admin page, an import, a revert or a key rotation.
type ChangeSource string

// The sources of a change. A write whose context carries no source is
// recorded as FromAPI.
const (
	FromAPI      ChangeSource = "api"      // the program's own code (the default)
	FromCLI      ChangeSource = "cli"      // the operator CLI
	FromAdmin    ChangeSource = "admin"    // the admin web page
	FromApply    ChangeSource = "apply"    // an import of a file of values
	FromRevert   ChangeSource = "revert"   // Client.RevertPath or Client.RevertChange
	FromRotation ChangeSource = "rotation" // Client.RotateSecrets
)

// changeSources are the sources a write may carry.
var changeSources = []ChangeSource{FromAPI, FromCLI, FromAdmin, FromApply, FromRevert, FromRotation}

// ChangeInfo is who made a change, why, and through what: the attribution
// that every change records (see Change and ChangeSet). Writes carry it in
// their context (WithChangeInfo), so that it reaches generated setters,
// hooks' writes and helpers without new parameters, and a middleware can
// set the actor once per request. A write without one is recorded with no
// actor, no reason and source FromAPI: it is never refused for that.
type ChangeInfo struct {
	Actor  string       // who: a user, a service account; empty when unknown
	Reason string       // why, in the actor's words; may be empty
	Source ChangeSource // through what; empty means FromAPI
}

// Limits of a ChangeInfo, in bytes.
const (
	MaxActorSize  = 256
	MaxReasonSize = 4096
)

// changeInfoKey is the context key of a ChangeInfo.
type changeInfoKey struct{}

// WithChangeInfo returns a copy of ctx whose writes (Set, Reset, SetMany,
// the generated setters, RotateSecrets, RevertPath, RevertChange) record
// info as their attribution. RotateSecrets and the reverts record their
// own source, keeping info's actor and reason.
func WithChangeInfo(ctx context.Context, info ChangeInfo) context.Context {
	return context.WithValue(ctx, changeInfoKey{}, info)
}

// ChangeInfoFrom returns the attribution ctx carries (see WithChangeInfo),
// with the source FromAPI when it names none.
func ChangeInfoFrom(ctx context.Context) ChangeInfo {
	info, _ := ctx.Value(changeInfoKey{}).(ChangeInfo)
	if info.Source == "" {
		info.Source = FromAPI
	}
	return info
}

// check reports what makes info unfit to be recorded, as a
// *ValidationError (ErrInvalid): an unknown source, or an actor or reason
// that is too long, not UTF-8, or holds a NUL byte.
func (info ChangeInfo) check() error {
	var problems []string
	if !slices.Contains(changeSources, info.Source) {
		problems = append(problems, fmt.Sprintf("unknown change source %q", info.Source))
	}
	problems = append(problems, textProblems("actor", info.Actor, MaxActorSize)...)
	problems = append(problems, textProblems("reason", info.Reason, MaxReasonSize)...)
	if len(problems) > 0 {
		return &ValidationError{Path: "change info", Problems: problems}
	}
	return nil
}

// textProblems describes what is wrong with the text of an attribution.
func textProblems(name, text string, limit int) []string {
	var problems []string
	if len(text) > limit {
		problems = append(problems, fmt.Sprintf("%s is longer than %d bytes", name, limit))
	}
	if !utf8.ValidString(text) || strings.ContainsRune(text, 0) {
		problems = append(problems, name+" is not UTF-8 text without NUL bytes")
	}
	return problems
}

// DefaultChangeLimit is how many change sets Client.Changes returns when
// ChangeQuery.Limit is zero.
const DefaultChangeLimit = 50

// History returns the most recent changes of the field at path, newest
// first, at most limit, each with its change's ID and attribution. The
// values of a secret field are value.Redacted (an empty value, as a reset
// has, stays empty); Changes can reveal them.
func (c *Client) History(ctx context.Context, path string, limit int) ([]HistoryEntry, error) {
	if _, err := c.lookup(path); err != nil {
		return nil, err
	}
	h, err := c.store.History(ctx, path, limit)
	if err != nil {
		return nil, storeError("history", err)
	}
	for i := range h {
		h[i].Value, _ = c.shown(path, h[i].Set, h[i].Value, false)
		h[i].OldValue, _ = c.shown(path, h[i].OldSet, h[i].OldValue, false)
	}
	return h, nil
}

// Changes returns the app's change sets that q selects, newest first: the
// store-wide history, each change set with its attribution and every
// write it made, old → new. A zero q.Limit means DefaultChangeLimit; page
// with q.Before. q.Section must name a section of the schema; q.Path may
// name a field since removed.
//
// Secrets are value.Redacted, and so is every value of a path the schema
// no longer has, which may have been a secret. With q.Reveal, secrets are
// decrypted with the client's keyring (ErrNoKeyring without one); a
// secret it cannot decrypt fails the call with its *DecryptError
// (ErrSecret).
func (c *Client) Changes(ctx context.Context, q ChangeQuery) ([]ChangeSet, error) {
	if err := c.checkQuery(q); err != nil {
		return nil, err
	}
	if q.Limit == 0 {
		q.Limit = DefaultChangeLimit
	}
	sets, err := c.store.Changes(ctx, c.schema.app, q)
	if err != nil {
		return nil, storeError("changes", err)
	}
	for i := range sets {
		if err := c.showWrites(sets[i].Writes, q.Reveal); err != nil {
			return nil, err
		}
	}
	return sets, nil
}

// checkQuery refuses a query naming an unknown section, or asking to
// reveal secrets without a keyring.
func (c *Client) checkQuery(q ChangeQuery) error {
	if q.Section != "" {
		if _, err := c.schema.section(q.Section); err != nil {
			return err
		}
	}
	if q.Reveal && c.opts.Secrets == nil {
		return wrap(ErrNoKeyring, "sysconfig: cannot reveal secrets")
	}
	return nil
}

// showWrites replaces the stored values of writes with what a caller may
// see (see shown).
func (c *Client) showWrites(writes []Applied, reveal bool) error {
	for i := range writes {
		w := &writes[i]
		var err error
		if w.New.Value, err = c.shown(w.New.Path, w.New.Set, w.New.Value, reveal); err != nil {
			return err
		}
		if w.Old.Value, err = c.shown(w.Old.Path, w.Old.Set, w.Old.Value, reveal); err != nil {
			return err
		}
	}
	return nil
}

// shown returns what a caller may see of a value stored at path: the
// value itself, unless it is a secret, shown redacted, or, with reveal,
// decrypted; and redacted too when the path is no longer in the schema.
// A value that is not set shows as "".
func (c *Client) shown(path string, set bool, stored string, reveal bool) (string, error) {
	d, known := c.schema.byPath[path]
	switch {
	case !set:
		return "", nil
	case known && d.Kind() != value.KindSecret:
		return stored, nil
	case known && reveal:
		return c.codec.unseal(d.field(), stored)
	}
	return value.Redacted, nil
}

// RecordReveal records in the audit trail that the actor of ctx (see
// WithChangeInfo) is being shown the stored values of the secret fields at
// paths in plaintext: one change set that writes nothing and lists them as
// Revealed. It returns the change set's ID. An operator tool calls it
// before it prints anything, and prints nothing if it fails, so that no
// plaintext is shown without a trace: the CLI does for every --reveal.
//
// Each path must name a secret field of the schema: an unknown path is an
// *UnknownPathError, and any other field a *ValidationError (ErrInvalid),
// as there is nothing to reveal. Paths named twice are recorded once. With
// no paths it records nothing and returns "". A store failure is an
// *UnavailableError, as for a write.
func (c *Client) RecordReveal(ctx context.Context, paths ...string) (string, error) {
	revealed, err := c.secretPaths(paths)
	if err != nil || len(revealed) == 0 {
		return "", err
	}
	change := Change{ID: NewChangeID(), Revealed: revealed, ChangeInfo: ChangeInfoFrom(ctx)}
	if _, _, err := c.commit(ctx, change); err != nil {
		return "", err
	}
	return change.ID, nil
}

// secretPaths returns paths without repeats, after checking that each names
// a secret field.
func (c *Client) secretPaths(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		f, err := c.lookup(p)
		if err != nil {
			return nil, err
		}
		if f.kind != value.KindSecret {
			return nil, &ValidationError{Path: p, Problems: []string{"is not a secret: there is nothing to reveal"}}
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out, nil
}

package runtime

import (
	"errors"
	"fmt"
	"strings"

	"github.com/go-sysconfig/sysconfig/runtime/value"
)

// Sentinel errors, for use with errors.Is. The concrete errors returned by
// the Client wrap these and carry detail (see the types below).
var (
	// ErrUnknownPath: the path names no field of the schema.
	ErrUnknownPath = errors.New("sysconfig: unknown path")
	// ErrInvalid: a value failed parsing or validation. Nothing was written.
	ErrInvalid = errors.New("sysconfig: invalid value")
	// ErrUnavailable: a backend (Postgres or Redis) could not be reached or failed.
	ErrUnavailable = errors.New("sysconfig: backend unavailable")
	// ErrConflict: an expected version did not match. Nothing was written.
	ErrConflict = errors.New("sysconfig: version conflict")
	// ErrOutcomeUnknown: a write may or may not have committed; the client
	// could not find out in time. See OutcomeUnknownError.
	ErrOutcomeUnknown = errors.New("sysconfig: write outcome unknown")
	// ErrMisconfigured: a backend answered, but cannot serve this program
	// as it is set up — the database does not exist, authentication
	// failed, a table is missing (EnsureSchema has not run), a privilege
	// is lacking; a single-node Redis client talks to a Redis Cluster node.
	// Unlike ErrUnavailable it does not pass by itself: retrying is
	// pointless until an operator fixes it. Start returns it when the store
	// is misconfigured and does not start (see Client.Start); a misconfigured
	// cache is logged once as an error and left unused.
	ErrMisconfigured = errors.New("sysconfig: backend misconfigured")
	// ErrPinned: the field is pinned by an environment variable in this
	// process (see Options.Env), so this client does not write it.
	// Nothing was written. See PinnedError.
	ErrPinned = errors.New("sysconfig: field pinned by the environment")
	// ErrUnknownChange: the change ID names no committed change set of
	// the app. Nothing was written.
	ErrUnknownChange = errors.New("sysconfig: unknown change")
	// ErrDecode: a stored value could not be decoded into the field's type.
	ErrDecode = errors.New("sysconfig: stored value cannot be decoded")
	// ErrCorruptEntry: a cache entry is malformed. Caches report it; the
	// Client drops the entry and reloads from the store.
	ErrCorruptEntry = errors.New("sysconfig: corrupt cache entry")
)

// UnknownPathError reports a path that names no field.
type UnknownPathError struct {
	Path string
}

func (e *UnknownPathError) Error() string {
	return fmt.Sprintf("sysconfig: unknown path %q", e.Path)
}

// Is makes errors.Is(err, ErrUnknownPath) true.
func (e *UnknownPathError) Is(target error) bool { return target == ErrUnknownPath }

// ValidationError reports every problem found with one value. Problems never
// contain the value itself, so secrets do not leak through error messages.
type ValidationError struct {
	Path     string
	Problems []string
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("sysconfig: invalid value for %s: %s", e.Path, strings.Join(e.Problems, "; "))
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// UnavailableError reports a failed backend operation.
type UnavailableError struct {
	Backend string // "store" or "cache"
	Op      string // such as "load" or "apply"
	Err     error
}

func (e *UnavailableError) Error() string {
	return fmt.Sprintf("sysconfig: %s %s failed: %s", e.Backend, e.Op, cause(e.Err))
}

// Is makes errors.Is(err, ErrUnavailable) true.
func (e *UnavailableError) Is(target error) bool { return target == ErrUnavailable }

// Unwrap returns the backend's own error.
func (e *UnavailableError) Unwrap() error { return e.Err }

// OutcomeUnknownError reports a write that may have committed: the store
// stopped answering after the commit was sent, and it could not be asked
// whether the change committed before the write had to return. It is never
// reported for a write that provably failed (that is an *UnavailableError)
// nor for one that committed (that returns nil).
//
// Resolve it with Client.Resolve(ctx, e.ChangeID) once the store answers:
// that reports whether the change committed, and if it did not, makes sure
// it never will. Retrying the same values instead is safe for writes whose
// effect does not depend on the current value (Set, Reset, SetMany without
// IfVersion): at worst the values are written twice.
type OutcomeUnknownError struct {
	ChangeID string // the ID of the change, for Client.Resolve
	Err      error  // why the outcome is unknown
}

func (e *OutcomeUnknownError) Error() string {
	return fmt.Sprintf("sysconfig: change %s may or may not have committed (resolve it with Client.Resolve): %s",
		e.ChangeID, cause(e.Err))
}

// Is makes errors.Is(err, ErrOutcomeUnknown) true.
func (e *OutcomeUnknownError) Is(target error) bool { return target == ErrOutcomeUnknown }

// Unwrap returns the error that left the outcome unknown.
func (e *OutcomeUnknownError) Unwrap() error { return e.Err }

// ConflictError reports that a path's version was not the expected one.
type ConflictError struct {
	Path     string
	Expected int64
	Actual   int64
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("sysconfig: %s changed concurrently: expected version %d, found %d",
		e.Path, e.Expected, e.Actual)
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// ChangedSinceError reports a change set that Client.RevertChange refused
// to revert because some of the paths it wrote have changed since, and
// the caller did not name them to force. Nothing was written.
type ChangedSinceError struct {
	ChangeID string
	Paths    []string // the paths written since, in the change's order
}

func (e *ChangedSinceError) Error() string {
	return fmt.Sprintf("sysconfig: change %s cannot be reverted: %s changed since (name them to force the revert)",
		e.ChangeID, strings.Join(e.Paths, ", "))
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *ChangedSinceError) Is(target error) bool { return target == ErrConflict }

// DecodeError reports a stored value that does not parse as its field's kind.
type DecodeError struct {
	Path string
	Kind value.Kind
	Err  error
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("sysconfig: stored value of %s is not a valid %s: %s", e.Path, e.Kind, cause(e.Err))
}

// Is makes errors.Is(err, ErrDecode) true.
func (e *DecodeError) Is(target error) bool { return target == ErrDecode }

// Unwrap returns the parse error.
func (e *DecodeError) Unwrap() error { return e.Err }

// OutcomeUnknown returns err, with its message unchanged, marked to match
// ErrOutcomeUnknown: Store implementations return it from Apply when the
// change was sent and no answer came (see Store).
func OutcomeUnknown(err error) error { return &marked{sentinel: ErrOutcomeUnknown, err: err} }

// Misconfigured returns err, with its message unchanged, marked to match
// ErrMisconfigured: Store implementations return it when the backend
// refuses for a reason of its setup rather than of availability.
func Misconfigured(err error) error { return &marked{sentinel: ErrMisconfigured, err: err} }

// InvalidInput returns err, with its message unchanged, marked to match
// ErrInvalid: Store implementations return it when the backend refused
// the data it was given, so that it is not taken for an outage.
func InvalidInput(err error) error { return &marked{sentinel: ErrInvalid, err: err} }

// marked is an error that also matches a sentinel.
type marked struct {
	sentinel error
	err      error
}

func (m *marked) Error() string        { return m.err.Error() }
func (m *marked) Is(target error) bool { return target == m.sentinel }
func (m *marked) Unwrap() error        { return m.err }

// wrapped is an error with a message of its own and a cause, which it
// shows after the message, once, without the cause's own package prefix.
type wrapped struct {
	msg string
	err error
}

// wrap returns err behind msg: "msg: cause", matching err with errors.Is
// and errors.As.
func wrap(err error, msg string) error { return &wrapped{msg: msg, err: err} }

func (w *wrapped) Error() string { return w.msg + ": " + cause(w.err) }
func (w *wrapped) Unwrap() error { return w.err }

// cause returns err's message without a leading "sysconfig: " or
// "sysconfig/<package>: ", so that a chain of errors says "sysconfig" once.
func cause(err error) string {
	msg := err.Error()
	if !strings.HasPrefix(msg, "sysconfig") {
		return msg
	}
	if i := strings.Index(msg, ": "); i >= 0 && !strings.ContainsAny(msg[:i], " \t") {
		return msg[i+2:]
	}
	return msg
}

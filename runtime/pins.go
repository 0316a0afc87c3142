package runtime

import (
	"errors"
	"fmt"
	"strings"

	"github.com/go-sysconfig/sysconfig/runtime/value"
)

// pins are the fields this process pins from its environment
// (Options.Env), indexed by the field's position in the schema: nil where
// a field is not pinned, and a nil slice when nothing is.
//
// A pin is this process's alone. Reads of a pinned field return the
// variable's value, reported with SourceEnv: a started client's snapshot
// holds the pin in the field's slot, which no record replaces (so its
// change hooks do not run here: what this process reads does not change),
// and a client without one answers from the pin before asking the cache or
// the store. Writes to it through this client are refused with a
// *PinnedError. The stored value, and what every other process reads,
// stay as they are.
type pins []*pin

// pin is one pinned field: its variable and the state reads return.
type pin struct {
	variable string
	state    state
}

// loadPins reads the variable of every field of schema through env, and
// parses and validates each one set as the field's kind and validators
// require. A value that does not pass is an *EnvError naming the variable
// and the path, never quoting the value.
func loadPins(schema *Schema, env func(string) (string, bool), maxSize int) (pins, error) {
	if env == nil {
		return nil, nil
	}
	var p pins
	for _, d := range schema.fields {
		f := d.field()
		text, ok := env(f.envVar())
		if !ok {
			continue
		}
		v, err := f.parseValid(text, maxSize)
		var invalid *ValidationError
		if errors.As(err, &invalid) {
			return nil, &EnvError{Variable: f.envVar(), Path: f.path, Problems: invalid.Problems}
		}
		if p == nil {
			p = make(pins, len(schema.fields))
		}
		p[f.index] = &pin{variable: f.envVar(), state: state{value: v, set: true, source: SourceEnv}}
	}
	return p, nil
}

// of returns f's pin, or nil when f is not pinned.
func (p pins) of(f *fieldInfo) *pin {
	if p == nil {
		return nil
	}
	return p[f.index]
}

// EnvError reports an environment variable whose value its field refuses:
// its kind cannot parse it, or a validator fails it. It matches ErrInvalid;
// NewClient returns it and makes no client. Like a ValidationError, it
// never contains the value.
type EnvError struct {
	Variable string
	Path     string
	Problems []string
}

func (e *EnvError) Error() string {
	return fmt.Sprintf("sysconfig: environment variable %s pins %s to an invalid value: %s",
		e.Variable, e.Path, strings.Join(e.Problems, "; "))
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *EnvError) Is(target error) bool { return target == ErrInvalid }

// PinnedError reports a write to a field that this process pins from its
// environment. It matches ErrPinned; nothing was written.
type PinnedError struct {
	Path     string
	Variable string
}

func (e *PinnedError) Error() string {
	return fmt.Sprintf("sysconfig: %s is pinned by the environment variable %s in this process; "+
		"unset the variable, or write from a process where it is not set", e.Path, e.Variable)
}

// Is makes errors.Is(err, ErrPinned) true.
func (e *PinnedError) Is(target error) bool { return target == ErrPinned }

// envVar returns the environment variable that pins the field: the one
// its schema names, or the one its path gives (value.EnvVar).
func (f *fieldInfo) envVar() string {
	if f.meta.Env != "" {
		return f.meta.Env
	}
	return value.EnvVar(f.path)
}

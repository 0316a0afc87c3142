// Package storecheck checks the overrides a store holds against a schema,
// typically the new one of a pull request, before it is deployed: a
// tightened validator, a narrowed choice or a changed type can make an
// override that reads today fail tomorrow (a stored value is not
// re-checked when it is read: it is served, and refused at its next
// write), and a removed field leaves its stored rows behind. The operator
// CLI's check command reports what Check finds, with an exit status for CI.
package storecheck

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/value"
)

// Problem says what is wrong with a stored override.
type Problem uint8

// The problems Check finds.
const (
	// Invalid: the field refuses the stored value: it does not parse as
	// the field's kind, is not one of its choices, or fails a validator.
	Invalid Problem = iota + 1
	// Orphaned: the schema declares no field at the stored path.
	Orphaned
	// Unchecked: a secret that could not be checked: there is no keyring,
	// or the keyring cannot open it.
	Unchecked
)

var problemNames = [...]string{Invalid: "invalid", Orphaned: "orphaned", Unchecked: "unchecked"}

// String returns "invalid", "orphaned" or "unchecked".
func (p Problem) String() string {
	if int(p) < len(problemNames) && problemNames[p] != "" {
		return problemNames[p]
	}
	return fmt.Sprintf("Problem(%d)", uint8(p))
}

// Finding is one stored override the schema would not serve as it is.
type Finding struct {
	Path    string
	Version int64
	Problem Problem
	// Details are the messages of the checks that failed; none quotes the
	// value.
	Details []string
}

// Check reads every override of schema's app from store and returns, by
// path, the ones schema refuses or no longer declares. Secrets are opened
// with secrets to be checked; without it they are reported Unchecked. An
// error means the store could not be read.
func Check(ctx context.Context, store runtime.Store, schema *runtime.Schema, secrets runtime.Sealer) ([]Finding, error) {
	d, err := store.Since(ctx, schema.App(), runtime.Position{})
	if err != nil {
		return nil, err
	}
	var findings []Finding
	for _, r := range d.Records {
		if !r.Set {
			continue
		}
		if f, bad := check(schema, secrets, r); bad {
			findings = append(findings, f)
		}
	}
	slices.SortFunc(findings, func(a, b Finding) int { return cmp.Compare(a.Path, b.Path) })
	return findings, nil
}

// check checks one stored override.
func check(schema *runtime.Schema, secrets runtime.Sealer, r runtime.Record) (Finding, bool) {
	f := Finding{Path: r.Path, Version: r.Version}
	d, ok := schema.Field(r.Path)
	if !ok {
		f.Problem, f.Details = Orphaned, []string{"the schema declares no field " + r.Path}
		return f, true
	}
	text := r.Value
	if d.Kind() == value.KindSecret {
		var err error
		if text, err = open(secrets, r); err != nil {
			f.Problem, f.Details = Unchecked, []string{err.Error()}
			return f, true
		}
	}
	if _, err := d.Parse(text); err != nil {
		f.Problem, f.Details = Invalid, problems(err)
		return f, true
	}
	return f, false
}

// open returns a stored secret's plaintext.
func open(secrets runtime.Sealer, r runtime.Record) (string, error) {
	if secrets == nil {
		return "", errors.New("a secret, not checked without the keyring")
	}
	return secrets.Open(r.Path, r.Value)
}

// problems returns the messages of a parse or validation error.
func problems(err error) []string {
	var invalid *runtime.ValidationError
	if errors.As(err, &invalid) {
		return invalid.Problems
	}
	return []string{err.Error()}
}

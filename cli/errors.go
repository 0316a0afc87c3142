package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/keyring"
)

// writeError writes err to w: every problem of every field on a line of its
// own, then what the operator can do about it, when there is something.
func writeError(w io.Writer, err error) {
	for _, line := range errorLines(err) {
		fmt.Fprintln(w, line)
	}
	var since *runtime.ChangedSinceError
	switch {
	case errors.As(err, &since):
		fmt.Fprintf(w, "to revert them too, add --force %s\n", strings.Join(since.Paths, ","))
	case errors.Is(err, runtime.ErrNoKeyring), errors.Is(err, runtime.ErrSecret):
		fmt.Fprintf(w, "the CLI reads the keyring from %s\n", keyring.DefaultEnv)
	}
}

// errorLines returns err's lines: one per problem of a *ValidationError,
// those of each error that err joins, and, for an error that wraps such
// errors, its own message on a line before theirs.
func errorLines(err error) []string {
	switch e := err.(type) {
	case interface{ Unwrap() []error }:
		var lines []string
		for _, inner := range e.Unwrap() {
			lines = append(lines, errorLines(inner)...)
		}
		return lines
	case *runtime.ValidationError:
		lines := make([]string, len(e.Problems))
		for i, p := range e.Problems {
			lines[i] = "sysconfig: invalid value for " + e.Path + ": " + p
		}
		return lines
	}
	if inner := errors.Unwrap(err); inner != nil && errors.Is(inner, runtime.ErrInvalid) {
		innerMsg := ": " + strings.TrimPrefix(inner.Error(), "sysconfig: ")
		if head, ok := strings.CutSuffix(err.Error(), innerMsg); ok {
			return append([]string{head}, errorLines(inner)...)
		}
	}
	if msg := err.Error(); strings.HasPrefix(msg, "sysconfig") {
		return []string{msg}
	}
	return []string{"sysconfig: " + err.Error()}
}

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
// and those of each error that err joins.
func errorLines(err error) []string {
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		var lines []string
		for _, e := range joined.Unwrap() {
			lines = append(lines, errorLines(e)...)
		}
		return lines
	}
	var invalid *runtime.ValidationError
	if errors.As(err, &invalid) {
		lines := make([]string, len(invalid.Problems))
		for i, p := range invalid.Problems {
			lines[i] = "sysconfig: invalid value for " + invalid.Path + ": " + p
		}
		return lines
	}
	if msg := err.Error(); strings.HasPrefix(msg, "sysconfig") {
		return []string{msg}
	}
	return []string{"sysconfig: " + err.Error()}
}

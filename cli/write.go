package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/value"
)

// maxStdin is the most set reads from stdin: far above any value a client
// accepts (runtime.DefaultMaxValueSize), so that a value too large is
// refused by the field with its message, yet the CLI never reads without
// bound.
const maxStdin = 4 << 20

// runSet validates a value and stores it, or only validates it with
// --dry-run, then prints the field as it now reads (or would).
func runSet(ctx context.Context, inv *invocation) error {
	path := inv.args[0]
	text, err := inv.valueArg()
	if err != nil {
		return err
	}
	return inv.withSession(ctx, !inv.dryRun, func(s *session) error {
		d, err := writable(s.client, path)
		if err != nil {
			return err
		}
		if inv.dryRun {
			return inv.dryRunSet(ctx, s, d, text)
		}
		if err := s.client.SetMany(inv.attributed(ctx), inv.conditional(runtime.AssignText(path, text))); err != nil {
			return inv.stdinHint(err, text)
		}
		return inv.printField(ctx, s.client, path)
	})
}

// runReset removes a field's override and prints the field as it now reads.
func runReset(ctx context.Context, inv *invocation) error {
	path := inv.args[0]
	return inv.withSession(ctx, true, func(s *session) error {
		if err := s.client.SetMany(inv.attributed(ctx), inv.conditional(runtime.Unassign(path))); err != nil {
			return err
		}
		return inv.printField(ctx, s.client, path)
	})
}

// valueArg returns set's value: the argument, or stdin for "-".
func (inv *invocation) valueArg() (string, error) {
	if inv.args[1] != "-" {
		return inv.args[1], nil
	}
	b, err := io.ReadAll(io.LimitReader(inv.opts.Stdin, maxStdin+1))
	if err != nil {
		return "", fmt.Errorf("reading the value from stdin: %w", err)
	}
	if len(b) > maxStdin {
		return "", fmt.Errorf("stdin holds more than %d bytes; a value is at most %d", maxStdin, runtime.DefaultMaxValueSize)
	}
	return string(b), nil
}

// stdinHint adds to err, a refused value read from stdin that ends with a
// line break, how to send it without one.
func (inv *invocation) stdinHint(err error, text string) error {
	if inv.args[1] != "-" || !strings.HasSuffix(text, "\n") || !errors.Is(err, runtime.ErrInvalid) {
		return err
	}
	return errors.Join(err, errors.New("sysconfig: the value read from stdin ends with a line break, which is kept: "+
		"send it with printf '%s' rather than echo"))
}

// dryRunSet validates text as set would, and prints the field as it would
// read after the write; it writes nothing.
func (inv *invocation) dryRunSet(ctx context.Context, s *session, d runtime.Descriptor, text string) error {
	parsed, err := d.Parse(text)
	if err != nil {
		return inv.stdinHint(err, text)
	}
	if d.Kind() == value.KindSecret && s.keys == nil {
		return runtime.ErrNoKeyring
	}
	cur, err := s.client.Get(ctx, d.Path())
	if err != nil {
		return err
	}
	if inv.ifVersion >= 0 && inv.ifVersion != cur.Version {
		return &runtime.ConflictError{Path: d.Path(), Expected: inv.ifVersion, Actual: cur.Version}
	}
	cur.Value, cur.Set = parsed, true
	fmt.Fprintln(inv.opts.Stderr, "dry run: valid; nothing written")
	return inv.writeValues([]runtime.Value{cur}, true)
}

// writable returns the field at path, unless a custom validator it
// declares is not registered in this program: then no write can be checked
// as the app would check it, and it is refused.
func writable(c *runtime.Client, path string) (runtime.Descriptor, error) {
	d, ok := c.Schema().Field(path)
	if !ok {
		return nil, &runtime.UnknownPathError{Path: path}
	}
	for _, v := range d.Meta().Validators {
		// A validator of a function (custom) fails on any value, empty
		// included, until its function is registered, and passes empty
		// values after.
		if b, ok := value.LookupBuiltin(v.Name()); ok && b.Arg == value.ArgFunc && v.Validate("") != nil {
			return nil, fmt.Errorf("sysconfig: %s cannot be written by this program: its validator %s is registered "+
				"by the app, not known here; build the CLI into the app's own binary with its validators registered "+
				"(see package github.com/go-sysconfig/sysconfig/cli), or write it from the app", path, v)
		}
	}
	return d, nil
}

// conditional adds --if-version to u.
func (inv *invocation) conditional(u runtime.Update) runtime.Update {
	if inv.ifVersion >= 0 {
		return u.IfVersion(inv.ifVersion)
	}
	return u
}

// attributed returns ctx carrying the write's attribution: --actor,
// --reason, source cli.
func (inv *invocation) attributed(ctx context.Context) context.Context {
	return runtime.WithChangeInfo(ctx, runtime.ChangeInfo{Actor: inv.actor, Reason: inv.reason, Source: runtime.FromCLI})
}

// printField prints the field at path as it reads now.
func (inv *invocation) printField(ctx context.Context, c *runtime.Client, path string) error {
	v, err := c.Get(ctx, path)
	if err != nil {
		return err
	}
	if err := inv.recordReveal(ctx, c, storedSecrets([]runtime.Value{v})); err != nil {
		return err
	}
	return inv.writeValues([]runtime.Value{v}, true)
}

package cli

import (
	"context"
	"strings"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// withSession connects inv (with the cache when it writes), runs fn, and closes the session.
func (inv *invocation) withSession(ctx context.Context, writes bool, fn func(s *session) error) error {
	s, err := inv.connect(ctx, writes)
	if err != nil {
		return err
	}
	defer s.close()
	return fn(s)
}

// runGet prints the value of one field.
func runGet(ctx context.Context, inv *invocation) error {
	return inv.withSession(ctx, false, func(s *session) error {
		return inv.printField(ctx, s.client, inv.args[0])
	})
}

// runList prints the values of every field, or of one section; with
// --changed, only those with an override.
func runList(ctx context.Context, inv *invocation) error {
	return inv.withSession(ctx, false, func(s *session) error {
		vs, err := inv.listValues(ctx, s.client)
		if err != nil {
			return err
		}
		if inv.changed {
			vs = onlySet(vs)
		}
		if err := inv.recordReveal(ctx, s.client, storedSecrets(vs)); err != nil {
			return err
		}
		return inv.writeValues(vs, false)
	})
}

// listValues reads every field, or the section the argument names (as
// "section" or "app.section").
func (inv *invocation) listValues(ctx context.Context, c *runtime.Client) ([]runtime.Value, error) {
	if len(inv.args) == 0 {
		return c.All(ctx)
	}
	return c.Section(ctx, strings.TrimPrefix(inv.args[0], c.Schema().App()+"."))
}

// onlySet returns the values of vs that are overrides.
func onlySet(vs []runtime.Value) []runtime.Value {
	out := []runtime.Value{}
	for _, v := range vs {
		if v.Set {
			out = append(out, v)
		}
	}
	return out
}

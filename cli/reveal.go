package cli

import (
	"context"
	"fmt"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/value"
)

// recordReveal records in the audit trail, before anything is printed,
// that the operator is being shown the stored values of the secret fields
// at paths in plaintext (--reveal): a change set naming them, attributed
// as a write is (--actor, --reason, source cli). When it cannot be
// recorded the command fails and prints nothing, so that no secret is
// shown without a trace. Without --reveal, or with no secret to show, it
// records nothing.
func (inv *invocation) recordReveal(ctx context.Context, c *runtime.Client, paths []string) error {
	if !inv.reveal || len(paths) == 0 {
		return nil
	}
	if _, err := c.RecordReveal(inv.attributed(ctx), paths...); err != nil {
		return fmt.Errorf("sysconfig: --reveal: nothing shown, as the reveal could not be recorded in the audit trail: %w", err)
	}
	return nil
}

// storedSecrets returns the paths of the secrets among vs that hold a
// stored value: what printing vs with --reveal shows in plaintext.
func storedSecrets(vs []runtime.Value) []string {
	var paths []string
	for _, v := range vs {
		if v.Kind == value.KindSecret && v.Set {
			paths = append(paths, v.Path)
		}
	}
	return paths
}

// writtenSecrets returns the paths of the secret fields whose stored
// values the writes of sets show, old or new.
func writtenSecrets(schema *runtime.Schema, sets []runtime.ChangeSet) []string {
	var paths []string
	for _, cs := range sets {
		for _, w := range cs.Writes {
			d, ok := schema.Field(w.New.Path)
			if ok && d.Kind() == value.KindSecret && (w.New.Set || w.Old.Set) {
				paths = append(paths, w.New.Path)
			}
		}
	}
	return paths
}

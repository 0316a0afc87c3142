package configfile

import (
	"fmt"
	"log/slog"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/value"
)

// Action says what a planned change does to a field.
type Action uint8

// The actions of a plan.
const (
	ActionSet    Action = iota + 1 // the field has no override; the file gives one
	ActionChange                   // the file gives another value than the override
	ActionReset                    // with pruning: the file leaves out a field that has an override
)

var actionNames = [...]string{ActionSet: "set", ActionChange: "change", ActionReset: "reset"}

// String returns "set", "change" or "reset".
func (a Action) String() string {
	if int(a) < len(actionNames) && actionNames[a] != "" {
		return actionNames[a]
	}
	return fmt.Sprintf("Action(%d)", uint8(a))
}

// Change is one field's planned change, pinned to the version the plan
// saw. Old and New are text forms for display: value.Redacted for a
// secret's, and empty where there is no override.
type Change struct {
	Path     string
	Action   Action
	Old, New string
	// Version is the field's stored version when the plan was made (0:
	// never written); the change applies only while it still is.
	Version int64

	text string // the new text, a secret's plaintext included; empty for a reset
}

// String describes the change for a plan's output, a secret redacted:
// "set shop.site.title = My Shop", "change shop.limits.page_size 24 -> 48",
// "reset shop.site.theme (was dark)".
func (c Change) String() string {
	switch c.Action {
	case ActionSet:
		return fmt.Sprintf("set %s = %s", c.Path, c.New)
	case ActionChange:
		return fmt.Sprintf("change %s %s -> %s", c.Path, c.Old, c.New)
	}
	return fmt.Sprintf("reset %s (was %s)", c.Path, c.Old)
}

// Format implements fmt.Formatter: every verb prints String, so that no
// verb (%+v, %#v) reaches a secret's plaintext in the unexported field.
func (c Change) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// LogValue implements slog.LogValuer, as String.
func (c Change) LogValue() slog.Value { return slog.StringValue(c.String()) }

// Update returns the runtime update that makes the change, conditional on
// the planned version: applied together with SetMany, a plan is all or
// nothing and refused (ErrConflict) when any field changed after it.
func (c Change) Update() runtime.Update {
	if c.Action == ActionReset {
		return runtime.Unassign(c.Path).IfVersion(c.Version)
	}
	return runtime.AssignText(c.Path, c.text).IfVersion(c.Version)
}

// Plan compares file with the current values (as Client.All returns them;
// secrets revealed, so a client with the keyring) and returns the changes
// an apply makes, in file order, then the resets in current's order. A
// field whose value the file gives unchanged needs no change. With prune,
// every override the file leaves out is reset.
func Plan(file File, current []runtime.Value, prune bool) []Change {
	byPath := make(map[string]runtime.Value, len(current))
	for _, v := range current {
		byPath[v.Path] = v
	}
	given := make(map[string]bool, len(file.Values))
	var plan []Change
	for _, e := range file.Values {
		given[e.Path] = true
		cur := byPath[e.Path]
		old := value.Format(cur.Kind, cur.Value)
		if cur.Set && old == e.Text {
			continue
		}
		c := Change{Path: e.Path, Action: ActionSet, New: display(e.Kind, e.Text), Version: cur.Version, text: e.Text}
		if cur.Set {
			c.Action, c.Old = ActionChange, display(e.Kind, old)
		}
		plan = append(plan, c)
	}
	if prune {
		for _, v := range current {
			if v.Set && !given[v.Path] {
				plan = append(plan, Change{Path: v.Path, Action: ActionReset,
					Old: display(v.Kind, value.Format(v.Kind, v.Value)), Version: v.Version})
			}
		}
	}
	return plan
}

// display returns text for a plan's output: value.Redacted for a secret.
func display(k value.Kind, text string) string {
	if k == value.KindSecret {
		return value.Redacted
	}
	return text
}

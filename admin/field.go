package admin

import (
	"fmt"
	"strings"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/value"
)

// fieldView is one field of a section's form.
type fieldView struct {
	Path, ID           string
	Label, Description string
	Kind, Default      string
	Deprecated         string
	// Control is the input that fits the kind: text, textarea, number,
	// decimal, duration, checkbox, select, list or secret.
	Control string
	// Text is the value as the control shows it: the stored value, or
	// what the user typed when the save failed (never a secret).
	Text string
	// Was and Version are the value and version the form was rendered
	// with, sent back to tell what the user changed and to detect
	// conflicts.
	Was     string
	Version int64
	Changed bool   // an override is stored
	Pinned  string // the variable that pins the field in this process
	// Editable: the user may change it and it is not pinned.
	Editable bool
	Choices  []choiceView
	Hints    hintView
	Reset    bool   // the reset-to-default box was ticked
	Action   string // a secret's: leave, replace or clear
	Errors   []string
	Theirs   *theirs
}

// choiceView is one choice of a select field: its value and its label
// (the value when the schema gives none).
type choiceView struct {
	Value, Label string
}

// choicesOf returns the choices of d with their labels.
func choicesOf(d runtime.Descriptor) []choiceView {
	labels := d.Meta().ChoiceLabels
	var out []choiceView
	for _, c := range d.Choices() {
		label := labels[c]
		if label == "" {
			label = c
		}
		out = append(out, choiceView{Value: c, Label: label})
	}
	return out
}

// theirs is the value someone else saved after the form was rendered.
type theirs struct {
	Text    string // "" for a secret: it is never shown
	Default bool   // they reset it
	Version int64
	Actor   string
	Secret  bool
}

// hintView holds the form attributes of a field's validators.
type hintView struct {
	Min, Max, Step       string
	MinLength, MaxLength string
	Pattern              string
	Required             bool
	Text                 string // the bounds in words, beside the control
}

// controls is the control of each kind.
var controls = map[value.Kind]string{
	value.KindString: "text", value.KindText: "textarea", value.KindInt: "number",
	value.KindFloat: "number", value.KindDecimal: "decimal", value.KindDuration: "duration",
	value.KindBool: "checkbox", value.KindSelect: "select", value.KindStringList: "list",
	value.KindSecret: "secret",
}

// newField returns the view of d, holding v, for a user with access a.
func newField(d runtime.Descriptor, v runtime.Value, a Access) fieldView {
	m := d.Meta()
	f := fieldView{
		Path: d.Path(), ID: "f-" + d.Path(), Label: m.Label, Description: m.Description,
		Kind: d.Kind().String(), Default: d.DefaultText(), Deprecated: m.Deprecated,
		Control: controls[d.Kind()], Version: v.Version, Changed: v.Set,
		Editable: a >= Edit, Choices: choicesOf(d), Hints: hintsOf(d), Action: "leave",
	}
	if f.Label == "" {
		f.Label = d.Name()
	}
	if v.Source == runtime.SourceEnv {
		f.Pinned, f.Editable, f.Changed = d.EnvVar(), false, false
	}
	f.Text = formText(d.Kind(), v.Value)
	f.Was = f.Text
	if d.Kind() == value.KindSecret {
		f.Was = setText(v.Set)
	}
	return f
}

// setText is what the form sends back for a secret: whether it was set.
func setText(set bool) string {
	if set {
		return "set"
	}
	return ""
}

// formText returns v, a value of kind k, as its control shows it: a
// string list one item per line, a secret as nothing at all.
func formText(k value.Kind, v any) string {
	switch k {
	case value.KindSecret:
		return ""
	case value.KindStringList:
		items, _ := v.([]string)
		return strings.Join(items, "\n")
	}
	return value.Format(k, v)
}

// canonicalText returns what a control sent, text, as the canonical text
// of kind k: a list's lines, blank ones left out, as a list.
func canonicalText(k value.Kind, text string) string {
	if k != value.KindStringList {
		return text
	}
	items := []string{}
	for line := range strings.SplitSeq(text, "\n") {
		if strings.TrimSpace(line) != "" {
			items = append(items, line)
		}
	}
	return value.Format(k, items)
}

// hintsOf returns the form attributes of d's validators.
func hintsOf(d runtime.Descriptor) hintView {
	k := d.Kind()
	hs := value.HintsOf(k, d.Meta().Validators)
	h := hintView{Required: hs.Required && k != value.KindSecret, Text: boundsText(hs)}
	if k == value.KindInt || k == value.KindFloat {
		h.Min, h.Max, h.Step = sprint(hs.Min), sprint(hs.Max), "any"
		if k == value.KindInt {
			h.Step = "1"
		}
		if hs.MinExclusive {
			h.Min = exclusiveMin(k, hs.Min)
		}
	}
	if k == value.KindString || k == value.KindText {
		h.MinLength, h.MaxLength = intText(hs.MinLength), intText(hs.MaxLength)
		if len(hs.Patterns) == 1 && k == value.KindString {
			h.Pattern = ".*(?:" + hs.Patterns[0] + ").*"
		}
	}
	return h
}

// exclusiveMin returns the least int above min, the form's min of an
// int field that must be above it; "" for other kinds, which have none.
func exclusiveMin(k value.Kind, min any) string {
	if n, ok := min.(int64); ok && k == value.KindInt {
		return fmt.Sprint(n + 1)
	}
	return ""
}

// boundsText says in words what hs bounds, for every kind.
func boundsText(hs value.Hints) string {
	var parts []string
	if hs.Min != nil {
		op := "at least "
		if hs.MinExclusive {
			op = "above "
		}
		parts = append(parts, op+sprint(hs.Min))
	}
	if hs.Max != nil {
		parts = append(parts, "at most "+sprint(hs.Max))
	}
	if hs.MinLength != nil {
		parts = append(parts, "length at least "+intText(hs.MinLength))
	}
	if hs.MaxLength != nil {
		parts = append(parts, "length at most "+intText(hs.MaxLength))
	}
	return strings.Join(parts, ", ")
}

// sprint returns a bound in its usual text, or "" for none.
func sprint(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// intText returns *n in decimal, or "" for nil.
func intText(n *int) string {
	if n == nil {
		return ""
	}
	return fmt.Sprint(*n)
}

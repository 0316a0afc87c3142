package lint

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-sysconfig/sysconfig/runtime/value"

	"github.com/go-sysconfig/sysconfig/schema"
)

// Rule is one check of a schema. Its section and field functions, either
// of which may be nil, return a message per problem found in one section or
// field; the problem is reported at that declaration.
type Rule struct {
	ID      string   // the name used in flags, config files and output
	Default Severity // the severity when no Config sets one
	Doc     string   // one line saying what the rule asks for

	section func(app string, sec *schema.Section) []string
	field   func(f *schema.Field) []string
}

// maxLen is the longest label or name, in characters, that the
// label-length and naming rules accept.
const maxLen = 40

// Rules returns every rule, in the order of their documentation.
func Rules() []Rule {
	return []Rule{
		{ID: "description-required", Default: Warning, section: sectionDescription, field: fieldDescription,
			Doc: "sections and fields have a description"},
		{ID: "label-length", Default: Warning, section: sectionLabel, field: fieldLabel,
			Doc: fmt.Sprintf("labels are at most %d characters and are not the name in snake_case", maxLen)},
		{ID: "secret-not-required", Default: Warning, field: secretRequired,
			Doc: "secret fields are required or not_empty (secret defaults are rejected by the loader)"},
		{ID: "numeric-bounds", Default: Warning, field: numericBounds,
			Doc: "int, float, decimal and duration fields have a validator that bounds them: " + bounding()},
		{ID: "naming", Default: Warning, section: sectionNaming, field: fieldNaming,
			Doc: fmt.Sprintf("names do not repeat their container, are at most %d characters, and bools "+
				"are states (no is_ or enable_ prefix)", maxLen)},
		{ID: "deprecated-without-note", Default: Warning, field: deprecationNote,
			Doc: `deprecated fields say what to use instead, not just "deprecated: true"`},
	}
}

// run applies the rule to every section and field of s.
func (r Rule) run(s *schema.Schema, sev Severity) []Finding {
	var out []Finding
	add := func(pos schema.Pos, msgs []string) {
		for _, m := range msgs {
			out = append(out, Finding{Pos: pos, Severity: sev, Rule: r.ID, Msg: m})
		}
	}
	for _, sec := range s.Sections {
		if r.section != nil {
			add(sec.Pos, r.section(s.App, sec))
		}
		for _, f := range sec.Fields {
			if r.field != nil {
				add(f.Pos, r.field(f))
			}
		}
	}
	return out
}

// report returns the message when cond holds.
func report(cond bool, format string, args ...any) []string {
	if !cond {
		return nil
	}
	return []string{fmt.Sprintf(format, args...)}
}

// fieldName names a field in messages: "site.title".
func fieldName(f *schema.Field) string { return f.Section.Name + "." + f.Name }

// ---- description-required ----

// sectionDescription reports a section without a description.
func sectionDescription(_ string, sec *schema.Section) []string {
	return report(sec.Description == "", "section %s has no description; "+
		`add "description:" saying what its fields have in common`, sec.Name)
}

// fieldDescription reports a field without a description.
func fieldDescription(f *schema.Field) []string {
	return report(f.Description == "", "field %s has no description; "+
		`add "description:" saying what it controls (it becomes the getter's doc comment)`, fieldName(f))
}

// ---- label-length ----

// sectionLabel checks a section's label.
func sectionLabel(_ string, sec *schema.Section) []string {
	return labelProblems("section "+sec.Name, sec.Name, sec.Label)
}

// fieldLabel checks a field's label.
func fieldLabel(f *schema.Field) []string {
	return labelProblems("field "+fieldName(f), f.Name, f.Label)
}

// labelProblems reports a label that is too long, or that is the name
// itself rather than words for people ("smtp_host", "currency"). A label
// equal to the one derived from the name ("SMTP host") is not reported.
func labelProblems(what, name, label string) []string {
	n := utf8.RuneCountInString(label)
	out := report(n > maxLen, "label of %s is %d characters long; keep it to %d and move details "+
		"to the description", what, n, maxLen)
	first, _ := utf8.DecodeRuneInString(label)
	identifier := strings.Contains(label, "_") || unicode.IsLower(first)
	return append(out, report(strings.EqualFold(label, name) && identifier, "label of %s is its name %q; "+
		`write words for people, or remove "label:" to get one derived from the name`, what, label)...)
}

// ---- secret-not-required ----

// secretRequired reports a secret that operators may leave empty.
func secretRequired(f *schema.Field) []string {
	return report(f.Kind == value.KindSecret && !hasValidator(f, requires),
		`secret field %s is not required; add "- required" so that operators cannot clear it, `+
			"or say in its description why it may be empty", fieldName(f))
}

// hasValidator reports whether one of f's validators passes test, given
// its entry in the table of package value and its hints.
func hasValidator(f *schema.Field, test func(*value.Builtin, value.Hints) bool) bool {
	return slices.ContainsFunc(f.Validators, func(v schema.Validator) bool {
		b, ok := value.LookupBuiltin(v.Name)
		return ok && test(b, b.Hints(f.Kind, v.Args))
	})
}

// requires reports a validator that refuses empty values, such as required.
func requires(_ *value.Builtin, h value.Hints) bool { return h.Required }

// bounds reports a validator that bounds a number, such as range or one_of.
func bounds(b *value.Builtin, _ value.Hints) bool { return b.Bounds }

// bounding lists the validators that bound numbers, for the rule's doc.
func bounding() string {
	var names []string
	for _, b := range value.Builtins() {
		if b.Bounds {
			names = append(names, b.Name)
		}
	}
	return strings.Join(names, ", ")
}

// ---- numeric-bounds ----

// numericKinds are the kinds that numeric-bounds checks.
var numericKinds = []value.Kind{value.KindInt, value.KindFloat, value.KindDecimal, value.KindDuration}

// numericBounds reports a number or duration that any value may be set
// to, suggesting bounds that its default passes (see boundsHint).
func numericBounds(f *schema.Field) []string {
	if !slices.Contains(numericKinds, f.Kind) || hasValidator(f, bounds) {
		return nil
	}
	return []string{fmt.Sprintf("%s field %s accepts any value; bound it with %s", f.Kind, fieldName(f), boundsHint(f))}
}

// ---- deprecated-without-note ----

// deprecationNote reports "deprecated: true".
func deprecationNote(f *schema.Field) []string {
	return report(f.Deprecated == schema.DeprecatedNoNote, `field %s is marked "deprecated: true" without a note; `+
		`say what to use instead, as in "deprecated: use %s.<field> instead"`, fieldName(f), f.Section.Name)
}

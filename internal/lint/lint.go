// Package lint reports style problems in a schema that loads without
// error: missing descriptions, unbounded numbers, awkward names and the
// like. The schema package rejects what cannot work; lint flags what works
// but will confuse operators and readers of the generated code.
//
// Each Rule has an ID, a default Severity and a one-line Doc. A Config
// changes severities, turning rules off or making them errors; Run applies
// the rules that are on and returns their findings sorted by position.
// A finding is positioned at the declaration it is about (the name of the
// section or field), as the loader positions its errors.
//
// # Secrets
//
// Secret fields must not have defaults, but that is the loader's job: a
// schema giving a secret a default does not load, so a lint rule could
// never see one. The secret rule checks the other half of a secret's
// contract instead: secret-not-required asks that secrets be declared
// required (or not_empty), so that operators cannot clear a credential the
// app needs. It is a warning, not an error, because some secrets are
// legitimately optional (an API key enabling an optional integration);
// such fields should say so in their description.
//
// # Naming
//
// The naming rule reports names that repeat their container (a field
// site.site_title, a section shop_settings in app shop: the path already
// says it), names longer than 40 characters, and bool fields named as a
// question or a command (is_open, enable_signup) rather than as a state
// (open, signup): the getter cfg.Site.Open(ctx) already reads as a
// question. Renaming a field orphans the values stored under its old path,
// so fix naming findings before a field is released.
package lint

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/go-sysconfig/sysconfig/schema"
)

// Severity is how much a finding matters. Off disables a rule.
type Severity int

// The severities, from least to most severe.
const (
	Off Severity = iota
	Warning
	Error
)

// severityNames are the severities as written in flags and config files.
var severityNames = [...]string{Off: "off", Warning: "warning", Error: "error"}

// String returns "off", "warning" or "error".
func (s Severity) String() string { return severityNames[s] }

// ParseSeverity reads "off", "warning" or "error".
func ParseSeverity(text string) (Severity, error) {
	for s, name := range severityNames {
		if name == text {
			return Severity(s), nil
		}
	}
	return Off, fmt.Errorf("severity must be off, warning or error, not %q", text)
}

// Finding is one problem reported by a rule.
type Finding struct {
	Pos      schema.Pos
	Severity Severity
	Rule     string // the rule's ID
	Msg      string
}

// String formats the finding as "file:line:col: severity rule-id: message".
func (f Finding) String() string {
	return fmt.Sprintf("%s: %s %s: %s", f.Pos, f.Severity, f.Rule, f.Msg)
}

// Run applies every rule that cfg leaves on and returns the findings
// sorted by position; findings at the same position keep the order of
// Rules.
func Run(s *schema.Schema, cfg Config) []Finding {
	var out []Finding
	for _, r := range Rules() {
		if sev := cfg.Severity(r); sev != Off {
			out = append(out, r.run(s, sev)...)
		}
	}
	slices.SortStableFunc(out, func(a, b Finding) int { return comparePos(a.Pos, b.Pos) })
	return out
}

// comparePos orders positions by file, line and column.
func comparePos(a, b schema.Pos) int {
	return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
}

// HasErrors reports whether any finding has the Error severity.
func HasErrors(findings []Finding) bool {
	return slices.ContainsFunc(findings, func(f Finding) bool { return f.Severity == Error })
}

// Summary counts the findings: "3 findings: 1 error, 2 warnings".
func Summary(findings []Finding) string {
	errs := 0
	for _, f := range findings {
		if f.Severity == Error {
			errs++
		}
	}
	return fmt.Sprintf("%s: %s, %s", plural(len(findings), "finding"),
		plural(errs, "error"), plural(len(findings)-errs, "warning"))
}

// plural returns "1 error", "2 errors".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

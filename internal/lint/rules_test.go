package lint

import (
	"fmt"
	"strings"
	"testing"

	"github.com/go-sysconfig/sysconfig/schema"
)

// parse loads an inline schema or fails the test.
func parse(t *testing.T, src string) *schema.Schema {
	t.Helper()
	s, err := schema.Parse("schema.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// site returns a schema of app shop whose section site holds fields, an
// indented YAML block.
func site(fields string) string {
	return "app: shop\nsections:\n  site:\n    description: The site.\n    fields:\n" + fields
}

// only is a Config with every rule off but id.
func only(id string) Config {
	c := Config{}
	for _, r := range Rules() {
		c[r.ID] = Off
	}
	c[id] = Warning
	return c
}

// ruleCase is a schema and the messages one rule must report on it, each
// given by a part of its text.
type ruleCase struct {
	name string
	src  string
	want []string
}

// checkRule runs one rule on each case.
func checkRule(t *testing.T, id string, cases []ruleCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Run(parse(t, c.src), only(id))
			if len(got) != len(c.want) {
				t.Fatalf("%d findings, want %d:\n%s", len(got), len(c.want), lines(got))
			}
			for i, f := range got {
				if f.Rule != id || !strings.Contains(f.Msg, c.want[i]) {
					t.Errorf("finding %d: %s\nwant rule %s and a message containing %q", i, f, id, c.want[i])
				}
			}
		})
	}
}

// lines formats findings one per line.
func lines(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintln(&b, f)
	}
	return b.String()
}

func TestDescriptionRequired(t *testing.T) {
	checkRule(t, "description-required", []ruleCase{
		{"described", site("      f: {type: int, description: Something.}\n"), nil},
		{"field", site("      f: {type: int}\n"), []string{"field site.f has no description"}},
		{"section", "app: shop\nsections:\n  site:\n    fields:\n      f: {type: int, description: X.}\n",
			[]string{"section site has no description"}},
	})
}

func TestLabelLength(t *testing.T) {
	checkRule(t, "label-length", []ruleCase{
		{"derived", site("      smtp_host: {type: string}\n"), nil},
		{"words", site("      smtp_host: {type: string, label: SMTP host}\n      currency: {type: string, label: Currency}\n"), nil},
		{"40 runes", site("      f: {type: string, label: " + strings.Repeat("é", 40) + "}\n"), nil},
		{"41 runes", site("      f: {type: string, label: " + strings.Repeat("é", 41) + "}\n"),
			[]string{"label of field site.f is 41 characters long"}},
		{"snake_case", site("      smtp_host: {type: string, label: SMTP_Host}\n"),
			[]string{`label of field site.smtp_host is its name "SMTP_Host"`}},
		{"lower case", site("      currency: {type: string, label: currency}\n"),
			[]string{`label of field site.currency is its name "currency"`}},
		{"section", "app: shop\nsections:\n  site:\n    label: site\n    fields:\n      f: {type: int}\n",
			[]string{`label of section site is its name "site"`}},
	})
}

func TestSecretNotRequired(t *testing.T) {
	checkRule(t, "secret-not-required", []ruleCase{
		{"required", site("      key: {type: secret, validators: [required]}\n"), nil},
		{"not_empty", site("      key: {type: secret, validators: [not_empty, {min_length: 8}]}\n"), nil},
		{"not a secret", site("      key: {type: string}\n"), nil},
		{"optional", site("      key: {type: secret, validators: [{min_length: 8}]}\n"),
			[]string{"secret field site.key is not required"}},
	})
}

func TestNumericBounds(t *testing.T) {
	checkRule(t, "numeric-bounds", []ruleCase{
		{"bounded", site(`      a: {type: int, validators: [{range: {min: 1}}]}
      b: {type: float, validators: [positive]}
      c: {type: decimal, validators: [non_negative]}
      d: {type: duration, validators: [{one_of: [1s, 2s]}]}
      e: {type: int, validators: [port]}
`), nil},
		{"not numeric", site("      s: {type: string}\n      b: {type: bool}\n"), nil},
		{"unbounded", site(`      a: {type: int, validators: [{custom: check}]}
      b: {type: float}
      c: {type: decimal}
      d: {type: duration}
`), []string{"int field site.a accepts any value; bound it with range: {min: 1, max: 100}, positive, " +
			"non_negative or one_of (port for port numbers)", "float field site.b", "decimal field site.c",
			"duration field site.d accepts any value; bound it with range: {min: 1s, max: 1h}"}},
	})
}

func TestNaming(t *testing.T) {
	long := strings.Repeat("x", 41)
	checkRule(t, "naming", []ruleCase{
		{"fine", site("      title: {type: string}\n      website: {type: string}\n      is_x: {type: string}\n" +
			"      open: {type: bool}\n      " + long[1:] + ": {type: int}\n"), nil},
		{"repeats section", site("      site_title: {type: string}\n"),
			[]string{"field site.site_title repeats its section's name; rename it to site.title (values stored"}},
		{"no suggestion", site("      site_1x: {type: string}\n"),
			[]string{"field site.site_1x repeats its section's name; rename it (values"}},
		{"repeats app", "app: shop\nsections:\n  shop_settings:\n    fields:\n      f: {type: int}\n",
			[]string{"section shop_settings repeats its app's name; rename it to settings"}},
		{"long", site("      " + long + ": {type: int}\n"),
			[]string{"name of field site." + long + " is 41 characters long; keep names to 40"}},
		{"is_", site("      is_open: {type: bool}\n"),
			[]string{`bool field site.is_open starts with "is_"; name the state it holds instead: rename it to site.open`}},
		{"enable_", site("      enable_signup: {type: bool}\n"),
			[]string{`bool field site.enable_signup starts with "enable_"; name the state it holds instead: rename it to site.signup`}},
		{"several", site("      site_is_on: {type: bool}\n      is_site_on: {type: bool}\n"),
			[]string{"repeats its section's name", `starts with "is_"`}},
	})
}

func TestDeprecatedWithoutNote(t *testing.T) {
	checkRule(t, "deprecated-without-note", []ruleCase{
		{"current", site("      f: {type: int}\n"), nil},
		{"note", site("      f: {type: int, deprecated: use site.g instead}\n"), nil},
		{"true", site("      f: {type: int, deprecated: true}\n"),
			[]string{`field site.f is marked "deprecated: true" without a note; say what to use instead, ` +
				`as in "deprecated: use site.<field> instead"`}},
	})
}

// TestRunOrder checks that findings of several rules come sorted by
// position, rules in their order at the same position, with the severity
// the Config gives.
func TestRunOrder(t *testing.T) {
	s := parse(t, site("      b: {type: int, deprecated: true}\n      a: {type: secret}\n"))
	got := Run(s, Config{"numeric-bounds": Error, "description-required": Off})
	want := "schema.yaml:6:7: error numeric-bounds: int field site.b accepts any value; " +
		"bound it with range: {min: 1, max: 100}, positive, non_negative or one_of (port for port numbers)\n" +
		`schema.yaml:6:7: warning deprecated-without-note: field site.b is marked "deprecated: true" without a note; ` +
		`say what to use instead, as in "deprecated: use site.<field> instead"` + "\n" +
		"schema.yaml:7:7: warning secret-not-required: secret field site.a is not required; " +
		`add "- required" so that operators cannot clear it, or say in its description why it may be empty` + "\n"
	if lines(got) != want {
		t.Errorf("got:\n%s\nwant:\n%s", lines(got), want)
	}
	if !HasErrors(got) || Summary(got) != "3 findings: 1 error, 2 warnings" {
		t.Errorf("HasErrors %v, Summary %q", HasErrors(got), Summary(got))
	}
}

func TestSummary(t *testing.T) {
	if got := Summary(nil); got != "0 findings: 0 errors, 0 warnings" {
		t.Errorf("Summary(nil) = %q", got)
	}
	one := []Finding{{Severity: Warning}}
	if got := Summary(one); got != "1 finding: 0 errors, 1 warning" || HasErrors(one) {
		t.Errorf("Summary = %q, HasErrors %v", got, HasErrors(one))
	}
}

// TestRules checks that every rule has a unique, documented ID and a
// default that is on.
func TestRules(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		if seen[r.ID] || r.Doc == "" || r.Default == Off || (r.section == nil && r.field == nil) {
			t.Errorf("rule %+v: duplicate, undocumented, off by default or checking nothing", r)
		}
		seen[r.ID] = true
	}
}

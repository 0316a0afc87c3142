package breaking

import (
	"slices"
	"strings"
	"testing"

	"github.com/go-sysconfig/sysconfig/schema"
)

// site returns a schema file of app shop with one section, site, holding
// the given fields, one per line from line 5: "title: {type: string}".
func site(fields ...string) string {
	return "app: shop\nsections:\n  site:\n    fields:\n      " + strings.Join(fields, "\n      ") + "\n"
}

// compare parses both files and compares them.
func compare(t *testing.T, old, new string) []Change {
	t.Helper()
	o, err := schema.Parse("old.yaml", []byte(old))
	if err != nil {
		t.Fatalf("old schema: %v", err)
	}
	n, err := schema.Parse("new.yaml", []byte(new))
	if err != nil {
		t.Fatalf("new schema: %v", err)
	}
	return Compare(o, n)
}

// brief formats changes as "CATEGORY RULE file:line", the part the table
// checks.
func brief(changes []Change) []string {
	var out []string
	for _, c := range changes {
		out = append(out, c.Category.String()+" "+c.Rule+" "+where(schema.Pos{File: c.Pos.File, Line: c.Pos.Line}))
	}
	return out
}

var compareTests = []struct {
	name     string
	old, new string
	want     []string
}{
	{"no changes", site("title: {type: string, default: x, validators: [required]}"),
		site("title: {type: string, default: x, validators: [required]}"), nil},
	{"only cosmetic changes",
		"app: shop\nsections:\n  site:\n    label: Site\n    fields:\n      title: {type: string, label: Title, description: old}\n" +
			"      theme: {type: select, choices: [{value: light, label: Light}, dark], default: dark}\n" +
			"  mail:\n    fields:\n      host: {type: string}\n",
		"# a comment\napp: shop\nsections:\n  mail:\n    description: new\n    fields:\n      host: {type: string, label: Host}\n" +
			"  site:\n    label: Web site\n    fields:\n      theme: {type: select, choices: [{value: light, label: Bright}, dark], default: dark}\n" +
			"      title: {type: string, label: Heading, description: new}\n", nil},
	{"field added", site("a: {type: int}"), site("a: {type: int}", "b: {type: int, validators: [required]}"), nil},
	{"app renamed", site("a: {type: int}"), strings.Replace(site("a: {type: int}"), "shop", "store", 1),
		[]string{"DATA APP_RENAMED new.yaml"}},
	{"section removed without deprecation",
		site("a: {type: int}") + "  mail:\n    fields:\n      host: {type: string, deprecated: true}\n      port: {type: int}\n",
		site("a: {type: int}"),
		[]string{"ACCESSOR SECTION_REMOVED_WITHOUT_DEPRECATION old.yaml:6"}},
	{"deprecated section removed",
		site("a: {type: int}") + "  mail:\n    fields:\n      host: {type: string, deprecated: use x}\n",
		site("a: {type: int}"),
		[]string{"ACCESSOR SECTION_REMOVED old.yaml:6"}},
	{"field removed without deprecation", site("a: {type: int}", "b: {type: int}"), site("a: {type: int}"),
		[]string{"ACCESSOR FIELD_REMOVED_WITHOUT_DEPRECATION old.yaml:6"}},
	{"deprecated field removed", site("a: {type: int}", "b: {type: int, deprecated: true}"), site("a: {type: int}"),
		[]string{"ACCESSOR FIELD_REMOVED old.yaml:6"}},
	{"string to int", site("a: {type: string}"), site("a: {type: int}"),
		[]string{"ACCESSOR FIELD_TYPE_CHANGED new.yaml:5", "DATA FIELD_TYPE_INCOMPATIBLE new.yaml:5"}},
	{"string to text", site("a: {type: string}"), site("a: {type: text}"), nil},
	{"go_name added", site("http2_on: {type: bool}"), site("http2_on: {type: bool, go_name: Http2On}"),
		[]string{"ACCESSOR FIELD_GO_NAME_CHANGED new.yaml:5"}},
	{"go_name equal to the derived name", site("http2_on: {type: bool}"), site("http2_on: {type: bool, go_name: HTTP2On}"), nil},
	{"go_name removed", site("m: {type: select, choices: [a], go_name: Mode}"), site("m: {type: select, choices: [a]}"),
		[]string{"ACCESSOR FIELD_GO_NAME_CHANGED new.yaml:5"}},
	{"text to string", site("a: {type: text}"), site("a: {type: string}"), nil},
	{"int to string", site("a: {type: int}"), site("a: {type: string}"),
		[]string{"ACCESSOR FIELD_TYPE_CHANGED new.yaml:5"}},
	{"int to float with the same default", site("a: {type: int, default: 5}"), site("a: {type: float, default: 5.0}"),
		[]string{"ACCESSOR FIELD_TYPE_CHANGED new.yaml:5"}},
	{"int to string with a new default", site("a: {type: int}"), site("a: {type: string, default: x}"),
		[]string{"ACCESSOR FIELD_TYPE_CHANGED new.yaml:5", "WARNING DEFAULT_CHANGED new.yaml:5"}},
	{"int to float", site("a: {type: int}"), site("a: {type: float}"),
		[]string{"ACCESSOR FIELD_TYPE_CHANGED new.yaml:5"}},
	{"int to decimal", site("a: {type: int}"), site("a: {type: decimal}"),
		[]string{"ACCESSOR FIELD_TYPE_CHANGED new.yaml:5"}},
	{"float to decimal", site("a: {type: float}"), site("a: {type: decimal}"),
		[]string{"ACCESSOR FIELD_TYPE_CHANGED new.yaml:5"}},
	{"decimal to float", site("a: {type: decimal}"), site("a: {type: float}"),
		[]string{"ACCESSOR FIELD_TYPE_CHANGED new.yaml:5", "DATA FIELD_TYPE_INCOMPATIBLE new.yaml:5"}},
	{"string to select", site("a: {type: string}"), site("a: {type: select, choices: [x]}"),
		[]string{"ACCESSOR FIELD_TYPE_CHANGED new.yaml:5", "DATA FIELD_TYPE_INCOMPATIBLE new.yaml:5"}},
	{"secret to string", site("a: {type: secret}"), site("a: {type: string}"),
		[]string{"ACCESSOR FIELD_TYPE_CHANGED new.yaml:5", "DATA SECRET_TO_PLAIN new.yaml:5"}},
	{"string to secret", site("a: {type: string}"), site("a: {type: secret}"),
		[]string{"ACCESSOR FIELD_TYPE_CHANGED new.yaml:5", "DATA PLAIN_TO_SECRET new.yaml:5"}},
	{"choice removed", site("a: {type: select, choices: [x, y, z], default: x}"), site("a: {type: select, choices: [x, z], default: x}"),
		[]string{"DATA CHOICES_NARROWED new.yaml:5", "ACCESSOR CHOICE_REMOVED old.yaml:5"}},
	{"choice added", site("a: {type: select, choices: [x]}"), site("a: {type: select, choices: [x, y]}"), nil},
	{"choices reordered with a default", site("a: {type: select, choices: [x, y], default: x}"),
		site("a: {type: select, choices: [y, x], default: x}"), nil},
	{"choices reordered without a default", site("a: {type: select, choices: [x, y]}"), site("a: {type: select, choices: [y, x]}"),
		[]string{"WARNING DEFAULT_CHANGED new.yaml:5"}},
	{"default changed", site("a: {type: int, default: 1}"), site("a: {type: int, default: 2}"),
		[]string{"WARNING DEFAULT_CHANGED new.yaml:5"}},
	{"default given as the zero value", site("a: {type: int}"), site("a: {type: int, default: 0}"), nil},
	{"env added", site("a: {type: int}"), site("a: {type: int, env: SHOP_A}"), []string{"WARNING ENV_VAR_CHANGED new.yaml:5"}},
	{"env removed", site("a: {type: int, env: SHOP_A}"), site("a: {type: int}"), []string{"WARNING ENV_VAR_CHANGED new.yaml:5"}},
	{"env written as the derived name", site("a: {type: int}"), site("a: {type: int, env: SHOP__SITE__A}"), nil},
	{"default spelt differently", site("a: {type: duration, default: 60s}", "b: {type: decimal, default: '9.90'}"),
		site("a: {type: duration, default: 1m}", "b: {type: decimal, default: 9.9}"), nil},
	{"required added", site("a: {type: string}"), site("a: {type: string, validators: [required]}"),
		[]string{"DATA REQUIRED_ADDED new.yaml:5"}},
	{"validator added", site("a: {type: string}"), site("a: {type: string, validators: [email]}"),
		[]string{"DATA VALIDATOR_ADDED new.yaml:5"}},
	{"validator removed", site("a: {type: string, validators: [email, required]}"), site("a: {type: string}"), nil},
	{"not_empty replaces required", site("a: {type: string, validators: [required]}"), site("a: {type: string, validators: [not_empty]}"), nil},
	{"ipv4 widened to ip", site("a: {type: string, validators: [ipv4]}"), site("a: {type: string, validators: [ip]}"), nil},
	{"ip narrowed to ipv4", site("a: {type: string, validators: [ip]}"), site("a: {type: string, validators: [ipv4]}"),
		[]string{"DATA VALIDATOR_ADDED new.yaml:5"}},
	{"port replaced by positive", site("a: {type: int, validators: [port]}"), site("a: {type: int, validators: [positive]}"), nil},
	{"min_length raised", site("a: {type: string, validators: [min_length: 2]}"), site("a: {type: string, validators: [min_length: 3]}"),
		[]string{"DATA MIN_LENGTH_RAISED new.yaml:5"}},
	{"min_length lowered", site("a: {type: string, validators: [min_length: 3]}"), site("a: {type: string, validators: [min_length: 2]}"), nil},
	{"max_length lowered", site("a: {type: string, validators: [max_length: 9]}"), site("a: {type: string, validators: [max_length: 8]}"),
		[]string{"DATA MAX_LENGTH_LOWERED new.yaml:5"}},
	{"max_length raised", site("a: {type: string, validators: [max_length: 8]}"), site("a: {type: string, validators: [max_length: 9]}"), nil},
	{"range min raised", site("a: {type: int, validators: [range: {min: 1, max: 9}]}"), site("a: {type: int, validators: [range: {min: 2, max: 9}]}"),
		[]string{"DATA RANGE_NARROWED new.yaml:5"}},
	{"range max lowered", site("a: {type: int, validators: [range: {min: 1, max: 9}]}"), site("a: {type: int, validators: [range: {min: 1, max: 8}]}"),
		[]string{"DATA RANGE_NARROWED new.yaml:5"}},
	{"range bound added", site("a: {type: int, validators: [range: {min: 1}]}"), site("a: {type: int, validators: [range: {min: 1, max: 8}]}"),
		[]string{"DATA RANGE_NARROWED new.yaml:5"}},
	{"range widened", site("a: {type: int, validators: [range: {min: 1, max: 9}]}"), site("a: {type: int, validators: [range: {max: 10}]}"), nil},
	{"duration range narrowed", site("a: {type: duration, validators: [range: {min: 1s, max: 1h}]}"),
		site("a: {type: duration, validators: [range: {min: 1s, max: 59m}]}"), []string{"DATA RANGE_NARROWED new.yaml:5"}},
	{"int to float with a wider range", site("a: {type: int, validators: [range: {min: 1}]}"),
		site("a: {type: float, validators: [range: {min: 0.5}]}"), []string{"ACCESSOR FIELD_TYPE_CHANGED new.yaml:5"}},
	{"range added", site("a: {type: int}"), site("a: {type: int, validators: [range: {max: 8}]}"),
		[]string{"DATA VALIDATOR_ADDED new.yaml:5"}},
	{"regex changed", site("a: {type: string, validators: [regex: '^a']}"), site("a: {type: string, validators: [regex: '^b']}"),
		[]string{"DATA REGEX_CHANGED new.yaml:5"}},
	{"regex added", site("a: {type: string, validators: [regex: '^a']}"),
		site("a: {type: string, validators: [regex: '^a', regex: {pattern: x, inverse: true}]}"), []string{"DATA VALIDATOR_ADDED new.yaml:5"}},
	{"regex removed", site("a: {type: string, validators: [regex: '^a']}"), site("a: {type: string}"), nil},
	{"one_of narrowed", site("a: {type: int, validators: [one_of: [1, 2, 3]]}"), site("a: {type: int, validators: [one_of: [1, 3]]}"),
		[]string{"DATA ONE_OF_NARROWED new.yaml:5"}},
	{"one_of widened", site("a: {type: int, validators: [one_of: [1, 3]]}"), site("a: {type: int, validators: [one_of: [1, 2, 3]]}"), nil},
	{"url schemes narrowed", site("a: {type: string, validators: [url]}"), site("a: {type: string, validators: [url: {schemes: [https]}]}"),
		[]string{"DATA URL_SCHEMES_NARROWED new.yaml:5"}},
	{"url schemes widened", site("a: {type: string, validators: [url: {schemes: [https]}]}"), site("a: {type: string, validators: [url]}"), nil},
	{"custom added", site("a: {type: string, validators: [custom: x]}"), site("a: {type: string, validators: [custom: x, custom: y]}"),
		[]string{"DATA VALIDATOR_ADDED new.yaml:5"}},
}

func TestCompare(t *testing.T) {
	for _, tt := range compareTests {
		t.Run(tt.name, func(t *testing.T) {
			got := brief(compare(t, tt.old, tt.new))
			if !slices.Equal(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestChangeString(t *testing.T) {
	changes := compare(t, site("a: {type: int}", "tagline: {type: text}"), site("a: {type: int, default: 2}"))
	want := []string{
		`new.yaml:5:7: WARNING DEFAULT_CHANGED: the default of site.a changes from "0" to "2": ` +
			`wherever it has no override, it reads the new value as soon as this is deployed`,
		`old.yaml:6:7: ACCESSOR FIELD_REMOVED_WITHOUT_DEPRECATION: field site.tagline was removed without being deprecated first: ` +
			`code using SiteSection.Tagline (and SetTagline, ResetTagline, SiteTaglineField) breaks without warning; ` +
			`restore it with "deprecated: <what to use instead>", and remove it in a later release`,
	}
	if len(changes) != len(want) {
		t.Fatalf("got %d changes, want %d: %v", len(changes), len(want), changes)
	}
	for i, c := range changes {
		if c.String() != want[i] {
			t.Errorf("change %d:\n got %s\nwant %s", i, c, want[i])
		}
	}
}

func TestGoNameChangedMessage(t *testing.T) {
	changes := compare(t, site("mode: {type: select, choices: [a], go_name: Mode2}"), site("mode: {type: select, choices: [a]}"))
	want := `new.yaml:5:7: ACCESSOR FIELD_GO_NAME_CHANGED: the Go name of field site.mode changed from Mode2 to Mode: ` +
		`code using SiteSection.Mode2 (and SetMode2, ResetMode2, SiteMode2Field) no longer compiles, ` +
		`nor does code using the enum type SiteMode2 and its constants; keep the old names with "go_name: Mode2"`
	if len(changes) != 1 || changes[0].String() != want {
		t.Errorf("got %v\nwant %s", changes, want)
	}
}

func TestRenameHints(t *testing.T) {
	tests := []struct{ name, old, new, hint string }{
		{"field renamed", site("tagline: {type: text, label: Tagline}"), site("slogan: {type: text, label: Tagline}"),
			"If it was renamed to site.slogan"},
		{"field moved", site("a: {type: int}", "host: {type: string}"), site("a: {type: int}") + "  mail:\n    fields:\n      host: {type: string}\n",
			"If it was renamed to mail.host"},
		{"section renamed", site("a: {type: int}") + "  mail:\n    fields:\n      host: {type: string}\n",
			site("a: {type: int}") + "  email:\n    fields:\n      host: {type: string}\n", "If it was renamed to email"},
		{"no likely new name", site("a: {type: int}", "b: {type: int}"), site("a: {type: int}", "c: {type: string}"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			changes := compare(t, tt.old, tt.new)
			if len(changes) != 1 {
				t.Fatalf("got %d changes, want 1: %v", len(changes), changes)
			}
			msg := changes[0].Message
			if tt.hint == "" && strings.Contains(msg, "renamed") || !strings.Contains(msg, tt.hint) {
				t.Errorf("message %q, want hint %q", msg, tt.hint)
			}
		})
	}
}

func TestCounts(t *testing.T) {
	changes := []Change{{Category: Accessor}, {Category: Data}, {Category: Data}, {Category: Warning}}
	if got, want := Count(changes).String(), "1 accessor-breaking, 2 data-breaking, 1 warning"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := Count(nil).String(), "0 accessor-breaking, 0 data-breaking, 0 warnings"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

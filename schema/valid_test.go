package schema

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"testing"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime/value"

	"github.com/shopspring/decimal"
)

// validCasesDir holds schemas that must load without errors, relative to
// the repository root.
const validCasesDir = "testdata/schema/valid"

// loadValid loads testdata/schema/valid/<name>/schema.yaml, failing the test
// on any error.
func loadValid(t *testing.T, name string) *Schema {
	t.Helper()
	s, err := Load(filepath.Join(repoRoot, validCasesDir, name, "schema.yaml"))
	if err != nil {
		t.Fatalf("Load(%s):\n%v", name, err)
	}
	return s
}

// field returns the field at path "section.field" of s.
func field(t *testing.T, s *Schema, path string) *Field {
	t.Helper()
	for _, f := range s.Fields() {
		if f.Section.Name+"."+f.Name == path {
			return f
		}
	}
	t.Fatalf("no field %s", path)
	return nil
}

// TestValidCases loads every case under testdata/schema/valid, and the
// example schema at the repository root.
func TestValidCases(t *testing.T) {
	dirs, err := os.ReadDir(filepath.Join(repoRoot, validCasesDir))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		t.Run(d.Name(), func(t *testing.T) { loadValid(t, d.Name()) })
	}
	t.Run("schema.example.yaml", func(t *testing.T) {
		if _, err := Load(filepath.Join(repoRoot, "schema.example.yaml")); err != nil {
			t.Fatal(err)
		}
	})
}

func TestMinimal(t *testing.T) {
	s := loadValid(t, "minimal")
	if s.App != "shop" || len(s.Sections) != 1 || len(s.Fields()) != 1 {
		t.Fatalf("got %+v", s)
	}
	f := s.Fields()[0]
	want := Field{Section: s.Sections[0], Name: "title", Path: "shop.site.title", Kind: value.KindString,
		Label: "Title", Default: "", Pos: Pos{File: s.File, Line: 5, Col: 7}}
	if !reflect.DeepEqual(*f, want) {
		t.Errorf("field = %+v\nwant    %+v", *f, want)
	}
	if sec := s.Sections[0]; sec.Label != "Site" || sec.Pos != (Pos{File: s.File, Line: 3, Col: 3}) {
		t.Errorf("section = %+v", sec)
	}
}

func TestKindsAndDefaults(t *testing.T) {
	s := loadValid(t, "kinds")
	tests := []struct {
		path       string
		kind       value.Kind
		def        any
		hasDefault bool
	}{
		{"with_defaults.title", value.KindString, "My Shop", true},
		{"with_defaults.about", value.KindText, "Line one.\nLine two.\n", true},
		{"with_defaults.max_items", value.KindInt, int64(-42), true},
		{"with_defaults.ratio", value.KindFloat, 0.25, true},
		{"with_defaults.price", value.KindDecimal, decimal.RequireFromString("19.990"), true},
		{"with_defaults.enabled", value.KindBool, true, true},
		{"with_defaults.theme", value.KindSelect, "dark", true},
		{"with_defaults.timeout", value.KindDuration, 90 * time.Second, true},
		{"with_defaults.tags", value.KindStringList, []string{"a", "b c", "3"}, true},
		{"with_defaults.hosts", value.KindStringList, []string{"x", "y"}, true},
		{"with_defaults.api_key", value.KindSecret, value.Secret{}, false},
		{"without_defaults.title", value.KindString, "", false},
		{"without_defaults.about", value.KindText, "", false},
		{"without_defaults.max_items", value.KindInt, int64(0), false},
		{"without_defaults.ratio", value.KindFloat, float64(0), false},
		{"without_defaults.price", value.KindDecimal, decimal.Zero, false},
		{"without_defaults.enabled", value.KindBool, false, false},
		{"without_defaults.theme", value.KindSelect, "light", false},
		{"without_defaults.timeout", value.KindDuration, time.Duration(0), false},
		{"without_defaults.tags", value.KindStringList, []string{}, false},
		{"without_defaults.api_key", value.KindSecret, value.Secret{}, false},
	}
	for _, tt := range tests {
		f := field(t, s, tt.path)
		if f.Kind != tt.kind || f.HasDefault != tt.hasDefault || !sameDefault(f.Default, tt.def) {
			t.Errorf("%s: kind %v, default %#v (has %v); want %v, %#v (has %v)",
				tt.path, f.Kind, f.Default, f.HasDefault, tt.kind, tt.def, tt.hasDefault)
		}
	}
}

// sameDefault compares defaults, decimals by value and exponent.
func sameDefault(got, want any) bool {
	if d, ok := want.(decimal.Decimal); ok {
		g, ok := got.(decimal.Decimal)
		return ok && g.Equal(d) && g.String() == d.String()
	}
	return reflect.DeepEqual(got, want)
}

func TestValidators(t *testing.T) {
	s := loadValid(t, "validators")
	tests := []struct {
		path string
		want []string // Runtime().String() of each validator, in order
	}{
		{"checks.title", []string{"required", "not_empty", "not_blank", "min_length(3)", "max_length(80)",
			"regex(^[A-Z])", `regex(\s$, inverse)`, "one_of(Hello, World)", "custom(title_check)"}},
		{"checks.contact", []string{"email"}},
		{"checks.home", []string{"url(http, https)"}},
		{"checks.secure_home", []string{"url(https, git+ssh)"}},
		{"checks.v4", []string{"ipv4"}},
		{"checks.v6", []string{"ipv6"}},
		{"checks.any_ip", []string{"ip"}},
		{"checks.host", []string{"hostname"}},
		{"checks.zone", []string{"domain"}},
		{"checks.handle", []string{"slug"}},
		{"checks.payload", []string{"json"}},
		{"checks.dir", []string{"path"}},
		{"checks.listen_port", []string{"port", "positive", "non_negative"}},
		{"checks.items", []string{"range(1, 100)"}},
		{"checks.ratio", []string{"range(max 1.5)"}},
		{"checks.price", []string{"range(min 0.01)", "one_of(9.99, 19.99)"}},
		{"checks.wait", []string{"range(1s, 1h0m0s)"}},
		{"checks.tags", []string{"max_length(3)", "one_of(a, b)"}},
		{"checks.mode", []string{"one_of(fast)"}},
	}
	for _, tt := range tests {
		f := field(t, s, tt.path)
		var got []string
		for _, v := range f.Validators {
			got = append(got, v.Runtime().String())
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: validators %q, want %q", tt.path, got, tt.want)
		}
	}
}

func TestValidatorModel(t *testing.T) {
	s := loadValid(t, "validators")
	title := field(t, s, "checks.title").Validators
	if v := title[3]; v.Name != "min_length" || v.N != 3 || v.Pos != (Pos{File: s.File, Line: 13, Col: 13}) {
		t.Errorf("min_length = %+v", v)
	}
	if v := title[6]; v.Pattern != `\s$` || !v.Inverse {
		t.Errorf("inverse regex = %+v", v)
	}
	if v := title[8]; v.Func != "title_check" {
		t.Errorf("custom = %+v", v)
	}
	items := field(t, s, "checks.items").Validators[0]
	if items.Min != int64(1) || items.Max != int64(100) {
		t.Errorf("int range = %#v, %#v", items.Min, items.Max)
	}
	wait := field(t, s, "checks.wait").Validators[0]
	if wait.Min != time.Second || wait.Max != time.Hour {
		t.Errorf("duration range = %#v, %#v", wait.Min, wait.Max)
	}
	ratio := field(t, s, "checks.ratio").Validators[0]
	if ratio.Min != nil || ratio.Max != 1.5 {
		t.Errorf("float range = %#v, %#v", ratio.Min, ratio.Max)
	}
	price := field(t, s, "checks.price").Validators
	if d, ok := price[0].Min.(decimal.Decimal); !ok || d.String() != "0.01" || price[0].Max != nil {
		t.Errorf("decimal range = %#v, %#v", price[0].Min, price[0].Max)
	}
	if !reflect.DeepEqual(field(t, s, "checks.secure_home").Validators[0].Schemes, []string{"https", "git+ssh"}) {
		t.Errorf("url schemes = %v", field(t, s, "checks.secure_home").Validators[0].Schemes)
	}
	if !reflect.DeepEqual(field(t, s, "checks.tags").Validators[1].Values, []any{"a", "b"}) {
		t.Errorf("one_of values of a string list = %#v", field(t, s, "checks.tags").Validators[1].Values)
	}
}

func TestValidatorRuntime(t *testing.T) {
	if (Validator{Name: "nope"}).Runtime() != nil {
		t.Error("Runtime of an unknown validator is not nil")
	}
	v := Validator{Name: "range", Args: value.Args{Min: int64(1), Max: int64(10)}}.Runtime()
	if v.Validate(int64(11)) == nil || v.Validate(int64(5)) != nil {
		t.Error("range(1, 10) does not check its bounds")
	}
	for _, b := range value.Builtins() {
		if !b.Arg.Needed() && (Validator{Name: b.Name}).Runtime() == nil {
			t.Errorf("validator %q has no runtime constructor", b.Name)
		}
	}
}

func TestChoices(t *testing.T) {
	s := loadValid(t, "choices")
	theme := field(t, s, "site.theme")
	want := []Choice{
		{Value: "light", Label: "light", Pos: Pos{File: s.File, Line: 8, Col: 13}},
		{Value: "dark", Label: "Dark mode", Pos: Pos{File: s.File, Line: 9, Col: 13}},
		{Value: "high-contrast", Label: "High contrast", Pos: Pos{File: s.File, Line: 10, Col: 13}},
	}
	if !reflect.DeepEqual(theme.Choices, want) {
		t.Errorf("choices = %+v\nwant      %+v", theme.Choices, want)
	}
	if theme.Default != "light" || theme.HasDefault {
		t.Errorf("default = %q (has %v), want the first choice", theme.Default, theme.HasDefault)
	}
	if got := theme.ConstName(theme.Choices[2]); got != "SiteThemeHighContrast" {
		t.Errorf("ConstName = %q", got)
	}
	currency := field(t, s, "site.currency")
	var consts []string
	for _, c := range currency.Choices {
		consts = append(consts, currency.ConstName(c))
	}
	if !reflect.DeepEqual(consts, []string{"SiteCurrencyEUR", "SiteCurrencyUSD", "SiteCurrencyV1080p"}) {
		t.Errorf("constants = %q", consts)
	}
	if currency.Default != "USD" || !currency.HasDefault {
		t.Errorf("default = %q (has %v)", currency.Default, currency.HasDefault)
	}
}

func TestMetadata(t *testing.T) {
	s := loadValid(t, "metadata")
	email := s.Sections[0]
	if email.Label != "Email Delivery" || email.Description != "" {
		t.Errorf("section email_delivery = %+v", email)
	}
	if site := s.Sections[1]; site.Label != "The site" || site.Description != "Public settings." {
		t.Errorf("section site = %+v", site)
	}
	host := field(t, s, "email_delivery.smtp_host")
	if host.Label != "SMTP host" || host.Description != "The SMTP server to send mail through." ||
		host.Path != "my_shop.email_delivery.smtp_host" || host.Section != email || host.Deprecated != "" {
		t.Errorf("smtp_host = %+v", host)
	}
	if f := field(t, s, "email_delivery.old_host"); f.Deprecated != "use email_delivery.smtp_host instead" {
		t.Errorf("deprecated = %q", f.Deprecated)
	}
	if f := field(t, s, "email_delivery.legacy"); f.Deprecated != DeprecatedNoNote {
		t.Errorf("deprecated: true gives %q", f.Deprecated)
	}
	api := field(t, s, "site.api_url")
	if api.Label != "API endpoint" || api.Pos != (Pos{File: s.File, Line: 21, Col: 7}) {
		t.Errorf("api_url = %+v", api)
	}
}

// TestExampleIsComplete checks that schema.example.yaml shows every kind,
// every validator, a deprecated field, a secret and labelled choices.
func TestExampleIsComplete(t *testing.T) {
	s, err := Load(filepath.Join(repoRoot, "schema.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range s.Fields() {
		seen["kind "+f.Kind.String()] = true
		for _, v := range f.Validators {
			seen["validator "+v.Name] = true
		}
		if f.Deprecated != "" {
			seen["deprecated"] = true
		}
		for _, c := range f.Choices {
			if c.Label != c.Value {
				seen["labelled choice"] = true
			}
		}
	}
	want := []string{"deprecated", "labelled choice"}
	for _, k := range value.Kinds() {
		want = append(want, "kind "+k.String())
	}
	for _, b := range value.Builtins() {
		want = append(want, "validator "+b.Name)
	}
	for _, w := range want {
		if !seen[w] {
			t.Errorf("schema.example.yaml shows no %s", w)
		}
	}
}

// TestReferencesNameEveryValidator checks that the prose references of the
// schema format, the README's validator table and this package's doc,
// name every validator of the table.
func TestReferencesNameEveryValidator(t *testing.T) {
	for _, file := range []string{"../README.md", "doc.go"} {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range value.Builtins() {
			if !regexp.MustCompile(`\b` + b.Name + `\b`).Match(data) {
				t.Errorf("%s does not describe the validator %s", file, b.Name)
			}
		}
	}
}

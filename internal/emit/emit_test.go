package emit

import (
	"bytes"
	"fmt"
	"go/parser"
	"go/token"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime/value"

	"github.com/dave/jennifer/jen"
	"github.com/go-sysconfig/sysconfig/schema"
	"github.com/shopspring/decimal"
)

// render renders one emitted declaration as gofmt'd Go.
func render(t *testing.T, code jen.Code) string {
	t.Helper()
	return strings.TrimSpace(fmt.Sprintf("%#v", jen.Add(code)))
}

// check compares an emitted declaration with the Go it should be.
func check(t *testing.T, name string, code jen.Code, want string) {
	t.Helper()
	if got := render(t, code); got != strings.TrimSpace(want) {
		t.Errorf("%s:\ngot:\n%s\nwant:\n%s", name, got, want)
	}
}

// field returns the field of shopSchema at section.name.
func field(t *testing.T, s *schema.Schema, path string) *schema.Field {
	t.Helper()
	for _, f := range s.Fields() {
		if f.Section.Name+"."+f.Name == path {
			return f
		}
	}
	t.Fatalf("no field %s", path)
	return nil
}

func TestDescriptors(t *testing.T) {
	s := shopSchema()
	g := &gen{schema: s, opts: Options{Package: "shopconfig"}}
	check(t, "string", g.descriptor(field(t, s, "site.title")), `
// SiteTitleField declares shop.site.title.
var SiteTitleField = runtime.StringField("title", "My Shop", runtime.Meta{
	Label:       "Site title",
	Description: "Shown in the browser tab.",
	Validators:  []value.Validator{value.Required(), value.MinLength(3)},
})`)
	check(t, "select", g.descriptor(field(t, s, "site.theme")), `
// SiteThemeField declares shop.site.theme.
var SiteThemeField = runtime.SelectField("theme", SiteThemeDark, []SiteTheme{SiteThemeLight, SiteThemeDark}, runtime.Meta{
	ChoiceLabels: map[string]string{
		string(SiteThemeLight): "Light theme",
	},
})`)
	check(t, "int", g.descriptor(field(t, s, "checkout.max_items")), `
// CheckoutMaxItemsField declares shop.checkout.max_items.
var CheckoutMaxItemsField = runtime.IntField("max_items", 50, runtime.Meta{
	Validators: []value.Validator{value.Range(int64(1), nil)},
})`)
	check(t, "float", g.descriptor(field(t, s, "checkout.tax_rate")), `
// CheckoutTaxRateField declares shop.checkout.tax_rate.
var CheckoutTaxRateField = runtime.FloatField("tax_rate", 3.0, runtime.Meta{
	Validators: []value.Validator{value.Range(0.0, 2.5)},
})`)
	check(t, "decimal", g.descriptor(field(t, s, "checkout.min_order")), `
// CheckoutMinOrderField declares shop.checkout.min_order.
var CheckoutMinOrderField = runtime.DecimalField("min_order", value.MustDecimal("9.99"), runtime.Meta{
	Validators: []value.Validator{value.OneOf(value.MustDecimal("0.01"), value.MustDecimal("5"))},
})`)
	check(t, "duration", g.descriptor(field(t, s, "checkout.timeout")), `
// CheckoutTimeoutField declares shop.checkout.timeout.
var CheckoutTimeoutField = runtime.DurationField("timeout", 90*time.Second, runtime.Meta{
	Validators: []value.Validator{value.Range(time.Duration(0), time.Hour)},
})`)
	check(t, "deprecated list", g.descriptor(field(t, s, "checkout.countries")), `
// CheckoutCountriesField declares shop.checkout.countries.
//
// Deprecated: Use shipping.countries instead.
var CheckoutCountriesField = runtime.StringListField("countries", []string{"FR", "DE"}, runtime.Meta{
	Deprecated: "Use shipping.countries instead.",
})`)
	check(t, "secret", g.descriptor(field(t, s, "checkout.api_key")), "// CheckoutAPIKeyField declares shop.checkout.api_key.\n"+
		"var CheckoutAPIKeyField = runtime.SecretField(\"api_key\", runtime.Meta{\n"+
		"\tValidators: []value.Validator{value.Regex(`^sk_\\w+$`, false)},\n})")
	if g.err != nil {
		t.Fatal(g.err)
	}
}

func TestEnum(t *testing.T) {
	f := field(t, shopSchema(), "site.theme")
	check(t, "type", enumType(f), `
// SiteTheme is a value of shop.site.theme.
type SiteTheme string`)
	check(t, "consts", enumConsts(f), `
// The values of SiteTheme.
const (
	SiteThemeLight SiteTheme = "light"
	SiteThemeDark  SiteTheme = "dark"
)`)
}

func TestAccessors(t *testing.T) {
	s := shopSchema()
	check(t, "getter", getter(field(t, s, "site.title")), `
// Title returns the value of [SiteTitleField].
func (s *SiteSection) Title(ctx context.Context) (string, error) {
	return SiteTitleField.Get(ctx, s.client)
}`)
	check(t, "setter", setter(field(t, s, "checkout.min_order")), `
// SetMinOrder validates v and stores it in [CheckoutMinOrderField].
func (s *CheckoutSection) SetMinOrder(ctx context.Context, v decimal.Decimal) error {
	return CheckoutMinOrderField.Set(ctx, s.client, v)
}`)
	check(t, "deprecated resetter", resetter(field(t, s, "checkout.countries")), `
// ResetCountries makes [CheckoutCountriesField] read its default again.
//
// Deprecated: Use shipping.countries instead.
func (s *CheckoutSection) ResetCountries(ctx context.Context) error {
	return CheckoutCountriesField.Reset(ctx, s.client)
}`)
	check(t, "secret resetter", resetter(field(t, s, "checkout.api_key")), `
// ResetAPIKey makes [CheckoutAPIKeyField] read as an empty secret again.
func (s *CheckoutSection) ResetAPIKey(ctx context.Context) error {
	return CheckoutAPIKeyField.Reset(ctx, s.client)
}`)
}

func TestSectionDecls(t *testing.T) {
	s := shopSchema()
	g := &gen{schema: s, opts: Options{Package: "shopconfig"}}
	check(t, "section var", g.sectionVar(s.Sections[0]), `
// sectionSite declares the site section.
var sectionSite = runtime.NewSection("site", "Site", "Public-facing site settings.",
	SiteTitleField,
	SiteThemeField,
	SiteAPIURLField,
)`)
	check(t, "section type", sectionType(s.Sections[1]), `
// CheckoutSection holds the accessors of the checkout section.
type CheckoutSection struct {
	client *runtime.Client
}`)
}

func TestRootDecls(t *testing.T) {
	g := &gen{schema: shopSchema(), opts: Options{Package: "shopconfig"}}
	check(t, "schema", g.schemaVar(), `
// Schema describes every field of the shop app, in declaration order.
var Schema = runtime.NewSchema("shop", sectionSite, sectionCheckout)`)
	check(t, "config", g.configType(), `
// Config gives typed access to the shop app's configuration.
type Config struct {
	// Site holds the accessors of the site section.
	Site *SiteSection
	// Checkout holds the accessors of the checkout section.
	Checkout *CheckoutSection
}`)
	check(t, "new", g.newFunc(), `
// New returns typed accessors reading and writing through client. It panics if
// client serves another schema.
func New(client *runtime.Client) *Config {
	if client.Schema() != Schema {
		panic("shopconfig: client serves another schema; build it with runtime.NewClient(shopconfig.Schema, ...)")
	}
	return &Config{
		Site:     &SiteSection{client: client},
		Checkout: &CheckoutSection{client: client},
	}
}`)
}

func TestValues(t *testing.T) {
	tests := []struct {
		kind value.Kind
		v    any
		want string
	}{
		{value.KindString, "a\"b", `"a\"b"`},
		{value.KindInt, int64(-5), "int64(-5)"},
		{value.KindInt, 7, "int64(7)"},
		{value.KindFloat, 2.5, "2.5"},
		{value.KindFloat, float64(3), "3.0"},
		{value.KindFloat, int64(3), "3.0"},
		{value.KindFloat, 1e21, "1e+21"},
		{value.KindDecimal, decimal.RequireFromString("0.010"), `value.MustDecimal("0.010")`},
		{value.KindDecimal, decimal.RequireFromString("49.90"), `value.MustDecimal("49.90")`},
		{value.KindDecimal, decimal.RequireFromString("1e3"), `value.MustDecimal("1000")`},
		{value.KindDecimal, decimal.RequireFromString("-0.5"), `value.MustDecimal("-0.5")`},
		{value.KindDecimal, int64(2), `value.MustDecimal("2")`},
		{value.KindBool, false, "false"},
		{value.KindDuration, time.Duration(0), "time.Duration(0)"},
		{value.KindDuration, 5 * time.Second, "5 * time.Second"},
		{value.KindDuration, time.Minute, "time.Minute"},
		{value.KindDuration, 1500 * time.Millisecond, "1500 * time.Millisecond"},
		{value.KindDuration, -90 * time.Minute, "-90 * time.Minute"},
		{value.KindDuration, 1001 * time.Nanosecond, "1001 * time.Nanosecond"},
		{value.KindStringList, []string{"a", "b"}, `[]string{"a", "b"}`},
		{value.KindStringList, []string{}, "nil"},
	}
	for _, tt := range tests {
		g := &gen{}
		f := &schema.Field{Kind: tt.kind, Path: "a.b.c"}
		got := render(t, g.value(f, tt.v))
		if got != tt.want || g.err != nil {
			t.Errorf("value(%v, %#v) = %s (err %v), want %s", tt.kind, tt.v, got, g.err, tt.want)
		}
	}
}

func TestDefaults(t *testing.T) {
	tests := []struct {
		kind value.Kind
		v    any
		want string
	}{
		{value.KindInt, int64(50), "50"},
		{value.KindInt, nil, "0"},
		{value.KindDuration, time.Duration(0), "0"},
		{value.KindDuration, 90 * time.Second, "90 * time.Second"},
		{value.KindDuration, time.Hour, "time.Hour"},
		{value.KindStringList, []string{}, "nil"},
		{value.KindDecimal, decimal.Zero, `value.MustDecimal("0")`},
		{value.KindFloat, float64(0), "0.0"},
		{value.KindString, "", `""`},
	}
	for _, tt := range tests {
		g := &gen{}
		got := render(t, g.defaultValue(&schema.Field{Kind: tt.kind, Default: tt.v}))
		if got != tt.want || g.err != nil {
			t.Errorf("defaultValue(%v, %#v) = %s (err %v), want %s", tt.kind, tt.v, got, g.err, tt.want)
		}
	}
}

func TestPattern(t *testing.T) {
	for p, want := range map[string]string{
		`^\d+$`:    "`^\\d+$`",
		"a`b":      "\"a`b\"",
		"a\rb":     `"a\rb"`,
		`"quoted"`: "`\"quoted\"`",
	} {
		if got := render(t, pattern(p)); got != want {
			t.Errorf("pattern(%q) = %s, want %s", p, got, want)
		}
	}
}

func TestValidatorsLayout(t *testing.T) {
	f := &schema.Field{Kind: value.KindString, Validators: []schema.Validator{
		{Name: "required"}, {Name: "regex", Args: value.Args{Pattern: "^a$", Inverse: true}}, {Name: "custom", Args: value.Args{Func: "sku"}},
	}}
	check(t, "long list", (&gen{}).validatorsList(f), "[]value.Validator{\n"+
		"\tvalue.Required(),\n\tvalue.Regex(`^a$`, true),\n\tvalue.Custom(\"sku\"),\n}")
}

func TestDocWrapping(t *testing.T) {
	long := strings.Repeat("word ", 40)
	got := docText("Lead: "+long, "- item one\n- item two", "", "Deprecated: gone.")
	for i, line := range strings.Split(got, "\n") {
		if len(line) > 80 {
			t.Errorf("line %d is %d characters long: %q", i, len(line), line)
		}
	}
	if !strings.Contains(got, "\n//\n//   - item one\n//   - item two\n//\n// Deprecated: gone.") {
		t.Errorf("lists and paragraphs are not kept:\n%s", got)
	}
}

var headerRE = regexp.MustCompile(`^// Code generated .* DO NOT EDIT\.$`)

func TestGenerate(t *testing.T) {
	files, err := Generate(shopSchema(), Options{Package: "shopconfig", Source: "config/schema.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 3 || files["sysconfig.go"] == nil || files["section_site.go"] == nil || files["section_checkout.go"] == nil {
		t.Fatalf("files: got %d, want sysconfig.go, section_site.go, section_checkout.go", len(files))
	}
	for name, src := range files {
		first, rest, _ := bytes.Cut(src, []byte("\n"))
		if string(first) != Header || !headerRE.Match(first) {
			t.Errorf("%s starts with %q", name, first)
		}
		if !bytes.HasPrefix(rest, []byte("// Source: config/schema.yaml\n\n")) {
			t.Errorf("%s: no Source line after the header", name)
		}
		if _, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ParseComments); err != nil {
			t.Errorf("%s does not parse: %v", name, err)
		}
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	first, err := Generate(shopSchema(), Options{Package: "shopconfig"})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		again, _ := Generate(shopSchema(), Options{Package: "shopconfig"})
		for name, src := range first {
			if !bytes.Equal(src, again[name]) {
				t.Fatalf("run %d: %s differs", i, name)
			}
		}
	}
}

func TestGenerateErrors(t *testing.T) {
	tests := []struct {
		name   string
		pkg    string
		modify func(s *schema.Schema)
		want   string
	}{
		{"keyword package", "func", func(*schema.Schema) {}, `package name "func" is not a valid Go identifier`},
		{"blank package", "_", func(*schema.Schema) {}, `package name "_"`},
		{"unknown validator", "p", func(s *schema.Schema) {
			s.Sections[0].Fields[0].Validators = []schema.Validator{{Name: "shiny", Pos: schema.Pos{File: "s.yaml", Line: 3, Col: 7}}}
		}, `s.yaml:3:7: field shop.site.title: unknown validator "shiny"`},
		{"default not a choice", "p", func(s *schema.Schema) { s.Sections[0].Fields[1].Default = "blue" }, `"blue" is not one of its choices`},
		{"bad default", "p", func(s *schema.Schema) { s.Sections[0].Fields[0].Default = int64(3) }, `3 (int64) is not a value of kind string`},
		{"bad value", "p", func(s *schema.Schema) {
			s.Sections[1].Fields[0].Validators = []schema.Validator{{Name: "one_of", Args: value.Args{Values: []any{"x"}}}}
		}, `field shop.checkout.max_items: x (string) is not a value of kind int`},
	}
	for _, tt := range tests {
		s := shopSchema()
		tt.modify(s)
		_, err := Generate(s, Options{Package: tt.pkg})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}

func TestGenerateWithoutSourceOrFields(t *testing.T) {
	files, err := Generate(&schema.Schema{App: "empty"}, Options{Package: "empty"})
	if err != nil {
		t.Fatal(err)
	}
	src := files["sysconfig.go"]
	if len(files) != 1 || !bytes.HasPrefix(src, []byte(Header+"\n\n// Package empty ")) {
		t.Fatalf("got %d files; sysconfig.go:\n%s", len(files), src)
	}
	if _, err := parser.ParseFile(token.NewFileSet(), "sysconfig.go", src, 0); err != nil {
		t.Errorf("does not parse: %v\n%s", err, src)
	}
}

func TestGroupImports(t *testing.T) {
	in := "package p\n\nimport (\n\t\"context\"\n\t\"github.com/x/y\"\n\t\"time\"\n)\n\nvar x int\n"
	want := "package p\n\nimport (\n\t\"context\"\n\t\"time\"\n\n\t\"github.com/x/y\"\n)\n\nvar x int\n"
	if got := string(groupImports([]byte(in))); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	single := "package p\n\nimport \"time\"\n"
	if got := string(groupImports([]byte(single))); got != single {
		t.Errorf("single import changed: %q", got)
	}
}

package configfile_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/go-sysconfig/sysconfig/internal/configfile"
	"github.com/go-sysconfig/sysconfig/internal/hostile"
	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/configtest"
	"github.com/go-sysconfig/sysconfig/runtime/keyring"
	"github.com/go-sysconfig/sysconfig/runtime/value"
)

type theme string

var (
	titleF  = runtime.StringField("title", "Shop", runtime.Meta{Validators: []value.Validator{value.MinLength(2)}})
	blurbF  = runtime.TextField("blurb", "", runtime.Meta{})
	themeF  = runtime.SelectField("theme", theme("light"), []theme{"light", "dark"}, runtime.Meta{})
	langsF  = runtime.StringListField("langs", nil, runtime.Meta{})
	tokenF  = runtime.SecretField("token", runtime.Meta{})
	sizeF   = runtime.IntField("size", 24, runtime.Meta{Validators: []value.Validator{value.Range(int64(1), int64(100))}})
	rateF   = runtime.FloatField("rate", 0.5, runtime.Meta{})
	priceF  = runtime.DecimalField("price", value.MustDecimal("9.99"), runtime.Meta{})
	onF     = runtime.BoolField("on", false, runtime.Meta{})
	waitF   = runtime.DurationField("wait", time.Second, runtime.Meta{})
	testApp = runtime.NewSchema("shop",
		runtime.NewSection("site", "Site", "", titleF, blurbF, themeF, langsF, tokenF),
		runtime.NewSection("limits", "Limits", "", sizeF, rateF, priceF, onF, waitF))
)

// all returns every value of client, failing the test on an error.
func all(t *testing.T, client *runtime.Client) []runtime.Value {
	t.Helper()
	vals, err := client.All(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return vals
}

// export writes client's overrides.
func export(t *testing.T, client *runtime.Client, opts configfile.WriteOptions) string {
	t.Helper()
	var buf bytes.Buffer
	if err := configfile.Write(&buf, testApp, all(t, client), opts); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestExportReadsBackAsTheSameValues(t *testing.T) {
	for _, title := range []string{"true", "24", "  spaced  ", "a: b # c", "'quoted' \"both\"", "null", "NULL", "- dash", "Ünïcode ✓"} {
		t.Run(title, func(t *testing.T) {
			client := configtest.New(t, testApp)
			configtest.Override(t, client, titleF, title)
			configtest.Override(t, client, blurbF, "two\nlines\n\nand a blank one\n")
			configtest.Override(t, client, themeF, "dark")
			configtest.Override(t, client, langsF, []string{"en", "a,b", `say "hi"`, ""})
			configtest.Override(t, client, tokenF, value.NewSecret("s3cret"))
			configtest.Override(t, client, sizeF, 48)
			configtest.Override(t, client, rateF, 1e-7)
			configtest.Override(t, client, priceF, value.MustDecimal("24.990"))
			configtest.Override(t, client, onF, true)
			configtest.Override(t, client, waitF, 90*time.Second)

			text := export(t, client, configfile.WriteOptions{RevealSecrets: true})
			file, err := configfile.Parse("export.yaml", []byte(text), testApp, configfile.ParseOptions{})
			if err != nil {
				t.Fatalf("%v\nin:\n%s", err, text)
			}
			want := map[string]string{}
			for _, v := range all(t, client) {
				want[v.Path] = value.Format(v.Kind, v.Value)
			}
			if len(file.Values) != len(want) {
				t.Errorf("read %d values, want %d:\n%s", len(file.Values), len(want), text)
			}
			for _, e := range file.Values {
				if e.Text != want[e.Path] {
					t.Errorf("%s reads back as %q, want %q\n%s", e.Path, e.Text, want[e.Path], text)
				}
			}
			if plan := configfile.Plan(file, all(t, client), true); len(plan) != 0 {
				t.Errorf("a plan of the export against its own source is not empty: %v", plan)
			}
		})
	}
}

func TestExportLeavesSecretsOutAndSaysSo(t *testing.T) {
	client := configtest.New(t, testApp)
	configtest.Override(t, client, tokenF, value.NewSecret("s3cret-canary"))
	configtest.Override(t, client, sizeF, 48)
	text := export(t, client, configfile.WriteOptions{})
	want := "# Secret fields set but not exported: shop.site.token\nshop:\n  limits:\n    size: 48\n"
	if text != want {
		t.Errorf("export:\n%s\nwant:\n%s", text, want)
	}
	empty := export(t, configtest.New(t, testApp), configfile.WriteOptions{})
	if empty != "shop: {}\n" {
		t.Errorf("export of no overrides: %q", empty)
	}
}

func TestParseReportsEveryProblemAtItsPosition(t *testing.T) {
	const canary = "Zz-canary-9"
	file := strings.Join([]string{
		"shop:",
		"  site:",
		"    titel: x",          // 3: unknown field
		"    title: a",          // 4: too short
		"    theme: purple",     // 5: not a choice
		"    langs: [en, null]", // 6: null item
		"    blurb: {a: b}",     // 7: a mapping
		"  limits:",
		"    size: " + canary, // 9: not a number
		"    rate: .nan",      // 10: NaN
		"    price: null",     // 11: null
		"    on: [true]",      // 12: a list
		"    wait: 500",       // 13: no unit
		"  shipping: {}",      // 14: unknown section
		"other: {}",           // 15: another app
	}, "\n")
	_, err := configfile.Parse("f.yaml", []byte(file), testApp, configfile.ParseOptions{})
	var list configfile.ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("Parse: %v, want an ErrorList", err)
	}
	wantLines := []int{3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15}
	if len(list) != len(wantLines) {
		t.Fatalf("got %d problems, want %d:\n%v", len(list), len(wantLines), err)
	}
	for i, e := range list {
		if e.Pos.Line != wantLines[i] || e.Pos.Col == 0 || e.Pos.File != "f.yaml" {
			t.Errorf("problem %d at %v, want line %d: %s", i, e.Pos, wantLines[i], e.Msg)
		}
	}
	if strings.Contains(err.Error(), canary) {
		t.Errorf("a message quotes a value:\n%v", err)
	}
}

// doorSchema has one field of every kind, without validators, as the
// hostile table expects (a select's choices are light and dark).
var doorSchema = func() *runtime.Schema {
	var fields []runtime.Descriptor
	for _, k := range value.Kinds() {
		name := k.String()
		switch k {
		case value.KindString:
			fields = append(fields, runtime.StringField(name, "", runtime.Meta{}))
		case value.KindText:
			fields = append(fields, runtime.TextField(name, "", runtime.Meta{}))
		case value.KindInt:
			fields = append(fields, runtime.IntField(name, 0, runtime.Meta{}))
		case value.KindFloat:
			fields = append(fields, runtime.FloatField(name, 0, runtime.Meta{}))
		case value.KindDecimal:
			fields = append(fields, runtime.DecimalField(name, value.MustDecimal("0"), runtime.Meta{}))
		case value.KindBool:
			fields = append(fields, runtime.BoolField(name, false, runtime.Meta{}))
		case value.KindDuration:
			fields = append(fields, runtime.DurationField(name, 0, runtime.Meta{}))
		case value.KindStringList:
			fields = append(fields, runtime.StringListField(name, nil, runtime.Meta{}))
		case value.KindSecret:
			fields = append(fields, runtime.SecretField(name, runtime.Meta{}))
		case value.KindSelect:
			fields = append(fields, runtime.SelectField(name, theme("light"), []theme{"light", "dark"}, runtime.Meta{}))
		}
	}
	return runtime.NewSchema("door", runtime.NewSection("all", "All", "", fields...))
}()

// TestHostileValuesAtTheFileDoor gives every input of the shared hostile
// table, as text, as a field's value in a file: Parse takes exactly the
// ones every other door takes, with the same canonical text.
func TestHostileValuesAtTheFileDoor(t *testing.T) {
	tried := map[value.Kind]int{}
	defer func() {
		for _, k := range value.Kinds() {
			if tried[k] == 0 {
				t.Errorf("no hostile input of kind %s was tried", k)
			}
		}
	}()
	for kind, inputs := range hostile.Inputs() {
		for _, in := range inputs {
			if in.NoText {
				continue
			}
			tried[kind]++
			doc := "door:\n  all:\n    " + kind.String() + ": " + quoted(in.Text) + "\n"
			file, err := configfile.Parse("f.yaml", []byte(doc), doorSchema, configfile.ParseOptions{})
			if accepted := err == nil && len(file.Values) == 1; accepted != in.OK {
				t.Errorf("%s %s: accepted = %v, want %v (%v)", kind, in.Name, accepted, in.OK, err)
				continue
			}
			if err != nil && len(err.Error()) > 2000 {
				t.Errorf("%s %s: a %d-byte message", kind, in.Name, len(err.Error()))
			}
			if in.OK && in.Typed != nil && file.Values[0].Text != value.Format(kind, in.Typed) {
				t.Errorf("%s %s: read as %.40q, want %.40q", kind, in.Name, file.Values[0].Text, value.Format(kind, in.Typed))
			}
		}
	}
}

// quoted writes s as a double-quoted YAML scalar, escaping what YAML
// cannot hold literally; invalid UTF-8 is written as it is (YAML cannot
// express it, so the file is refused).
func quoted(s string) string {
	if !utf8.ValidString(s) {
		return `"` + s + `"`
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteString(`\` + string(r))
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func TestDjangoSysconfigExportsAreRead(t *testing.T) {
	doc := `{"version": 1, "config": {"shop": {"site": {"title": "From Django", "langs": ["en", "de"]},
		"limits": {"size": 30, "on": true, "price": "12.50", "rate": 0.25, "wait": "2m"}}}}`
	file, err := configfile.Parse("django.json", []byte(doc), testApp, configfile.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range file.Values {
		got[e.Path] = e.Text
	}
	want := map[string]string{"shop.site.title": "From Django", "shop.site.langs": `["en","de"]`,
		"shop.limits.size": "30", "shop.limits.on": "true", "shop.limits.price": "12.50",
		"shop.limits.rate": "0.25", "shop.limits.wait": "2m0s"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("read %v, want %v", got, want)
	}
	if _, err := configfile.Parse("django.json", []byte(`{"version": 2, "config": {"shop": {}}}`), testApp, configfile.ParseOptions{}); err == nil {
		t.Error("a version 2 export was read")
	}
}

func TestPlanAndApply(t *testing.T) {
	ctx := context.Background()
	client := configtest.New(t, testApp)
	configtest.Override(t, client, sizeF, 48)
	configtest.Override(t, client, themeF, "dark")
	configtest.Override(t, client, tokenF, value.NewSecret("old-secret"))
	file, err := configfile.Parse("f.yaml", []byte("shop:\n  site:\n    title: New\n    token: new-secret\n  limits:\n    size: 48\n    wait: 90s\n"), testApp, configfile.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	plan := configfile.Plan(file, all(t, client), true)
	var lines []string
	for _, c := range plan {
		lines = append(lines, fmt.Sprintf("%+v", c))
	}
	want := []string{"set shop.site.title = New", "change shop.site.token [redacted] -> [redacted]",
		"set shop.limits.wait = 1m30s", "reset shop.site.theme (was dark)"}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Fatalf("plan:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}

	// Another write between plan and apply: the apply is refused whole.
	if err := titleF.Set(ctx, client, "Meanwhile"); err != nil {
		t.Fatal(err)
	}
	updates := make([]runtime.Update, len(plan))
	for i, c := range plan {
		updates[i] = c.Update()
	}
	if err := client.SetMany(ctx, updates...); !errors.Is(err, runtime.ErrConflict) {
		t.Fatalf("apply after a concurrent write: %v, want ErrConflict", err)
	}
	if got, _ := waitF.Get(ctx, client); got != time.Second {
		t.Errorf("a refused apply wrote wait = %v", got)
	}

	plan = configfile.Plan(file, all(t, client), true)
	updates = updates[:0]
	for _, c := range plan {
		updates = append(updates, c.Update())
	}
	if err := client.SetMany(ctx, updates...); err != nil {
		t.Fatal(err)
	}
	if again := configfile.Plan(file, all(t, client), true); len(again) != 0 {
		t.Errorf("after apply, the plan is not empty: %v", again)
	}
	if got, _ := tokenF.Get(ctx, client); got.Reveal() != "new-secret" {
		t.Error("the secret was not applied")
	}
}

func TestSealedSecretsReadBackWithTheKeyring(t *testing.T) {
	line, err := keyring.Generate("k1")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := keyring.Parse(line)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := keys.Seal("shop.site.token", "s3cret-canary")
	if err != nil {
		t.Fatal(err)
	}
	client := configtest.New(t, testApp)
	configtest.Override(t, client, tokenF, value.NewSecret("s3cret-canary"))
	var buf bytes.Buffer
	if err := configfile.Write(&buf, testApp, all(t, client), configfile.WriteOptions{
		Sealed: map[string]string{"shop.site.token": sealed}}); err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	if strings.Contains(text, "s3cret-canary") || !strings.Contains(text, "token: !sealed "+sealed) {
		t.Fatalf("a sealed export:\n%s", text)
	}
	file, err := configfile.Parse("f.yaml", []byte(text), testApp, configfile.ParseOptions{Open: keys.Open})
	if err != nil || len(file.Values) != 1 || file.Values[0].Text != "s3cret-canary" {
		t.Fatalf("read back: %v, %v", file.Values, err)
	}
	for name, opts := range map[string]configfile.ParseOptions{
		"no keyring": {},
		"other key":  {Open: func(path, s string) (string, error) { return keys.Open("shop.site.other", s) }},
	} {
		_, err := configfile.Parse("f.yaml", []byte(text), testApp, opts)
		if err == nil || strings.Contains(err.Error(), "s3cret-canary") || strings.Contains(err.Error(), sealed) {
			t.Errorf("%s: %v, want a refusal quoting neither plaintext nor ciphertext", name, err)
		}
	}
	if _, err := configfile.Parse("f.yaml", []byte("shop:\n  site:\n    title: !sealed "+sealed+"\n"), testApp,
		configfile.ParseOptions{Open: keys.Open}); err == nil {
		t.Error("a sealed value was taken for a field that is not a secret")
	}
}

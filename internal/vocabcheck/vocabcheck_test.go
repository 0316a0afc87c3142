//go:build sysconfig_fakevalidator

package vocabcheck

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/go-sysconfig/sysconfig/internal/breaking"
	"github.com/go-sysconfig/sysconfig/internal/docs"
	"github.com/go-sysconfig/sysconfig/internal/emit"
	jsonschemagen "github.com/go-sysconfig/sysconfig/internal/jsonschema"
	"github.com/go-sysconfig/sysconfig/internal/lint"
	"github.com/go-sysconfig/sysconfig/runtime/value"
	"github.com/go-sysconfig/sysconfig/schema"
)

// fake is the name of the fake validator that fake_validator.go adds.
const fake = "fake_max_words"

// schemaWith returns a schema whose site.title (a string) and site.retries
// (an int) declare the validator items given.
func schemaWith(title, retries string) string {
	return "app: shop\nsections:\n  site:\n    description: The site.\n    fields:\n" +
		"      title:\n        type: string\n        description: The title.\n        default: My Shop\n" +
		"        validators: [" + title + "]\n" +
		"      retries:\n        type: int\n        description: How often to retry.\n        default: 2\n" +
		"        validators: [" + retries + "]\n"
}

// load parses a schema that must be valid.
func load(t *testing.T, src string) *schema.Schema {
	t.Helper()
	s, err := schema.Parse("schema.yaml", []byte(src))
	if err != nil {
		t.Fatalf("the loader rejects the fake validator:\n%v", err)
	}
	return s
}

func TestTableHasTheFake(t *testing.T) {
	b, ok := value.LookupBuiltin(fake)
	if !ok || b.GoName() != "FakeMaxWords" {
		t.Fatalf("the fake validator is not in the table; build with -tags sysconfig_fakevalidator")
	}
	if h := value.HintsOf(value.KindInt, []value.Validator{value.FakeMaxWords(4)}); h.Max != int64(4) {
		t.Errorf("HintsOf(FakeMaxWords(4)) = %+v, want Max 4", h)
	}
}

func TestLoader(t *testing.T) {
	s := load(t, schemaWith("{fake_max_words: 3}", "{fake_max_words: 5}"))
	v := s.Fields()[0].Validators[0]
	if v.Name != fake || v.N != 3 || v.Runtime().String() != "fake_max_words(3)" {
		t.Errorf("site.title's validator = %+v, runtime %v", v, v.Runtime())
	}
	for _, c := range []struct{ src, says string }{
		{schemaWith("fake_max_words", ""), `fake_max_words on field site.title needs an argument, as in "- fake_max_words: 5"`},
		{schemaWith("{fake_max_words: -1}", ""), "fake_max_words on field site.title needs a non-negative whole number"},
		{schemaWith("{fake_max_words: 1}", ""), "default of field site.title fails fake_max_words(1): must have at most 1 words"},
		{schemaWith("{fake_max_words: 3}, {fake_max_words: 4}", ""), "validator fake_max_words is already declared"},
		{schemaWith("fake_max_word", ""), `did you mean "fake_max_words"?`},
		{strings.Replace(schemaWith("{fake_max_words: 3}", ""), "type: string", "type: bool", 1) + "",
			"fake_max_words does not apply to bool fields"},
		{schemaWith("", "email"), "validators for int fields are: custom, fake_max_words, non_negative"},
	} {
		_, err := schema.Parse("schema.yaml", []byte(c.src))
		if err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("want the loader to say %q, it said: %v\n%s", c.says, err, c.src)
		}
	}
}

// TestEmitter generates code for a schema using the fake validator and
// vets it, with the tag, in a directory that ./... patterns ignore.
func TestEmitter(t *testing.T) {
	files, err := emit.Generate(load(t, schemaWith("{fake_max_words: 3}", "{fake_max_words: 5}")),
		emit.Options{Package: "fakeconfig"})
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp(".", "_fakegen")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	var all strings.Builder
	for name, data := range files {
		all.Write(data)
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if !strings.Contains(all.String(), "value.FakeMaxWords(3)") {
		t.Errorf("the generated code does not call value.FakeMaxWords(3):\n%s", all.String())
	}
	cmd := exec.Command("go", "vet", "-tags", "sysconfig_fakevalidator", "./"+filepath.Base(dir))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("the generated code does not compile: %v\n%s", err, out)
	}
}

func TestDocs(t *testing.T) {
	md := docs.Markdown(load(t, schemaWith("{fake_max_words: 3}", "")))
	if !bytes.Contains(md, []byte("`fake_max_words(3)`")) {
		t.Errorf("the docs do not show the fake validator:\n%s", md)
	}
}

// TestLint checks that the fake validator, which bounds ints, quiets the
// numeric-bounds rule and is suggested by it.
func TestLint(t *testing.T) {
	bounded := lint.Run(load(t, schemaWith("", "{fake_max_words: 5}")), lint.Config{})
	for _, f := range bounded {
		if f.Rule == "numeric-bounds" {
			t.Errorf("an int bounded by the fake validator is reported: %v", f)
		}
	}
	var hint string
	for _, f := range lint.Run(load(t, schemaWith("", "")), lint.Config{}) {
		if f.Rule == "numeric-bounds" {
			hint = f.Msg
		}
	}
	if !strings.Contains(hint, "fake_max_words: 5") {
		t.Errorf("numeric-bounds does not suggest the fake validator: %q", hint)
	}
}

// TestBreaking checks the fake validator added, and its count narrowed the
// way its table entry says (lowered).
func TestBreaking(t *testing.T) {
	old := load(t, schemaWith("{fake_max_words: 5}", ""))
	changes := breaking.Compare(old, load(t, schemaWith("{fake_max_words: 3}", "{fake_max_words: 5}")))
	want := map[string]string{
		"FAKE_MAX_WORDS_LOWERED": "fake_max_words of site.title lowered from 5 to 3",
		"VALIDATOR_ADDED":        "site.retries gained the validator fake_max_words: 5",
	}
	for _, c := range changes {
		if says, ok := want[c.Rule]; ok && strings.Contains(c.Message, says) {
			delete(want, c.Rule)
		}
	}
	if len(want) > 0 {
		t.Errorf("the breaking-change report lacks %v; it has %+v", want, changes)
	}
	if raised := breaking.Compare(old, load(t, schemaWith("{fake_max_words: 9}", ""))); len(raised) != 0 {
		t.Errorf("a raised fake_max_words is reported: %+v", raised)
	}
}

// TestJSONSchema checks that the generated JSON Schema accepts the fake
// validator where the loader does, and rejects it where the loader does.
func TestJSONSchema(t *testing.T) {
	data, err := jsonschemagen.Generate()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("sysconfig.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("sysconfig.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	good := schemaWith("{fake_max_words: 3}", "{fake_max_words: 5}")
	for src, valid := range map[string]bool{
		good:                             true,
		schemaWith("fake_max_words", ""): false,
		schemaWith("{fake_max_words: 3}, {fake_max_words: 4}", ""): false,
		strings.Replace(good, "type: int", "type: bool", 1):        false,
	} {
		if err := sch.Validate(yamlValue(t, src)); (err == nil) != valid {
			t.Errorf("JSON Schema: want valid %v, got %v\n%s", valid, err, src)
		}
	}
}

// yamlValue decodes a YAML document into the JSON values a JSON Schema
// validates.
func yamlValue(t *testing.T, src string) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal([]byte(src), &v); err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

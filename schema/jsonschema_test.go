package schema_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	jsonschemagen "github.com/go-sysconfig/sysconfig/internal/jsonschema"
	"github.com/go-sysconfig/sysconfig/runtime/value"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/go-sysconfig/sysconfig/schema"
)

// The JSON Schema in sysconfig.schema.json lets editors (the VS Code YAML
// extension, through yaml-language-server) complete and check schema files
// as they are typed. The loader stays the reference: these tests check that
// the JSON Schema accepts every file the loader accepts, and rejects the
// structural mistakes the loader rejects.
//
// Some loader checks need more than the file's shape, and a JSON Schema
// cannot express them, so they are not in the agreement table:
//   - a default parsed as the field's kind (value.Parse), and passing
//     the field's validators;
//   - a select default, or a one_of value of a select field, being one of the
//     field's choices;
//   - range bounds parsed as the field's kind, and min <= max;
//   - min_length <= max_length;
//   - a regex pattern compiling as Go (RE2) syntax;
//   - duplicates the JSON data model cannot see: choices "1" and 1, or a
//     and {value: a}; regex and custom repeated with equal arguments in
//     different forms;
//   - collisions between the generated Go names, and two fields pinned by
//     one environment variable;
//   - what the YAML to JSON conversion loses: duplicate keys, several
//     documents, the text of a number (min_length: 3.0, 0x10 or 1_000 is
//     a whole number in JSON, so only the loader rejects it).
//
// The loader also accepts a few values that the JSON Schema, sensibly,
// does not: "app: true" (the name "true"), a URL scheme written as true,
// and "go_name: True" (the Go name True, a boolean in JSON).

// rootDir is the repository root, relative to this package's directory.
const rootDir = ".."

// jsonSchemaFile is the JSON Schema of schema files, relative to rootDir.
const jsonSchemaFile = "schema/sysconfig.schema.json"

// editorLine is the first line of schema.example.yaml, which points editors
// at the JSON Schema.
const editorLine = "# yaml-language-server: $schema=./" + jsonSchemaFile

// compileJSONSchema compiles sysconfig.schema.json, which also checks it
// against the draft 2020-12 meta-schema.
func compileJSONSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	path, err := filepath.Abs(filepath.Join(rootDir, jsonSchemaFile))
	if err != nil {
		t.Fatal(err)
	}
	sch, err := jsonschema.NewCompiler().Compile(path)
	if err != nil {
		t.Fatalf("compile %s: %v", jsonSchemaFile, err)
	}
	return sch
}

// yamlToJSON decodes a YAML document into the JSON values an editor
// validates: objects keyed by the text of the YAML keys, arrays, strings,
// numbers, booleans and null. Timestamps and other tagged scalars stay
// text, as the loader reads them.
func yamlToJSON(data []byte) (any, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, err
	}
	v, err := jsonValue(&root)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return jsonschema.UnmarshalJSON(bytes.NewReader(b))
}

// jsonValue converts a YAML node to a value encoding/json can marshal.
func jsonValue(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return jsonValue(n.Content[0])
	case yaml.AliasNode:
		return jsonValue(n.Alias)
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, err := jsonValue(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			out[n.Content[i].Value] = v
		}
		return out, nil
	case yaml.SequenceNode:
		out := make([]any, len(n.Content))
		for i, item := range n.Content {
			v, err := jsonValue(item)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	}
	return jsonScalar(n)
}

// jsonScalar converts a YAML scalar: null, booleans and numbers keep their
// type, every other scalar is its text.
func jsonScalar(n *yaml.Node) (any, error) {
	switch n.ShortTag() {
	case "!!null":
		return nil, nil
	case "!!bool", "!!int", "!!float":
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, err
		}
		if f, ok := v.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
			return nil, fmt.Errorf("line %d: %s has no JSON form", n.Line, n.Value)
		}
		return v, nil
	}
	return n.Value, nil
}

// validateYAML checks a YAML document against the JSON Schema. A document
// that is not valid YAML fails the test: the cases are about the schema.
func validateYAML(t *testing.T, sch *jsonschema.Schema, data []byte) error {
	t.Helper()
	v, err := yamlToJSON(data)
	if err != nil {
		t.Fatalf("YAML to JSON: %v\n%s", err, data)
	}
	return sch.Validate(v)
}

// TestJSONSchemaAcceptsValidSchemas validates the example schema and every
// valid golden schema, which the loader accepts, against the JSON Schema.
func TestJSONSchemaAcceptsValidSchemas(t *testing.T) {
	sch := compileJSONSchema(t)
	files := []string{filepath.Join(rootDir, "schema.example.yaml")}
	for _, pattern := range []string{"testdata/schema/valid/*/schema.yaml", "testdata/gen/*/schema.yaml"} {
		matches, err := filepath.Glob(filepath.Join(rootDir, pattern))
		if err != nil {
			t.Fatal(err)
		}
		if len(matches) == 0 {
			t.Fatalf("no files match %s", pattern)
		}
		files = append(files, matches...)
	}
	for _, file := range files {
		t.Run(filepath.ToSlash(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := schema.Parse(file, data); err != nil {
				t.Fatalf("the loader rejects a file meant to be valid:\n%v", err)
			}
			if err := validateYAML(t, sch, data); err != nil {
				t.Errorf("the loader accepts %s, the JSON Schema does not:\n%v", file, err)
			}
		})
	}
}

// doc returns a schema file with one section, site, holding one field, f,
// whose keys are lines (indented under f by doc).
func doc(lines ...string) string {
	var b strings.Builder
	b.WriteString("app: shop\nsections:\n  site:\n    fields:\n      f:\n")
	for _, l := range lines {
		b.WriteString("        " + l + "\n")
	}
	return b.String()
}

// agreementCases are schemas that the loader and the JSON Schema must both
// accept (loaderSays empty) or both reject for a structural reason, with
// part of the loader's message.
var agreementCases = []struct {
	name       string
	yaml       string
	loaderSays string
}{
	// Accepted by both.
	{"minimal", doc("type: string"), ""},
	{"every validator form", doc("type: string", "validators:",
		"  - required", "  - not_blank: null", "  - url", "  - min_length: \"3\"", "  - max_length: 80",
		"  - regex: '^[a-z]+$'", "  - regex: {pattern: '^x', inverse: true}", "  - one_of: [ab, cd]",
		"  - custom: first", "  - custom: second"), ""},
	{"deprecated note", doc("type: string", "deprecated: use site.title instead"), ""},
	{"go_name", doc("type: bool", "go_name: Http2_Enabled9"), ""},
	{"env", doc("type: bool", "env: SHOP_MAINTENANCE_2"), ""},
	{"deprecated true", doc("type: bool", "deprecated: true"), ""},
	{"choices in both forms", doc("type: select", "choices: [light, 2, {value: dark, label: Dark mode}]", "default: light"), ""},
	{"string list defaults", doc("type: string_list", "default: [a, 1, true]"), ""},
	{"labels that are numbers", "app: shop\nsections:\n  site:\n    label: 2024\n    fields:\n      f: {type: int, label: 42, default: 7}\n", ""},
	{"empty validator list", doc("type: bool", "validators: []"), ""},
	{"url schemes", doc("type: string", "validators: [{url: {schemes: [https, git+ssh]}}]"), ""},
	{"range on duration", doc("type: duration", "validators: [{range: {min: 1s}}, positive]"), ""},
	{"choices shared through an alias", "app: shop\nsections:\n  site:\n    fields:\n" +
		"      a: {type: select, choices: &modes [x, y]}\n      b: {type: select, choices: *modes}\n", ""},
	{"names YAML reads as other types", "app: shop\nsections:\n  true:\n    fields:\n      null: {type: int}\n", ""},

	// Rejected by both: the top level and sections.
	{"unknown top-level key", "app: shop\nversion: 1\nsections:\n  site:\n    fields:\n      f: {type: int}\n", `unknown key "version"`},
	{"missing app", "sections:\n  site:\n    fields:\n      f: {type: int}\n", `missing "app"`},
	{"missing sections", "app: shop\n", `missing "sections"`},
	{"sections as a list", "app: shop\nsections:\n  - site:\n      fields:\n        f: {type: int}\n", "sections must be a mapping"},
	{"no sections", "app: shop\nsections: {}\n", "sections is empty"},
	{"app not snake_case", "app: Shop\nsections:\n  site:\n    fields:\n      f: {type: int}\n", "not snake_case"},
	{"section name not snake_case", "app: shop\nsections:\n  Site:\n    fields:\n      f: {type: int}\n", "not snake_case"},
	{"unknown section key", "app: shop\nsections:\n  site:\n    lable: Site\n    fields:\n      f: {type: int}\n", `unknown key "lable"`},
	{"section without fields", "app: shop\nsections:\n  site:\n    label: Site\n", `missing "fields"`},
	{"fields as a list", "app: shop\nsections:\n  site:\n    fields:\n      - f: {type: int}\n", "must be a mapping"},
	{"empty section label", "app: shop\nsections:\n  site:\n    label: \" \"\n    fields:\n      f: {type: int}\n", "is empty"},

	// Fields.
	{"field name not snake_case", "app: shop\nsections:\n  site:\n    fields:\n      max-items: {type: int}\n", "not snake_case"},
	{"empty field", "app: shop\nsections:\n  site:\n    fields:\n      f:\n", "is empty"},
	{"field as its type", "app: shop\nsections:\n  site:\n    fields:\n      f: string\n", "must be a mapping"},
	{"merge key", "app: shop\nsections:\n  site:\n    fields:\n      a: &base {type: int}\n      b:\n        <<: *base\n", "merge keys"},
	{"unknown field key", doc("type: string", "lable: Title"), `unknown key "lable"`},
	{"missing type", doc("label: Title"), `missing "type"`},
	{"unknown type", doc("type: integer"), `unknown type "integer"`},
	{"type as a list", doc("type: [string]"), "type of field site.f must be one of"},
	{"empty description", doc("type: string", `description: ""`), "is empty"},
	{"deprecated false", doc("type: string", "deprecated: false"), "deprecated of field site.f must be"},
	{"deprecated 0", doc("type: string", "deprecated: 0"), "deprecated of field site.f must be"},
	{"deprecated empty", doc("type: string", "deprecated:"), "deprecated of field site.f must be"},
	{"go_name not an identifier", doc("type: bool", "go_name: HTTP-2"), "is not a Go identifier"},
	{"go_name not ASCII", doc("type: bool", "go_name: Été"), "is not a Go identifier"},
	{"go_name unexported", doc("type: bool", "go_name: http2Enabled"), "is not exported"},
	{"go_name empty", doc("type: bool", `go_name: ""`), "is not a Go identifier"},
	{"go_name as a list", doc("type: bool", "go_name: [A]"), "go_name of field site.f must be a Go identifier"},
	{"env lower case", doc("type: bool", "env: shop_flag"), "is not a usable environment variable name"},
	{"env starting with a digit", doc("type: bool", "env: 2FA"), "is not a usable environment variable name"},
	{"env as a list", doc("type: bool", "env: [A]"), "env of field site.f must be an environment variable name"},
	{"env as a number", doc("type: bool", "env: 12"), "env of field site.f must be an environment variable name"},

	// Defaults.
	{"secret with a default", doc("type: secret", "default: hunter2"), "cannot have a default"},
	{"null default", doc("type: string", "default: null"), "default of field site.f is empty"},
	{"list default of a string", doc("type: string", "default: [a, b]"), "must be a single string value"},
	{"mapping default", doc("type: string_list", "default: {a: b}"), "must be a single string_list value"},
	{"string list default with a list item", doc("type: string_list", "default: [[a]]"), "must be strings"},

	// Choices.
	{"select without choices", doc("type: select"), "needs choices"},
	{"choices on a string", doc("type: string", "choices: [a, b]"), "only allowed on select fields"},
	{"no choices", doc("type: select", "choices: []"), "is empty"},
	{"choices as a mapping", doc("type: select", "choices: {a: A}"), "must be a list"},
	{"empty choice", doc("type: select", `choices: [a, ""]`), "is empty"},
	{"choice without a value", doc("type: select", "choices: [{label: A}]"), `missing "value"`},
	{"unknown choice key", doc("type: select", "choices: [{value: a, title: A}]"), `unknown key "title"`},
	{"duplicate choice", doc("type: select", "choices: [a, a]"), "duplicate choice"},

	// Validators.
	{"validators as a mapping", doc("type: string", "validators: {required: true}"), "must be a list"},
	{"validator item with two keys", doc("type: string", "validators: [{min_length: 1, max_length: 5}]"), "has several keys"},
	{"empty validator mapping", doc("type: string", "validators: [{}]"), "must be a name or a one-key mapping"},
	{"unknown validator", doc("type: string", "validators: [emial]"), `unknown validator "emial"`},
	{"unknown validator with argument", doc("type: string", "validators: [{max: 3}]"), `unknown validator "max"`},
	{"validator that does not apply", doc("type: int", "validators: [email]"), "does not apply to int fields"},
	{"one_of on a secret", doc("type: secret", "validators: [{one_of: [a]}]"), "does not apply to secret fields"},
	{"validator twice", doc("type: string", "validators: [required, {required: null}]"), "already declared"},
	{"argument to required", doc("type: string", "validators: [{required: true}]"), "takes no argument"},
	{"min_length without argument", doc("type: string", "validators: [min_length]"), "needs an argument"},
	{"min_length negative", doc("type: string", "validators: [{min_length: -1}]"), "non-negative whole number"},
	{"max_length fraction", doc("type: string", "validators: [{max_length: 2.5}]"), "non-negative whole number"},
	{"max_length as a word", doc("type: string", "validators: [{max_length: ten}]"), "non-negative whole number"},
	{"regex as a list", doc("type: string", "validators: [{regex: [a]}]"), "needs a pattern or"},
	{"regex mapping without pattern", doc("type: string", "validators: [{regex: {inverse: true}}]"), `missing "pattern"`},
	{"regex inverse not a bool", doc("type: string", `validators: [{regex: {pattern: x, inverse: "yes"}}]`), "must be true or false"},
	{"regex unknown option", doc("type: string", "validators: [{regex: {pattern: x, invert: true}}]"), `unknown key "invert"`},
	{"range as a string", doc("type: int", `validators: [{range: "1..5"}]`), "must be a mapping"},
	{"range without bounds", doc("type: int", "validators: [{range: {}}]"), "needs min, max or both"},
	{"range unknown bound", doc("type: int", "validators: [{range: {minimum: 1}}]"), `unknown key "minimum"`},
	{"range bound as a list", doc("type: int", "validators: [{range: {min: [1]}}]"), "must be a single int value"},
	{"url schemes not a mapping", doc("type: string", "validators: [{url: [https]}]"), "must be a mapping"},
	{"url without schemes", doc("type: string", "validators: [{url: {schemes: []}}]"), "is empty"},
	{"url upper-case scheme", doc("type: string", "validators: [{url: {schemes: [HTTPS]}}]"), "lower-case scheme"},
	{"one_of empty", doc("type: string", "validators: [{one_of: []}]"), "is empty"},
	{"one_of as a string", doc("type: string", "validators: [{one_of: a}]"), "must be a list"},
	{"custom name with a space", doc("type: string", `validators: [{custom: "my check"}]`), "custom on field site.f needs"},
	{"custom without a name", doc("type: string", "validators: [custom]"), "needs an argument"},
}

// TestJSONSchemaAgreesWithLoader checks each agreement case against both
// the loader and the JSON Schema.
func TestJSONSchemaAgreesWithLoader(t *testing.T) {
	sch := compileJSONSchema(t)
	for _, c := range agreementCases {
		t.Run(c.name, func(t *testing.T) {
			_, loadErr := schema.Parse("case.yaml", []byte(c.yaml))
			jsonErr := validateYAML(t, sch, []byte(c.yaml))
			if c.loaderSays == "" {
				if loadErr != nil || jsonErr != nil {
					t.Errorf("want both to accept:\n%s\nloader: %v\nJSON Schema: %v", c.yaml, loadErr, jsonErr)
				}
				return
			}
			if loadErr == nil || !strings.Contains(loadErr.Error(), c.loaderSays) {
				t.Errorf("want the loader to say %q:\n%s\nit said: %v", c.loaderSays, c.yaml, loadErr)
			}
			t.Logf("JSON Schema: %v", jsonErr)
			if jsonErr == nil {
				t.Errorf("the loader rejects this, the JSON Schema accepts it:\n%s\nloader: %v", c.yaml, loadErr)
			}
		})
	}
}

// validatorItem returns a list item declaring validator name on a field of
// kind k, with an argument the loader accepts when name applies to k.
func validatorItem(name string, k value.Kind) string {
	numeric := k == value.KindInt || k == value.KindFloat || k == value.KindDecimal
	switch {
	case name == "min_length":
		return "{min_length: 1}"
	case name == "max_length":
		return "{max_length: 5}"
	case name == "regex":
		return `{regex: "^a"}`
	case name == "custom":
		return "{custom: check}"
	case name == "range" && k == value.KindDuration:
		return "{range: {min: 1s, max: 9s}}"
	case name == "range":
		return "{range: {min: 1, max: 9}}"
	case name == "one_of" && numeric:
		return "{one_of: [1, 2]}"
	case name == "one_of" && k == value.KindDuration:
		return "{one_of: [1s]}"
	case name == "one_of":
		return "{one_of: [a]}"
	}
	return name
}

// fieldWith returns a schema with one field of kind k whose validators are
// items.
func fieldWith(k value.Kind, items ...string) string {
	lines := []string{"type: " + k.String(), "validators: [" + strings.Join(items, ", ") + "]"}
	if k == value.KindSelect {
		lines = append(lines, "choices: [a, b]")
	}
	return doc(lines...)
}

// TestJSONSchemaValidatorMatrix declares every validator on every kind and
// checks that the loader and the JSON Schema accept exactly the pairs
// value.Builtin.Kinds allows, so that the JSON Schema's lists of kinds
// and validators cannot drift from the runtime's. It also checks that both
// agree on which validators may be written without an argument.
func TestJSONSchemaValidatorMatrix(t *testing.T) {
	sch := compileJSONSchema(t)
	for _, b := range value.Builtins() {
		name := b.Name
		var applicable value.Kind
		for _, k := range value.Kinds() {
			want := b.Kinds.Has(k)
			if want && applicable == 0 {
				applicable = k
			}
			src := fieldWith(k, validatorItem(name, k))
			_, loadErr := schema.Parse("case.yaml", []byte(src))
			jsonErr := validateYAML(t, sch, []byte(src))
			if (loadErr == nil) != want || (jsonErr == nil) != want {
				t.Errorf("%s on %s: applies %v, loader error %v, JSON Schema error %v", name, k, want, loadErr, jsonErr)
			}
		}
		for _, item := range []string{name, "{" + name + ": null}"} {
			src := fieldWith(applicable, item)
			_, loadErr := schema.Parse("case.yaml", []byte(src))
			jsonErr := validateYAML(t, sch, []byte(src))
			if (loadErr == nil) != (jsonErr == nil) {
				t.Errorf("%s on %s: loader error %v, JSON Schema error %v", item, applicable, loadErr, jsonErr)
			}
		}
	}
}

// TestJSONSchemaIsGenerated fails when sysconfig.schema.json is not what
// its template and the validator table generate: run "go generate
// ./schema" after changing either.
func TestJSONSchemaIsGenerated(t *testing.T) {
	want, err := jsonschemagen.Generate()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(rootDir, jsonSchemaFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale; run \"go generate ./schema\"", jsonSchemaFile)
	}
}

// TestJSONSchemaDescriptions checks that every property the JSON Schema
// declares has a description, which editors show on hover and completion.
func TestJSONSchemaDescriptions(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(rootDir, jsonSchemaFile))
	if err != nil {
		t.Fatal(err)
	}
	var root any
	if err := json.Unmarshal(data, &root); err != nil {
		t.Fatal(err)
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		obj, ok := v.(map[string]any)
		if !ok {
			if list, ok := v.([]any); ok {
				for i, e := range list {
					walk(fmt.Sprintf("%s/%d", path, i), e)
				}
			}
			return
		}
		for key, e := range obj {
			switch key {
			case "if", "then", "else":
				continue // conditions restate properties declared elsewhere
			case "properties":
				for name, p := range e.(map[string]any) {
					if p, ok := p.(map[string]any); ok && p["description"] == nil {
						t.Errorf("%s/properties/%s has no description", path, name)
					}
				}
			}
			walk(path+"/"+key, e)
		}
	}
	walk("#", root)
}

// TestJSONSchemaEditorLine checks that schema.example.yaml points editors at
// the JSON Schema on its first line, and that the path resolves.
func TestJSONSchemaEditorLine(t *testing.T) {
	example := filepath.Join(rootDir, "schema.example.yaml")
	data, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(data), "\n")
	if first != editorLine {
		t.Fatalf("first line of schema.example.yaml:\n got %q\nwant %q", first, editorLine)
	}
	target := strings.TrimPrefix(first, "# yaml-language-server: $schema=")
	if _, err := os.Stat(filepath.Join(filepath.Dir(example), filepath.FromSlash(target))); err != nil {
		t.Fatalf("the schema.example.yaml editor line points at a missing file: %v", err)
	}
}

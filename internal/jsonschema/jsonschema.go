// Package jsonschema writes schema/sysconfig.schema.json, the JSON Schema
// that lets editors complete and check sysconfig schema files. Its
// structure is the template schema.json.tmpl; the parts about validators
// (their names, arguments, kinds and which may repeat) come from the table
// of package value, [value.Builtins], so that a new validator reaches
// editors with no edit here. go generate in package schema runs [Generate];
// a test there fails when the committed file is stale.
package jsonschema

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"text/template"

	"github.com/go-sysconfig/sysconfig/runtime/value"
)

//go:embed schema.json.tmpl
var templateText string

var tmpl = template.Must(template.New("schema.json").Parse(templateText))

// Generate returns the JSON Schema of schema files.
func Generate() ([]byte, error) {
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, parts()); err != nil {
		return nil, err
	}
	if !json.Valid(buf.Bytes()) {
		return nil, fmt.Errorf("jsonschema: the template does not render valid JSON")
	}
	return buf.Bytes(), nil
}

// fragments are the pieces of JSON that the template places.
type fragments struct {
	KindEnum       string // the kinds, for a field's type
	ValidatorsDoc  string // the description of a field's validators
	Once           string // a maxContains per validator that may not repeat
	KindConditions string // the validators allowed on each group of kinds
	NameDoc        string // the description of validatorName
	NameEnum       string // the validators that may be written without an argument
	Arguments      string // the argument of each validator
	Named          string // a schema matching each validator that may not repeat by name
	For            string // the names allowed on each group of kinds
}

// parts builds the fragments from the validator table.
func parts() fragments {
	groups := kindGroups()
	return fragments{
		KindEnum:       compact(kindNames(value.Kinds())),
		ValidatorsDoc:  compact(validatorsDoc()),
		Once:           lines(12, once()),
		KindConditions: lines(8, kindConditions(groups)),
		NameDoc:        compact(nameDoc()),
		NameEnum:       compact(names(func(b *value.Builtin) bool { return !b.Arg.Needed() })),
		Arguments:      lines(8, arguments()),
		Named:          lines(8, named()),
		For:            lines(8, allowed(groups)),
	}
}

// compact writes v as JSON on one line, without escaping <, > and &.
func compact(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err) // only maps, slices, strings and bools are encoded
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

// lines indents items and joins them as the elements of a JSON array or
// object.
func lines(indent int, items []string) string {
	pad := strings.Repeat(" ", indent)
	return pad + strings.Join(items, ",\n"+pad)
}

// names lists the names of the validators that keep holds for.
func names(keep func(*value.Builtin) bool) []string {
	var out []string
	for _, b := range value.Builtins() {
		if keep(b) {
			out = append(out, b.Name)
		}
	}
	return out
}

// kindNames lists the names of kinds.
func kindNames(ks []value.Kind) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = k.String()
	}
	return out
}

// orList joins words as "a", "a or b", "a, b or c".
func orList(words []string) string { return joinLast(words, " or ") }

// andList joins words as "a", "a and b", "a, b and c".
func andList(words []string) string { return joinLast(words, " and ") }

// joinLast joins words with commas, and the last two with last.
func joinLast(words []string, last string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + last + words[len(words)-1]
}

func repeats(b *value.Builtin) bool { return b.Repeats }

// validatorsDoc describes a field's validators property.
func validatorsDoc() string {
	return "Checks that every value must pass, for defaults and for what operators set. Each item is a " +
		`validator's name ("- required") or a mapping from its name to its argument ("- min_length: 3"). ` +
		"A validator may appear once, except " + andList(names(repeats)) +
		", which may repeat with different arguments."
}

// once allows each validator that may not repeat once in a list.
func once() []string {
	var out []string
	for _, name := range names(func(b *value.Builtin) bool { return !b.Repeats }) {
		out = append(out, compact(map[string]any{
			"contains": ref("validatorNamed/$defs/" + name), "minContains": 0, "maxContains": 1,
		}))
	}
	return out
}

// ref is a reference to a definition of the schema.
func ref(def string) map[string]any { return map[string]any{"$ref": "#/$defs/" + def} }

// named matches a list item of each validator that may not repeat, in
// either form.
func named() []string {
	var out []string
	for _, name := range names(func(b *value.Builtin) bool { return !b.Repeats }) {
		either := []any{map[string]any{"const": name}, map[string]any{"type": "object", "required": []string{name}}}
		out = append(out, fmt.Sprintf("%q: %s", name, compact(map[string]any{"anyOf": either})))
	}
	return out
}

// nameDoc describes the validators written without an argument.
func nameDoc() string {
	var parts []string
	for _, b := range value.Builtins() {
		if !b.Arg.Needed() {
			parts = append(parts, b.Name+" ("+strings.TrimSuffix(b.Doc, ".")+")")
		}
	}
	return "A validator written without an argument: " + strings.Join(parts, "; ") + "."
}

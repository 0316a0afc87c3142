package schema

import (
	"fmt"

	"github.com/go-sysconfig/sysconfig/runtime/value"
)

// Pos is a position in a schema file. Line and Col start at 1.
type Pos struct {
	File string
	Line int
	Col  int
}

// String formats the position as file:line:col.
func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

// Schema is a loaded, checked schema file.
type Schema struct {
	File     string
	App      string
	Sections []*Section
}

// Fields returns every field of every section in declaration order.
func (s *Schema) Fields() []*Field {
	var all []*Field
	for _, sec := range s.Sections {
		all = append(all, sec.Fields...)
	}
	return all
}

// Section is a named group of fields.
type Section struct {
	Name        string // snake_case, the second path segment
	Label       string
	Description string
	Fields      []*Field
	Pos         Pos
}

// Field is one typed, validated setting.
type Field struct {
	Section     *Section
	Name        string // snake_case, the last path segment
	Path        string // app.section.field
	Kind        value.Kind
	Label       string
	Description string
	Deprecated  string // empty unless deprecated; the text says what to use instead
	// ExplicitGoName is the field's go_name: the Go name of its getter, from
	// which its other declarations are named (see Field.GoName). It is empty
	// when the schema gives none and the name is derived from Name.
	ExplicitGoName string
	// Env is the field's env: the environment variable that pins it in a
	// process that reads pins (runtime's Options.Env). Empty when the
	// schema gives none: the variable is then value.EnvVar(Path) (see
	// Field.EnvVar).
	Env string
	// Default is the default in value.Parse's form (string, int64,
	// float64, decimal.Decimal, bool, time.Duration, []string,
	// value.Secret). When the schema gives none it is the kind's zero value
	// (see ZeroValue), or the first choice of a select field; secrets never
	// have one.
	Default any
	// HasDefault reports whether the schema gives a default.
	HasDefault bool
	Choices    []Choice // select fields only
	Validators []Validator
	Pos        Pos
}

// EnvVar returns the environment variable that pins the field: its env, or
// the one derived from its path.
func (f *Field) EnvVar() string {
	if f.Env != "" {
		return f.Env
	}
	return value.EnvVar(f.Path)
}

// ChoiceLabels returns the labels of the field's choices that say more
// than their values, by value, or nil when none does.
func (f *Field) ChoiceLabels() map[string]string {
	var labels map[string]string
	for _, c := range f.Choices {
		if c.Label != "" && c.Label != c.Value {
			if labels == nil {
				labels = map[string]string{}
			}
			labels[c.Value] = c.Label
		}
	}
	return labels
}

// Choice is one allowed value of a select field.
type Choice struct {
	Value string
	Label string // defaults to Value
	Pos   Pos
}

// Validator is one validator declared on a field, with its arguments.
type Validator struct {
	Name string // schema-file name: "min_length", "regex", "range", ...
	// Args are its arguments: only those its shape (value.Builtin.Arg) uses
	// are set; range bounds and one_of values are in the field's value.Parse
	// form.
	value.Args
	Pos Pos
}

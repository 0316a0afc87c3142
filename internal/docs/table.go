package docs

import (
	"strings"

	"github.com/go-sysconfig/sysconfig/runtime/value"

	"github.com/go-sysconfig/sysconfig/schema"
)

// none fills a cell that has nothing to show.
const none = "—"

// tableHead is the header and delimiter rows of a section's table.
const tableHead = "| Field | Type | Default | Validators | Description |\n| --- | --- | --- | --- | --- |"

// table returns the table of a section's fields.
func table(fields []*schema.Field) string {
	rows := []string{tableHead}
	for _, f := range fields {
		rows = append(rows, row(f))
	}
	return strings.Join(rows, "\n")
}

// row returns the table row of one field.
//
//	| `shop.site.title`<br>Site title | string | `My Shop` | `required` | Shown in the tab. |
func row(f *schema.Field) string {
	cells := []string{
		code(f.Path) + "<br>" + text(f.Label),
		typeCell(f),
		defaultCell(f),
		validatorsCell(f.Validators),
		descriptionCell(f),
	}
	for i, c := range cells {
		cells[i] = cell(c)
	}
	return "| " + strings.Join(cells, " | ") + " |"
}

// typeCell shows the kind: a select with its choices, a secret in bold.
func typeCell(f *schema.Field) string {
	switch f.Kind {
	case value.KindSecret:
		return "**secret**"
	case value.KindSelect:
		return "select: " + choices(f.Choices)
	}
	return f.Kind.String()
}

// choices lists choice values in code spans, each followed by its label
// when that differs: "`light` (Light), `EUR`".
func choices(cs []schema.Choice) string {
	items := make([]string, len(cs))
	for i, c := range cs {
		items[i] = code(c.Value)
		if c.Label != c.Value {
			items[i] += " (" + text(c.Label) + ")"
		}
	}
	return strings.Join(items, ", ")
}

// defaultCell shows the default's canonical text in a code span.
func defaultCell(f *schema.Field) string {
	if f.Kind == value.KindSecret {
		return none
	}
	if v := value.Format(f.Kind, f.Default); v != "" {
		return code(v)
	}
	return "*empty*"
}

// validatorsCell lists the validators as their runtime String forms:
// "`required`, `min_length(3)`".
func validatorsCell(vs []schema.Validator) string {
	if len(vs) == 0 {
		return none
	}
	items := make([]string, len(vs))
	for i, v := range vs {
		items[i] = code(v.Runtime().String())
	}
	return strings.Join(items, ", ")
}

// descriptionCell shows the deprecation note, then the description.
func descriptionCell(f *schema.Field) string {
	var parts []string
	switch f.Deprecated {
	case "":
	case schema.DeprecatedNoNote:
		parts = append(parts, "**Deprecated.**")
	default:
		parts = append(parts, "**Deprecated:** "+text(sentence(f.Deprecated)))
	}
	if f.Description != "" {
		parts = append(parts, text(f.Description))
	}
	if f.Env != "" {
		parts = append(parts, "Pinned by "+code(f.Env)+".")
	}
	if len(parts) == 0 {
		return none
	}
	return strings.Join(parts, "<br>")
}

// sentence ends a note with a full stop unless it ends with punctuation,
// as the "Deprecated:" paragraphs of generated code do.
func sentence(note string) string {
	if strings.ContainsAny(note[len(note)-1:], ".!?:") {
		return note
	}
	return note + "."
}

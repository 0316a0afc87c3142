package schema

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// sectionKeys are the keys of a section.
var sectionKeys = []string{"label", "description", "fields"}

// sectionsHint explains the shape of the sections mapping.
const sectionsHint = `; write each section as "name:" followed by its keys, indented, without a leading "- "`

// sections reads the mapping from section name to section.
func (l *loader) sections(n *yaml.Node) []*Section {
	if isNull(n) {
		l.errorf(n, "sections is empty; declare at least one section")
		return nil
	}
	if !l.isMapping(n, "sections", sectionsHint) {
		return nil
	}
	entries := l.entries(n, "sections")
	if len(n.Content) == 0 {
		l.errorf(n, "sections is empty; declare at least one section")
	}
	var out []*Section
	for _, p := range entries {
		out = append(out, l.section(p))
	}
	return out
}

// section reads one section.
func (l *loader) section(p pair) *Section {
	s := &Section{Name: p.name(), Pos: l.pos(p.key)}
	s.Label = titleLabel(s.Name)
	l.checkName(p.key, "section")
	what := fmt.Sprintf("section %s", s.Name)
	if isNull(p.val) {
		l.errorf(p.key, "%s is empty; add a \"fields:\" mapping", what)
		return s
	}
	if !l.isMapping(p.val, what, "") {
		return s
	}
	keys := l.object(p.val, what, sectionKeys...)
	l.sectionText(s, keys, what)
	if f, ok := l.requiredAt(p.key, p.val, keys, "fields", what, "; add a \"fields:\" mapping"); ok {
		s.Fields = l.fields(s, f.val)
	}
	return s
}

// sectionText reads a section's label and description.
func (l *loader) sectionText(s *Section, keys map[string]pair, what string) {
	if p, ok := keys["label"]; ok {
		if t, ok := l.text(p, "label of "+what); ok {
			s.Label = t
		}
	}
	if p, ok := keys["description"]; ok {
		s.Description, _ = l.text(p, "description of "+what)
	}
}

// checkName reports a section or field name that is not snake_case.
func (l *loader) checkName(key *yaml.Node, what string) {
	if !isSnake(key.Value) {
		l.errorf(key, "%s name %q is not snake_case; %s", what, key.Value, snakeHint(key.Value))
	}
}

// fieldsHint explains the shape of the fields mapping.
const fieldsHint = `; write each field as "name:" followed by its keys, indented, without a leading "- "`

// fields reads a section's mapping from field name to field.
func (l *loader) fields(s *Section, n *yaml.Node) []*Field {
	what := "fields of section " + s.Name
	if isNull(n) {
		l.errorf(n, "%s is empty; declare at least one field", what)
		return nil
	}
	if !l.isMapping(n, what, fieldsHint) {
		return nil
	}
	entries := l.entries(n, what)
	if len(n.Content) == 0 {
		l.errorf(n, "%s is empty; declare at least one field", what)
	}
	var out []*Field
	for _, p := range entries {
		out = append(out, l.field(s, p))
	}
	return out
}

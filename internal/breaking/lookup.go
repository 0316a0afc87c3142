package breaking

import (
	"fmt"
	"slices"

	"github.com/go-sysconfig/sysconfig/schema"
)

// findSection returns the section of s named name, or nil.
func findSection(s *schema.Schema, name string) *schema.Section {
	for _, sec := range s.Sections {
		if sec.Name == name {
			return sec
		}
	}
	return nil
}

// findField returns the field of sec named name, or nil.
func findField(sec *schema.Section, name string) *schema.Field {
	for _, f := range sec.Fields {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// counterpart returns the field of s with f's section and name, or nil.
func counterpart(s *schema.Schema, f *schema.Field) *schema.Field {
	if sec := findSection(s, f.Section.Name); sec != nil {
		return findField(sec, f.Name)
	}
	return nil
}

// hasChoice reports whether select field f offers value.
func hasChoice(f *schema.Field, value string) bool {
	return slices.ContainsFunc(f.Choices, func(c schema.Choice) bool { return c.Value == value })
}

// notDeprecated returns the names of the fields that are not deprecated.
func notDeprecated(fields []*schema.Field) []string {
	var names []string
	for _, f := range fields {
		if f.Deprecated == "" {
			names = append(names, f.Name)
		}
	}
	return names
}

// name names a field in messages by its section and name, without the app,
// which may itself have changed: "site.title".
func name(f *schema.Field) string { return f.Section.Name + "." + f.Name }

// accessors names the generated declarations of a field for messages:
// "SiteSection.Title (and SetTitle, ResetTitle, SiteTitleField)".
func accessors(f *schema.Field) string {
	return fmt.Sprintf("%s.%s (and %s, %s, %s)", f.Section.TypeName(), f.GoName(), f.Setter(), f.Resetter(), f.VarName())
}

// deprecationNote quotes a field's deprecation note, if it has one.
func deprecationNote(f *schema.Field) string {
	if f.Deprecated == schema.DeprecatedNoNote {
		return ""
	}
	return fmt.Sprintf(" (%q)", f.Deprecated)
}

// fieldRenameHint returns a sentence for the message of a removed field
// when exactly one field that new adds looks like its new name: of the
// same kind, and with the same name (moved to another section), label or
// description.
func (c *comparer) fieldRenameHint(of *schema.Field) string {
	var found []*schema.Field
	for _, nf := range c.new.Fields() {
		if counterpart(c.old, nf) == nil && nf.Kind == of.Kind && alike(of, nf) {
			found = append(found, nf)
		}
	}
	if len(found) != 1 {
		return ""
	}
	return fmt.Sprintf(". If it was renamed to %s, note that stored overrides stay under the old path: "+
		"add %s beside it, deprecate %s, copy the values over, and remove it in a later release", name(found[0]), name(found[0]), name(of))
}

// alike reports whether two fields look like one field renamed or moved.
func alike(a, b *schema.Field) bool {
	return a.Name == b.Name || a.Label == b.Label || (a.Description != "" && a.Description == b.Description)
}

// sectionRenameHint returns a sentence for the message of a removed
// section when exactly one section that new adds has the same field names.
func (c *comparer) sectionRenameHint(os *schema.Section) string {
	var found []*schema.Section
	for _, ns := range c.new.Sections {
		if findSection(c.old, ns.Name) == nil && slices.Equal(fieldNames(os), fieldNames(ns)) {
			found = append(found, ns)
		}
	}
	if len(found) != 1 {
		return ""
	}
	return fmt.Sprintf(". If it was renamed to %s, note that stored overrides stay under the old paths: "+
		"add %s beside it, deprecate the fields of %s, copy the values over, and remove it in a later release",
		found[0].Name, found[0].Name, os.Name)
}

// fieldNames returns the sorted names of a section's fields.
func fieldNames(s *schema.Section) []string {
	names := make([]string, len(s.Fields))
	for i, f := range s.Fields {
		names[i] = f.Name
	}
	slices.Sort(names)
	return names
}

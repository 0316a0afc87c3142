package breaking

import (
	"fmt"
	"strings"

	"github.com/go-sysconfig/sysconfig/runtime/value"

	"github.com/shopspring/decimal"

	"github.com/go-sysconfig/sysconfig/schema"
)

// Compare reports the changes from old to new that break generated code
// (Accessor) or stored values (Data), and those worth a Warning, sorted by
// position: first those in new's file, then those in old's (declarations
// that were removed). Labels, descriptions, comments and the order of
// sections and fields are never reported. Both schemas must come from
// schema.Load or schema.Parse without errors.
func Compare(old, new *schema.Schema) []Change {
	c := &comparer{old: old, new: new}
	c.app()
	for _, os := range old.Sections {
		c.section(os)
	}
	sortChanges(c.changes, new.File)
	return c.changes
}

// comparer collects the changes of one Compare.
type comparer struct {
	old, new *schema.Schema
	changes  []Change
}

// add records a change.
func (c *comparer) add(cat Category, rule string, pos schema.Pos, format string, args ...any) {
	c.changes = append(c.changes, Change{Category: cat, Rule: rule, Pos: pos, Message: fmt.Sprintf(format, args...)})
}

// app reports a renamed app: every path moves, so no stored override is
// found any more.
func (c *comparer) app() {
	if c.old.App == c.new.App {
		return
	}
	rest := "section.field"
	if fields := c.new.Fields(); len(fields) > 0 {
		rest = fields[0].Section.Name + "." + fields[0].Name
	}
	c.add(Data, "APP_RENAMED", schema.Pos{File: c.new.File},
		"app renamed from %s to %s: every path changes (%s.%s becomes %s.%s), "+
			"so every stored override is left under the old paths and every field reads its default; keep the old app name",
		c.old.App, c.new.App, c.old.App, rest, c.new.App, rest)
}

// section compares a section of the old schema with the new one.
func (c *comparer) section(os *schema.Section) {
	ns := findSection(c.new, os.Name)
	if ns == nil {
		c.sectionRemoved(os)
		return
	}
	for _, of := range os.Fields {
		if nf := findField(ns, of.Name); nf != nil {
			c.field(of, nf)
		} else {
			c.fieldRemoved(of)
		}
	}
}

// field compares a field present in both schemas.
func (c *comparer) field(of, nf *schema.Field) {
	c.goName(of, nf)
	c.kind(of, nf)
	c.choices(of, nf)
	c.validators(of, nf)
	c.defaultValue(of, nf)
	c.envVar(of, nf)
}

// envVar warns about a field whose pinning environment variable changed
// (its env was added, changed or removed): a deployment that sets the old
// one stops pinning the field, silently, once this is deployed. A renamed
// app changes every derived variable with the paths; APP_RENAMED covers it.
func (c *comparer) envVar(of, nf *schema.Field) {
	if of.EnvVar() != nf.EnvVar() && of.Path == nf.Path {
		c.add(Warning, "ENV_VAR_CHANGED", nf.Pos,
			"the environment variable that pins %s changes from %s to %s: a deployment that sets %s stops pinning it; "+
				"rename the variable where it is set, or keep it with \"env: %s\"", name(nf), of.EnvVar(), nf.EnvVar(), of.EnvVar(), of.EnvVar())
	}
}

// goName reports a field whose Go name changed because its go_name was
// added, changed or removed: each of its accessors is renamed.
func (c *comparer) goName(of, nf *schema.Field) {
	if of.GoName() == nf.GoName() {
		return
	}
	enum := ""
	if of.EnumType() != "" && nf.EnumType() != "" {
		enum = fmt.Sprintf(", nor does code using the enum type %s and its constants", of.EnumType())
	}
	c.add(Accessor, "FIELD_GO_NAME_CHANGED", nf.Pos, "the Go name of field %s changed from %s to %s: code using %s "+
		"no longer compiles%s; keep the old names with \"go_name: %s\"", name(nf), of.GoName(), nf.GoName(), accessors(of), enum, of.GoName())
}

// sectionRemoved reports a removed section, as one change: its type and
// every accessor are gone.
func (c *comparer) sectionRemoved(os *schema.Section) {
	live := notDeprecated(os.Fields)
	if len(live) == 0 {
		c.add(Accessor, "SECTION_REMOVED", os.Pos,
			"section %s was removed; its fields were all deprecated, but code still using %s no longer compiles%s",
			os.Name, os.TypeName(), c.sectionRenameHint(os))
		return
	}
	c.add(Accessor, "SECTION_REMOVED_WITHOUT_DEPRECATION", os.Pos,
		"section %s was removed without deprecating its fields first (not deprecated: %s): code using %s breaks without warning; "+
			"restore it with \"deprecated: <what to use instead>\" on each field, and remove it in a later release%s",
		os.Name, strings.Join(live, ", "), os.TypeName(), c.sectionRenameHint(os))
}

// fieldRemoved reports a removed field, asking for deprecation first when
// it was not deprecated.
func (c *comparer) fieldRemoved(of *schema.Field) {
	if of.Deprecated != "" {
		c.add(Accessor, "FIELD_REMOVED", of.Pos,
			"field %s was removed; it was deprecated%s, but code still using %s no longer compiles%s",
			name(of), deprecationNote(of), accessors(of), c.fieldRenameHint(of))
		return
	}
	c.add(Accessor, "FIELD_REMOVED_WITHOUT_DEPRECATION", of.Pos,
		"field %s was removed without being deprecated first: code using %s breaks without warning; "+
			"restore it with \"deprecated: <what to use instead>\", and remove it in a later release%s",
		name(of), accessors(of), c.fieldRenameHint(of))
}

// choices reports the choices a select field lost: their constants are gone
// and overrides holding them no longer read.
func (c *comparer) choices(of, nf *schema.Field) {
	if of.Kind != value.KindSelect || nf.Kind != value.KindSelect {
		return
	}
	var gone []string
	for _, ch := range of.Choices {
		if !hasChoice(nf, ch.Value) {
			gone = append(gone, fmt.Sprintf("%q", ch.Value))
			c.add(Accessor, "CHOICE_REMOVED", ch.Pos, "choice %q of %s was removed: the constant %s no longer exists",
				ch.Value, name(of), of.ConstName(ch))
		}
	}
	if len(gone) > 0 {
		c.add(Data, "CHOICES_NARROWED", nf.Pos,
			"the choices of %s no longer include %s: a stored override holding one fails to read with a runtime.DecodeError; "+
				"change such overrides before deploying", name(nf), strings.Join(gone, ", "))
	}
}

// sameDecimal reports whether a and b are equal decimals written with
// different scales, such as 4.90 and 4.9.
func sameDecimal(a, b any) bool {
	da, okA := a.(decimal.Decimal)
	db, okB := b.(decimal.Decimal)
	return okA && okB && da.Equal(db)
}

// defaultValue warns about a changed default, which every deployment
// without an override starts reading at once. The defaults compared are
// the effective ones: an implicit zero value or first choice counts, except
// across a change of type when neither default is written.
func (c *comparer) defaultValue(of, nf *schema.Field) {
	implicit := of.Kind != nf.Kind && !of.HasDefault && !nf.HasDefault
	if implicit || of.Kind == value.KindSecret || nf.Kind == value.KindSecret {
		return
	}
	o, n := value.Format(of.Kind, of.Default), value.Format(nf.Kind, nf.Default)
	if o != n && !sameDecimal(of.Default, nf.Default) {
		c.add(Warning, "DEFAULT_CHANGED", nf.Pos,
			"the default of %s changes from %q to %q: wherever it has no override, it reads the new value as soon as this is deployed",
			name(nf), o, n)
	}
}

package schema

import (
	"fmt"
	"sort"
)

// reservedNames are the package-level identifiers every generated package
// declares besides those derived from the schema.
var reservedNames = []decl{
	{ident: "Schema", what: "the Schema variable of the generated package"},
	{ident: "New", what: "the New function of the generated package"},
	{ident: "Config", what: "the Config type of the generated package"},
}

// decl is one generated identifier and the schema declaration it comes from.
type decl struct {
	ident string
	what  string // such as "the getter of field site.title"
	pos   Pos    // zero for reserved names
	owner string // the field or section path, or "" for reserved names
	fix   string // how to resolve a collision with an earlier decl
	// choiceOf is the path of the select field when the decl is a choice's
	// constant.
	choiceOf string
}

// checkNames reports generated identifiers that collide: method names
// within each section's type, and package-level ones across the schema.
// Two declarations colliding in several identifiers (a section's type and
// variable, or two fields' getters and descriptors) are reported once.
func (l *loader) checkNames(s *Schema) {
	reported := map[[2]Pos]bool{}
	for _, sec := range s.Sections {
		l.collisions(methodDecls(sec), reported)
	}
	l.collisions(packageDecls(s), reported)
}

// checkEnvVars reports two fields pinned by one environment variable: an
// env naming the variable of a field declared before it, by its env or by
// its path. Derived variables never collide with each other (see
// value.EnvVar).
func (l *loader) checkEnvVars(s *Schema) {
	first := map[string]*Field{}
	for _, f := range s.Fields() {
		if g, dup := first[f.EnvVar()]; dup {
			l.errs.Add(f.Pos, fmt.Sprintf("field %s and field %s (line %d) would both be pinned by the environment "+
				"variable %s; give one of them another env", f.Section.Name+"."+f.Name, g.Section.Name+"."+g.Name,
				g.Pos.Line, f.EnvVar()))
			continue
		}
		first[f.EnvVar()] = f
	}
}

// collisions reports every decl whose identifier an earlier one already
// uses, at the later of the two, unless that pair of declarations is
// already in reported.
func (l *loader) collisions(decls []decl, reported map[[2]Pos]bool) {
	sort.SliceStable(decls, func(i, j int) bool { return decls[i].pos.before(decls[j].pos) })
	first := map[string]decl{}
	for _, d := range decls {
		f, dup := first[d.ident]
		if !dup {
			first[d.ident] = d
			continue
		}
		if !reported[[2]Pos{d.pos, f.pos}] {
			l.errs.Add(d.pos, collisionMsg(d, f))
		}
		reported[[2]Pos{d.pos, f.pos}] = true
	}
}

// collisionMsg describes a collision of d with the earlier decl f and how
// to fix it.
func collisionMsg(d, f decl) string {
	where := f.what
	if f.owner != "" {
		where += fmt.Sprintf(" (line %d, column %d)", f.pos.Line, f.pos.Col)
	}
	fix := d.fix
	if d.choiceOf != "" && d.choiceOf == f.choiceOf {
		fix = "choices of one field must differ in more than punctuation and the case of their first letters; change one of the values"
	}
	return fmt.Sprintf("generated name %s for %s collides with %s; %s", d.ident, d.what, where, fix)
}

// packageDecls lists the package-level identifiers generated for s, with
// the reserved names first.
func packageDecls(s *Schema) []decl {
	decls := append([]decl(nil), reservedNames...)
	for _, sec := range s.Sections {
		if !isSnake(sec.Name) {
			continue
		}
		decls = append(decls, sectionDecls(sec)...)
		for _, f := range sec.Fields {
			if isSnake(f.Name) {
				decls = append(decls, fieldDecls(f)...)
			}
		}
	}
	return decls
}

// sectionDecls lists the package-level identifiers of a section.
func sectionDecls(sec *Section) []decl {
	owner := "section " + sec.Name
	fix := fmt.Sprintf("rename one of them, for example %s to %q", owner, sec.Name+"_settings")
	return []decl{
		{ident: sec.TypeName(), what: "the type of " + owner, pos: sec.Pos, owner: owner, fix: fix},
		{ident: sec.VarName(), what: "the variable of " + owner, pos: sec.Pos, owner: owner, fix: fix},
	}
}

// fieldDecls lists the package-level identifiers of a field: its
// descriptor variable and, for a select field, its enum type and constants.
func fieldDecls(f *Field) []decl {
	owner := "field " + f.Section.Name + "." + f.Name
	fix := fieldFix(f)
	decls := []decl{{ident: f.VarName(), what: "the descriptor of " + owner, pos: f.Pos, owner: owner, fix: fix}}
	if f.EnumType() == "" {
		return decls
	}
	decls = append(decls, decl{ident: f.EnumType(), what: "the enum type of " + owner, pos: f.Pos, owner: owner, fix: fix})
	for _, c := range f.Choices {
		decls = append(decls, decl{ident: f.ConstName(c), what: fmt.Sprintf("the constant of choice %q of %s", c.Value, owner),
			pos: c.Pos, owner: owner, fix: fix, choiceOf: f.Path})
	}
	return decls
}

// fieldFix suggests renaming f or, when its Go name comes from go_name,
// changing that.
func fieldFix(f *Field) string {
	if f.ExplicitGoName != "" {
		return fmt.Sprintf("change the go_name %q of field %s.%s, for example to %q",
			f.ExplicitGoName, f.Section.Name, f.Name, f.ExplicitGoName+"Value")
	}
	return fmt.Sprintf("rename one of them, for example field %s.%s to %q, or give it a go_name",
		f.Section.Name, f.Name, f.Name+"_value")
}

// methodDecls lists the methods generated on a section's type: each
// field's getter, setter and resetter.
func methodDecls(sec *Section) []decl {
	var decls []decl
	for _, f := range sec.Fields {
		if !isSnake(f.Name) {
			continue
		}
		owner := "field " + sec.Name + "." + f.Name
		fix := fieldFix(f)
		decls = append(decls,
			decl{ident: f.GoName(), what: "the getter of " + owner, pos: f.Pos, owner: owner, fix: fix},
			decl{ident: f.Setter(), what: "the setter of " + owner, pos: f.Pos, owner: owner, fix: fix},
			decl{ident: f.Resetter(), what: "the resetter of " + owner, pos: f.Pos, owner: owner, fix: fix})
	}
	return decls
}

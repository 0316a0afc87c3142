package emit

import (
	"fmt"
	"strings"

	"github.com/go-sysconfig/sysconfig/runtime/value"

	"github.com/dave/jennifer/jen"
	"github.com/go-sysconfig/sysconfig/schema"
)

// sectionFile builds section_<name>.go: the section's declarations and
// accessors, in schema order.
func (g *gen) sectionFile(s *schema.Section) *jen.File {
	f := g.newFile()
	decl(f, g.sectionVar(s))
	for _, fld := range s.Fields {
		g.fieldDecls(f, fld)
	}
	decl(f, sectionType(s))
	for _, fld := range s.Fields {
		decl(f, getter(fld))
		decl(f, setter(fld))
		decl(f, resetter(fld))
	}
	return f
}

// sectionVar declares the runtime section, one field per line:
//
//	var sectionSite = runtime.NewSection("site", "Site", "Public-facing site settings.",
//		SiteTitleField,
//		SiteThemeField,
//	)
func (g *gen) sectionVar(s *schema.Section) *jen.Statement {
	args := []jen.Code{jen.Lit(s.Name), jen.Lit(s.Label), jen.Lit(s.Description)}
	for _, f := range s.Fields {
		args = append(args, jen.Line().Id(f.VarName()))
	}
	if len(s.Fields) > 0 {
		args = append(args, jen.Line())
	}
	return doc(fmt.Sprintf("%s declares the %s section.", s.VarName(), s.Name)).
		Line().Var().Id(s.VarName()).Op("=").Qual(runtimePkg, "NewSection").Call(args...)
}

// fieldDecls adds a field's enum type and constants (select fields only)
// and its descriptor.
func (g *gen) fieldDecls(file *jen.File, f *schema.Field) {
	if f.Kind == value.KindSelect {
		decl(file, enumType(f))
		decl(file, enumConsts(f))
	}
	decl(file, g.descriptor(f))
}

// enumType declares the Go type of a select field's values:
//
//	type SiteTheme string
func enumType(f *schema.Field) *jen.Statement {
	return doc(fmt.Sprintf("%s is a value of %s.", f.EnumType(), f.Path)).
		Line().Type().Id(f.EnumType()).String()
}

// enumConsts declares one constant per choice, labelled when the label says
// more than the value:
//
//	const (
//		SiteThemeLight SiteTheme = "light" // Light theme
//		SiteThemeDark  SiteTheme = "dark"
//	)
func enumConsts(f *schema.Field) *jen.Statement {
	defs := make([]jen.Code, len(f.Choices))
	for i, c := range f.Choices {
		def := jen.Id(f.ConstName(c)).Id(f.EnumType()).Op("=").Lit(c.Value)
		if label := oneLine(c.Label); label != "" && label != c.Value {
			def.Comment(label)
		}
		defs[i] = def
	}
	return doc(fmt.Sprintf("The values of %s.", f.EnumType())).Line().Const().Defs(defs...)
}

// descriptor declares the field's runtime descriptor:
//
//	var SiteTitleField = runtime.StringField("title", runtime.Meta{...}, "My Shop")
//	var SiteThemeField = runtime.SelectField("theme", runtime.Meta{...}, SiteThemeLight, SiteThemeLight, SiteThemeDark)
//	var AuthTokenField = runtime.SecretField("token", runtime.Meta{...})
func (g *gen) descriptor(f *schema.Field) *jen.Statement {
	args := append([]jen.Code{jen.Lit(f.Name), g.meta(f)}, g.defaultArgs(f)...)
	return doc(summary(fmt.Sprintf("%s describes %s", f.VarName(), f.Path), f), deprecated(f.Deprecated)).
		Line().Var().Id(f.VarName()).Op("=").Qual(runtimePkg, constructor(f.Kind)).Call(args...)
}

// defaultArgs returns the constructor arguments after the meta: the
// default, and for select fields the choices. Secrets have none.
func (g *gen) defaultArgs(f *schema.Field) []jen.Code {
	switch f.Kind {
	case value.KindSecret:
		return nil
	case value.KindSelect:
		return g.selectArgs(f)
	}
	return []jen.Code{g.defaultValue(f)}
}

// selectArgs returns the default constant, then every choice's constant:
//
//	SiteThemeLight, SiteThemeLight, SiteThemeDark
func (g *gen) selectArgs(f *schema.Field) []jen.Code {
	if len(f.Choices) == 0 {
		g.fail(f.Pos, "select field %s has no choices", f.Path)
		return nil
	}
	def := any(f.Choices[0].Value)
	if f.HasDefault {
		def = f.Default
	}
	args := []jen.Code{g.choiceConst(f, def)}
	for _, c := range f.Choices {
		args = append(args, jen.Id(f.ConstName(c)))
	}
	return args
}

// meta writes the descriptive part of a field, leaving out empty keys:
//
//	runtime.Meta{
//		Label:       "Site title",
//		Description: "Shown in the browser tab.",
//		Validators:  []value.Validator{value.Required()},
//	}
func (g *gen) meta(f *schema.Field) *jen.Statement {
	var keys []jen.Code
	add := func(key string, value jen.Code) { keys = append(keys, jen.Id(key).Op(":").Add(value)) }
	if f.Label != "" {
		add("Label", jen.Lit(f.Label))
	}
	if f.Description != "" {
		add("Description", jen.Lit(f.Description))
	}
	if f.Deprecated != "" {
		add("Deprecated", jen.Lit(f.Deprecated))
	}
	if len(f.Validators) > 0 {
		add("Validators", g.validatorsList(f))
	}
	if len(keys) == 0 {
		return jen.Qual(runtimePkg, "Meta").Values()
	}
	return jen.Qual(runtimePkg, "Meta").Custom(multiLine, keys...)
}

// sectionType declares the struct holding the section's accessors:
//
//	type SiteSection struct{ client *runtime.Client }
func sectionType(s *schema.Section) *jen.Statement {
	text := fmt.Sprintf("%s holds the accessors of the %s section", s.TypeName(), s.Name)
	if s.Description != "" {
		text += ": " + sentence(s.Description)
	} else {
		text += "."
	}
	return doc(text).Line().Type().Id(s.TypeName()).Struct(jen.Id("client").Op("*").Qual(runtimePkg, "Client"))
}

// summary completes lead with f's description or, when it has none, with
// its label unless the label only spells out the name:
//
//	Title returns shop.site.title: Shown in the browser tab.
//	Title returns shop.site.title (Site title).
//	Title returns shop.site.title.
func summary(lead string, f *schema.Field) string {
	switch {
	case f.Description != "":
		return lead + ": " + sentence(f.Description)
	case f.Label != "" && !spellsName(f.Label, f.Name):
		return lead + " (" + oneLine(f.Label) + ")."
	}
	return lead + "."
}

// spellsName reports whether label is name written as words, as the
// default label is: "Max items" for max_items, "API URL" for api_url.
func spellsName(label, name string) bool {
	return strings.EqualFold(strings.Join(strings.Fields(label), "_"), name)
}

// receiver is the receiver of f's accessors: (s *SiteSection).
func receiver(f *schema.Field) *jen.Statement {
	return jen.Id("s").Op("*").Id(f.Section.TypeName())
}

// ctxParam is the context parameter of every accessor.
func ctxParam() *jen.Statement { return jen.Id("ctx").Qual(contextPkg, "Context") }

// descriptorCall calls a method of f's descriptor with the context and the
// client, then args:
//
//	SiteTitleField.Get(ctx, s.client)
func descriptorCall(f *schema.Field, method string, args ...jen.Code) *jen.Statement {
	all := append([]jen.Code{jen.Id("ctx"), jen.Id("s").Dot("client")}, args...)
	return jen.Id(f.VarName()).Dot(method).Call(all...)
}

// getter declares the field's getter:
//
//	func (s *SiteSection) Title(ctx context.Context) (string, error) {
//		return SiteTitleField.Get(ctx, s.client)
//	}
func getter(f *schema.Field) *jen.Statement {
	return doc(summary(fmt.Sprintf("%s returns %s", f.GoName(), f.Path), f), deprecated(f.Deprecated)).
		Line().Func().Params(receiver(f)).Id(f.GoName()).Params(ctxParam()).Params(valueType(f), jen.Error()).
		Block(jen.Return(descriptorCall(f, "Get")))
}

// setter declares the field's setter:
//
//	func (s *SiteSection) SetTitle(ctx context.Context, v string) error {
//		return SiteTitleField.Set(ctx, s.client, v)
//	}
func setter(f *schema.Field) *jen.Statement {
	return doc(fmt.Sprintf("%s validates v and stores it as %s.", f.Setter(), f.Path), deprecated(f.Deprecated)).
		Line().Func().Params(receiver(f)).Id(f.Setter()).Params(ctxParam(), jen.Id("v").Add(valueType(f))).Error().
		Block(jen.Return(descriptorCall(f, "Set", jen.Id("v"))))
}

// resetter declares the method removing the field's override:
//
//	func (s *SiteSection) ResetTitle(ctx context.Context) error {
//		return SiteTitleField.Reset(ctx, s.client)
//	}
func resetter(f *schema.Field) *jen.Statement {
	return doc(fmt.Sprintf("%s removes the override of %s, so it reads %s again.", f.Resetter(), f.Path, afterReset(f)),
		deprecated(f.Deprecated)).
		Line().Func().Params(receiver(f)).Id(f.Resetter()).Params(ctxParam()).Error().
		Block(jen.Return(descriptorCall(f, "Reset")))
}

// afterReset says what a field reads once its override is removed.
func afterReset(f *schema.Field) string {
	if f.Kind == value.KindSecret {
		return "as an empty secret"
	}
	return "its default"
}

package emit

import (
	"fmt"

	"github.com/go-sysconfig/sysconfig/runtime/value"

	"github.com/dave/jennifer/jen"
	"github.com/go-sysconfig/sysconfig/schema"
)

// sectionFile builds section_<name>.go: the section and its accessor
// type, then each field's declarations and accessors together, in schema
// order, so that adding a field is one hunk of a diff.
func (g *gen) sectionFile(s *schema.Section) *jen.File {
	f := g.newFile()
	decl(f, g.sectionVar(s))
	decl(f, sectionType(s))
	for _, fld := range s.Fields {
		g.fieldDecls(f, fld)
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

// enumConsts declares one constant per choice (their labels are in the
// descriptor's Meta, written once):
//
//	const (
//		SiteThemeLight SiteTheme = "light"
//		SiteThemeDark  SiteTheme = "dark"
//	)
func enumConsts(f *schema.Field) *jen.Statement {
	defs := make([]jen.Code, len(f.Choices))
	for i, c := range f.Choices {
		defs[i] = jen.Id(f.ConstName(c)).Id(f.EnumType()).Op("=").Lit(c.Value)
	}
	return doc(fmt.Sprintf("The values of %s.", f.EnumType())).Line().Const().Defs(defs...)
}

// descriptor declares the field's runtime descriptor, its default right
// after its name, a select field's choices as their own argument, and the
// description only in its Meta:
//
//	var SiteTitleField = runtime.StringField("title", "My Shop", runtime.Meta{...})
//	var SiteThemeField = runtime.SelectField("theme", SiteThemeLight, []SiteTheme{SiteThemeLight, SiteThemeDark}, runtime.Meta{...})
//	var AuthTokenField = runtime.SecretField("token", runtime.Meta{...})
func (g *gen) descriptor(f *schema.Field) *jen.Statement {
	args := append([]jen.Code{jen.Lit(f.Name)}, g.defaultArgs(f)...)
	args = append(args, g.meta(f))
	return doc(fmt.Sprintf("%s declares %s.", f.VarName(), f.Path), deprecated(f.Deprecated)).
		Line().Var().Id(f.VarName()).Op("=").Qual(runtimePkg, constructor(f.Kind)).Call(args...)
}

// defaultArgs returns the constructor arguments between the name and the
// meta: the default, and for select fields the choices. Secrets have none.
func (g *gen) defaultArgs(f *schema.Field) []jen.Code {
	switch f.Kind {
	case value.KindSecret:
		return nil
	case value.KindSelect:
		return g.selectArgs(f)
	}
	return []jen.Code{g.defaultValue(f)}
}

// selectArgs returns the default constant, then the list of choices:
//
//	SiteThemeLight, []SiteTheme{SiteThemeLight, SiteThemeDark}
func (g *gen) selectArgs(f *schema.Field) []jen.Code {
	if len(f.Choices) == 0 {
		g.fail(f.Pos, "select field %s has no choices", f.Path)
		return nil
	}
	def := any(f.Choices[0].Value)
	if f.HasDefault {
		def = f.Default
	}
	choices := make([]jen.Code, len(f.Choices))
	for i, c := range f.Choices {
		choices[i] = jen.Id(f.ConstName(c))
	}
	return []jen.Code{g.choiceConst(f, def), jen.Index().Id(f.EnumType()).Values(choices...)}
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
	if f.Env != "" {
		add("Env", jen.Lit(f.Env))
	}
	if labels := f.ChoiceLabels(); labels != nil {
		add("ChoiceLabels", choiceLabels(f, labels))
	}
	if len(keys) == 0 {
		return jen.Qual(runtimePkg, "Meta").Values()
	}
	return jen.Qual(runtimePkg, "Meta").Custom(multiLine, keys...)
}

// choiceLabels writes a select field's labels, one per line, keyed by the
// choices' constants in the schema's order:
//
//	map[string]string{
//		string(SiteThemeLight): "Light",
//	}
func choiceLabels(f *schema.Field, labels map[string]string) *jen.Statement {
	var items []jen.Code
	for _, c := range f.Choices {
		if label, ok := labels[c.Value]; ok {
			items = append(items, jen.String().Call(jen.Id(f.ConstName(c))).Op(":").Lit(label))
		}
	}
	return jen.Map(jen.String()).String().Custom(multiLine, items...)
}

// sectionType declares the struct holding the section's accessors:
//
//	type SiteSection struct{ client *runtime.Client }
func sectionType(s *schema.Section) *jen.Statement {
	return doc(fmt.Sprintf("%s holds the accessors of the %s section.", s.TypeName(), s.Name)).
		Line().Type().Id(s.TypeName()).Struct(jen.Id("client").Op("*").Qual(runtimePkg, "Client"))
}

// receiver is the receiver of f's accessors: (s *SiteSection).
func receiver(f *schema.Field) *jen.Statement {
	return jen.Id("s").Op("*").Id(f.Section.TypeName())
}

// ctxParam is the context parameter of every accessor.
func ctxParam() *jen.Statement { return jen.Id("ctx").Qual(contextPkg, "Context") }

// forward is the body of an accessor: it returns a call of a method of
// f's descriptor with the context, the client, then args. (gofmt puts it
// on lines of its own: the signature and body pass its 100-column limit
// for one-line functions.)
//
//	{
//		return SiteTitleField.Get(ctx, s.client)
//	}
func forward(f *schema.Field, method string, args ...jen.Code) *jen.Statement {
	all := append([]jen.Code{jen.Id("ctx"), jen.Id("s").Dot("client")}, args...)
	return jen.Block(jen.Return(jen.Id(f.VarName()).Dot(method).Call(all...)))
}

// accessorDoc is an accessor's comment: it links to the descriptor, which
// holds the description, and repeats only a deprecation.
func accessorDoc(f *schema.Field, text string) *jen.Statement {
	return doc(fmt.Sprintf(text, "["+f.VarName()+"]"), deprecated(f.Deprecated)).Line()
}

// getter declares the field's getter:
//
//	// Title returns the value of [SiteTitleField].
//	func (s *SiteSection) Title(ctx context.Context) (string, error) {
func getter(f *schema.Field) *jen.Statement {
	return accessorDoc(f, f.GoName()+" returns the value of %s.").
		Func().Params(receiver(f)).Id(f.GoName()).Params(ctxParam()).Params(valueType(f), jen.Error()).
		Add(forward(f, "Get"))
}

// setter declares the field's setter:
//
//	// SetTitle validates v and stores it in [SiteTitleField].
//	func (s *SiteSection) SetTitle(ctx context.Context, v string) error {
func setter(f *schema.Field) *jen.Statement {
	return accessorDoc(f, f.Setter()+" validates v and stores it in %s.").
		Func().Params(receiver(f)).Id(f.Setter()).Params(ctxParam(), jen.Id("v").Add(valueType(f))).Error().
		Add(forward(f, "Set", jen.Id("v")))
}

// resetter declares the method removing the field's override:
//
//	// ResetTitle makes [SiteTitleField] read its default again.
//	func (s *SiteSection) ResetTitle(ctx context.Context) error {
func resetter(f *schema.Field) *jen.Statement {
	return accessorDoc(f, f.Resetter()+" makes %s read "+afterReset(f)+" again.").
		Func().Params(receiver(f)).Id(f.Resetter()).Params(ctxParam()).Error().
		Add(forward(f, "Reset"))
}

// afterReset says what a field reads once its override is removed.
func afterReset(f *schema.Field) string {
	if f.Kind == value.KindSecret {
		return "as an empty secret"
	}
	return "its default"
}

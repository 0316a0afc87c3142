package emit

import (
	"fmt"

	"github.com/dave/jennifer/jen"
	"github.com/go-sysconfig/sysconfig/schema"
)

// rootFile builds sysconfig.go: the package documentation and the
// package-level declarations.
func (g *gen) rootFile() *jen.File {
	f := g.newFile()
	f.PackageComment(g.packageDoc())
	decl(f, versionCheck())
	decl(f, g.schemaVar())
	decl(f, g.configType())
	decl(f, g.newFunc())
	return f
}

// packageDoc returns the package comment, with "//" prefixes.
//
//	// Package shopconfig gives typed access to the "shop" app's configuration, ...
func (g *gen) packageDoc() string {
	return docText(
		fmt.Sprintf("Package %s gives typed access to the %q app's configuration, "+
			"generated from its schema.", g.opts.Package, g.schema.App),
		"Build a *runtime.Client serving Schema and pass it to New. Each section of the "+
			"schema is a field of Config, and each field of a section has a getter, a setter "+
			"and a resetter"+g.example(", such as cfg.%[1]s.%[2]s(ctx)")+". A getter returns the field's "+
			"override when one is set, else its default from the schema; a setter validates the "+
			"value before storing it; a resetter removes the override.",
		"Each field is also described by an exported variable"+g.example(" (such as %[3]s)")+
			" that tools can inspect through its runtime.Descriptor methods.",
	)
}

// example formats the section, getter and descriptor names of the first
// field of the schema, or returns "" when there is none.
func (g *gen) example(format string) string {
	f := g.firstField()
	if f == nil {
		return ""
	}
	return fmt.Sprintf(format, f.Section.GoName(), f.GoName(), f.VarName())
}

// firstField returns the first field of the schema, or nil.
func (g *gen) firstField() *schema.Field {
	for _, s := range g.schema.Sections {
		if len(s.Fields) > 0 {
			return s.Fields[0]
		}
	}
	return nil
}

// versionCheck makes the build fail when the runtime does not match:
//
//	const _ = runtime.SupportPackageIsVersion2
func versionCheck() *jen.Statement {
	return doc("The build fails here if the runtime is newer or older than this code "+
		"expects: regenerate with the sysconfig-gen matching your runtime.").
		Line().Const().Id("_").Op("=").Qual(runtimePkg, "SupportPackageIsVersion2")
}

// schemaVar declares the runtime schema:
//
//	var Schema = runtime.NewSchema("shop", sectionSite, sectionCheckout)
func (g *gen) schemaVar() *jen.Statement {
	args := []jen.Code{jen.Lit(g.schema.App)}
	for _, s := range g.schema.Sections {
		args = append(args, jen.Id(s.VarName()))
	}
	return doc(fmt.Sprintf("Schema describes every field of the %s app, in declaration order.", g.schema.App)).
		Line().Var().Id("Schema").Op("=").Qual(runtimePkg, "NewSchema").Call(args...)
}

// configType declares the struct holding one accessor per section:
//
//	type Config struct {
//		// Site holds the accessors of the site section.
//		Site *SiteSection
//	}
func (g *gen) configType() *jen.Statement {
	fields := make([]jen.Code, len(g.schema.Sections))
	for i, s := range g.schema.Sections {
		fields[i] = doc(fmt.Sprintf("%s holds the accessors of the %s section.", s.GoName(), s.Name)).Line().Id(s.GoName()).Op("*").Id(s.TypeName())
	}
	return doc(fmt.Sprintf("Config gives typed access to the %s app's configuration.", g.schema.App)).
		Line().Type().Id("Config").Struct(fields...)
}

// newFunc declares the constructor of Config:
//
//	func New(client *runtime.Client) *Config {
//		if client.Schema() != Schema {
//			panic("shopconfig: client serves another schema; ...")
//		}
//		return &Config{Site: &SiteSection{client: client}}
//	}
func (g *gen) newFunc() *jen.Statement {
	return doc("New returns typed accessors reading and writing through client. "+
		"It panics if client serves another schema.").
		Line().Func().Id("New").Params(jen.Id("client").Op("*").Qual(runtimePkg, "Client")).Op("*").Id("Config").
		Block(g.schemaCheck(), jen.Return(jen.Op("&").Id("Config").Custom(multiLine, g.sectionValues()...)))
}

// schemaCheck panics when the client serves another schema:
//
//	if client.Schema() != Schema { panic("...") }
func (g *gen) schemaCheck() *jen.Statement {
	msg := fmt.Sprintf("%s: client serves another schema; build it with runtime.NewClient(%s.Schema, ...)",
		g.opts.Package, g.opts.Package)
	return jen.If(jen.Id("client").Dot("Schema").Call().Op("!=").Id("Schema")).
		Block(jen.Panic(jen.Lit(msg)))
}

// sectionValues are the elements of the Config literal:
//
//	Site: &SiteSection{client: client}
func (g *gen) sectionValues() []jen.Code {
	out := make([]jen.Code, len(g.schema.Sections))
	for i, s := range g.schema.Sections {
		out[i] = jen.Id(s.GoName()).Op(":").Op("&").Id(s.TypeName()).
			Values(jen.Id("client").Op(":").Id("client"))
	}
	return out
}

package emit

import (
	"github.com/dave/jennifer/jen"
	"github.com/go-sysconfig/sysconfig/runtime/value"
	"github.com/go-sysconfig/sysconfig/schema"
)

// validatorsList writes f's validators, on one line when they are short
// and one per line otherwise:
//
//	[]value.Validator{value.Required(), value.MinLength(3)}
//	[]value.Validator{
//		value.Required(),
//		value.Regex(`^[a-z]+$`, false),
//	}
func (g *gen) validatorsList(f *schema.Field) *jen.Statement {
	items := make([]jen.Code, len(f.Validators))
	for i, v := range f.Validators {
		items[i] = g.validator(f, v)
	}
	list := jen.Index().Qual(valuePkg, "Validator")
	if len(items) > 1 && !allShort(f.Validators) {
		return list.Custom(multiLine, items...)
	}
	return list.Values(items...)
}

// allShort reports whether there are at most three validators, each without
// arguments or with a count only.
func allShort(vs []schema.Validator) bool {
	for _, v := range vs {
		if b, ok := value.LookupBuiltin(v.Name); !ok || b.Arg != value.ArgNone && b.Arg != value.ArgCount {
			return false
		}
	}
	return len(vs) <= 3
}

// multiLine renders a composite literal with one element per line.
var multiLine = jen.Options{Open: "{", Close: "}", Separator: ",", Multi: true}

// validator writes the call of one validator's constructor, named by the
// table of package value, with the arguments its shape takes:
//
//	value.Regex(`^[a-z]+$`, false)   value.Range(int64(1), nil)
func (g *gen) validator(f *schema.Field, v schema.Validator) jen.Code {
	b, ok := value.LookupBuiltin(v.Name)
	if !ok {
		g.fail(v.Pos, "field %s: unknown validator %q", f.Path, v.Name)
		return jen.Null()
	}
	return jen.Qual(valuePkg, b.GoName()).Call(g.args(f, b.Arg, v.Args)...)
}

// args writes the arguments of a constructor of shape s.
func (g *gen) args(f *schema.Field, s value.ArgShape, a value.Args) []jen.Code {
	switch s {
	case value.ArgCount:
		return []jen.Code{jen.Lit(a.N)}
	case value.ArgPattern:
		return []jen.Code{pattern(a.Pattern), jen.Lit(a.Inverse)}
	case value.ArgRange:
		return []jen.Code{g.bound(f, a.Min), g.bound(f, a.Max)}
	case value.ArgSchemes:
		return stringLits(a.Schemes)
	case value.ArgValues:
		return g.values(f, a.Values)
	case value.ArgFunc:
		return []jen.Code{jen.Lit(a.Func)}
	}
	return nil
}

// bound writes a range bound: a typed value, or nil when open.
func (g *gen) bound(f *schema.Field, v any) jen.Code {
	if v == nil {
		return jen.Nil()
	}
	return g.value(f, v)
}

// values writes one_of values, typed after f's kind.
func (g *gen) values(f *schema.Field, vs []any) []jen.Code {
	out := make([]jen.Code, len(vs))
	for i, v := range vs {
		out[i] = g.value(f, v)
	}
	return out
}

// stringLits writes string literals.
func stringLits(list []string) []jen.Code {
	out := make([]jen.Code, len(list))
	for i, s := range list {
		out[i] = jen.Lit(s)
	}
	return out
}

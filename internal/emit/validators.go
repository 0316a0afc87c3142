package emit

import (
	"github.com/dave/jennifer/jen"
	"github.com/go-sysconfig/sysconfig/schema"
)

// plainValidators maps the schema names of validators without arguments to
// their runtime constructors.
var plainValidators = []struct{ name, fn string }{
	{"required", "Required"}, {"not_empty", "NotEmpty"}, {"not_blank", "NotBlank"},
	{"positive", "Positive"}, {"non_negative", "NonNegative"}, {"email", "Email"},
	{"ipv4", "IPv4"}, {"ipv6", "IPv6"}, {"ip", "IP"}, {"hostname", "Hostname"},
	{"domain", "Domain"}, {"slug", "Slug"}, {"json", "JSON"}, {"path", "Path"},
	{"port", "Port"},
}

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
// arguments or with a length bound only.
func allShort(vs []schema.Validator) bool {
	for _, v := range vs {
		if v.Name != "min_length" && v.Name != "max_length" && !isPlain(v.Name) {
			return false
		}
	}
	return len(vs) <= 3
}

// isPlain reports whether the validator named name takes no argument.
func isPlain(name string) bool { return plainFunc(name) != "" }

// plainFunc returns the constructor of the validator named name when it
// takes no argument, else "".
func plainFunc(name string) string {
	for _, p := range plainValidators {
		if p.name == name {
			return p.fn
		}
	}
	return ""
}

// multiLine renders a composite literal with one element per line.
var multiLine = jen.Options{Open: "{", Close: "}", Separator: ",", Multi: true}

// validator writes one validator constructor call:
//
//	value.Regex(`^[a-z]+$`, false)   value.Range(int64(1), nil)
func (g *gen) validator(f *schema.Field, v schema.Validator) jen.Code {
	if fn := plainFunc(v.Name); fn != "" {
		return call(fn)
	}
	switch v.Name {
	case "min_length":
		return call("MinLength", jen.Lit(v.N))
	case "max_length":
		return call("MaxLength", jen.Lit(v.N))
	case "regex":
		return call("Regex", pattern(v.Pattern), jen.Lit(v.Inverse))
	case "range":
		return call("Range", g.bound(f, v.Min), g.bound(f, v.Max))
	case "url":
		return call("URL", stringLits(v.Schemes)...)
	case "one_of":
		return call("OneOf", g.values(f, v.Values)...)
	case "custom":
		return call("Custom", jen.Lit(v.Custom))
	}
	g.fail(v.Pos, "field %s: unknown validator %q", f.Path, v.Name)
	return jen.Null()
}

// call writes a call of a runtime function.
func call(fn string, args ...jen.Code) *jen.Statement {
	return jen.Qual(valuePkg, fn).Call(args...)
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

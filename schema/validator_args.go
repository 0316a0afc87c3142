package schema

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime/value"

	"github.com/shopspring/decimal"
	"gopkg.in/yaml.v3"
)

// argParser checks the argument of one validator (nil when none was given)
// and stores it in v. It reports whether the argument is valid.
type argParser func(l *loader, f *Field, v *Validator, arg *yaml.Node, what string) bool

// argParsers read the argument of each shape (see value.ArgShape).
var argParsers = map[value.ArgShape]argParser{
	value.ArgNone:    (*loader).noArg,
	value.ArgCount:   (*loader).countArg,
	value.ArgPattern: (*loader).patternArg,
	value.ArgRange:   (*loader).rangeArg,
	value.ArgSchemes: (*loader).schemesArg,
	value.ArgValues:  (*loader).valuesArg,
	value.ArgFunc:    (*loader).funcArg,
}

// example returns a valid item of the validator v, with its argument.
func example(v *Validator) string {
	b, _ := value.LookupBuiltin(v.Name)
	return b.Example
}

// noArg rejects an argument given to a validator that takes none.
func (l *loader) noArg(f *Field, v *Validator, arg *yaml.Node, what string) bool {
	switch {
	case arg == nil:
		return true
	case isBool(arg, false):
		l.errorf(arg, "%s on %s takes no argument and cannot be turned off with false; remove it to leave it out",
			v.Name, what)
	default:
		l.errorf(arg, "%s on %s takes no argument; write it as \"- %s\"", v.Name, what, v.Name)
	}
	return false
}

// hasArg reports a missing argument at the validator's name.
func (l *loader) hasArg(v *Validator, arg *yaml.Node, what string) bool {
	if arg == nil {
		l.errs.Add(v.Pos, v.Name+" on "+what+" needs an argument, as in \""+example(v)+"\"")
		return false
	}
	return true
}

// countArg reads a non-negative count, such as the bound of min_length.
func (l *loader) countArg(f *Field, v *Validator, arg *yaml.Node, what string) bool {
	if !l.hasArg(v, arg, what) {
		return false
	}
	n, err := strconv.Atoi(arg.Value)
	if arg.Kind != yaml.ScalarNode || err != nil || n < 0 {
		l.errorf(arg, "%s on %s needs a non-negative whole number, not %s", v.Name, what, describe(arg))
		return false
	}
	v.N = n
	return true
}

// patternArg reads a pattern, or a {pattern, inverse} mapping, and compiles it.
func (l *loader) patternArg(f *Field, v *Validator, arg *yaml.Node, what string) bool {
	if !l.hasArg(v, arg, what) {
		return false
	}
	p, ok := arg, true
	switch arg.Kind {
	case yaml.MappingNode:
		p, ok = l.regexOptions(v, arg, what)
	case yaml.ScalarNode:
	default:
		l.errorf(arg, "%s on %s needs a pattern or a {pattern: ..., inverse: true} mapping, not %s", v.Name, what, describe(arg))
		return false
	}
	if p == nil || !ok {
		return false
	}
	return l.compile(v, p, what)
}

// regexOptions reads {pattern: ..., inverse: ...}; it returns the pattern
// node, if any.
func (l *loader) regexOptions(v *Validator, arg *yaml.Node, what string) (*yaml.Node, bool) {
	in := v.Name + " on " + what
	keys := l.object(arg, in, "pattern", "inverse")
	ok := true
	if inv, has := keys["inverse"]; has {
		ok = l.boolArg(inv.val, &v.Inverse, "inverse of "+in)
	}
	p, has := l.required(arg, keys, "pattern", in, "; add \"pattern: <regexp>\"")
	if !has {
		return nil, false
	}
	return p.val, ok
}

// boolArg reads a YAML boolean into dst.
func (l *loader) boolArg(n *yaml.Node, dst *bool, what string) bool {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
		l.errorf(n, "%s must be true or false, not %s", what, describe(n))
		return false
	}
	*dst = isTrue(n.Value)
	return true
}

// compile checks that the pattern node holds a Go regular expression.
func (l *loader) compile(v *Validator, p *yaml.Node, what string) bool {
	if p.Kind != yaml.ScalarNode || isNull(p) {
		l.errorf(p, "%s on %s needs a pattern, not %s", v.Name, what, describe(p))
		return false
	}
	if _, err := regexp.Compile(p.Value); err != nil {
		l.errorf(p, "%s on %s does not compile: %v (patterns use Go's RE2 syntax)", v.Name, what, err)
		return false
	}
	v.Pattern = p.Value
	return true
}

// rangeArg reads {min: ..., max: ...}, parsed as the field's kind.
func (l *loader) rangeArg(f *Field, v *Validator, arg *yaml.Node, what string) bool {
	in := v.Name + " on " + what
	if !l.hasArg(v, arg, what) || !l.isMapping(arg, in, "; write it as {min: 1, max: 100}") {
		return false
	}
	keys := l.object(arg, in, "min", "max")
	if len(arg.Content) == 0 {
		l.errorf(arg, "%s needs min, max or both, as in \"%s\"", in, example(v))
		return false
	}
	ok := l.bound(f, keys, "min", &v.Min, in)
	ok = l.bound(f, keys, "max", &v.Max, in) && ok
	if ok && v.Min != nil && v.Max != nil && less(v.Max, v.Min) {
		l.errorf(keys["max"].val, "%s has max %s below min %s; swap them",
			in, keys["max"].val.Value, keys["min"].val.Value)
		return false
	}
	return ok
}

// bound parses keys[key], if present, as the field's kind into dst; in
// names the validator and the field.
func (l *loader) bound(f *Field, keys map[string]pair, key string, dst *any, in string) bool {
	p, has := keys[key]
	if !has {
		return true
	}
	if p.val.Kind != yaml.ScalarNode || isNull(p.val) {
		l.errorf(p.val, "%s of %s must be a single %s, not %s", key, in, valueOf(f.Kind), describe(p.val))
		return false
	}
	if f.Kind == 0 {
		return false // the type is unknown, and reported
	}
	v, err := value.Parse(f.Kind, p.val.Value)
	if err != nil {
		l.errorf(p.val, "%s %s of %s is not a valid %s: %v", key, quoteShort(p.val.Value), in, f.Kind, err)
		return false
	}
	*dst = v
	return true
}

// valueOf names a value of kind k for messages: "int value", or just
// "value" when the field's type is unknown.
func valueOf(k value.Kind) string {
	if k == 0 {
		return "value"
	}
	return k.String() + " value"
}

// less compares two range bounds of the same kind.
func less(a, b any) bool {
	switch x := a.(type) {
	case int64:
		return x < b.(int64)
	case float64:
		return x < b.(float64)
	case decimal.Decimal:
		return x.LessThan(b.(decimal.Decimal))
	case time.Duration:
		return x < b.(time.Duration)
	}
	return false
}

// schemeRE matches a URL scheme written in lower case.
var schemeRE = regexp.MustCompile(`^[a-z][a-z0-9+.-]*$`)

// schemesArg reads the optional {schemes: [...]} of url.
func (l *loader) schemesArg(f *Field, v *Validator, arg *yaml.Node, what string) bool {
	if arg == nil {
		return true
	}
	in := v.Name + " on " + what
	if !l.isMapping(arg, in, `; write it as {schemes: [https]}, or as "- `+v.Name+`" for http and https`) {
		return false
	}
	keys := l.object(arg, in, "schemes")
	p, ok := l.required(arg, keys, "schemes", in, `; add "schemes: [https]"`)
	if !ok || !l.isList(p.val, "schemes of "+in, "; write it as [https]") {
		return false
	}
	if len(p.val.Content) == 0 {
		l.errorf(p.val, "schemes of %s is empty; list schemes, or write \"- %s\" for http and https", in, v.Name)
		return false
	}
	return l.schemes(v, p.val, in)
}

// schemes reads the list of URL schemes.
func (l *loader) schemes(v *Validator, list *yaml.Node, in string) bool {
	ok := true
	for _, item := range list.Content {
		item = resolve(item)
		if item.Kind != yaml.ScalarNode || !schemeRE.MatchString(item.Value) {
			l.errorf(item, "scheme %s of %s must be a lower-case scheme name such as %q", describe(item), in,
				schemeSuggestion(item.Value))
			ok = false
			continue
		}
		v.Schemes = append(v.Schemes, item.Value)
	}
	return ok
}

// schemeSuggestion turns a mistyped scheme into a valid one where it can:
// "HTTPS" → "https", "ftp://" → "ftp".
func schemeSuggestion(s string) string {
	s = strings.TrimRight(strings.ToLower(strings.TrimSpace(s)), ":/")
	if schemeRE.MatchString(s) {
		return s
	}
	return "https"
}

// valuesArg reads the allowed values, parsed as the field's kind.
func (l *loader) valuesArg(f *Field, v *Validator, arg *yaml.Node, what string) bool {
	in := v.Name + " on " + what
	if !l.hasArg(v, arg, what) || !l.isList(arg, in, "; write it as [a, b]") {
		return false
	}
	if len(arg.Content) == 0 {
		l.errorf(arg, "%s is empty; list the allowed values", in)
		return false
	}
	ok := true
	for _, item := range arg.Content {
		val, good := l.oneOfValue(f, resolve(item), in)
		if good {
			v.Values = append(v.Values, val)
		}
		ok = ok && good
	}
	return ok
}

// oneOfValue parses one allowed value. Items of a string list are checked
// one by one, so one_of values of a string_list field are strings.
func (l *loader) oneOfValue(f *Field, n *yaml.Node, in string) (any, bool) {
	kind := f.Kind
	if kind == value.KindStringList {
		kind = value.KindString
	}
	if n.Kind != yaml.ScalarNode || isNull(n) {
		l.errorf(n, "values of %s must be single %ss, not %s", in, valueOf(kind), describe(n))
		return nil, false
	}
	if kind == 0 {
		return nil, false // the type is unknown, and reported
	}
	val, err := value.Parse(kind, n.Value)
	if err != nil {
		l.errorf(n, "value %s of %s is not a valid %s: %v", quoteShort(n.Value), in, kind, err)
		return nil, false
	}
	if f.Kind == value.KindSelect && len(f.Choices) > 0 && !f.isChoice(n.Value) {
		l.errorf(n, "value %q of %s is not one of the field's choices (%s)", n.Value, in, f.choiceList())
		return nil, false
	}
	return val, true
}

// funcArg reads the name a custom validator is registered under.
func (l *loader) funcArg(f *Field, v *Validator, arg *yaml.Node, what string) bool {
	if !l.hasArg(v, arg, what) {
		return false
	}
	if arg.Kind != yaml.ScalarNode || strings.TrimSpace(arg.Value) == "" || strings.ContainsAny(arg.Value, " \t\n") {
		l.errorf(arg, "%s on %s needs the name its Go function is registered under with value.RegisterValidator, not %s",
			v.Name, what, describe(arg))
		return false
	}
	v.Func = arg.Value
	return true
}

package schema

import (
	"fmt"
	"slices"
	"strings"

	"github.com/go-sysconfig/sysconfig/runtime/value"

	"gopkg.in/yaml.v3"
)

// Runtime builds the runtime validator that v declares, such as
// value.MinLength(v.N) for "min_length". It returns nil if v.Name is not a
// validator name, and panics (as the runtime constructors do) on arguments
// the loader rejects, such as a regex that does not compile; a Validator
// produced by Parse never does either.
func (v Validator) Runtime() value.Validator {
	switch v.Name {
	case "min_length":
		return value.MinLength(v.N)
	case "max_length":
		return value.MaxLength(v.N)
	case "regex":
		return value.Regex(v.Pattern, v.Inverse)
	case "range":
		return value.Range(v.Min, v.Max)
	case "url":
		return value.URL(v.Schemes...)
	case "one_of":
		return value.OneOf(v.Values...)
	case "custom":
		return value.Custom(v.Custom)
	}
	if fn, ok := plainValidators[v.Name]; ok {
		return fn()
	}
	return nil
}

// plainValidators are the validators without arguments.
var plainValidators = map[string]func() value.Validator{
	"required": value.Required, "not_empty": value.NotEmpty, "not_blank": value.NotBlank,
	"positive": value.Positive, "non_negative": value.NonNegative, "email": value.Email,
	"ipv4": value.IPv4, "ipv6": value.IPv6, "ip": value.IP, "hostname": value.Hostname,
	"domain": value.Domain, "slug": value.Slug, "json": value.JSON, "path": value.Path,
	"port": value.Port,
}

// validators reads a field's validators into f.Validators. A list is the
// only form, but the entries of a mapping and a single name are still read
// as items (see validatorItems), so that their own errors come in the same
// run as the one about the shape.
func (l *loader) validators(f *Field, keys map[string]pair, what string) {
	p, ok := keys["validators"]
	if !ok {
		return
	}
	seen := map[string]Validator{}
	for _, it := range l.validatorItems(p, what) {
		v, ok := l.validator(f, it, what)
		if ok && !l.duplicateValidator(v, seen, what) {
			f.Validators = append(f.Validators, v)
		}
	}
	l.lengthOrder(f, what)
}

// validator reads one validator item.
func (l *loader) validator(f *Field, it item, what string) (Validator, bool) {
	if !l.knownValidator(f, it.name, what) {
		return Validator{}, false
	}
	v := Validator{Name: it.name.Value, Pos: l.pos(it.name)}
	parse, ok := validatorArgs[v.Name]
	if !ok {
		parse = (*loader).noArg
	}
	return v, parse(l, f, &v, it.arg, what)
}

// mappingKeys lists the keys of mapping n for messages.
func mappingKeys(n *yaml.Node) string {
	var keys []string
	for i := 0; i < len(n.Content); i += 2 {
		keys = append(keys, n.Content[i].Value)
	}
	return strings.Join(keys, ", ")
}

// knownValidator reports an unknown validator name or one that does not
// apply to the field's kind, when that is known.
func (l *loader) knownValidator(f *Field, n *yaml.Node, what string) bool {
	name := n.Value
	switch {
	case !slices.Contains(value.ValidatorNames(), name):
		if hint := didYouMean(name, value.ValidatorNames()); hint != "" {
			l.errorf(n, "unknown validator %q on %s%s", name, what, hint)
		} else {
			l.errorf(n, "unknown validator %q on %s; validators for %s fields are: %s", name, what, f.Kind, applicable(f.Kind))
		}
	case f.Kind != 0 && !value.ValidatorApplies(name, f.Kind):
		l.errorf(n, "%s does not apply to %s fields (%s); validators for %s fields are: %s",
			name, f.Kind, what, f.Kind, applicable(f.Kind))
	default:
		return true
	}
	return false
}

// applicable lists the validators that apply to kind k.
func applicable(k value.Kind) string {
	var names []string
	for _, name := range value.ValidatorNames() {
		if value.ValidatorApplies(name, k) {
			names = append(names, name)
		}
	}
	return strings.Join(names, ", ")
}

// duplicateValidator reports a validator declared twice on one field. regex
// and custom may repeat with different arguments; the others may not.
func (l *loader) duplicateValidator(v Validator, seen map[string]Validator, what string) bool {
	key := v.Name
	switch v.Name {
	case "regex":
		key = fmt.Sprintf("regex %q %v", v.Pattern, v.Inverse)
	case "custom":
		key = "custom " + v.Custom
	}
	first, dup := seen[key]
	if dup {
		l.errs.Add(v.Pos, fmt.Sprintf("validator %s is already declared on %s at line %d; remove one of them",
			v.Name, what, first.Pos.Line))
	}
	seen[key] = v
	return dup
}

// lengthOrder reports a min_length greater than the max_length, which no
// value can pass.
func (l *loader) lengthOrder(f *Field, what string) {
	var lo, hi *Validator
	for i, v := range f.Validators {
		switch v.Name {
		case "min_length":
			lo = &f.Validators[i]
		case "max_length":
			hi = &f.Validators[i]
		}
	}
	if lo != nil && hi != nil && lo.N > hi.N {
		l.errs.Add(hi.Pos, fmt.Sprintf("max_length %d of %s is less than its min_length %d (line %d); no value can pass both",
			hi.N, what, lo.N, lo.Pos.Line))
	}
}

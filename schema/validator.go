package schema

import (
	"fmt"
	"slices"
	"strings"

	"github.com/go-sysconfig/sysconfig/runtime"
	"gopkg.in/yaml.v3"
)

// Runtime builds the runtime validator that v declares, such as
// runtime.MinLength(v.N) for "min_length". It returns nil if v.Name is not a
// validator name, and panics (as the runtime constructors do) on arguments
// the loader rejects, such as a regex that does not compile; a Validator
// produced by Parse never does either.
func (v Validator) Runtime() runtime.Validator {
	switch v.Name {
	case "min_length":
		return runtime.MinLength(v.N)
	case "max_length":
		return runtime.MaxLength(v.N)
	case "regex":
		return runtime.Regex(v.Pattern, v.Inverse)
	case "range":
		return runtime.Range(v.Min, v.Max)
	case "url":
		return runtime.URL(v.Schemes...)
	case "one_of":
		return runtime.OneOf(v.Values...)
	case "custom":
		return runtime.Custom(v.Custom)
	}
	if fn, ok := plainValidators[v.Name]; ok {
		return fn()
	}
	return nil
}

// plainValidators are the validators without arguments.
var plainValidators = map[string]func() runtime.Validator{
	"required": runtime.Required, "not_empty": runtime.NotEmpty, "not_blank": runtime.NotBlank,
	"positive": runtime.Positive, "non_negative": runtime.NonNegative, "email": runtime.Email,
	"ipv4": runtime.IPv4, "ipv6": runtime.IPv6, "ip": runtime.IP, "hostname": runtime.Hostname,
	"domain": runtime.Domain, "slug": runtime.Slug, "json": runtime.JSON, "path": runtime.Path,
	"port": runtime.Port,
}

// validatorsHint shows the two forms of a validator list item.
const validatorsHint = `; write each validator as "- name" or "- name: argument"`

// validators reads a field's validator list into f.Validators.
func (l *loader) validators(f *Field, keys map[string]pair, what string) {
	p, ok := keys["validators"]
	if !ok {
		return
	}
	if isNull(p.val) || !l.isList(p.val, "validators of "+what, validatorsHint) {
		if isNull(p.val) {
			l.errorf(p.key, "validators of %s is empty; list validators or remove the key", what)
		}
		return
	}
	seen := map[string]Validator{}
	for _, item := range p.val.Content {
		v, ok := l.validator(f, resolve(item), what)
		if ok && !l.duplicateValidator(v, seen, what) {
			f.Validators = append(f.Validators, v)
		}
	}
	l.lengthOrder(f, what)
}

// validator reads one validator list item.
func (l *loader) validator(f *Field, n *yaml.Node, what string) (Validator, bool) {
	nameNode, arg, ok := l.validatorItem(n, what)
	if !ok || !l.knownValidator(f, nameNode, what) {
		return Validator{}, false
	}
	v := Validator{Name: nameNode.Value, Pos: l.pos(nameNode)}
	parse, ok := validatorArgs[v.Name]
	if !ok {
		parse = (*loader).noArg
	}
	return v, parse(l, f, &v, arg, what)
}

// validatorItem splits a list item into the validator's name and its
// argument, which is nil when there is none.
func (l *loader) validatorItem(n *yaml.Node, what string) (name, arg *yaml.Node, ok bool) {
	switch {
	case n.Kind == yaml.ScalarNode && !isNull(n):
		return n, nil, true
	case n.Kind == yaml.MappingNode && len(n.Content) == 2 && l.validKey(n.Content[0], "validators of "+what):
		arg = resolve(n.Content[1])
		if isNull(arg) {
			arg = nil
		}
		return n.Content[0], arg, true
	case n.Kind == yaml.MappingNode && len(n.Content) > 2:
		l.errorf(n.Content[2], "a validator of %s has several keys (%s); put each validator in its own \"- \" item, "+
			"with its arguments under its name as in \"- regex: {pattern: ..., inverse: true}\"", what, mappingKeys(n))
	case n.Kind == yaml.MappingNode && len(n.Content) == 2:
	default:
		l.errorf(n, "a validator of %s must be a name or a one-key mapping, not %s%s", what, describe(n), validatorsHint)
	}
	return nil, nil, false
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
// apply to the field's kind.
func (l *loader) knownValidator(f *Field, n *yaml.Node, what string) bool {
	name := n.Value
	switch {
	case !slices.Contains(runtime.ValidatorNames(), name):
		if hint := didYouMean(name, runtime.ValidatorNames()); hint != "" {
			l.errorf(n, "unknown validator %q on %s%s", name, what, hint)
		} else {
			l.errorf(n, "unknown validator %q on %s; validators for %s fields are: %s", name, what, f.Kind, applicable(f.Kind))
		}
	case !runtime.ValidatorApplies(name, f.Kind):
		l.errorf(n, "%s does not apply to %s fields (%s); validators for %s fields are: %s",
			name, f.Kind, what, f.Kind, applicable(f.Kind))
	default:
		return true
	}
	return false
}

// applicable lists the validators that apply to kind k.
func applicable(k runtime.Kind) string {
	var names []string
	for _, name := range runtime.ValidatorNames() {
		if runtime.ValidatorApplies(name, k) {
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

package schema

import (
	"fmt"
	"slices"
	"strings"

	"github.com/go-sysconfig/sysconfig/runtime/value"

	"gopkg.in/yaml.v3"
)

// Runtime builds the runtime validator that v declares, such as
// value.MinLength(v.N) for "min_length", through its value.Builtin. It
// returns nil if v.Name is not a validator name, and panics (as the
// constructors do) on arguments the loader rejects, such as a regex that
// does not compile; a Validator produced by Parse never does either.
func (v Validator) Runtime() value.Validator {
	b, ok := value.LookupBuiltin(v.Name)
	if !ok {
		return nil
	}
	return b.New(v.Args)
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

// validator reads one validator item, its argument as its shape says.
func (l *loader) validator(f *Field, it item, what string) (Validator, bool) {
	b, ok := l.knownValidator(f, it.name, what)
	if !ok {
		return Validator{}, false
	}
	v := Validator{Name: it.name.Value, Pos: l.pos(it.name)}
	return v, argParsers[b.Arg](l, f, &v, it.arg, what)
}

// mappingKeys lists the keys of mapping n for messages.
func mappingKeys(n *yaml.Node) string {
	var keys []string
	for i := 0; i < len(n.Content); i += 2 {
		keys = append(keys, n.Content[i].Value)
	}
	return strings.Join(keys, ", ")
}

// knownValidator returns the built-in validator named by n, reporting an
// unknown name or one that does not apply to the field's kind, when that
// is known.
func (l *loader) knownValidator(f *Field, n *yaml.Node, what string) (*value.Builtin, bool) {
	name := n.Value
	b, known := value.LookupBuiltin(name)
	switch {
	case !known:
		if hint := didYouMean(name, validatorNames(allKinds)); hint != "" {
			l.errorf(n, "unknown validator %q on %s%s", name, what, hint)
		} else {
			l.errorf(n, "unknown validator %q on %s; validators for %s fields are: %s", name, what, f.Kind, applicable(f.Kind))
		}
	case f.Kind != 0 && !b.Kinds.Has(f.Kind):
		l.errorf(n, "%s does not apply to %s fields (%s); validators for %s fields are: %s",
			name, f.Kind, what, f.Kind, applicable(f.Kind))
	default:
		return b, true
	}
	return nil, false
}

// allKinds is every kind, to list every validator with validatorNames.
var allKinds = value.KindsOf(value.Kinds()...)

// validatorNames returns the names of the validators that apply to some
// kind of ks, sorted.
func validatorNames(ks value.KindSet) []string {
	var names []string
	for _, b := range value.Builtins() {
		if b.Kinds&ks != 0 {
			names = append(names, b.Name)
		}
	}
	slices.Sort(names)
	return names
}

// applicable lists the validators that apply to kind k.
func applicable(k value.Kind) string {
	return strings.Join(validatorNames(value.KindsOf(k)), ", ")
}

// duplicateValidator reports a validator declared twice on one field.
// Those that may repeat (regex, custom) may do so with different arguments;
// the others may not.
func (l *loader) duplicateValidator(v Validator, seen map[string]Validator, what string) bool {
	key := v.Name
	if b, _ := value.LookupBuiltin(v.Name); b.Repeats {
		key = fmt.Sprintf("%s %#v", v.Name, v.Args)
	}
	first, dup := seen[key]
	if dup {
		l.errs.Add(v.Pos, fmt.Sprintf("validator %s is already declared on %s at line %d; remove one of them",
			v.Name, what, first.Pos.Line))
	}
	seen[key] = v
	return dup
}

// lengthOrder reports a minimum length (min_length) greater than a maximum
// length (max_length), which no value can pass.
func (l *loader) lengthOrder(f *Field, what string) {
	var lo, hi *Validator
	var min, max int
	for i, v := range f.Validators {
		b, _ := value.LookupBuiltin(v.Name)
		h := b.Hints(f.Kind, v.Args)
		if h.MinLength != nil {
			lo, min = &f.Validators[i], *h.MinLength
		}
		if h.MaxLength != nil {
			hi, max = &f.Validators[i], *h.MaxLength
		}
	}
	if lo != nil && hi != nil && min > max {
		l.errs.Add(hi.Pos, fmt.Sprintf("%s %d of %s is less than its %s %d (line %d); no value can pass both",
			hi.Name, max, what, lo.Name, min, lo.Pos.Line))
	}
}

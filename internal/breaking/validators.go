package breaking

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/go-sysconfig/sysconfig/runtime/value"

	"github.com/go-sysconfig/sysconfig/schema"
)

// notRechecked ends the message of every tightened validator: the runtime
// validates values when they are written, not when they are read.
const notRechecked = "stored overrides are not re-checked when read, so one that fails is still served " +
	"and is rejected the next time it is written; check them before deploying"

// validators reports the validators of nf that reject values of's accepted:
// new ones, and old ones given tighter arguments. Removed or loosened
// validators break nothing.
func (c *comparer) validators(of, nf *schema.Field) {
	for _, v := range nf.Validators {
		c.validator(of, nf, v)
	}
}

// validator compares one validator of the new field with the old field's.
func (c *comparer) validator(of, nf *schema.Field, v schema.Validator) {
	b, _ := value.LookupBuiltin(v.Name)
	if ov, ok := sameValidator(of, b, v); ok {
		c.narrowed(nf, b, ov, v)
		return
	}
	if b.Arg == value.ArgPattern && c.patternChanged(of, nf, b, v) {
		return
	}
	if !impliedBy(of, b) {
		c.validatorAdded(nf, b, v)
	}
}

// sameValidator returns the validator of f that v, an instance of b, is a
// version of: the one with v's name or, for a validator that may repeat
// (regex, custom), the one with the same arguments.
func sameValidator(f *schema.Field, b *value.Builtin, v schema.Validator) (schema.Validator, bool) {
	i := slices.IndexFunc(f.Validators, func(o schema.Validator) bool {
		return o.Name == v.Name && (!b.Repeats || reflect.DeepEqual(o.Args, v.Args))
	})
	if i < 0 {
		return schema.Validator{}, false
	}
	return f.Validators[i], true
}

// impliedBy reports whether a validator of f already rejects everything
// b rejects.
func impliedBy(f *schema.Field, b *value.Builtin) bool {
	return slices.ContainsFunc(f.Validators, func(o schema.Validator) bool {
		return slices.Contains(b.ImpliedBy, o.Name)
	})
}

// validatorAdded reports a validator the old field did not have: one that
// makes the field required (required, not_empty) under a rule of its own.
func (c *comparer) validatorAdded(f *schema.Field, b *value.Builtin, v schema.Validator) {
	rule := "VALIDATOR_ADDED"
	if b.Hints(f.Kind, v.Args).Required {
		rule = "REQUIRED_ADDED"
	}
	c.add(Data, rule, v.Pos, "%s gained the validator %s: %s", name(f), describe(f, b, v), notRechecked)
}

// patternChanged reports a pattern (of regex) that changed: the old field
// had a pattern of the same name and sense that the new one lacks. It
// returns false when there is none, and v is simply new.
func (c *comparer) patternChanged(of, nf *schema.Field, b *value.Builtin, v schema.Validator) bool {
	for _, ov := range of.Validators {
		if _, kept := sameValidator(nf, b, ov); ov.Name == v.Name && ov.Inverse == v.Inverse && !kept {
			c.add(Data, rule(v.Name, "CHANGED"), v.Pos, "the %s of %s changed to %s: %s",
				describe(of, b, ov), name(nf), describe(nf, b, v), notRechecked)
			return true
		}
	}
	return false
}

// rule names a rule after a validator: rule("min_length", "RAISED") is
// MIN_LENGTH_RAISED.
func rule(validator, change string) string {
	return strings.ToUpper(validator) + "_" + change
}

// narrowed compares a validator kept from the old field with its new
// arguments, as its shape says a change narrows it.
func (c *comparer) narrowed(f *schema.Field, b *value.Builtin, old, new schema.Validator) {
	switch b.Arg {
	case value.ArgCount:
		c.countNarrowed(f, b, old, new)
	case value.ArgRange:
		c.rangeNarrowed(f, old, new)
	case value.ArgSchemes:
		c.schemesNarrowed(f, old, new)
	case value.ArgValues:
		c.valuesNarrowed(f, old, new)
	}
}

// countNarrowed reports a count changed the way that narrows it: a raised
// min_length, a lowered max_length.
func (c *comparer) countNarrowed(f *schema.Field, b *value.Builtin, old, new schema.Validator) {
	change := "raised"
	if b.Narrows == value.NarrowsLowered {
		change = "lowered"
	}
	if b.Narrows == value.NarrowsRaised && new.N > old.N || b.Narrows == value.NarrowsLowered && new.N < old.N {
		c.add(Data, rule(new.Name, strings.ToUpper(change)), new.Pos, "%s of %s %s from %d to %d: %s",
			new.Name, name(f), change, old.N, new.N, notRechecked)
	}
}

// rangeNarrowed reports a range whose minimum rose or maximum fell,
// counting a bound that appears where there was none.
func (c *comparer) rangeNarrowed(f *schema.Field, old, new schema.Validator) {
	raised := new.Min != nil && (old.Min == nil || above(new.Min, old.Min))
	lowered := new.Max != nil && (old.Max == nil || above(old.Max, new.Max))
	if raised || lowered {
		c.add(Data, rule(new.Name, "NARROWED"), new.Pos, "%s of %s narrowed from %s to %s: %s",
			new.Name, name(f), bounds(f, old), bounds(f, new), notRechecked)
	}
}

// schemesNarrowed reports URL schemes no longer allowed.
func (c *comparer) schemesNarrowed(f *schema.Field, old, new schema.Validator) {
	if gone := missing(schemes(old), schemes(new)); len(gone) > 0 {
		c.add(Data, rule(new.Name, "SCHEMES_NARROWED"), new.Pos, "%s of %s no longer allows the scheme %s: %s",
			new.Name, name(f), strings.Join(gone, ", "), notRechecked)
	}
}

// valuesNarrowed reports allowed values (of one_of) no longer allowed.
func (c *comparer) valuesNarrowed(f *schema.Field, old, new schema.Validator) {
	if gone := missing(texts(f, old.Values), texts(f, new.Values)); len(gone) > 0 {
		c.add(Data, rule(new.Name, "NARROWED"), new.Pos, "%s of %s no longer allows %s: %s",
			new.Name, name(f), strings.Join(gone, ", "), notRechecked)
	}
}

// schemes returns the schemes a url validator allows.
func schemes(v schema.Validator) []string {
	if len(v.Schemes) == 0 {
		return value.DefaultURLSchemes()
	}
	return v.Schemes
}

// texts formats one_of values for comparison and messages, quoted.
func texts(f *schema.Field, values []any) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = fmt.Sprintf("%q", value.Format(f.Kind, v))
	}
	return out
}

// missing returns the items of old that are not in new.
func missing(old, new []string) []string {
	var gone []string
	for _, s := range old {
		if !slices.Contains(new, s) {
			gone = append(gone, s)
		}
	}
	return gone
}

// describe formats a validator for messages, as in the schema file, by the
// shape of its argument: "min_length: 3", "regex \"^x\"",
// "range {min: 1, max: 5}".
func describe(f *schema.Field, b *value.Builtin, v schema.Validator) string {
	switch b.Arg {
	case value.ArgCount:
		return fmt.Sprintf("%s: %d", v.Name, v.N)
	case value.ArgPattern:
		return describePattern(v)
	case value.ArgRange:
		return v.Name + " " + bounds(f, v)
	case value.ArgSchemes:
		return describeSchemes(v)
	case value.ArgValues:
		return v.Name + " [" + strings.Join(texts(f, v.Values), ", ") + "]"
	case value.ArgFunc:
		return v.Name + ": " + v.Func
	}
	return v.Name
}

// describePattern formats a regex validator: `regex "^x"` or
// `inverse regex "^x"`.
func describePattern(v schema.Validator) string {
	if v.Inverse {
		return fmt.Sprintf("inverse %s %q", v.Name, v.Pattern)
	}
	return fmt.Sprintf("%s %q", v.Name, v.Pattern)
}

// describeSchemes formats a url validator: "url" for http and https, or
// "url {schemes: [https]}".
func describeSchemes(v schema.Validator) string {
	if len(v.Schemes) == 0 {
		return v.Name
	}
	return v.Name + " {schemes: [" + strings.Join(v.Schemes, ", ") + "]}"
}

// bounds formats the bounds of a range: "{min: 1, max: 5}", "{max: 5}".
func bounds(f *schema.Field, v schema.Validator) string {
	var parts []string
	if v.Min != nil {
		parts = append(parts, "min: "+value.Format(f.Kind, v.Min))
	}
	if v.Max != nil {
		parts = append(parts, "max: "+value.Format(f.Kind, v.Max))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

package breaking

import (
	"fmt"
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
	if ov, ok := sameValidator(of, v); ok {
		if narrowed := narrowings[v.Name]; narrowed != nil {
			narrowed(c, nf, ov, v)
		}
		return
	}
	if v.Name == "regex" && c.regexChanged(of, nf, v) {
		return
	}
	if !impliedBy(of, v.Name) {
		c.validatorAdded(nf, v)
	}
}

// sameValidator returns the validator of f that v is a version of: the one
// with v's name, or for regex and custom, which may repeat, the one with
// the same pattern and sense, or the same function name.
func sameValidator(f *schema.Field, v schema.Validator) (schema.Validator, bool) {
	i := slices.IndexFunc(f.Validators, func(o schema.Validator) bool {
		return o.Name == v.Name && o.Pattern == v.Pattern && o.Inverse == v.Inverse && o.Custom == v.Custom
	})
	if i < 0 {
		return schema.Validator{}, false
	}
	return f.Validators[i], true
}

// implications lists, for a validator without arguments, the validators
// that already reject everything it rejects.
var implications = map[string][]string{
	"required":     {"not_empty"},
	"not_empty":    {"required"},
	"ip":           {"ipv4", "ipv6"},
	"hostname":     {"domain"},
	"positive":     {"port"},
	"non_negative": {"positive", "port"},
}

// impliedBy reports whether a validator of f already rejects everything
// the validator called name rejects.
func impliedBy(f *schema.Field, name string) bool {
	return slices.ContainsFunc(f.Validators, func(o schema.Validator) bool {
		return slices.Contains(implications[name], o.Name)
	})
}

// validatorAdded reports a validator the old field did not have.
func (c *comparer) validatorAdded(f *schema.Field, v schema.Validator) {
	rule := "VALIDATOR_ADDED"
	if v.Name == "required" || v.Name == "not_empty" {
		rule = "REQUIRED_ADDED"
	}
	c.add(Data, rule, v.Pos, "%s gained the validator %s: %s", name(f), describe(f, v), notRechecked)
}

// regexChanged reports a regex whose pattern changed: the old field had a
// regex of the same sense that the new one lacks. It returns false when
// there is none, and v is simply new.
func (c *comparer) regexChanged(of, nf *schema.Field, v schema.Validator) bool {
	for _, ov := range of.Validators {
		if _, kept := sameValidator(nf, ov); ov.Name == "regex" && ov.Inverse == v.Inverse && !kept {
			c.add(Data, "REGEX_CHANGED", v.Pos, "the %s of %s changed to %s: %s",
				describe(of, ov), name(nf), describe(nf, v), notRechecked)
			return true
		}
	}
	return false
}

// narrowings compare a validator kept from the old field with its new
// arguments, by validator name.
var narrowings = map[string]func(c *comparer, f *schema.Field, old, new schema.Validator){
	"min_length": (*comparer).minLength,
	"max_length": (*comparer).maxLength,
	"range":      (*comparer).rangeNarrowed,
	"url":        (*comparer).urlNarrowed,
	"one_of":     (*comparer).oneOfNarrowed,
}

// minLength reports a raised min_length.
func (c *comparer) minLength(f *schema.Field, old, new schema.Validator) {
	if new.N > old.N {
		c.add(Data, "MIN_LENGTH_RAISED", new.Pos, "min_length of %s raised from %d to %d: %s", name(f), old.N, new.N, notRechecked)
	}
}

// maxLength reports a lowered max_length.
func (c *comparer) maxLength(f *schema.Field, old, new schema.Validator) {
	if new.N < old.N {
		c.add(Data, "MAX_LENGTH_LOWERED", new.Pos, "max_length of %s lowered from %d to %d: %s", name(f), old.N, new.N, notRechecked)
	}
}

// rangeNarrowed reports a range whose minimum rose or maximum fell,
// counting a bound that appears where there was none.
func (c *comparer) rangeNarrowed(f *schema.Field, old, new schema.Validator) {
	raised := new.Min != nil && (old.Min == nil || above(new.Min, old.Min))
	lowered := new.Max != nil && (old.Max == nil || above(old.Max, new.Max))
	if raised || lowered {
		c.add(Data, "RANGE_NARROWED", new.Pos, "range of %s narrowed from %s to %s: %s",
			name(f), bounds(f, old), bounds(f, new), notRechecked)
	}
}

// urlNarrowed reports URL schemes no longer allowed.
func (c *comparer) urlNarrowed(f *schema.Field, old, new schema.Validator) {
	if gone := missing(schemes(old), schemes(new)); len(gone) > 0 {
		c.add(Data, "URL_SCHEMES_NARROWED", new.Pos, "url of %s no longer allows the scheme %s: %s",
			name(f), strings.Join(gone, ", "), notRechecked)
	}
}

// oneOfNarrowed reports one_of values no longer allowed.
func (c *comparer) oneOfNarrowed(f *schema.Field, old, new schema.Validator) {
	if gone := missing(texts(f, old.Values), texts(f, new.Values)); len(gone) > 0 {
		c.add(Data, "ONE_OF_NARROWED", new.Pos, "one_of of %s no longer allows %s: %s",
			name(f), strings.Join(gone, ", "), notRechecked)
	}
}

// schemes returns the schemes a url validator allows.
func schemes(v schema.Validator) []string {
	if len(v.Schemes) == 0 {
		return []string{"http", "https"}
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

// describe formats a validator for messages, as in the schema file:
// "min_length: 3", "regex \"^x\"", "range {min: 1, max: 5}".
func describe(f *schema.Field, v schema.Validator) string {
	switch v.Name {
	case "min_length", "max_length":
		return fmt.Sprintf("%s: %d", v.Name, v.N)
	case "regex":
		return describeRegex(v)
	case "range":
		return "range " + bounds(f, v)
	case "url":
		return describeURL(v)
	case "one_of":
		return "one_of [" + strings.Join(texts(f, v.Values), ", ") + "]"
	case "custom":
		return "custom: " + v.Custom
	}
	return v.Name
}

// describeRegex formats a regex validator: `regex "^x"` or
// `inverse regex "^x"`.
func describeRegex(v schema.Validator) string {
	if v.Inverse {
		return fmt.Sprintf("inverse regex %q", v.Pattern)
	}
	return fmt.Sprintf("regex %q", v.Pattern)
}

// describeURL formats a url validator: "url" for http and https, or
// "url {schemes: [https]}".
func describeURL(v schema.Validator) string {
	if len(v.Schemes) == 0 {
		return "url"
	}
	return "url {schemes: [" + strings.Join(v.Schemes, ", ") + "]}"
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

package value

import "slices"

// Hints are what validators tell about the values they accept in the terms
// of an HTML form (the required, minlength, maxlength, min, max and pattern
// attributes) or a JSON Schema (required, minLength, maxLength, minimum,
// exclusiveMinimum, maximum, pattern, enum). They guide an editor; the
// validators still decide.
type Hints struct {
	// Required: the value may not be empty.
	Required bool
	// MinLength and MaxLength bound the characters of a text, or the items
	// of a list; nil when unbounded.
	MinLength, MaxLength *int
	// Min and Max bound a number or duration, in the field's Parse form (an
	// int64 bound may stand for any number kind); nil when open.
	Min, Max any
	// MinExclusive reports that the value must be above Min, not equal to it.
	MinExclusive bool
	// Patterns are Go (RE2) regular expressions the text must match,
	// unanchored (HTML's pattern attribute is anchored: wrap each as
	// ".*(?:p).*" there).
	Patterns []string
	// Values, when not nil, are the values allowed, in Parse form.
	Values []any
}

// HintsOf returns the hints of the built-in validators among vs for a
// field of kind k, combined: the tightest bounds, every pattern, and the
// values allowed by every list. Validators not made by this package's
// constructors tell nothing.
func HintsOf(k Kind, vs []Validator) Hints {
	var h Hints
	for _, v := range vs {
		d, ok := v.(declared)
		if !ok {
			continue
		}
		if b, ok := LookupBuiltin(v.Name()); ok {
			h = h.and(b.Hints(k, d.arguments()))
		}
	}
	return h
}

// declared is implemented by the validators of this package: they remember
// the arguments they were built with.
type declared interface {
	arguments() Args
}

// and combines the hints of two validators that a value must both pass.
func (h Hints) and(o Hints) Hints {
	h.Required = h.Required || o.Required
	h.MinLength = tighter(h.MinLength, o.MinLength, 1)
	h.MaxLength = tighter(h.MaxLength, o.MaxLength, -1)
	if o.Min != nil && (h.Min == nil || above(o.Min, h.Min, o.MinExclusive)) {
		h.Min, h.MinExclusive = o.Min, o.MinExclusive
	}
	if o.Max != nil && (h.Max == nil || above(h.Max, o.Max, false)) {
		h.Max = o.Max
	}
	h.Patterns = append(slices.Clip(h.Patterns), o.Patterns...)
	h.Values = bothAllow(h.Values, o.Values)
	return h
}

// tighter returns the larger of two optional counts when side is +1, the
// smaller when it is -1.
func tighter(a, b *int, side int) *int {
	if a == nil || b != nil && (*b-*a)*side > 0 {
		return b
	}
	return a
}

// above reports whether a is above b, or, when orEqual, at least b.
func above(a, b any, orEqual bool) bool {
	c, ok := compareValues(a, b)
	return ok && (c > 0 || orEqual && c == 0)
}

// bothAllow returns the values both lists allow; a nil list allows all.
func bothAllow(a, b []any) []any {
	if a == nil || b == nil {
		return append(a, b...)
	}
	return slices.DeleteFunc(slices.Clone(a), func(x any) bool {
		return !slices.ContainsFunc(b, func(y any) bool { return sameValue(x, y) })
	})
}

// count returns a pointer to n, for Hints' lengths.
func count(n int) *int { return &n }

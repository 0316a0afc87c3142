package lint

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime/value"

	"github.com/shopspring/decimal"

	"github.com/go-sysconfig/sysconfig/schema"
)

// The numeric-bounds rule suggests validators that would bound a field. A
// suggestion must accept the field's default, or following it would make
// the schema fail to load: a default of 0.5 gets range: {min: 0, max: 100}
// rather than {min: 1, max: 100}, and no positive. An implicit default (the
// kind's zero value, when the schema gives none) is not checked against
// validators, so it does not narrow the suggestions.

// boundsHint lists the validators that would bound f and accept its
// default, from the table of package value: the range with an example,
// those without an argument that accept the default, the lists of values,
// and last, in parentheses, those meant for narrower uses (port).
func boundsHint(f *schema.Field) string {
	var hints, lists, narrow []string
	for _, b := range value.Builtins() {
		switch {
		case !b.Bounds || !b.Kinds.Has(f.Kind):
		case b.Arg == value.ArgRange:
			hints = append(hints, b.Name+": "+exampleRange(f))
		case b.Arg == value.ArgValues:
			lists = append(lists, b.Name)
		case b.Arg != value.ArgNone:
			hints = append(hints, strings.TrimPrefix(b.Example, "- "))
		case !acceptsDefault(f, b):
		case b.Use != "":
			narrow = append(narrow, b.Name+" for "+b.Use)
		default:
			hints = append(hints, b.Name)
		}
	}
	hint := strings.Join(hints, ", ")
	if len(lists) > 0 {
		hint = strings.TrimPrefix(hint+" or "+strings.Join(lists, " or "), " or ")
	}
	if len(narrow) > 0 {
		hint += " (" + strings.Join(narrow, ", ") + ")"
	}
	return hint
}

// acceptsDefault reports whether validator b, without arguments, passes
// f's default, when the schema gives one.
func acceptsDefault(f *schema.Field, b *value.Builtin) bool {
	return !f.HasDefault || b.New(value.Args{}).Validate(f.Default) == nil
}

// baseRange is the range suggested for a kind when nothing narrows it, as
// decimals (a duration in nanoseconds).
func baseRange(k value.Kind) (lo, hi decimal.Decimal) {
	if k == value.KindDuration {
		return decimal.NewFromInt(int64(time.Second)), decimal.NewFromInt(int64(time.Hour))
	}
	return decimal.NewFromInt(1), decimal.NewFromInt(100)
}

// exampleRange returns a range for f that accepts its default: the base
// range of its kind, {min: 1, max: 100} or {min: 1s, max: 1h}, widened to
// take the default in. Below the minimum, the minimum becomes 0 for a
// default of 0 or more, or else minus the maximum times a power of ten;
// above the maximum, the maximum is multiplied by powers of ten. So 0.5
// gives {min: 0, max: 100}, -5 {min: -100, max: 100} and 5000 {min: 1,
// max: 10000}.
func exampleRange(f *schema.Field) string {
	lo, hi := baseRange(f.Kind)
	if d, ok := asDecimal(f.Default); ok && f.HasDefault {
		lo, hi = widen(lo, hi, d)
	}
	return fmt.Sprintf("{min: %s, max: %s}", boundText(f, lo), boundText(f, hi))
}

// widen extends [lo, hi] to take d in, as exampleRange describes.
func widen(lo, hi, d decimal.Decimal) (decimal.Decimal, decimal.Decimal) {
	switch {
	case d.GreaterThanOrEqual(lo):
	case !d.IsNegative():
		lo = decimal.Zero
	default:
		lo = tenfold(hi, d.Neg()).Neg()
	}
	return lo, tenfold(hi, d)
}

// tenfold multiplies base by ten until it is at least d.
func tenfold(base, d decimal.Decimal) decimal.Decimal {
	ten := decimal.NewFromInt(10)
	for base.LessThan(d) {
		base = base.Mul(ten)
	}
	return base
}

// asDecimal converts a numeric default (a duration in nanoseconds).
func asDecimal(v any) (decimal.Decimal, bool) {
	switch x := v.(type) {
	case int64:
		return decimal.NewFromInt(x), true
	case float64:
		return decimal.NewFromFloat(x), true
	case decimal.Decimal:
		return x, true
	case time.Duration:
		return decimal.NewFromInt(int64(x)), true
	}
	return decimal.Zero, false
}

// boundText writes bound b as a value of f's kind. A bound the kind cannot
// hold (past int64, float64 or 1,000 digits) is replaced by the default,
// which the widened range always reaches.
func boundText(f *schema.Field, b decimal.Decimal) string {
	v, ok := fromDecimal(f.Kind, b)
	if !ok || value.Check(f.Kind, v) != nil {
		v = f.Default
	}
	if d, isDuration := v.(time.Duration); isDuration {
		return shortDuration(d)
	}
	return value.Format(f.Kind, v)
}

// fromDecimal converts b to a value of kind k, reporting whether it fits.
func fromDecimal(k value.Kind, b decimal.Decimal) (any, bool) {
	limit := decimal.NewFromInt(math.MaxInt64)
	fits := b.Abs().LessThanOrEqual(limit)
	switch k {
	case value.KindInt:
		return b.IntPart(), fits
	case value.KindDuration:
		return time.Duration(b.IntPart()), fits
	case value.KindFloat:
		x := b.InexactFloat64()
		return x, !math.IsInf(x, 0)
	}
	return b, true
}

// shortDuration writes d without zero units: 1h rather than 1h0m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

package value

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"reflect"
	"time"

	"github.com/shopspring/decimal"
)

// Validator checks one value. Validators receive values in Parse's form
// (select values as plain strings). Following django-sysconfig, every
// validator except Required passes an empty value ("", an empty list), so
// that optional fields may be left empty.
//
// The error returned describes the problem without quoting the value, so
// secret values never leak through validation messages.
//
// For string lists, min_length and max_length count items, while validators
// of string content (email, regex, one_of...) check every item of a
// non-empty list — an empty item is checked, not skipped — and report each
// failing item by its 1-based position: "item 2: must be a valid email
// address".
//
// The built-in validators are made by the constructors of this package;
// [Builtins] describes each, with the kinds it accepts.
type Validator interface {
	// Name is the validator's schema-file name, such as "min_length".
	Name() string
	// String describes the validator with its arguments, for docs and tools,
	// such as "min_length(3)".
	String() string
	// Validate returns nil or an error describing the problem.
	Validate(v any) error
}

// asString returns the string underlying a value of a named string type,
// such as a generated select enum.
func asString(v any) (string, bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.String {
		return rv.String(), true
	}
	return "", false
}

// valueIsEmpty reports whether v is empty in django-sysconfig's sense: an
// empty string, a zero Secret, an empty or nil list, or nil. Numbers, bools
// and durations are never empty.
func valueIsEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case Secret:
		return x.IsZero()
	case []string:
		return len(x) == 0
	}
	s, ok := valueText(v)
	return ok && s == ""
}

// valueText returns the text of a string, a named string type or a Secret
// (revealed: callers must never put it in a message).
func valueText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case Secret:
		return x.Reveal(), true
	}
	return asString(v)
}

// typeName names the kind of a value for messages about misuse, such as a
// length validator given a number. It never shows the value.
func typeName(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case Secret:
		return "secret"
	case int64:
		return "int"
	case float64:
		return "float"
	case decimal.Decimal:
		return "decimal"
	case bool:
		return "bool"
	case time.Duration:
		return "duration"
	case []string:
		return "string_list"
	}
	return fmt.Sprintf("%T", v)
}

// normalizeValue converts Go values that generated code or tests may pass
// as validator arguments to Parse's form: any integer type becomes
// int64 (decimal if it overflows), float32 becomes float64 and named string
// types become string. ok is false for types with no Parse form.
func normalizeValue(v any) (any, bool) {
	switch x := v.(type) {
	case int64, float64, decimal.Decimal, time.Duration, string, bool:
		return v, true
	case float32:
		return float64(x), true
	case int:
		return int64(x), true
	case int32:
		return int64(x), true
	case uint64:
		if x > math.MaxInt64 {
			return decimal.NewFromUint64(x), true
		}
		return int64(x), true
	}
	return normalizeReflect(v)
}

// normalizeReflect handles the rarer integer types and named string types.
func normalizeReflect(v any) (any, bool) {
	rv := reflect.ValueOf(v)
	switch {
	case rv.CanInt():
		return rv.Int(), true
	case rv.CanUint():
		return normalizeValue(rv.Uint())
	case rv.Kind() == reflect.String:
		return rv.String(), true
	}
	return nil, false
}

// compareValues compares two numbers or two durations: it returns -1, 0 or
// +1 as a is less than, equal to or greater than b. Numbers of different
// types (int64, float64, decimal.Decimal) are compared exactly. ok is false
// when the values cannot be compared: a duration with a non-duration, a
// non-number, or NaN.
func compareValues(a, b any) (c int, ok bool) {
	switch x := a.(type) {
	case time.Duration:
		y, ok := b.(time.Duration)
		return cmp.Compare(x, y), ok
	case int64:
		if y, ok := b.(int64); ok {
			return cmp.Compare(x, y), true
		}
	case float64:
		if y, ok := b.(float64); ok && !math.IsNaN(x) && !math.IsNaN(y) {
			return cmp.Compare(x, y), true
		}
	}
	na, okA := numberOf(a)
	nb, okB := numberOf(b)
	if !okA || !okB {
		return 0, false
	}
	return na.compare(nb), true
}

// number is an int64, float64 or decimal.Decimal brought to one exact form.
// inf is -1 or +1 for infinite floats, which decimals cannot hold.
type number struct {
	inf int
	d   decimal.Decimal
}

// numberOf converts v to a number; ok is false for non-numbers and NaN.
func numberOf(v any) (n number, ok bool) {
	switch x := v.(type) {
	case int64:
		return number{d: decimal.NewFromInt(x)}, true
	case decimal.Decimal:
		return number{d: x}, true
	case float64:
		return floatNumber(x)
	}
	return number{}, false
}

func floatNumber(f float64) (number, bool) {
	switch {
	case math.IsNaN(f):
		return number{}, false
	case math.IsInf(f, 0):
		return number{inf: int(math.Copysign(1, f))}, true
	}
	return number{d: decimal.NewFromFloat(f)}, true
}

func (n number) compare(m number) int {
	if n.inf != 0 || m.inf != 0 {
		return cmp.Compare(n.inf, m.inf)
	}
	return n.d.Cmp(m.d)
}

// notApplicable reports a validator given a value of a kind it does not
// check. The schema loader prevents this with Builtin.Kinds.
func notApplicable(name string, v any) error {
	return fmt.Errorf("%s validator cannot check %s values", name, typeName(v))
}

// incomparable reports a value that cannot be compared with a bound.
func incomparable(name string, v, bound any) error {
	if f, ok := v.(float64); ok && math.IsNaN(f) {
		return errors.New("must be a number")
	}
	return fmt.Errorf("%s validator cannot compare %s values with %s bounds",
		name, typeName(v), typeName(bound))
}

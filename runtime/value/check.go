package value

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// MaxDecimalDigits bounds the digits a decimal value may have before its
// point, and after it.
const MaxDecimalDigits = 1000

// Check reports whether v, a value of kind k in Parse's form, is
// one that every door accepts: the typed setters, the text setters, SetMany,
// Validate, imports, the schema's defaults. It is the one check each value
// goes through, so that nothing can be stored that a read would refuse or
// change:
//   - text of every kind (string, text, select, secret, list items) is valid
//     UTF-8 without NUL bytes;
//   - string and select values, and string list items, are one line: no
//     carriage return or line feed (text and secret values may span lines);
//   - floats are finite;
//   - decimals have at most MaxDecimalDigits digits before the point and
//     after it;
//   - and the value reads back identical from its canonical text (Format
//     then Parse).
//
// Its error describes the problem without quoting the value. Validators and
// a select's choices are checked on top of it (runtime's Field.Validate).
func Check(k Kind, v any) error {
	if err := checkShape(k, v); err != nil {
		return err
	}
	back, err := ParseStored(k, Format(k, v))
	if err != nil || !identical(v, back) {
		return errors.New("does not read back identical from its text form")
	}
	return nil
}

// checkShape checks the invariants of each kind (see Check).
func checkShape(k Kind, v any) error {
	switch x := v.(type) {
	case string:
		return checkText(k, x)
	case Secret:
		return checkText(k, x.Reveal())
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return errors.New("is not a finite number")
		}
	case decimal.Decimal:
		return checkDecimal(x)
	case []string:
		for i, item := range x {
			if err := checkText(k, item); err != nil {
				return fmt.Errorf("item %d: %w", i+1, err)
			}
		}
	}
	return checkType(k, v)
}

// checkText checks text of kind k: valid UTF-8, no NUL, and one line unless
// k allows several.
func checkText(k Kind, s string) error {
	switch {
	case !utf8.ValidString(s):
		return errors.New("is not valid UTF-8")
	case strings.IndexByte(s, 0) >= 0:
		return errors.New("contains a NUL byte")
	case (k == KindText || k == KindSecret) || !strings.ContainsAny(s, "\r\n"):
		return nil
	case k == KindStringList:
		return errors.New("must be one line (no line break in a list item)")
	}
	return fmt.Errorf("must be one line (a line break is allowed in a text field, not in a %s)", k)
}

// checkDecimal bounds the digits of d before and after its point.
func checkDecimal(d decimal.Decimal) error {
	exp := int64(d.Exponent())
	digits := int64(len(d.Coefficient().String()))
	if d.Sign() < 0 {
		digits-- // the minus sign
	}
	if before := digits + exp; before > MaxDecimalDigits {
		return fmt.Errorf("has %d digits before the point, more than %d", before, MaxDecimalDigits)
	}
	if after := -exp; after > MaxDecimalDigits {
		return fmt.Errorf("has %d digits after the point, more than %d", after, MaxDecimalDigits)
	}
	return nil
}

// checkType fails when v is not of the Go type that kind k holds.
func checkType(k Kind, v any) error {
	var ok bool
	switch k {
	case KindString, KindText, KindSelect:
		_, ok = v.(string)
	case KindSecret:
		_, ok = v.(Secret)
	case KindInt:
		_, ok = v.(int64)
	case KindFloat:
		_, ok = v.(float64)
	case KindDecimal:
		_, ok = v.(decimal.Decimal)
	case KindBool:
		_, ok = v.(bool)
	case KindDuration:
		_, ok = v.(time.Duration)
	case KindStringList:
		_, ok = v.([]string)
	}
	if !ok {
		return fmt.Errorf("is a %s, not a %s value", typeName(v), k)
	}
	return nil
}

// identical reports whether a value and what its text form reads back as
// are identical: decimals with the same scale, floats with the same bits
// (so -0 stays -0), lists item by item.
func identical(a, b any) bool {
	switch x := a.(type) {
	case decimal.Decimal:
		y, ok := b.(decimal.Decimal)
		return ok && x.Equal(y) && x.Exponent() == y.Exponent()
	case float64:
		y, ok := b.(float64)
		return ok && math.Float64bits(x) == math.Float64bits(y)
	case []string:
		y, ok := b.([]string)
		return ok && slices.Equal(x, y)
	}
	return a == b
}

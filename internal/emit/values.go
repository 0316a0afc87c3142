package emit

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-sysconfig/sysconfig/runtime/value"

	"github.com/dave/jennifer/jen"
	"github.com/go-sysconfig/sysconfig/schema"
	"github.com/shopspring/decimal"
)

// valueType returns the Go type of f's values: string, int64, float64,
// decimal.Decimal, bool, time.Duration, []string, value.Secret or the
// generated enum type.
func valueType(f *schema.Field) *jen.Statement {
	switch f.Kind {
	case value.KindInt:
		return jen.Int64()
	case value.KindFloat:
		return jen.Float64()
	case value.KindDecimal:
		return jen.Qual(decimalPkg, "Decimal")
	case value.KindBool:
		return jen.Bool()
	case value.KindDuration:
		return jen.Qual(timePkg, "Duration")
	case value.KindStringList:
		return jen.Index().String()
	case value.KindSecret:
		return jen.Qual(valuePkg, "Secret")
	case value.KindSelect:
		return jen.Id(f.EnumType())
	}
	return jen.String()
}

// constructor returns the runtime function declaring a field of f's kind.
func constructor(k value.Kind) string {
	switch k {
	case value.KindText:
		return "TextField"
	case value.KindInt:
		return "IntField"
	case value.KindFloat:
		return "FloatField"
	case value.KindDecimal:
		return "DecimalField"
	case value.KindBool:
		return "BoolField"
	case value.KindDuration:
		return "DurationField"
	case value.KindStringList:
		return "StringListField"
	case value.KindSecret:
		return "SecretField"
	case value.KindSelect:
		return "SelectField"
	}
	return "StringField"
}

// defaultValue returns f's default as the argument of its constructor,
// where the parameter's type makes untyped constants right:
//
//	"My Shop"   5   2.5   value.MustDecimal("9.99")   90 * time.Second   nil
func (g *gen) defaultValue(f *schema.Field) jen.Code {
	v := f.Default
	if v == nil {
		v = schema.ZeroValue(f.Kind)
	}
	v = normalize(f.Kind, v)
	if !holds(f.Kind, v) {
		return g.badValue(f, v)
	}
	switch x := v.(type) {
	case int64:
		return jen.Op(strconv.FormatInt(x, 10))
	case time.Duration:
		return durationExpr(x)
	case []string:
		return stringList(x)
	}
	return g.value(f, v)
}

// value returns v, a value of f's kind in value.Parse's form, as a
// Go expression that keeps its type when passed as any:
//
//	"light"   int64(5)   2.5   3.0   value.MustDecimal("0.01")
//	5 * time.Second   time.Duration(0)   true   []string{"a"}
//
// Integers given for a float field are widened; other mismatches fail.
func (g *gen) value(f *schema.Field, v any) jen.Code {
	n := normalize(f.Kind, v)
	if !holds(f.Kind, n) {
		return g.badValue(f, v)
	}
	switch x := n.(type) {
	case string:
		return jen.Lit(x)
	case int64:
		return jen.Lit(x)
	case float64:
		return jen.Lit(x)
	case decimal.Decimal:
		return jen.Qual(valuePkg, "MustDecimal").Call(jen.Lit(decimalText(x)))
	case bool:
		return jen.Lit(x)
	case time.Duration:
		return typedDuration(x)
	}
	return stringList(n.([]string))
}

// badValue reports a value that does not fit f's kind.
func (g *gen) badValue(f *schema.Field, v any) jen.Code {
	g.fail(f.Pos, "field %s: %v (%T) is not a value of kind %s", f.Path, v, v, f.Kind)
	return jen.Null()
}

// holds reports whether v, normalized, is a value of kind k. String list
// validators also take single strings (one_of checks each item).
func holds(k value.Kind, v any) bool {
	switch v.(type) {
	case string:
		return k == value.KindString || k == value.KindText || k == value.KindSelect || k == value.KindStringList
	case int64:
		return k == value.KindInt
	case float64:
		return k == value.KindFloat
	case decimal.Decimal:
		return k == value.KindDecimal
	case bool:
		return k == value.KindBool
	case time.Duration:
		return k == value.KindDuration
	case []string:
		return k == value.KindStringList
	}
	return false
}

// normalize converts v to the Go type f's kind holds, where that loses
// nothing: int to int64, integers to float64 for float fields, and integers
// and floats to decimals for decimal fields.
func normalize(k value.Kind, v any) any {
	if n, ok := v.(int); ok {
		v = int64(n)
	}
	switch x := v.(type) {
	case int64:
		return widenInt(k, x)
	case float64:
		if k == value.KindDecimal {
			return decimal.NewFromFloat(x)
		}
	}
	return v
}

// decimalText writes d keeping its scale, so that "49.90" stays "49.90".
func decimalText(d decimal.Decimal) string {
	if d.Exponent() < 0 {
		return d.StringFixed(-d.Exponent())
	}
	return d.String()
}

// widenInt converts an integer to the number type of kind k.
func widenInt(k value.Kind, n int64) any {
	switch k {
	case value.KindFloat:
		return float64(n)
	case value.KindDecimal:
		return decimal.NewFromInt(n)
	}
	return n
}

// durationUnits are the units durations are written in, largest first.
var durationUnits = []struct {
	name string
	size time.Duration
}{
	{"Hour", time.Hour}, {"Minute", time.Minute}, {"Second", time.Second},
	{"Millisecond", time.Millisecond}, {"Microsecond", time.Microsecond},
	{"Nanosecond", time.Nanosecond},
}

// durationExpr writes d with the largest unit dividing it exactly, for a
// time.Duration parameter:
//
//	0   time.Hour   90 * time.Second   -1500 * time.Millisecond
func durationExpr(d time.Duration) *jen.Statement {
	if d == 0 {
		return jen.Lit(0)
	}
	for _, u := range durationUnits {
		if d%u.size != 0 {
			continue
		}
		unit := jen.Qual(timePkg, u.name)
		if d == u.size {
			return unit
		}
		return jen.Op(strconv.FormatInt(int64(d/u.size), 10)).Op("*").Add(unit)
	}
	panic("unreachable: every duration is a whole number of nanoseconds")
}

// typedDuration is durationExpr for an any parameter, where a bare 0 would
// be an int:
//
//	time.Duration(0)   5 * time.Second
func typedDuration(d time.Duration) *jen.Statement {
	if d == 0 {
		return jen.Qual(timePkg, "Duration").Call(jen.Lit(0))
	}
	return durationExpr(d)
}

// stringList writes a list, or nil when it is empty:
//
//	[]string{"a", "b"}   nil
func stringList(list []string) *jen.Statement {
	if len(list) == 0 {
		return jen.Nil()
	}
	return jen.Index().String().Values(stringLits(list)...)
}

// pattern writes a regular expression as a raw string when it can be one
// (no backquote, no carriage return, valid UTF-8), else quoted:
//
//	`^[a-z]+\d*$`
func pattern(p string) jen.Code {
	if strings.ContainsAny(p, "`\r") || !utf8.ValidString(p) {
		return jen.Lit(p)
	}
	return jen.Op("`" + p + "`")
}

// choiceConst returns the enum constant of the choice whose value is value.
func (g *gen) choiceConst(f *schema.Field, value any) jen.Code {
	for _, c := range f.Choices {
		if c.Value == value {
			return jen.Id(f.ConstName(c))
		}
	}
	g.fail(f.Pos, "field %s: %s is not one of its choices", f.Path, fmt.Sprintf("%q", value))
	return jen.Null()
}

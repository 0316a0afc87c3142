// Package hostile is the table of hostile inputs that every door into
// sysconfig must refuse, and of awkward ones it must take, per kind: NaN and
// infinities, NUL, invalid UTF-8, line breaks, values too large, empty
// values, overflows. The runtime's doors (internal/integration) and the
// operator CLI's (package cli) are tested with the same table.
package hostile

import (
	"math"
	"strings"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime/value"

	"github.com/shopspring/decimal"
)

// Input is one input at every door of a field of its kind: typed (nil when
// the input has no typed form) and as text, and whether sysconfig takes it.
type Input struct {
	Name   string
	Typed  any    // a value in value.Parse's form (a select's as a string), or nil
	Text   string // the same input as text; "" with NoText when none
	NoText bool
	OK     bool // accepted, and reads back identical
}

var (
	mega    = strings.Repeat("x", 1<<20)
	badUTF8 = "ok\xff\xfeok"
)

// Inputs lists, per kind, what the doors must accept and refuse. A field of
// kind select has the choices light and dark.
func Inputs() map[value.Kind][]Input {
	return inputs
}

var inputs = map[value.Kind][]Input{
	value.KindString: {
		{"plain", "Hello, wörld", "Hello, wörld", false, true},
		{"empty", "", "", false, true},
		{"NUL", "a\x00b", "a\x00b", false, false},
		{"invalid UTF-8", badUTF8, badUTF8, false, false},
		{"LF", "X-\nInjected", "X-\nInjected", false, false},
		{"CR", "a\rb", "a\rb", false, false},
		{"1 MB", mega, mega, false, false},
	},
	value.KindText: {
		{"lines", "one\r\ntwo\n", "one\r\ntwo\n", false, true},
		{"NUL", "a\x00b", "a\x00b", false, false},
		{"invalid UTF-8", badUTF8, badUTF8, false, false},
		{"1 MB", mega, mega, false, false},
		{"64 KiB exactly", strings.Repeat("y", 64<<10), strings.Repeat("y", 64<<10), false, true},
		{"64 KiB and a byte", strings.Repeat("y", 64<<10+1), strings.Repeat("y", 64<<10+1), false, false},
	},
	value.KindInt: {
		{"max", int64(math.MaxInt64), "9223372036854775807", false, true},
		{"min", int64(math.MinInt64), "-9223372036854775808", false, true},
		{"overflow", nil, "9223372036854775808", true, false},
		{"fraction", nil, "1.5", true, false},
		{"exponent", nil, "1e3", true, false},
		{"empty", nil, "", true, false},
		{"NaN", nil, "NaN", true, false},
	},
	value.KindFloat: {
		{"NaN", math.NaN(), "NaN", false, false},
		{"+Inf", math.Inf(1), "+Inf", false, false},
		{"-Inf", math.Inf(-1), "-Inf", false, false},
		{"overflow", nil, "1e309", true, false},
		{"-0", math.Copysign(0, -1), "-0", false, true},
		{"max", math.MaxFloat64, "1.7976931348623157e+308", false, true},
		{"smallest", math.SmallestNonzeroFloat64, "5e-324", false, true},
		{"empty", nil, "", true, false},
	},
	value.KindDecimal: {
		{"scale kept", decimal.RequireFromString("49.90"), "49.90", false, true},
		{"1000 digits after the point", decimal.New(1, -1000), "1e-1000", false, true},
		{"10001 digits after the point", decimal.New(1, -10001), "1e-10001", false, false},
		{"1001 digits before the point", decimal.New(1, 1000), "1e1000", false, false},
		{"NaN", nil, "NaN", true, false},
		{"empty", nil, "", true, false},
	},
	value.KindBool: {
		{"true", true, "yes", false, true},
		{"maybe", nil, "maybe", true, false},
		{"empty", nil, "", true, false},
	},
	value.KindSelect: {
		{"choice", "dark", "dark", false, true},
		{"not a choice", "purple", "purple", false, false},
		{"LF", "dark\n", "dark\n", false, false},
		{"NUL", "da\x00rk", "da\x00rk", false, false},
	},
	value.KindDuration: {
		{"negative", -90 * time.Second, "-1m30s", false, true},
		{"max", time.Duration(math.MaxInt64), time.Duration(math.MaxInt64).String(), false, true},
		{"min", time.Duration(math.MinInt64), time.Duration(math.MinInt64).String(), false, true},
		{"unit", nil, "1y", true, false},
		{"empty", nil, "", true, false},
	},
	value.KindStringList: {
		{"items", []string{"a", "", "é"}, `["a","","é"]`, false, true},
		{"empty", []string{}, "[]", false, true},
		{"null item", nil, `["a",null]`, true, false},
		{"LF in an item", []string{"a", "b\nc"}, `["a","b\nc"]`, false, false},
		{"NUL in an item", []string{"a\x00"}, `["a\u0000"]`, false, false},
		{"invalid UTF-8 item", []string{badUTF8}, "", true, false},
		{"not an array", nil, `"a"`, true, false},
	},
	value.KindSecret: {
		{"lines", value.NewSecret("-----BEGIN KEY-----\nabc\n"), "-----BEGIN KEY-----\nabc\n", false, true},
		{"NUL", value.NewSecret("s\x00"), "s\x00", false, false},
		{"invalid UTF-8", value.NewSecret(badUTF8), badUTF8, false, false},
		{"1 MB", value.NewSecret(mega), mega, false, false},
	},
}

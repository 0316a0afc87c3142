package value_test

import (
	"testing"

	"github.com/go-sysconfig/sysconfig/runtime/value"
)

// TestTextFormRoundTrips checks that every kind's canonical text parses back
// to itself, which the store and the CLI rely on.
func TestTextFormRoundTrips(t *testing.T) {
	for _, tc := range []struct {
		kind       value.Kind
		text, want string
	}{
		{value.KindDecimal, "49.90", "49.90"}, // the scale is kept
		{value.KindDecimal, "25", "25"},
		{value.KindDecimal, "-0.010", "-0.010"},
		{value.KindInt, " 42 ", "42"},
		{value.KindFloat, "0.25", "0.25"},
		{value.KindBool, "yes", "true"},
		{value.KindDuration, "90s", "1m30s"},
		{value.KindStringList, `["a","b"]`, `["a","b"]`},
		{value.KindStringList, "", "[]"},
		{value.KindText, "two\nlines", "two\nlines"},
	} {
		v, err := value.Parse(tc.kind, tc.text)
		if err != nil {
			t.Errorf("Parse(%v, %q): %v", tc.kind, tc.text, err)
			continue
		}
		if got := value.Format(tc.kind, v); got != tc.want {
			t.Errorf("Format(Parse(%v, %q)) = %q, want %q", tc.kind, tc.text, got, tc.want)
		}
	}
}

package runtime_test

import (
	"testing"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// TestTextFormRoundTrips checks that every kind's canonical text parses back
// to itself, which the store and the CLI rely on.
func TestTextFormRoundTrips(t *testing.T) {
	for _, tc := range []struct {
		kind       runtime.Kind
		text, want string
	}{
		{runtime.KindDecimal, "49.90", "49.90"}, // the scale is kept
		{runtime.KindDecimal, "25", "25"},
		{runtime.KindDecimal, "-0.010", "-0.010"},
		{runtime.KindInt, " 42 ", "42"},
		{runtime.KindFloat, "0.25", "0.25"},
		{runtime.KindBool, "yes", "true"},
		{runtime.KindDuration, "90s", "1m30s"},
		{runtime.KindStringList, `["a","b"]`, `["a","b"]`},
		{runtime.KindStringList, "", "[]"},
		{runtime.KindText, "two\nlines", "two\nlines"},
	} {
		v, err := runtime.ParseValue(tc.kind, tc.text)
		if err != nil {
			t.Errorf("ParseValue(%v, %q): %v", tc.kind, tc.text, err)
			continue
		}
		if got := runtime.FormatValue(tc.kind, v); got != tc.want {
			t.Errorf("FormatValue(ParseValue(%v, %q)) = %q, want %q", tc.kind, tc.text, got, tc.want)
		}
	}
}

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

func TestEnvVar(t *testing.T) {
	for path, want := range map[string]string{
		"shop.site.title":  "SHOP__SITE__TITLE",
		"shop.site_x.y":    "SHOP__SITE_X__Y",
		"shop.site.x_y":    "SHOP__SITE__X_Y",
		"a1.b2_c3.d4_e5_f": "A1__B2_C3__D4_E5_F",
	} {
		if got := value.EnvVar(path); got != want {
			t.Errorf("EnvVar(%q) = %q, want %q", path, got, want)
		}
		if !value.ValidEnvVar(value.EnvVar(path)) {
			t.Errorf("EnvVar(%q) is not a valid name", path)
		}
	}
	for name, want := range map[string]bool{"SHOP_TITLE": true, "_X": true, "X9": true,
		"": false, "9X": false, "shop": false, "A-B": false, "A B": false, "É": false} {
		if got := value.ValidEnvVar(name); got != want {
			t.Errorf("ValidEnvVar(%q) = %v, want %v", name, got, want)
		}
	}
}

package value_test

import (
	"math"
	"testing"

	"github.com/go-sysconfig/sysconfig/runtime/value"
)

// FuzzValueRoundTrip checks, for every kind, that whatever text
// Parse accepts passes Check, formats to a canonical text that
// parses back to an identical value, and that the canonical text is a
// fixed point. Run longer with
//
//	go test -run '^$' -fuzz '^FuzzValueRoundTrip$' -fuzztime 10m ./runtime/value/
func FuzzValueRoundTrip(f *testing.F) {
	seeds := []string{"", "0", "-0", "1.5", "49.90", "1e3", "1e-1000", "NaN", "+Inf", "true", "yes",
		"1m30s", "-1h", `["a",""]`, `["a",null]`, "a\nb", "a\x00b", "\xff", " 42 ", "9223372036854775808"}
	for k := range value.Kinds() {
		for _, s := range seeds {
			f.Add(uint8(k), s)
		}
	}
	f.Fuzz(func(t *testing.T, kindIndex uint8, text string) {
		kinds := value.Kinds()
		k := kinds[int(kindIndex)%len(kinds)]
		v, err := value.Parse(k, text)
		if err != nil {
			return
		}
		if err := value.Check(k, v); err != nil {
			t.Fatalf("%v: Parse(%q) accepted a value Check refuses: %v", k, text, err)
		}
		canonical := value.Format(k, v)
		back, err := value.Parse(k, canonical)
		if err != nil {
			t.Fatalf("%v: the canonical text %q of %q does not parse: %v", k, canonical, text, err)
		}
		if again := value.Format(k, back); again != canonical {
			t.Fatalf("%v: %q formats to %q, which reads back as %q", k, text, canonical, again)
		}
		if x, ok := v.(float64); ok && math.Float64bits(x) != math.Float64bits(back.(float64)) {
			t.Fatalf("%v: %q reads back with other bits", k, text)
		}
	})
}

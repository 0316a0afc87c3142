package redis_test

import (
	"math"
	"testing"

	"github.com/go-sysconfig/sysconfig/runtime"
	rediscache "github.com/go-sysconfig/sysconfig/runtime/redis"
)

func TestEncode(t *testing.T) {
	cases := []struct {
		entry runtime.Entry
		want  string
	}{
		{runtime.Entry{Version: 42, Set: true, Value: "Hello, world"}, "42:s:Hello, world"},
		{runtime.Entry{Version: 7, Set: true}, "7:s:"},
		{runtime.Entry{Version: 43, Value: "ignored"}, "43:t:"},
		{runtime.Entry{Version: 0}, "0:t:"},
		{runtime.Entry{Version: math.MaxInt64, Set: true, Value: "a:b"}, "9223372036854775807:s:a:b"},
	}
	for _, c := range cases {
		if got := rediscache.Encode(c.entry); got != c.want {
			t.Errorf("Encode(%+v) = %q, want %q", c.entry, got, c.want)
		}
	}
}

func TestParse(t *testing.T) {
	cases := []struct {
		in      string
		version int64
		set     bool
		value   string
		ok      bool
	}{
		{"42:s:Hello, world", 42, true, "Hello, world", true},
		{"1:s:", 1, true, "", true},
		{"1:s::::", 1, true, ":::", true},
		{"0:t:", 0, false, "", true},
		{"9223372036854775807:t:", math.MaxInt64, false, "", true},
		{"9223372036854775808:t:", 0, false, "", false},
		{"99999999999999999999:s:x", 0, false, "", false},
		{"", 0, false, "", false},
		{"garbage", 0, false, "", false},
		{":s:x", 0, false, "", false},
		{"-1:s:x", 0, false, "", false},
		{"+1:s:x", 0, false, "", false},
		{"01:s:x", 0, false, "", false},
		{" 1:s:x", 0, false, "", false},
		{"1", 0, false, "", false},
		{"1:", 0, false, "", false},
		{"1:s", 0, false, "", false},
		{"1:x:v", 0, false, "", false},
		{"1:S:v", 0, false, "", false},
		{"1:sv", 0, false, "", false},
		{"1:ss:v", 0, false, "", false},
		{"1:t:x", 0, false, "", false},
		{"1::s:x", 0, false, "", false},
		{"١:s:x", 0, false, "", false}, // a non-ASCII digit
	}
	for _, c := range cases {
		v, set, value, ok := rediscache.Parse(c.in)
		if v != c.version || set != c.set || value != c.value || ok != c.ok {
			t.Errorf("Parse(%q) = %d, %v, %q, %v; want %d, %v, %q, %v",
				c.in, v, set, value, ok, c.version, c.set, c.value, c.ok)
		}
	}
}

func TestParseDoesNotAllocate(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() {
		_, _, _, _ = rediscache.Parse("1234567:s:some value")
	})
	if allocs != 0 {
		t.Errorf("Parse allocates %v times, want 0", allocs)
	}
}

// FuzzParse checks that parse never panics and accepts only the canonical
// form: whatever it accepts encodes back to the same bytes.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"1:s:x", "0:t:", "01:s:", "9223372036854775808:t:", "1:t:x", ":"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, set, value, ok := rediscache.Parse(s)
		if !ok {
			return
		}
		back := rediscache.Encode(runtime.Entry{Version: v, Set: set, Value: value})
		if back != s {
			t.Fatalf("Parse(%q) accepted a non-canonical entry (encodes to %q)", s, back)
		}
	})
}

// FuzzRoundTrip checks that every entry with a valid version survives
// encode then parse.
func FuzzRoundTrip(f *testing.F) {
	f.Add(int64(1), true, "value")
	f.Add(int64(0), false, "")
	f.Add(int64(math.MaxInt64), true, "a:b:c\n")
	f.Fuzz(func(t *testing.T, version int64, set bool, value string) {
		if version < 0 {
			return
		}
		if !set {
			value = ""
		}
		v, gotSet, got, ok := rediscache.Parse(rediscache.Encode(runtime.Entry{Version: version, Set: set, Value: value}))
		if !ok || v != version || gotSet != set || got != value {
			t.Fatalf("round trip of (%d, %v, %q) gave (%d, %v, %q, %v)", version, set, value, v, gotSet, got, ok)
		}
	})
}

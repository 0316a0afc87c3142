package rediscache_test

import (
	"math"
	"testing"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime"
	rediscache "github.com/go-sysconfig/sysconfig/runtime/rediscache"
)

// at is a time with whole milliseconds, as entries keep it.
var at = time.UnixMilli(1_796_000_000_123)

func TestEncode(t *testing.T) {
	cases := []struct {
		entry runtime.Entry
		want  string
	}{
		{runtime.Entry{Epoch: 5, Version: 42, Set: true, Value: "Hello, world", AsOf: at}, "5:42:1796000000123:s:Hello, world"},
		{runtime.Entry{Epoch: 5, Version: 7, Set: true, AsOf: at}, "5:7:1796000000123:s:"},
		{runtime.Entry{Epoch: 5, Version: 43, Value: "ignored", AsOf: at}, "5:43:1796000000123:t:"},
		{runtime.Entry{}, "0:0:0:t:"},
		{runtime.Entry{Epoch: math.MaxInt64, Version: math.MaxInt64, Set: true, Value: "a:b", AsOf: time.UnixMilli(math.MaxInt64)},
			"9223372036854775807:9223372036854775807:9223372036854775807:s:a:b"},
		{runtime.Entry{Epoch: 1, Version: 1, AsOf: at.Add(999 * time.Microsecond)}, "1:1:1796000000123:t:"},
	}
	for _, c := range cases {
		if got := rediscache.Encode(c.entry); got != c.want {
			t.Errorf("Encode(%+v) = %q, want %q", c.entry, got, c.want)
		}
	}
}

func TestParse(t *testing.T) {
	ok := func(epoch, version int64, set bool, value string) runtime.Entry {
		return runtime.Entry{Epoch: epoch, Version: version, Set: set, Value: value, AsOf: at}
	}
	valid := map[string]runtime.Entry{
		"5:42:1796000000123:s:Hello, world":                        ok(5, 42, true, "Hello, world"),
		"5:1:1796000000123:s:":                                     ok(5, 1, true, ""),
		"5:1:1796000000123:s::::":                                  ok(5, 1, true, ":::"),
		"0:0:1796000000123:t:":                                     ok(0, 0, false, ""),
		"9223372036854775807:9223372036854775807:1796000000123:t:": ok(math.MaxInt64, math.MaxInt64, false, ""),
	}
	for in, want := range valid {
		got, parsed := rediscache.Parse(in)
		if !parsed || got.Epoch != want.Epoch || got.Version != want.Version || got.Set != want.Set ||
			got.Value != want.Value || !got.AsOf.Equal(want.AsOf) {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", in, got, parsed, want)
		}
	}
	malformed := []string{
		"9223372036854775808:1:1:t:", "1:99999999999999999999:1:s:x", "1:1:9223372036854775808:t:",
		"", "garbage", ":1:1:s:x", "1::1:s:x", "1:1::s:x", "-1:1:1:s:x", "1:+1:1:s:x", "01:1:1:s:x",
		"1:01:1:s:x", "1:1:01:s:x", " 1:1:1:s:x", "1", "1:1:1", "1:1:1:", "1:1:1:s", "1:1:1:x:v",
		"1:1:1:S:v", "1:1:1:sv", "1:1:1:ss:v", "1:1:1:t:x", "1:1:1::s:x", "١:1:1:s:x",
		"42:s:old format", "43:t:",
	}
	for _, in := range malformed {
		if got, parsed := rediscache.Parse(in); parsed {
			t.Errorf("Parse(%q) = %+v, accepted a malformed entry", in, got)
		}
	}
}

func TestParseDoesNotAllocate(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() {
		_, _ = rediscache.Parse("1796000000123456:1234567:1796000000123:s:some value")
	})
	if allocs != 0 {
		t.Errorf("Parse allocates %v times, want 0", allocs)
	}
}

// FuzzParse checks that parse never panics and accepts only the canonical
// form: whatever it accepts encodes back to the same bytes.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"1:1:1:s:x", "0:0:0:t:", "01:1:1:s:", "9223372036854775808:1:1:t:", "1:1:1:t:x", ":"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, ok := rediscache.Parse(s)
		if !ok {
			return
		}
		if back := rediscache.Encode(e); back != s {
			t.Fatalf("Parse(%q) accepted a non-canonical entry (encodes to %q)", s, back)
		}
	})
}

// FuzzRoundTrip checks that every entry with a valid epoch, version and
// time survives encode then parse, its time to the millisecond.
func FuzzRoundTrip(f *testing.F) {
	f.Add(int64(1), int64(1), int64(1796000000123), true, "value")
	f.Add(int64(0), int64(0), int64(0), false, "")
	f.Add(int64(math.MaxInt64), int64(math.MaxInt64), int64(math.MaxInt64), true, "a:b:c\n")
	f.Fuzz(func(t *testing.T, epoch, version, ms int64, set bool, value string) {
		if epoch < 0 || version < 0 || ms < 0 {
			return
		}
		if !set {
			value = ""
		}
		in := runtime.Entry{Epoch: epoch, Version: version, Set: set, Value: value, AsOf: time.UnixMilli(ms)}
		got, ok := rediscache.Parse(rediscache.Encode(in))
		if !ok || got.Epoch != epoch || got.Version != version || got.Set != set || got.Value != value ||
			got.AsOf.UnixMilli() != ms {
			t.Fatalf("round trip of %+v gave %+v, %v", in, got, ok)
		}
	})
}

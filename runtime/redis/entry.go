package redis

import (
	"math"
	"strconv"
	"strings"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// Flags of the entry format (see the package documentation).
const (
	flagSet       = 's'
	flagTombstone = 't'
)

// maxVersionDigits is the number of digits of math.MaxInt64.
const maxVersionDigits = 19

// encode returns the stored form of e: "<version>:s:<value>" or "<version>:t:".
// A tombstone's Value is ignored.
func encode(e runtime.Entry) string {
	var b strings.Builder
	b.Grow(maxVersionDigits + 3 + len(e.Value))
	var digits [maxVersionDigits + 1]byte
	b.Write(strconv.AppendInt(digits[:0], e.Version, 10))
	if e.Set {
		b.WriteString(":s:")
		b.WriteString(e.Value)
	} else {
		b.WriteString(":t:")
	}
	return b.String()
}

// decode fills r from the stored string s, or marks r corrupt. The value
// shares s's memory, so decoding allocates nothing.
func decode(r *runtime.CacheResult, s string) {
	version, set, value, ok := parse(s)
	if !ok {
		r.Corrupt = true
		return
	}
	r.Found, r.Version, r.Set, r.Value = true, version, set, value
}

// parse splits a stored entry. It accepts exactly what the fill script's
// version() accepts, so an entry Get reports corrupt is one Fill overwrites.
func parse(s string) (version int64, set bool, value string, ok bool) {
	n := digitPrefix(s)
	version, ok = parseVersion(s[:n])
	if !ok || len(s) < n+3 || s[n] != ':' || s[n+2] != ':' {
		return 0, false, "", false
	}
	switch {
	case s[n+1] == flagSet:
		return version, true, s[n+3:], true
	case s[n+1] == flagTombstone && len(s) == n+3:
		return version, false, "", true
	}
	return 0, false, "", false
}

// digitPrefix returns the number of leading ASCII digits of s.
func digitPrefix(s string) int {
	i := 0
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	return i
}

// parseVersion parses a canonical non-negative decimal int64: at least one
// digit, no sign, no leading zero (except "0" itself), no overflow.
func parseVersion(d string) (int64, bool) {
	if d == "" || len(d) > maxVersionDigits || (len(d) > 1 && d[0] == '0') {
		return 0, false
	}
	var v int64
	for i := 0; i < len(d); i++ {
		digit := int64(d[i] - '0')
		if v > (math.MaxInt64-digit)/10 {
			return 0, false
		}
		v = v*10 + digit
	}
	return v, true
}

package rediscache

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// Flags of the entry format (see the package documentation).
const (
	flagSet       = 's'
	flagTombstone = 't'
)

// maxDigits is the number of digits of math.MaxInt64.
const maxDigits = 19

// encode returns the stored form of e:
// "<epoch>:<version>:<asof>:s:<value>" or "<epoch>:<version>:<asof>:t:",
// with asof in Unix milliseconds. A tombstone's Value is ignored.
func encode(e runtime.Entry) string {
	var b strings.Builder
	b.Grow(3*(maxDigits+1) + 2 + len(e.Value))
	var digits [maxDigits + 1]byte
	for _, n := range [...]int64{e.Epoch, e.Version, max(e.AsOf.UnixMilli(), 0)} {
		b.Write(strconv.AppendInt(digits[:0], n, 10))
		b.WriteByte(':')
	}
	if e.Set {
		b.WriteString("s:")
		b.WriteString(e.Value)
	} else {
		b.WriteString("t:")
	}
	return b.String()
}

// decode fills r from the stored string s, or marks r corrupt. The value
// shares s's memory, so decoding allocates nothing.
func decode(r *runtime.CacheResult, s string) {
	e, ok := parse(s)
	if !ok {
		r.Corrupt = true
		return
	}
	e.Key = r.Key
	r.Entry, r.Found = e, true
}

// parse splits a stored entry. It accepts exactly what the fill script's
// order() accepts, so an entry Get reports corrupt is one Fill overwrites.
func parse(s string) (runtime.Entry, bool) {
	var nums [3]int64
	for i := range nums {
		n := digitPrefix(s)
		v, ok := parseNumber(s[:n])
		if !ok || n == len(s) || s[n] != ':' {
			return runtime.Entry{}, false
		}
		nums[i], s = v, s[n+1:]
	}
	e := runtime.Entry{Epoch: nums[0], Version: nums[1], AsOf: time.UnixMilli(nums[2])}
	switch {
	case len(s) >= 2 && s[0] == flagSet && s[1] == ':':
		e.Set, e.Value = true, s[2:]
	case s == string(flagTombstone)+":":
	default:
		return runtime.Entry{}, false
	}
	return e, true
}

// digitPrefix returns the number of leading ASCII digits of s.
func digitPrefix(s string) int {
	i := 0
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	return i
}

// parseNumber parses a canonical non-negative decimal int64: at least one
// digit, no sign, no leading zero (except "0" itself), no overflow.
func parseNumber(d string) (int64, bool) {
	if d == "" || len(d) > maxDigits || (len(d) > 1 && d[0] == '0') {
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

package breaking

import (
	"time"

	"github.com/shopspring/decimal"
)

// above reports whether range bound a is greater than b. Bounds are in
// value.Parse's form; after a change of kind they may be of
// different types. Numbers of any kind compare by value; a duration
// compares only with a duration, and bounds that do not compare count as
// above, so that a doubtful range is reported.
func above(a, b any) bool {
	x, xDuration, ok1 := number(a)
	y, yDuration, ok2 := number(b)
	if !ok1 || !ok2 || xDuration != yDuration {
		return true
	}
	return x.GreaterThan(y)
}

// number returns a bound as an exact decimal, and whether it is a
// duration (in nanoseconds).
func number(v any) (d decimal.Decimal, isDuration, ok bool) {
	switch x := v.(type) {
	case int64:
		return decimal.NewFromInt(x), false, true
	case float64:
		return decimal.NewFromFloat(x), false, true
	case decimal.Decimal:
		return x, false, true
	case time.Duration:
		return decimal.NewFromInt(int64(x)), true, true
	}
	return decimal.Decimal{}, false, false
}

package value

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Kind is the type of a field as declared in a schema.
type Kind uint8

// The field kinds. Their names are the words used in schema files.
const (
	KindString     Kind = iota + 1 // single-line string
	KindText                       // multi-line string
	KindInt                        // int64; fractions are rejected
	KindFloat                      // float64; NaN and infinities are rejected
	KindDecimal                    // exact decimal (shopspring/decimal)
	KindBool                       // true or false
	KindSelect                     // one string out of a fixed set of choices
	KindDuration                   // time.Duration in Go syntax ("1m30s")
	KindStringList                 // []string
	KindSecret                     // string that is redacted everywhere and never cached in plaintext
)

var kindNames = [...]string{
	KindString:     "string",
	KindText:       "text",
	KindInt:        "int",
	KindFloat:      "float",
	KindDecimal:    "decimal",
	KindBool:       "bool",
	KindSelect:     "select",
	KindDuration:   "duration",
	KindStringList: "string_list",
	KindSecret:     "secret",
}

// String returns the schema-file name of the kind, such as "string_list".
func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Kinds lists every kind in declaration order.
func Kinds() []Kind {
	return []Kind{KindString, KindText, KindInt, KindFloat, KindDecimal, KindBool,
		KindSelect, KindDuration, KindStringList, KindSecret}
}

// ParseKind returns the kind named by a schema file, such as "duration".
func ParseKind(name string) (Kind, bool) {
	for _, k := range Kinds() {
		if kindNames[k] == name {
			return k, true
		}
	}
	return 0, false
}

// Parse parses text into the Go value a field of kind k holds:
// string, int64, float64, decimal.Decimal, bool, time.Duration, []string or
// Secret, and checks it with Check. Select values are returned as
// plain strings; checking them against their choices is the field's job.
// The text form is the one operators type and the one stored in the
// database, so Parse(k, Format(k, v)) returns v. Its errors
// describe the problem without quoting the text.
func Parse(k Kind, text string) (any, error) {
	v, err := ParseStored(k, text)
	if err != nil {
		return nil, err
	}
	if err := Check(k, v); err != nil {
		return nil, err
	}
	return v, nil
}

// ParseStored parses text as kind k like Parse, without Check's checks.
// Reads of stored values use it, so that a value stored before a check
// existed still reads.
func ParseStored(k Kind, text string) (any, error) {
	switch k {
	case KindString, KindText, KindSelect:
		return text, nil
	case KindSecret:
		return NewSecret(text), nil
	case KindInt:
		return parseInt(text)
	case KindFloat:
		return parseFloat(text)
	case KindDecimal:
		d, err := decimal.NewFromString(strings.TrimSpace(text))
		if err != nil {
			return nil, errors.New("is not a decimal number")
		}
		return d, nil
	case KindBool:
		return parseBool(text)
	case KindDuration:
		d, err := time.ParseDuration(strings.TrimSpace(text))
		if err != nil {
			return nil, errors.New("is not a duration (use Go syntax such as 1m30s)")
		}
		return d, nil
	case KindStringList:
		return parseList(text)
	}
	return nil, fmt.Errorf("unknown kind %v", k)
}

// Format returns the canonical text form of v, a value of kind k.
// Secrets are formatted in plaintext: callers that show values to people
// must redact them (see Secret).
func Format(k Kind, v any) string {
	switch x := v.(type) {
	case string:
		return x
	case Secret:
		return x.Reveal()
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case decimal.Decimal:
		return formatDecimal(x)
	case bool:
		return strconv.FormatBool(x)
	case time.Duration:
		return x.String()
	case []string:
		if x == nil {
			x = []string{}
		}
		b, _ := json.Marshal(x) // cannot fail for []string
		return string(b)
	}
	if s, ok := asString(v); ok { // select enum types
		return s
	}
	return fmt.Sprint(v)
}

// formatDecimal keeps the scale the value was written with: "49.90" stays
// "49.90" (the String method would print 49.9).
func formatDecimal(d decimal.Decimal) string {
	if d.Exponent() < 0 {
		return d.StringFixed(-d.Exponent())
	}
	return d.String()
}

func parseInt(text string) (int64, error) {
	t := strings.TrimSpace(text)
	n, err := strconv.ParseInt(t, 10, 64)
	if err == nil {
		return n, nil
	}
	if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
		return 0, errors.New("is out of range for a 64-bit integer")
	}
	if _, ferr := strconv.ParseFloat(t, 64); ferr == nil {
		return 0, errors.New("is not an integer written in decimal digits (no fraction, no exponent)")
	}
	return 0, errors.New("is not an integer")
}

func parseFloat(text string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, errors.New("is not a finite number")
	}
	return f, nil
}

func parseBool(text string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(text)) {
	case "true", "yes", "on", "1":
		return true, nil
	case "false", "no", "off", "0":
		return false, nil
	}
	return false, errors.New("is not a boolean (use true or false)")
}

// parseList accepts a JSON array of strings; a null item is refused (write
// "" for an empty one). An empty or blank text is an empty list, like "[]".
func parseList(text string) ([]string, error) {
	if strings.TrimSpace(text) == "" {
		return []string{}, nil
	}
	var items []*string
	if err := json.Unmarshal([]byte(text), &items); err != nil {
		return nil, errors.New(`is not a JSON array of strings, such as ["a","b"]`)
	}
	list := make([]string, len(items))
	for i, item := range items {
		if item == nil {
			return nil, fmt.Errorf(`item %d is null; write "" for an empty item`, i+1)
		}
		list[i] = *item
	}
	return list, nil
}

// MustDecimal parses a decimal literal and panics if it is malformed.
// Generated code uses it for decimal defaults and bounds, which the schema
// loader has already checked.
func MustDecimal(s string) decimal.Decimal {
	return decimal.RequireFromString(s)
}

//go:build linux

package main

import (
	"time"

	"github.com/go-sysconfig/sysconfig/internal/intschema"
)

// bound is the workers' staleness bound: short, so that a violation of it
// is likely to show.
const bound = time.Second

// fieldCount is the number of fields of the soak's schema.
const fieldCount = 16

// valueSpan separates the values of worker incarnations: incarnation i
// writes i*valueSpan+1, i*valueSpan+2, … so that every value written in a
// run is unique and names its write.
const valueSpan = 1_000_000_000_000

// soakFields are the fields of soakSchema, app "soak", section "main":
// f00 … f15, ints with default 0 (never a value the soak writes).
var soakFields, soakSchema = intschema.New("soak", fieldCount)

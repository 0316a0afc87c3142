//go:build linux

package main

import (
	"fmt"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime"
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
var soakFields, soakSchema = newSoakSchema()

func newSoakSchema() ([]*runtime.Field[int64], *runtime.Schema) {
	fields := make([]*runtime.Field[int64], fieldCount)
	descs := make([]runtime.Descriptor, fieldCount)
	for i := range fields {
		fields[i] = runtime.IntField(fmt.Sprintf("f%02d", i), 0, runtime.Meta{})
		descs[i] = fields[i]
	}
	return fields, runtime.NewSchema("soak", runtime.NewSection("main", "Main", "", descs...))
}

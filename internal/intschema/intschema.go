// Package intschema declares the schemas that the race harness, the soak,
// the benchmarks and the integration tests write to: n int fields of one
// app, so that each writer can have a field of its own.
package intschema

import (
	"fmt"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// New declares app's schema of n int fields, f00, f01, … in section "main",
// each with default 0, and returns them in order with the schema. A field
// belongs to one schema only, so each caller declares its own.
func New(app string, n int) ([]*runtime.Field[int64], *runtime.Schema) {
	fields := make([]*runtime.Field[int64], n)
	descs := make([]runtime.Descriptor, n)
	for i := range fields {
		fields[i] = runtime.IntField(fmt.Sprintf("f%02d", i), 0, runtime.Meta{})
		descs[i] = fields[i]
	}
	return fields, runtime.NewSchema(app, runtime.NewSection("main", "Main", "", descs...))
}

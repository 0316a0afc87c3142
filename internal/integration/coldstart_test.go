package integration

import (
	"fmt"
	"sync"
	"testing"

	"github.com/go-sysconfig/sysconfig/runtime"
)

const coldFields = 10_000

var coldSchema = sync.OnceValue(func() *runtime.Schema {
	const perSection = 100
	var sections []*runtime.Section
	for s := range coldFields / perSection {
		fields := make([]runtime.Descriptor, perSection)
		for f := range fields {
			fields[f] = runtime.IntField(fmt.Sprintf("f%d", f), 0, runtime.Meta{})
		}
		sections = append(sections, runtime.NewSection(fmt.Sprintf("s%d", s), "", "", fields...))
	}
	return runtime.NewSchema("cold", sections...)
})

// BenchmarkColdStart10000 measures NewClient + Start to a complete snapshot
// of a 10,000-field schema, with 1,000 overrides in Postgres and Redis
// holding entries for half the fields. Target: ≤ 100 ms.
func BenchmarkColdStart10000(b *testing.B) {
	be := newBackends(b)
	schema := coldSchema()
	seedColdStart(b, be, schema)
	b.ResetTimer()
	for b.Loop() {
		c, err := runtime.NewClient(schema, be.store, runtime.Options{Cache: be.cache})
		if err != nil {
			b.Fatal(err)
		}
		if err := c.Start(ctx); err != nil || !c.Ready() {
			b.Fatalf("Start = %v, ready %v", err, c.Ready())
		}
		c.Close()
	}
}

// seedColdStart writes every tenth field to Postgres, then lets a client
// read the first half of the fields, which fills Redis for them.
func seedColdStart(b *testing.B, be *backends, schema *runtime.Schema) {
	var writes []runtime.Write
	for i, d := range schema.Fields() {
		if i%10 == 0 {
			writes = append(writes, runtime.Write{Path: d.Path(), Value: fmt.Sprint(i)})
		}
	}
	if _, err := be.store.Apply(ctx, runtime.Change{ID: runtime.NewChangeID(), App: "cold", Writes: writes}); err != nil {
		b.Fatal(err)
	}
	c, _ := runtime.NewClient(schema, be.store, runtime.Options{Cache: be.cache})
	for _, d := range schema.Fields()[:coldFields/2] {
		if _, err := c.Get(ctx, d.Path()); err != nil {
			b.Fatal(err)
		}
	}
}

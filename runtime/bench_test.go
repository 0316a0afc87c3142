package runtime_test

import (
	"fmt"
	"testing"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/memory"
)

// The snapshot read target: ≤ 50 ns/op and 0 allocs/op for the kinds below.
// Each benchmark fails if a read allocates (TestSnapshotReadsDoNotAllocate
// checks the same in `make test`).

func benchSnapshotRead[T any](b *testing.B, f *runtime.Field[T]) {
	c := started(b, memory.NewStore(), memory.NewCache(), runtime.Options{})
	read := func() { _, _ = f.Get(ctx, c) }
	if n := testing.AllocsPerRun(100, read); n != 0 {
		b.Fatalf("%s: %.1f allocs per read, want 0", f.Path(), n)
	}
	b.ReportAllocs()
	for b.Loop() {
		read()
	}
}

func BenchmarkSnapshotGetStringNoAlloc(b *testing.B)   { benchSnapshotRead(b, titleField) }
func BenchmarkSnapshotGetIntNoAlloc(b *testing.B)      { benchSnapshotRead(b, maxField) }
func BenchmarkSnapshotGetBoolNoAlloc(b *testing.B)     { benchSnapshotRead(b, flagField) }
func BenchmarkSnapshotGetSelectNoAlloc(b *testing.B)   { benchSnapshotRead(b, themeField) }
func BenchmarkSnapshotGetDecimalNoAlloc(b *testing.B)  { benchSnapshotRead(b, priceField) }
func BenchmarkSnapshotGetDurationNoAlloc(b *testing.B) { benchSnapshotRead(b, ttlField) }

// The per-change cost: what one change costs a process should depend on
// the fields it changes, not on the schema's size. Each benchmark runs at
// 100 and at 100,000 fields (runtime.WideSchema), side by side; the target
// is the larger within 2× of the smaller, in time and in bytes allocated.

// wideClient returns a client of a wide schema of n fields, started on the
// memory backends, and the int field in the middle of it.
func wideClient(b *testing.B, n int) (*runtime.Client, *runtime.Field[int64]) {
	schema := runtime.WideSchema(n)
	c, err := runtime.NewClient(schema, memory.NewStore(), runtime.Options{Cache: memory.NewCache()})
	if err != nil {
		b.Fatal(err)
	}
	if err := c.Start(ctx); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(c.Close)
	return c, schema.Fields()[n/2].(*runtime.Field[int64])
}

// BenchmarkSetWide is a typed Set on a started client over the memory
// backends, so that all of it is the client's own work: validate, apply,
// update its snapshot, queue the hooks and the cache fill.
func BenchmarkSetWide(b *testing.B) {
	for _, n := range runtime.WideSizes {
		b.Run(fmt.Sprintf("fields=%d", n), func(b *testing.B) {
			c, f := wideClient(b, n)
			b.ReportAllocs()
			var i int64
			for b.Loop() {
				i++
				if err := f.Set(ctx, c, i); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSnapshotGetWideNoAlloc is a typed read from the snapshot of a
// wide schema.
func BenchmarkSnapshotGetWideNoAlloc(b *testing.B) {
	for _, n := range runtime.WideSizes {
		b.Run(fmt.Sprintf("fields=%d", n), func(b *testing.B) {
			c, f := wideClient(b, n)
			read := func() { _, _ = f.Get(ctx, c) }
			if n := testing.AllocsPerRun(100, read); n != 0 {
				b.Fatalf("%.1f allocs per read, want 0", n)
			}
			b.ReportAllocs()
			for b.Loop() {
				read()
			}
		})
	}
}

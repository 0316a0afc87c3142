package runtime_test

import (
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

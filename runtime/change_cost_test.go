package runtime_test

import (
	"fmt"
	goruntime "runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/memory"
)

// startedWide returns a client of schema started on store, closed when t
// ends.
func startedWide(t testing.TB, schema *runtime.Schema, store runtime.Store, opts runtime.Options) *runtime.Client {
	t.Helper()
	c, err := runtime.NewClient(schema, store, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// wideInt returns field i of a wide schema.
func wideInt(schema *runtime.Schema, i int) *runtime.Field[int64] {
	return schema.Fields()[i].(*runtime.Field[int64])
}

// TestSetCostIndependentOfSchemaSize checks that a typed Set on a started
// client allocates about as much at 100,000 fields as at 100 (copying the
// whole snapshot allocated 7.2 MB per Set at 100,000 fields). Measured in
// bytes, averaged over many Sets, not timed.
func TestSetCostIndependentOfSchemaSize(t *testing.T) {
	per := map[int]float64{}
	for _, n := range runtime.WideSizes {
		schema := runtime.WideSchema(n)
		c := startedWide(t, schema, memory.NewStore(), runtime.Options{Cache: memory.NewCache()})
		f := wideInt(schema, n/2)
		var v int64
		per[n] = bytesPerSet(t, 300, func() error { v++; return f.Set(ctx, c, v) })
	}
	small, big := per[runtime.WideSizes[0]], per[runtime.WideSizes[1]]
	t.Logf("bytes per Set: %.0f at %d fields, %.0f at %d fields", small, runtime.WideSizes[0], big, runtime.WideSizes[1])
	if big > 2*small {
		t.Errorf("a Set allocates %.0f B at %d fields, more than twice the %.0f B at %d fields",
			big, runtime.WideSizes[1], small, runtime.WideSizes[0])
	}
}

// bytesPerSet returns the bytes allocated per call of set, over runs calls
// after one to warm up.
func bytesPerSet(t *testing.T, runs int, set func() error) float64 {
	t.Helper()
	if err := set(); err != nil {
		t.Fatal(err)
	}
	var before, after goruntime.MemStats
	goruntime.ReadMemStats(&before)
	for range runs {
		if err := set(); err != nil {
			t.Fatal(err)
		}
	}
	goruntime.ReadMemStats(&after)
	return float64(after.TotalAlloc-before.TotalAlloc) / float64(runs)
}

// TestSetManyAcrossTheSnapshotIsSeenWhole writes, many times, one SetMany
// of fields far apart in a wide schema (in different parts of the
// snapshot) and of neighbours, while readers on the writer and on a second
// client read them through Snapshot views: every view must hold one
// SetMany whole, and what a view read once it must read again.
func TestSetManyAcrossTheSnapshotIsSeenWhole(t *testing.T) {
	schema := runtime.WideSchema(5000)
	store := memory.NewStore()
	writer := startedWide(t, schema, store, runtime.Options{})
	follower := startedWide(t, schema, store, runtime.Options{})
	fields := []*runtime.Field[int64]{wideInt(schema, 1), wideInt(schema, 2), wideInt(schema, 2500), wideInt(schema, 4999)}
	setAll := func(v int64) {
		t.Helper()
		var updates []runtime.Update
		for _, f := range fields {
			updates = append(updates, f.Assign(v))
		}
		if err := writer.SetMany(ctx, updates...); err != nil {
			t.Fatal(err)
		}
	}
	setAll(0) // their defaults differ
	eventually(t, "the follower reads the first write", func() bool {
		got, _ := fields[3].Get(ctx, follower)
		return got == 0
	})
	var done atomic.Bool
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for _, c := range []*runtime.Client{writer, follower, follower} {
		wg.Go(func() {
			for !done.Load() {
				if err := viewHoldsOneWrite(c.Snapshot(), fields); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for v := int64(1); v <= 300; v++ {
		setAll(v)
	}
	eventually(t, "the follower reads the last write", func() bool {
		got, _ := fields[3].Get(ctx, follower)
		return got == 300
	})
	done.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// viewHoldsOneWrite reads fields from view twice, with a pause between:
// all must hold the same value both times.
func viewHoldsOneWrite(view *runtime.Client, fields []*runtime.Field[int64]) error {
	var first int64
	for round := range 2 {
		for i, f := range fields {
			got, err := f.Get(ctx, view)
			if err != nil {
				return err
			}
			if i == 0 && round == 0 {
				first = got
			} else if got != first {
				return fmt.Errorf("one view reads %s = %d and %s = %d", fields[0].Path(), first, f.Path(), got)
			}
		}
		time.Sleep(50 * time.Microsecond)
	}
	return nil
}

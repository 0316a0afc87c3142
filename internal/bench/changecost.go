package main

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/memory"
)

// The change-cost figures, rows 11a–11c: what one change costs a process
// should depend on the fields it changes, not on the schema's size. They
// run on the memory backends, so that all of a Set's cost is the client's
// own work, and time it as the process's CPU time (garbage collection and
// background goroutines included), not only the caller's wall time.
const (
	smallFields = 100
	wideFields  = 100_000
)

// changeCost holds the two schemas, declared once: a client can share its
// schema with the clients of later rounds.
type changeCost struct {
	small, wide *runtime.Schema
}

func newChangeCost() *changeCost {
	return &changeCost{small: wideSchema(smallFields), wide: wideSchema(wideFields)}
}

// setSmall is figure 11a, setWide figure 11b, readWide figure 11c.
func (cc *changeCost) setSmall(b *testing.B) error { return timeSets(b, cc.small) }
func (cc *changeCost) setWide(b *testing.B) error  { return timeSets(b, cc.wide) }
func (cc *changeCost) readWide(b *testing.B) error { return timeWideReads(b, cc.wide) }

// middleInt returns the int field in the middle of a wide schema (see
// wideField: every fourth field is an int).
func middleInt(schema *runtime.Schema) *runtime.Field[int64] {
	fields := schema.Fields()
	return fields[len(fields)/2&^3].(*runtime.Field[int64])
}

// memoryClient starts a client of schema on fresh memory backends; the
// caller closes it.
func memoryClient(b *testing.B, schema *runtime.Schema) (*runtime.Client, error) {
	c, err := runtime.NewClient(schema, memory.NewStore(), runtime.Options{Cache: memory.NewCache()})
	if err != nil {
		return nil, err
	}
	return c, c.Start(b.Context())
}

// timeSets times typed Sets of the middle field of schema, and reports
// the process's CPU time per Set as the metric cpu-ns/op.
func timeSets(b *testing.B, schema *runtime.Schema) error {
	c, err := memoryClient(b, schema)
	if err != nil {
		return err
	}
	defer c.Close()
	f := middleInt(schema)
	var v int64
	cpu := processCPU()
	for b.Loop() {
		v++
		if err := f.Set(b.Context(), c, v); err != nil {
			return err
		}
	}
	b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), cpuMetric)
	return nil
}

// timeWideReads times typed reads of the middle field of schema from the
// snapshot.
func timeWideReads(b *testing.B, schema *runtime.Schema) error {
	c, err := memoryClient(b, schema)
	if err != nil {
		return err
	}
	defer c.Close()
	f := middleInt(schema)
	v, err := f.Lookup(b.Context(), c)
	if err != nil {
		return err
	}
	if v.Source != runtime.SourceSnapshot {
		return fmt.Errorf("%s read from %s, want the snapshot", f.Path(), v.Source)
	}
	for b.Loop() {
		if _, err := f.Get(b.Context(), c); err != nil {
			return err
		}
	}
	return nil
}

// cpuMetric is the name of the CPU time a figure reports per operation.
const cpuMetric = "cpu-ns/op"

// processCPU returns the CPU time, user and system, that the process has
// used so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

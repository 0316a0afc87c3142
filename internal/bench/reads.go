package main

import (
	"fmt"
	"testing"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// readViaRedis is figure 3: a typed accessor read on a client whose
// snapshot is disabled, so that every read is one Redis GET.
func (r *rig) readViaRedis(b *testing.B) error {
	return r.timeReads(b, true, runtime.SourceCache)
}

// readSnapshot is figure 4: a typed accessor read served by the snapshot.
func (r *rig) readSnapshot(b *testing.B) error {
	return r.timeReads(b, false, runtime.SourceSnapshot)
}

// timeReads starts a client, writes the title through it, checks that the
// title is served from want, and times titleField.Get.
func (r *rig) timeReads(b *testing.B, noSnapshot bool, want runtime.Source) error {
	c, err := r.client(benchSchema, "reads:", noSnapshot)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := titleField.Set(r.ctx, c, "Some title"); err != nil {
		return err
	}
	if err := expectSource(r, c, want); err != nil {
		return err
	}
	for b.Loop() {
		if _, err := titleField.Get(r.ctx, c); err != nil {
			return err
		}
	}
	return nil
}

// expectSource fails unless the title reads "Some title" from want, so
// that a figure never times another path than the one it names.
func expectSource(r *rig, c *runtime.Client, want runtime.Source) error {
	v, err := titleField.Lookup(r.ctx, c)
	if err != nil {
		return err
	}
	if v.Value != "Some title" || v.Source != want {
		return fmt.Errorf("title read %q from %s, want %q from %s", v.Value, v.Source, "Some title", want)
	}
	return nil
}

package main

import (
	"testing"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// typedWrite is figure 5: a typed Set on a started client, as deployed:
// validate, one transaction (upsert, history row, NOTIFY), then the
// version-gated Redis update and the client's own snapshot.
func (r *rig) typedWrite(b *testing.B) error {
	c, err := r.client(benchSchema, "writes:", false)
	if err != nil {
		return err
	}
	defer c.Close()
	return r.setCounts(b, c)
}

// setCounts sets count to 1, 2, 3… through c, once per iteration of b.
func (r *rig) setCounts(b *testing.B, c *runtime.Client) error {
	var i int64
	for b.Loop() {
		i++
		if err := countField.Set(r.ctx, c, i); err != nil {
			return err
		}
	}
	return nil
}

package main

import "testing"

// typedWrite is figure 5: a typed Set on a started client, as deployed:
// validate, one transaction (upsert, history row, NOTIFY), then the
// version-gated Redis update and the client's own snapshot.
func (r *rig) typedWrite(b *testing.B) error {
	c, err := r.client(benchSchema, "writes:", false)
	if err != nil {
		return err
	}
	defer c.Close()
	var i int64
	for b.Loop() {
		i++
		if err := countField.Set(r.ctx, c, i); err != nil {
			return err
		}
	}
	return nil
}

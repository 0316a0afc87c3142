package runtime

import (
	"context"
	"time"
)

// refillCacheIfDue lets a started client take part in keeping the cache
// filled, when the cache can elect one process to do it (Repopulator): a
// cache that lost its contents — restarted empty, flushed, failed over to
// a replica that missed writes — or whose last refill has lapsed is
// refilled from the store by one process, so that entries of fields that
// are rarely written stay there as a fallback for processes starting while
// the store is down, and readers without a snapshot find them. It runs in
// the background, one at a time, never on the sync path. Correctness does
// not depend on it: entries are only trusted as their AsOf allows.
func (c *Client) refillCacheIfDue() {
	l := c.cache
	if l == nil || !l.usable() {
		return
	}
	rp, ok := l.cache.(Repopulator)
	if !ok || !l.refilling.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer l.refilling.Store(false)
		ctx, cancel := context.WithTimeout(context.Background(), c.opts.LoadTimeout)
		defer cancel()
		claim, err := rp.ClaimRepopulation(ctx, c.schema.app)
		if err != nil {
			l.failed(ctx, "claim", err)
			return
		}
		if claim != ClaimWon || c.refill(ctx) != nil {
			return // a failed refill is not finished: the claim lapses and another process tries
		}
		if err := rp.FinishRepopulation(ctx, c.schema.app); err != nil {
			l.failed(ctx, "finish refill", err)
		}
	}()
}

// refill writes every field's record in the store to the cache — a
// tombstone for fields without one — version-gated, in one round trip to
// each.
func (c *Client) refill(ctx context.Context) error {
	asOf := time.Now()
	d, err := c.store.Since(ctx, c.schema.app, Position{})
	if err != nil {
		return err
	}
	c.sawEpoch(d.At.Epoch)
	byPath := make(map[string]Record, len(d.Records))
	for _, r := range d.Records {
		byPath[r.Path] = r
	}
	fields := make([]*fieldInfo, len(c.schema.fields))
	recs := make([]Record, len(c.schema.fields))
	for i, desc := range c.schema.fields {
		fields[i] = desc.field()
		if recs[i] = byPath[fields[i].path]; recs[i].Path == "" {
			recs[i] = Record{Path: fields[i].path, Epoch: d.At.Epoch}
		}
	}
	return c.cache.fill(ctx, fields, recs, asOf, c.opts.LoadTimeout)
}

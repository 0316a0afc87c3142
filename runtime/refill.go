package runtime

import (
	"context"
	"time"
)

// refillIfDue lets a started client take part in keeping the cache
// filled, when the cache can elect one process to do it (Repopulator): a
// cache that lost its contents — restarted empty, flushed, failed over to
// a replica that missed writes — or whose last refill has lapsed is
// refilled from the store by one process, so that entries of fields that
// are rarely written stay there as a fallback for processes starting while
// the store is down, and readers without a snapshot find them. It runs in
// the background, one at a time, never on the sync path. Correctness does
// not depend on it: entries are only trusted as their AsOf allows.
func (l *cacheLayer) refillIfDue() {
	if l == nil || !l.usable() {
		return
	}
	rp, ok := l.cache.(Repopulator)
	if !ok || !l.refilling.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer l.refilling.Store(false)
		ctx, cancel := context.WithTimeout(context.Background(), l.opts.LoadTimeout)
		defer cancel()
		claim, err := rp.ClaimRepopulation(ctx, l.app)
		if err != nil {
			l.failed(ctx, "claim", err)
			return
		}
		if claim != ClaimWon || l.refill(ctx) != nil {
			return // a failed refill is not finished: the claim lapses and another process tries
		}
		l.meter.refills.Add(1)
		if err := rp.FinishRepopulation(ctx, l.app); err != nil {
			l.failed(ctx, "finish refill", err)
		}
	}()
}

// refill writes every field's record in the store (see loadAll) to the
// cache, version-gated, in one round trip.
func (l *cacheLayer) refill(ctx context.Context) error {
	fields, recs, asOf, err := l.loadAll(ctx)
	if err != nil {
		return err
	}
	return l.fill(ctx, fields, recs, asOf, l.opts.LoadTimeout)
}

// loadAll returns every field with its record in the store — a tombstone
// for fields without one — in one round trip, and a time before it.
func (c *Client) loadAll(ctx context.Context) ([]*fieldInfo, []Record, time.Time, error) {
	asOf := time.Now()
	d, err := c.store.Since(ctx, c.schema.app, Position{})
	if err != nil {
		return nil, nil, asOf, err
	}
	c.epochs.saw(d.At.Epoch)
	byPath := make(map[string]Record, len(d.Records))
	for _, r := range d.Records {
		byPath[r.Path] = r
	}
	fields := c.allFields()
	recs := make([]Record, len(fields))
	for i, f := range fields {
		if recs[i] = byPath[f.path]; recs[i].Path == "" {
			recs[i] = Record{Path: f.path, Epoch: d.At.Epoch}
		}
	}
	return fields, recs, asOf, nil
}

package runtime

import (
	"context"
	"errors"
	"sync/atomic"
	"time"
)

// cacheHealth is a circuit breaker around the shared cache. After a failure
// the client stops calling the cache (an unreachable Redis can cost hundreds
// of milliseconds per call while its client retries) and serves from the
// store. Once per retry interval a background probe repopulates the cache
// from the store, version-gated — writes made during the outage could not
// update it — and only when that succeeds does the client use the cache
// again, so it never serves an entry the outage left behind.
type cacheHealth struct {
	down    atomic.Bool
	probing atomic.Bool
	retryAt atomic.Int64 // unix nanoseconds when the next probe may start
}

// cacheUsable reports whether a call may use the cache now. During an
// outage it is false, and it starts a probe when one is due.
func (c *Client) cacheUsable() bool {
	h := &c.health
	if !h.down.Load() {
		return true
	}
	if time.Now().UnixNano() >= h.retryAt.Load() && h.probing.CompareAndSwap(false, true) {
		go c.probe()
	}
	return false
}

// cacheFailed records a failed cache call. The first failure of an outage
// is logged; the client keeps serving from the store.
func (c *Client) cacheFailed(op string, err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	c.health.retryAt.Store(time.Now().Add(c.opts.CacheRetryInterval).UnixNano())
	if c.health.down.CompareAndSwap(false, true) {
		c.log.Warn("sysconfig: cache unavailable, serving from the store", "op", op, "error", err)
	}
}

// probe ends an outage once the cache is repopulated. When the cache can
// elect one process to do that (Repopulator), only the winner refills it;
// the others wait until it is done, so a cache coming back is refilled once.
func (c *Client) probe() {
	defer c.health.probing.Store(false)
	ctx, cancel := context.WithTimeout(context.Background(), c.opts.LoadTimeout)
	defer cancel()
	rp, elects := c.cache.(Repopulator)
	if !elects {
		c.endOutage(c.repopulate(ctx))
		return
	}
	claim, err := rp.ClaimRepopulation(ctx, c.schema.app)
	switch {
	case err != nil:
		c.cacheFailed("claim", err)
	case claim == ClaimBusy:
		c.health.retryAt.Store(time.Now().Add(c.opts.CacheRetryInterval).UnixNano())
	case claim == ClaimDone:
		c.endOutage(nil)
	default:
		err := c.repopulate(ctx)
		if err == nil {
			err = rp.FinishRepopulation(ctx, c.schema.app)
		}
		c.endOutage(err)
	}
}

// repopulate writes every stored record of the app to the cache,
// version-gated, so entries left behind by writes made during the outage
// are replaced and entries written meanwhile by others are kept.
func (c *Client) repopulate(ctx context.Context) error {
	recs, err := c.store.LoadApp(ctx, c.schema.app)
	if err != nil {
		return &UnavailableError{Backend: "store", Op: "load", Err: err}
	}
	if entries := c.entriesOf(recs); len(entries) > 0 {
		return c.cache.Fill(ctx, entries)
	}
	return nil
}

// endOutage marks the cache healthy, or schedules the next probe.
func (c *Client) endOutage(err error) {
	if err != nil {
		c.cacheFailed("repopulate", err)
		return
	}
	c.health.down.Store(false)
	c.log.Info("sysconfig: cache available again")
}

// entriesOf returns the cache entries of the records of fields still in the
// schema.
func (c *Client) entriesOf(recs []Record) []Entry {
	var entries []Entry
	for _, r := range recs {
		if d, ok := c.schema.byPath[r.Path]; ok {
			entries = append(entries, entryOf(d.field(), r))
		}
	}
	return entries
}

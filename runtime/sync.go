package runtime

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// syncState is what keeps a started client's snapshot in step with the
// store.
type syncState struct {
	mu        sync.Mutex // one sync at a time
	watermark int64      // every change up to this version is in the snapshot (under mu)
	seen      atomic.Int64
	lastOK    atomic.Int64 // unix nanoseconds of the last successful sync
	ready     atomic.Bool
	started   atomic.Bool
	failing   atomic.Bool
	kick      chan struct{}
	events    *eventQueue
	cancel    context.CancelFunc
	wg        sync.WaitGroup
}

// Start loads every field into the client's snapshot — from the cache
// first, then from the store, one round trip each — and starts the
// background work that keeps it fresh: a listener for the store's change
// notifications (when the store is a Notifier) and a reconcile every
// ReconcileInterval. From then on reads are served from memory.
//
// If the store cannot be reached, Start returns an error matching
// ErrUnavailable but leaves the client running: it serves the values the
// cache had and defaults for the rest, Ready reports false, and the client
// completes its snapshot as soon as the store answers. Call Close to stop.
func (c *Client) Start(ctx context.Context) error {
	if !c.sync.started.CompareAndSwap(false, true) {
		return errors.New("sysconfig: client already started")
	}
	if c.opts.DisableSnapshot {
		c.sync.ready.Store(true)
		return nil
	}
	c.snap.Store(c.coldSnapshot(ctx))
	err := c.syncOnce(ctx)
	c.startBackground(ctx)
	if err != nil {
		return fmt.Errorf("sysconfig: started without the store; serving cached values and defaults until it answers: %w", err)
	}
	return nil
}

// Ready reports whether the client has loaded every field from the store at
// least once (always true with DisableSnapshot once started). Before that
// it serves defaults for what the cache did not hold; use Ready in a
// readiness probe.
func (c *Client) Ready() bool { return c.sync.ready.Load() }

// Close stops the background work started by Start and waits for it.
// Reads keep working from the last snapshot; it no longer changes.
func (c *Client) Close() {
	if c.sync.cancel != nil {
		c.sync.cancel()
	}
	c.sync.wg.Wait()
}

// coldSnapshot returns a snapshot of defaults overlaid with every entry the
// cache holds for the schema, fetched in one round trip.
func (c *Client) coldSnapshot(ctx context.Context) *snapshot {
	snap := newSnapshot(c.schema)
	if c.cache == nil || !c.cacheUsable() {
		return snap
	}
	var fields []*fieldInfo
	var keys []string
	for _, d := range c.schema.fields {
		f := d.field()
		fields, keys = append(fields, f), append(keys, f.cacheKey)
	}
	res, err := c.cache.Get(ctx, keys)
	if err != nil {
		c.cacheFailed("get", err)
		return snap
	}
	for i, r := range res {
		if st, ok := c.decodeCached(ctx, fields[i], r); ok {
			snap.slots[fields[i].index] = slot{state: st, known: true}
		}
	}
	return snap
}

func (c *Client) startBackground(ctx context.Context) {
	bg, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s := &c.sync
	s.cancel, s.kick, s.events = cancel, make(chan struct{}, 1), newEventQueue()
	c.goBackground(func() { c.runEvents(bg, s.events) })
	c.goBackground(func() { c.reconcile(bg) })
	if n, ok := c.store.(Notifier); ok {
		c.goBackground(func() { _ = n.Listen(bg, c.schema.app, c.notified) })
	}
}

func (c *Client) goBackground(fn func()) {
	c.sync.wg.Add(1)
	go func() {
		defer c.sync.wg.Done()
		fn()
	}()
}

// notified handles a store notification: version 0 asks for a resync,
// any other version triggers a sync if the snapshot is behind it.
func (c *Client) notified(version int64) {
	if version != 0 && version <= c.sync.seen.Load() {
		return
	}
	select {
	case c.sync.kick <- struct{}{}:
	default:
	}
}

// reconcile syncs when notified and every ReconcileInterval.
func (c *Client) reconcile(ctx context.Context) {
	t := time.NewTicker(c.opts.ReconcileInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-c.sync.kick:
		case <-t.C:
			c.probeCacheIfDown()
		}
		_ = c.syncOnce(ctx)
	}
}

// advanceWatermark moves the watermark over a write of this client when
// its versions directly follow it: writes of one app commit in version
// order, so nothing else can lie in between, and the notification of the
// write then needs no sync. Otherwise the next sync catches up as usual.
func (c *Client) advanceWatermark(recs []Record) {
	s := &c.sync
	if !s.mu.TryLock() {
		return
	}
	defer s.mu.Unlock()
	next := s.watermark
	for _, r := range recs { // Apply hands out versions in write order
		if r.Version != next+1 {
			return
		}
		next = r.Version
	}
	s.watermark = next
	s.seen.Store(next)
}

// probeCacheIfDown lets a started client, which no longer reads the cache,
// still notice when the cache comes back.
func (c *Client) probeCacheIfDown() {
	if c.cache != nil {
		c.cacheUsable()
	}
}

// syncOnce applies every change the store committed after the watermark:
// to the snapshot, then to the shared cache, then to the hooks.
func (c *Client) syncOnce(ctx context.Context) error {
	s := &c.sync
	s.mu.Lock()
	defer s.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, c.opts.LoadTimeout)
	defer cancel()
	recs, latest, err := c.store.Since(ctx, c.schema.app, s.watermark)
	if err != nil {
		c.syncFailed(err)
		return &UnavailableError{Backend: "store", Op: "sync", Err: err}
	}
	first := !s.ready.Load()
	changes := c.merge(recs, SourceStore, first)
	s.watermark = latest
	s.seen.Store(latest)
	s.lastOK.Store(time.Now().UnixNano())
	s.ready.Store(true)
	c.syncRecovered()
	c.fillChanges(ctx, changes)
	if !first {
		c.queueEvents(changes)
	}
	return nil
}

// fillChanges writes to the cache the records that were news to this
// client: a writer that died between its commit and its cache update leaves
// the cache behind, and the processes that hear of the change repair it.
func (c *Client) fillChanges(ctx context.Context, changes []change) {
	fields := make([]*fieldInfo, len(changes))
	recs := make([]Record, len(changes))
	for i, ch := range changes {
		fields[i], recs[i] = ch.f, ch.rec
	}
	c.fill(ctx, fields, recs)
}

func (c *Client) syncFailed(err error) {
	if errors.Is(err, context.Canceled) {
		return // Close
	}
	if c.sync.failing.CompareAndSwap(false, true) {
		c.log.Warn("sysconfig: store unreachable; serving the last known values", "error", err)
	}
}

func (c *Client) syncRecovered() {
	if c.sync.failing.CompareAndSwap(true, false) {
		c.log.Info("sysconfig: store reachable again; snapshot reconciled")
	}
}

// stale reports whether the snapshot may be behind the store: no sync has
// succeeded for two reconcile intervals.
func (c *Client) stale() bool {
	last := c.sync.lastOK.Load()
	return time.Since(time.Unix(0, last)) > 2*c.opts.ReconcileInterval
}

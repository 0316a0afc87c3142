package runtime

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// syncState is what keeps a started client's snapshot in step with the
// store.
type syncState struct {
	mu      sync.Mutex   // one sync at a time
	at      Position     // every change up to here is in the snapshot (under mu)
	seen    atomic.Int64 // at.Version, for notifications
	lastOK  atomic.Int64 // unix nanoseconds when the last successful sync asked the store
	ready   atomic.Bool
	started atomic.Bool
	failing atomic.Bool
	kick    chan struct{}
	events  *eventQueue
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

// Start loads every field into the client's snapshot from the store, in
// one round trip, and starts the background work that keeps it fresh: a
// listener for the store's change notifications (when the store is a
// Notifier) and a reconcile every ReconcileInterval. From then on reads
// are served from memory.
//
// If the store answers that it cannot serve this program (an error
// matching ErrMisconfigured: the database or a table does not exist,
// authentication failed, a privilege is missing), Start returns that error
// and does not start: the client stays as NewClient left it, and Start may
// be called again once the setup is fixed.
//
// If the store cannot be reached, Start returns an error matching
// ErrUnavailable but leaves the client running: it serves what the cache
// holds (reported as stale, whatever its age) and defaults for the rest,
// Ready reports false, and the client replaces all of it with the store's
// values as soon as the store answers. Call Close to stop.
func (c *Client) Start(ctx context.Context) error {
	if !c.sync.started.CompareAndSwap(false, true) {
		return errors.New("sysconfig: client already started")
	}
	if c.opts.DisableSnapshot {
		c.sync.ready.Store(true)
		return nil
	}
	c.snap.Store(newSnapshot(c.schema))
	err := c.syncOnce(ctx)
	if errors.Is(err, ErrMisconfigured) {
		c.snap.Store(nil)
		c.sync.started.Store(false)
		return wrap(err, "sysconfig: not started")
	}
	if err != nil {
		c.fallBackToCache(ctx)
	}
	c.startBackground(ctx)
	if err != nil {
		return wrap(err, "sysconfig: started without the store; serving cached values and defaults until it answers")
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

// fallBackToCache fills the snapshot of a client that could not reach the
// store at start with every entry the cache holds, in one round trip. They
// are served as stale until the store answers (see Client.stale), and the
// first sync replaces them all.
func (c *Client) fallBackToCache(ctx context.Context) {
	fields := make([]*fieldInfo, len(c.schema.fields))
	for i, d := range c.schema.fields {
		fields[i] = d.field()
	}
	res, ok := c.cache.get(ctx, fields, c.opts.LoadTimeout)
	if !ok {
		return
	}
	var recs []Record
	for i, r := range res {
		if r.Found {
			recs = append(recs, recordOf(fields[i], r.Entry))
		}
	}
	c.merge(recs, SourceCache)
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
			c.cache.probeIfDown()
			c.refillCacheIfDue()
		}
		_ = c.syncOnce(ctx)
	}
}

// advancePosition moves the sync position over a write of this client
// when its versions directly follow it in the same epoch: writes of one
// app commit in version order, so nothing else can lie in between, and the
// notification of the write then needs no sync. Otherwise the next sync
// catches up as usual.
func (c *Client) advancePosition(recs []Record) {
	s := &c.sync
	if !s.mu.TryLock() {
		return
	}
	defer s.mu.Unlock()
	next := s.at
	for _, r := range recs { // Apply hands out versions in write order
		if r.Epoch != next.Epoch || r.Version != next.Version+1 {
			return
		}
		next.Version = r.Version
	}
	s.at = next
	s.seen.Store(next.Version)
}

// syncOnce applies to the snapshot every change the store committed after
// the client's position, then reports the changes to hooks. When the store
// is in another epoch than the position (it was recreated or restored), it
// replaces the whole snapshot with the store's records. It never calls the
// cache, so a cache that hangs cannot delay propagation.
func (c *Client) syncOnce(ctx context.Context) error {
	s := &c.sync
	s.mu.Lock()
	defer s.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, c.opts.LoadTimeout)
	defer cancel()
	asked := time.Now()
	d, err := c.store.Since(ctx, c.schema.app, s.at)
	if err != nil {
		c.syncFailed(err)
		return storeError("sync", err)
	}
	c.sawEpoch(d.At.Epoch)
	var changes []fieldChange
	if d.Full {
		changes = c.replace(d.Records, d.At.Epoch)
	} else {
		changes = c.merge(d.Records, SourceStore)
	}
	s.at = d.At
	s.seen.Store(d.At.Version)
	s.lastOK.Store(asked.UnixNano())
	first := !s.ready.Swap(true)
	c.syncRecovered()
	if !first {
		c.queueEvents(changes)
	}
	return nil
}

// syncFailed logs the start of a run of failed syncs, once: as an error
// when the store is misconfigured (an operator must act), else as a
// warning. The client keeps trying at every reconcile.
func (c *Client) syncFailed(err error) {
	if errors.Is(err, context.Canceled) || !c.sync.failing.CompareAndSwap(false, true) {
		return // Close, or already logged
	}
	if errors.Is(err, ErrMisconfigured) {
		c.log.Error("sysconfig: store misconfigured; serving the last known values until it is fixed", "error", err)
		return
	}
	c.log.Warn("sysconfig: store unreachable; serving the last known values", "error", err)
}

func (c *Client) syncRecovered() {
	if c.sync.failing.CompareAndSwap(true, false) {
		c.log.Info("sysconfig: store reachable again; snapshot reconciled")
	}
}

// stale reports whether the snapshot may lag the store by more than the
// staleness bound: no sync has succeeded within it.
func (c *Client) stale() bool {
	last := c.sync.lastOK.Load()
	return time.Since(time.Unix(0, last)) > c.opts.StalenessBound
}

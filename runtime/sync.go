package runtime

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

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
func (c *Client) Start(ctx context.Context) error { return c.syncer.start(ctx) }

// Ready reports whether the client has loaded every field from the store at
// least once (always true with DisableSnapshot once started). Before that
// it serves defaults for what the cache did not hold; use Ready in a
// readiness probe.
func (c *Client) Ready() bool { return c.syncer.ready.Load() }

// Close stops the background work started by Start and waits for it.
// Reads keep working from the last snapshot; it no longer changes.
func (c *Client) Close() { c.syncer.close() }

// syncer keeps a started client's snapshot in step with the store: it
// loads it at Start, then applies every change the store reports — on a
// notification and every ReconcileInterval — and hands the changes to the
// hooks. It never calls the cache on that path, so a cache that hangs
// cannot delay propagation; its reconcile tick also gives the cache its
// chances to probe and refill.
type syncer struct {
	store  Store
	app    string
	opts   Options
	log    *slog.Logger
	snaps  *snapshots
	hooks  *hookSet
	cache  *cacheLayer
	epochs *epochs
	fields []*fieldInfo // every field of the schema, in order

	mu      sync.Mutex   // one sync at a time
	at      Position     // every change up to here is in the snapshot (under mu)
	seen    atomic.Int64 // at.Version, for notifications
	lastOK  atomic.Int64 // unix nanoseconds when the last successful sync asked the store
	ready   atomic.Bool
	started atomic.Bool
	failing atomic.Bool
	meter   syncMeter // what Stats reports of syncs, notifications and lag
	kick    chan struct{}
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

// start does Client.Start's work.
func (s *syncer) start(ctx context.Context) error {
	if !s.started.CompareAndSwap(false, true) {
		return errors.New("sysconfig: client already started")
	}
	s.meter.startedAt.Store(time.Now().UnixNano())
	if s.opts.DisableSnapshot {
		s.ready.Store(true)
		return nil
	}
	s.snaps.begin()
	err := s.syncOnce(ctx)
	if errors.Is(err, ErrMisconfigured) {
		s.snaps.clear()
		s.started.Store(false)
		return wrap(err, "sysconfig: not started")
	}
	if err != nil {
		s.fallBackToCache(ctx)
	}
	s.startBackground(ctx)
	if err != nil {
		return wrap(err, "sysconfig: started without the store; serving cached values and defaults until it answers")
	}
	return nil
}

// close stops the background work and waits for it.
func (s *syncer) close() {
	if s.cancel != nil {
		s.cancel()
	}
	s.wg.Wait()
}

// fallBackToCache fills the snapshot of a client that could not reach the
// store at start with every entry the cache holds, in one round trip. They
// are served as stale until the store answers (see stale), and the first
// sync replaces them all.
func (s *syncer) fallBackToCache(ctx context.Context) {
	res, ok := s.cache.get(ctx, s.fields, s.opts.LoadTimeout)
	if !ok {
		return
	}
	var recs []Record
	for i, r := range res {
		if r.Found {
			recs = append(recs, recordOf(s.fields[i], r.Entry))
		}
	}
	s.snaps.merge(recs, SourceCache)
}

func (s *syncer) startBackground(ctx context.Context) {
	bg, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.cancel, s.kick = cancel, make(chan struct{}, 1)
	s.goBackground(func() { s.hooks.run(bg) })
	s.goBackground(func() { s.reconcile(bg) })
	if n, ok := s.store.(Notifier); ok {
		s.goBackground(func() { _ = n.Listen(bg, s.app, s.notified) })
	}
}

func (s *syncer) goBackground(fn func()) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		fn()
	}()
}

// notified handles a store notification: version 0 asks for a resync,
// any other version triggers a sync if the snapshot is behind it.
func (s *syncer) notified(version int64) {
	s.meter.heard(version)
	if version != 0 && version <= s.seen.Load() {
		return
	}
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// reconcile syncs when notified and every ReconcileInterval.
func (s *syncer) reconcile(ctx context.Context) {
	t := time.NewTicker(s.opts.ReconcileInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.kick:
		case <-t.C:
			s.cache.probeIfDown()
			s.cache.refillIfDue()
		}
		_ = s.syncOnce(ctx)
	}
}

// advance moves the sync position over a write of this client when its
// versions directly follow it in the same epoch: writes of one app commit
// in version order, so nothing else can lie in between, and the
// notification of the write then needs no sync. Otherwise the next sync
// catches up as usual.
func (s *syncer) advance(recs []Record) {
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
	s.meter.moved(next)
}

// syncOnce applies to the snapshot every change the store committed after
// the position, then hands the changes to the hooks. When the store is in
// another epoch than the position (it was recreated or restored), it
// replaces the whole snapshot with the store's records.
func (s *syncer) syncOnce(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, s.opts.LoadTimeout)
	defer cancel()
	asked := time.Now()
	d, err := s.store.Since(ctx, s.app, s.at)
	if err != nil {
		s.meter.syncErrors.Add(1)
		s.failed(err)
		return storeError("sync", err)
	}
	s.epochs.saw(d.At.Epoch)
	var changes []fieldChange
	if d.Full {
		changes = s.snaps.replace(d.Records, d.At.Epoch)
	} else {
		changes = s.snaps.merge(d.Records, SourceStore)
	}
	s.at = d.At
	s.seen.Store(d.At.Version)
	s.lastOK.Store(asked.UnixNano())
	s.meter.synced(d.At)
	first := !s.ready.Swap(true)
	s.recovered()
	if !first {
		s.hooks.enqueue(changes)
	}
	return nil
}

// failed logs the start of a run of failed syncs, once: as an error when
// the store is misconfigured (an operator must act), else as a warning.
// The client keeps trying at every reconcile.
func (s *syncer) failed(err error) {
	if errors.Is(err, context.Canceled) || !s.failing.CompareAndSwap(false, true) {
		return // Close, or already logged
	}
	s.meter.failingSince.Store(time.Now().UnixNano())
	if errors.Is(err, ErrMisconfigured) {
		s.log.Error("sysconfig: store misconfigured; serving the last known values until it is fixed", "error", err)
		return
	}
	s.log.Warn("sysconfig: store unreachable; serving the last known values", "error", err)
}

func (s *syncer) recovered() {
	if s.failing.CompareAndSwap(true, false) {
		s.log.Info("sysconfig: store reachable again; snapshot reconciled")
	}
}

// stale reports whether the snapshot may lag the store by more than the
// staleness bound: no sync has succeeded within it.
func (s *syncer) stale() bool {
	last := s.lastOK.Load()
	return time.Since(time.Unix(0, last)) > s.opts.StalenessBound
}

// epochs tracks the newest store epoch a client has seen: cache entries of
// earlier epochs are no longer served as current.
type epochs struct{ newest atomic.Int64 }

func (e *epochs) saw(epoch int64) {
	for {
		cur := e.newest.Load()
		if epoch <= cur || e.newest.CompareAndSwap(cur, epoch) {
			return
		}
	}
}

func (e *epochs) load() int64 { return e.newest.Load() }

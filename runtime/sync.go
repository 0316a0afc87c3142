package runtime

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
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
// loads it at Start, then applies every change it hears of from its
// notifier — the change's records when the notice carries them and
// follows the snapshot's position, else what the store reports since
// that position — and checks with the store every ReconcileInterval, and
// hands the changes to the hooks. One goroutine (run) does all of it, in
// order. It never calls the cache on that path, so a cache that hangs
// cannot delay propagation; its reconcile tick also gives the cache its
// chances to probe and refill.
type syncer struct {
	store    Store
	notifier Notifier   // nil: the reconcile alone
	head     HeadReader // nil: the reconcile asks Since
	app      string
	opts     Options
	log      *slog.Logger
	snaps    *snapshots
	hooks    *hookSet
	cache    *cacheLayer
	epochs   *epochs
	fields   []*fieldInfo // every field of the schema, in order

	mu      sync.Mutex   // one sync at a time
	at      Position     // every change up to here is in the snapshot (under mu)
	gaps    gaps         // changes named by a Prev but not heard (under mu)
	lastOK  atomic.Int64 // unix nanoseconds when the last successful sync asked the store
	ready   atomic.Bool
	started atomic.Bool
	failing atomic.Bool
	inbox   inbox
	meter   syncMeter // what Stats reports of syncs, notifications and lag, and the version applied ahead, which reconcile checks
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
	s.goBackground(func() { s.run(bg) })
	if s.notifier != nil {
		s.goBackground(func() { _ = s.notifier.Listen(bg, s.app, s.heard) })
	}
}

func (s *syncer) goBackground(fn func()) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		fn()
	}()
}

// heard hands a notice to run, without waiting: the notifier's goroutine
// never blocks on the store.
func (s *syncer) heard(n Notice) {
	s.meter.heard(n.Version)
	s.inbox.put(n)
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// run applies the notices heard, and reconciles with the store every
// ReconcileInterval, give or take a fifth (see jittered).
func (s *syncer) run(ctx context.Context) {
	t := time.NewTimer(s.jittered())
	defer t.Stop()
	gap := time.NewTimer(gapGrace)
	gap.Stop()
	defer gap.Stop()
	gapArmed := false // gap fires when the oldest open gap is due
	armGap := func() {
		if wait, open := s.nextGap(); open && !gapArmed {
			gap.Reset(wait)
			gapArmed = true
		}
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.kick:
			if s.applyHeard() {
				_ = s.syncOnce(ctx)
			}
			armGap()
		case <-gap.C:
			gapArmed = false
			if s.takeDueGaps() {
				_ = s.syncOnce(ctx)
			}
			armGap()
		case <-t.C:
			s.cache.probeIfDown()
			s.cache.refillIfDue()
			_ = s.reconcile(ctx)
			t.Reset(s.jittered())
		}
	}
}

// jittered returns the time to the next reconcile: ReconcileInterval
// times a random factor between 0.8 and 1.2, so that processes started
// (or reconnected) together do not ask the store together.
func (s *syncer) jittered() time.Duration {
	d := s.opts.ReconcileInterval
	return d*4/5 + rand.N(d*2/5+1)
}

// applyHeard applies the notices waiting in the inbox: those that follow
// the snapshot's position move it, the others with records are applied
// unplaced (see applyUnplaced). It reports whether the snapshot must ask
// the store now: a notice asked for a resync, came without records or
// from a newer epoch, or the inbox overflowed. Notices of changes the
// snapshot already holds are dropped.
func (s *syncer) applyHeard() (behind bool) {
	notices, overflowed := s.inbox.take()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range notices {
		s.gaps.heard(n.Version)
	}
	for progress := true; progress; { // out of order: a later notice may follow an earlier one
		progress = false
		rest := notices[:0]
		for _, n := range notices {
			switch s.place(n) {
			case noticeNext:
				s.applyNotice(n)
				progress = true
			case noticeUnplaced:
				s.applyUnplaced(n)
			case noticeAhead:
				rest = append(rest, n)
			}
		}
		notices = rest
	}
	return overflowed || len(notices) > 0
}

// Where a notice stands against the snapshot's position.
const (
	noticeOld      = iota // the snapshot holds the change already
	noticeNext            // the change follows the position: apply its records
	noticeUnplaced        // not next, or its Prev unknown: apply its records, leave the position
	noticeAhead           // no records, a newer epoch, or a resync: ask the store
)

// place compares n with the position (under mu).
func (s *syncer) place(n Notice) int {
	switch {
	case n.Version == 0 || !s.ready.Load(): // a resync, or nothing to follow from yet
		return noticeAhead
	case n.Epoch == 0: // versions only
		return cmpVersion(n.Version, s.at.Version)
	case n.Epoch != s.at.Epoch:
		if n.Epoch < s.at.Epoch {
			return noticeOld
		}
		return noticeAhead
	case n.Version <= s.at.Version:
		return noticeOld
	case n.Records != nil && n.Prev == s.at.Version:
		return noticeNext
	case n.Records != nil:
		return noticeUnplaced // Prev unknown, or a change in between not heard (yet)
	}
	return noticeAhead
}

// applyUnplaced applies the records of a change that does not follow the
// position (under mu): its Prev is unknown (it was committed beside other
// writers of the app: see Applied.Prev), or a change in between has not
// been heard. Its records are the store's, committed, and the merge keeps
// only those newer than the snapshot's, so they can be served at once; but
// a change in between may be missing, so the position stays where it is,
// for the store to move with Since: at the next reconcile, or, when the
// notice's Prev names a change not heard, once that change has not been
// heard for gapGrace (notices of different writers may arrive out of
// order). The reconcile also undoes the records if the store never made
// the change (the version applied ahead is beyond its head). Asking the store for every
// such notice would cost each process a query per change whenever writers
// of the app run side by side.
func (s *syncer) applyUnplaced(n Notice) {
	changes := s.snaps.merge(n.Records, SourceStore)
	s.meter.appliedAhead(n.Version)
	if n.Prev > s.at.Version {
		s.gaps.await(n.Prev, time.Now())
	}
	s.hooks.enqueue(changes)
}

// nextGap reports how long until a change named by a notice's Prev, and
// still not heard nor reached, has not been heard for gapGrace, and false
// when there is none. The follower then asks the store (takeDueGaps),
// which it would otherwise do only at its next reconcile.
func (s *syncer) nextGap() (time.Duration, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gaps.settle(s.at.Version)
	return s.gaps.next(time.Now())
}

// takeDueGaps forgets the gaps open for gapGrace, and reports whether there
// were any: the follower asks the store for them, once.
func (s *syncer) takeDueGaps() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gaps.settle(s.at.Version)
	return s.gaps.takeDue(time.Now())
}

func cmpVersion(v, at int64) int {
	if v <= at {
		return noticeOld
	}
	return noticeAhead
}

// applyNotice applies the records of a change that follows the position
// (under mu), and moves the position to the change. It does not count as
// a sync with the store (lastOK): the notice proves nothing about changes
// committed after it.
func (s *syncer) applyNotice(n Notice) {
	changes := s.snaps.merge(n.Records, SourceStore)
	s.at.Version = n.Version
	s.meter.moved(s.at)
	s.hooks.enqueue(changes)
}

// reconcile asks the store whether anything changed since the snapshot's
// position — with Head, one cheap query, when the store is a HeadReader —
// and syncs only if so. A position beyond the store's head (a notice the
// store contradicts: forged, or of a change lost by a failover) makes it
// replace the whole snapshot with the store's records.
func (s *syncer) reconcile(ctx context.Context) error {
	if s.head == nil || !s.ready.Load() {
		return s.syncOnce(ctx)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, s.opts.LoadTimeout)
	defer cancel()
	asked := time.Now()
	h, err := s.head.Head(ctx, s.app)
	if err != nil {
		s.meter.syncErrors.Add(1)
		s.failed(err)
		return storeError("reconcile", err)
	}
	if h.Epoch == s.at.Epoch && (h.Version < s.at.Version || h.Version < s.meter.aheadVersion()) {
		s.at = Position{} // the store never issued what the snapshot holds: it wins (a full reload)
	}
	if h != s.at {
		return s.syncLocked(ctx)
	}
	s.meter.synced(s.at)
	s.synced(asked)
	return nil
}

// advance moves the sync position over a change this client committed,
// when the change follows it (its Prev, in its epoch): then nothing else
// can lie in between, and the notice of the change needs no sync.
// Otherwise the next notice or sync catches up as usual.
func (s *syncer) advance(applied []Applied) {
	if len(applied) == 0 || applied[0].Prev < 0 || !s.mu.TryLock() {
		return
	}
	defer s.mu.Unlock()
	if s.at.Epoch != applied[0].New.Epoch || s.at.Version != applied[0].Prev {
		return
	}
	for _, a := range applied {
		s.at.Version = max(s.at.Version, a.New.Version)
	}
	s.meter.moved(s.at)
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
	return s.syncLocked(ctx)
}

// syncLocked is syncOnce's work, under mu.
func (s *syncer) syncLocked(ctx context.Context) error {
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
		s.gaps.reset()
		s.meter.dropAhead()
		changes = s.snaps.replace(d.Records, d.At.Epoch)
	} else {
		changes = s.snaps.merge(d.Records, SourceStore)
	}
	s.at = d.At
	s.meter.synced(d.At)
	first := !s.ready.Swap(true)
	s.synced(asked)
	if !first {
		s.hooks.enqueue(changes)
	}
	return nil
}

// synced records a successful sync that asked the store at asked.
func (s *syncer) synced(asked time.Time) {
	s.lastOK.Store(asked.UnixNano())
	s.recovered()
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

// maxInbox bounds the notices waiting for the syncer: past it they are
// dropped, and the syncer asks the store instead.
const maxInbox = 4096

// inbox holds the notices heard and not yet applied, in the order heard.
type inbox struct {
	mu         sync.Mutex
	notices    []Notice
	overflowed bool
}

func (b *inbox) put(n Notice) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.notices) == maxInbox {
		b.notices, b.overflowed = nil, true
	}
	b.notices = append(b.notices, n)
}

// take returns the notices waiting, and whether some were dropped, and
// empties the inbox.
func (b *inbox) take() ([]Notice, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	notices, overflowed := b.notices, b.overflowed
	b.notices, b.overflowed = nil, false
	return notices, overflowed
}

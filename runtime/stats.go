package runtime

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// Stats are the figures an operator watches on one client: how fresh its
// snapshot is and how far it lags behind the store, how the cache serves
// and whether it is out, whether the store answers, how writes ended and
// whether the hooks keep up. [Client.Stats] reads them; [Stats.Metrics]
// lists them by name for a metrics system.
//
// Counters start at 0 when the client is made and only grow. They count
// what reaches a backend: a read served from the snapshot is not counted,
// since it never leaves the process and a counter shared by every reading
// goroutine would cost more than the read. So the cache and store figures
// describe clients without a snapshot, Start, writes and the background
// work.
type Stats struct {
	App     string    // the schema's app
	Taken   time.Time // when the figures were read
	Started bool      // Start was called and did not refuse the store
	Ready   bool      // every field was loaded from the store at least once (Client.Ready)

	Snapshot SnapshotStats
	Cache    CacheStats
	Store    StoreStats
	Writes   WriteStats
	Hooks    HookStats
}

// SnapshotStats describe a started client's snapshot and how closely it
// follows the store. They are zero when there is no snapshot (before
// Start, or with Options.DisableSnapshot).
type SnapshotStats struct {
	// Enabled reports that reads are served from the snapshot.
	Enabled bool
	// LastSync is when the last successful sync asked the store; zero
	// before the first.
	LastSync time.Time
	// Age is the time since LastSync or, before the first successful sync,
	// since Start: for that long the store has confirmed nothing the
	// snapshot serves.
	Age time.Duration
	// Stale reports that no sync has succeeded within
	// Options.StalenessBound (or none ever has): reads report SourceStale
	// until one does.
	Stale bool
	// Epoch and Version are the snapshot's position: it holds every change
	// the store committed up to Version, in Epoch.
	Epoch, Version int64
	// Announced is the newest version the store's notifications announced
	// in this epoch, or Version if that is newer.
	Announced int64
	// Lag is how many versions the store has announced that the snapshot
	// does not hold yet: Announced minus Version, or minus the newest
	// change the snapshot applied ahead of its position (a notice it
	// could not place: see "Following the store" in the package
	// documentation), when that is newer.
	Lag int64
	// Behind is the time since the oldest notification the snapshot has
	// not caught up with was heard; zero when Lag is.
	Behind time.Duration
	// Notifications counts the notifications heard, requests to resync
	// (a listener that reconnected) included.
	Notifications uint64
	// Syncs and SyncErrors count the syncs with the store (Start's load,
	// then one per notification followed or reconcile) that succeeded and
	// that failed.
	Syncs, SyncErrors uint64
}

// CacheStats describe the client's use of the shared cache. They are zero
// when there is none.
type CacheStats struct {
	// Enabled reports that the client has a cache (Options.Cache).
	Enabled bool
	// Hits, Misses and Stale count the entries looked up by reads without
	// a snapshot: served as current; absent (or dropped as corrupt); found
	// but not served as current, being older than the staleness bound or
	// of an older store epoch.
	Hits, Misses, Stale uint64
	// Errors counts the cache calls that failed or timed out: reads, fills,
	// deletes, elections and the probes of an outage.
	Errors uint64
	// Corrupt counts the entries dropped because they were malformed, did
	// not decode, or were newer than the store's record
	// (Client.CorruptEntries).
	Corrupt uint64
	// Fills and FillErrors count the version-gated fills sent (one per
	// call: after a load, after a write, a refill, the fills kept during
	// an outage) and those that failed.
	Fills, FillErrors uint64
	// Refills counts the refills of the whole app that this client was
	// elected to do and finished (see Repopulator).
	Refills uint64
	// Down reports that the client stopped using the cache after a failed
	// call, at DownSince; it probes it every Options.CacheRetryInterval
	// and uses it again once it answers.
	Down      bool
	DownSince time.Time
}

// HitRate returns Hits over all lookups (Hits, Misses and Stale), or 0
// when there were none.
func (s CacheStats) HitRate() float64 {
	n := s.Hits + s.Misses + s.Stale
	if n == 0 {
		return 0
	}
	return float64(s.Hits) / float64(n)
}

// StoreStats describe the client's reads from the store.
type StoreStats struct {
	// Loads and LoadErrors count the loads of reads without a snapshot (one
	// per store round trip, shared by concurrent readers of a field) and
	// those that failed.
	Loads, LoadErrors uint64
	// Failing reports that the store's latest answer to a read was an
	// error, first at FailingSince: the latest sync's on a client with a
	// snapshot, the latest load's on one without. Writes do not change it.
	Failing      bool
	FailingSince time.Time
}

// WriteStats count how writes (Set, Reset, SetMany, reverts, rotations,
// recorded reveals) ended. A write refused before it reaches the store
// (ErrInvalid from validation, ErrPinned) is not counted.
type WriteStats struct {
	// Committed counts the changes committed and acknowledged, those
	// whose answer was lost and that the client then found committed
	// included.
	Committed uint64
	// Failed counts the changes that did not commit: errors matching
	// ErrUnavailable, ErrConflict, ErrMisconfigured, or the store's
	// ErrInvalid.
	Failed uint64
	// OutcomeUnknown counts the writes that returned an
	// *OutcomeUnknownError.
	OutcomeUnknown uint64
	// ResolvedCommitted and ResolvedNotCommitted count the answers of
	// Client.Resolve.
	ResolvedCommitted, ResolvedNotCommitted uint64
}

// HookStats describe the delivery of change events to hooks.
type HookStats struct {
	// Queued is the number of change events waiting for a started
	// client's hook goroutine: it grows while a hook blocks.
	Queued uint64
	// Delivered counts the change events a started client's hook
	// goroutine handed to the hooks: one per changed path, whether or not
	// a hook is registered for it. (Before Start, hooks run in the writing
	// call, and only their errors are counted.)
	Delivered uint64
	// Errors counts the hook calls that returned an error or panicked.
	Errors uint64
}

// Stats returns the client's figures now. It does no I/O and never waits
// for a sync or a backend: it reads atomic counters and one position
// guarded by a lock held only for a few loads and stores.
func (c *Client) Stats() Stats {
	now := time.Now()
	s := Stats{
		App:     c.schema.app,
		Taken:   now,
		Started: c.syncer.started.Load(),
		Ready:   c.syncer.ready.Load(),
		Cache:   c.cache.stats(),
		Writes:  c.meter.writeStats(),
		Hooks:   c.hooks.meter.stats(),
	}
	s.Store.Loads, s.Store.LoadErrors = c.meter.loads.Load(), c.meter.loadErrors.Load()
	if c.snaps.load() != nil {
		s.Snapshot = c.syncer.stats(now)
		if s.Store.Failing = c.syncer.failing.Load(); s.Store.Failing {
			s.Store.FailingSince = unixTime(c.syncer.meter.failingSince.Load())
		}
	} else {
		s.Store.FailingSince = unixTime(c.meter.loadFailingSince.Load())
		s.Store.Failing = !s.Store.FailingSince.IsZero()
	}
	return s
}

// unixTime is the time of unix nanoseconds n, or the zero time for 0.
func unixTime(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}

// clientMeter counts the events of the client's own read and write paths.
type clientMeter struct {
	loads, loadErrors atomic.Uint64
	loadFailingSince  atomic.Int64 // unix nanoseconds of the first failed load of a run; 0 after a success

	committed, failed, unknown         atomic.Uint64
	resolvedCommitted, resolvedAborted atomic.Uint64
}

// loaded counts a store load that ended with err.
func (m *clientMeter) loaded(err error) {
	m.loads.Add(1)
	if err == nil {
		m.loadFailingSince.Store(0)
		return
	}
	m.loadErrors.Add(1)
	m.loadFailingSince.CompareAndSwap(0, time.Now().UnixNano())
}

// wrote counts a write that reached the store and ended with err.
func (m *clientMeter) wrote(err error) {
	switch {
	case err == nil:
		m.committed.Add(1)
	case errors.Is(err, ErrOutcomeUnknown): // an *OutcomeUnknownError: commit reports a fenced change otherwise
		m.unknown.Add(1)
	default:
		m.failed.Add(1)
	}
}

// resolved counts an answer of Client.Resolve.
func (m *clientMeter) resolved(committed bool) {
	if committed {
		m.resolvedCommitted.Add(1)
	} else {
		m.resolvedAborted.Add(1)
	}
}

func (m *clientMeter) writeStats() WriteStats {
	return WriteStats{
		Committed: m.committed.Load(), Failed: m.failed.Load(), OutcomeUnknown: m.unknown.Load(),
		ResolvedCommitted: m.resolvedCommitted.Load(), ResolvedNotCommitted: m.resolvedAborted.Load(),
	}
}

// cacheMeter counts the events of the cache layer; its breaker state and
// the corrupt entries are the layer's own.
type cacheMeter struct {
	hits, misses, stale, errors atomic.Uint64
	fills, fillErrors, refills  atomic.Uint64
	downSince                   atomic.Int64 // unix nanoseconds when the latest outage was noticed
}

// looked counts an entry found by a read: served as current (fresh) or
// not.
func (m *cacheMeter) looked(fresh bool) {
	if fresh {
		m.hits.Add(1)
	} else {
		m.stale.Add(1)
	}
}

// filled counts a fill call that ended with err.
func (m *cacheMeter) filled(err error) {
	m.fills.Add(1)
	if err != nil {
		m.fillErrors.Add(1)
	}
}

// stats returns the cache's figures; a nil layer (no cache) has none.
func (l *cacheLayer) stats() CacheStats {
	if l == nil {
		return CacheStats{}
	}
	m := &l.meter
	s := CacheStats{
		Enabled: true,
		Hits:    m.hits.Load(), Misses: m.misses.Load(), Stale: m.stale.Load(), Errors: m.errors.Load(),
		Corrupt: uint64(l.corrupt.Load()),
		Fills:   m.fills.Load(), FillErrors: m.fillErrors.Load(), Refills: m.refills.Load(),
		Down: l.down.Load(),
	}
	if s.Down {
		s.DownSince = unixTime(m.downSince.Load())
	}
	return s
}

// syncMeter counts the syncer's events, and tracks how far the snapshot
// lags behind what the notifications announced. The position and the
// announcements are kept together under mu, so that the lag is computed
// from one consistent view; mu is never held across I/O.
type syncMeter struct {
	syncs, syncErrors, notices atomic.Uint64
	startedAt                  atomic.Int64 // unix nanoseconds of Start
	failingSince               atomic.Int64 // unix nanoseconds when the latest run of failed syncs began

	mu          sync.Mutex
	at          Position  // the syncer's position, as last moved
	ahead       int64     // the newest change applied ahead of at, in at.Epoch, since the last full reload
	announced   int64     // the newest version announced in at.Epoch
	behindSince time.Time // when the oldest announcement beyond at was heard; zero when none
}

// heard records a notification of version (0: a request to resync).
func (m *syncMeter) heard(version int64) {
	m.notices.Add(1)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.announced = max(m.announced, version)
	if version > m.held() && m.behindSince.IsZero() {
		m.behindSince = time.Now()
	}
}

// moved records the syncer's new position, after a sync or a write of
// this client. A new epoch forgets the versions announced in the old one.
func (m *syncMeter) moved(at Position) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if at.Epoch != m.at.Epoch {
		m.announced, m.ahead = at.Version, 0
	}
	m.at = at
	if at.Version >= m.announced {
		m.behindSince = time.Time{}
	}
}

// appliedAhead records that the snapshot holds the change of version,
// applied ahead of its position.
func (m *syncMeter) appliedAhead(version int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ahead = max(m.ahead, version)
	if m.ahead >= m.announced {
		m.behindSince = time.Time{}
	}
}

// dropAhead forgets the changes applied ahead of the position: the
// snapshot was replaced with the store's records.
func (m *syncMeter) dropAhead() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ahead = 0
}

// aheadVersion is the newest change applied ahead of the position since
// the last full reload.
func (m *syncMeter) aheadVersion() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.ahead
}

// held is the newest version the snapshot holds, at its position or
// ahead of it (under mu).
func (m *syncMeter) held() int64 { return max(m.at.Version, m.ahead) }

// synced records a successful sync that brought the snapshot to at.
func (m *syncMeter) synced(at Position) {
	m.syncs.Add(1)
	m.moved(at)
}

// stats returns the snapshot's figures at now.
func (s *syncer) stats(now time.Time) SnapshotStats {
	m := &s.meter
	m.mu.Lock()
	st := SnapshotStats{Enabled: true, Epoch: m.at.Epoch, Version: m.at.Version, Announced: max(m.announced, m.at.Version)}
	if !m.behindSince.IsZero() {
		st.Behind = now.Sub(m.behindSince)
	}
	st.Lag = max(0, st.Announced-m.held())
	m.mu.Unlock()
	if st.Lag == 0 {
		st.Behind = 0
	}
	st.LastSync = unixTime(s.lastOK.Load())
	since := st.LastSync
	if since.IsZero() {
		since = unixTime(m.startedAt.Load())
	}
	st.Age = now.Sub(since)
	st.Stale = s.stale()
	st.Notifications, st.Syncs, st.SyncErrors = m.notices.Load(), m.syncs.Load(), m.syncErrors.Load()
	return st
}

// hookMeter counts the change events and the hooks' failures.
type hookMeter struct {
	queued, delivered, errors atomic.Uint64
}

func (m *hookMeter) stats() HookStats {
	delivered := m.delivered.Load() // first: queued only grows, so the difference cannot go below 0
	return HookStats{Queued: m.queued.Load() - delivered, Delivered: delivered, Errors: m.errors.Load()}
}

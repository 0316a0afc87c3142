package runtime

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// cacheLayer is the client's side of the shared cache: it bounds every call
// in time, decides which entries are fresh enough to serve, drops corrupt
// ones, and keeps a circuit breaker so that an unreachable cache costs
// nothing once noticed. A nil *cacheLayer is a client without a cache: it
// never finds anything and fills nothing.
//
// Freshness is judged by each entry's AsOf, the moment its value was read
// from the store: an entry is served as current for StalenessBound after
// that, and no longer, whatever happened to the cache in between — a lost
// or refused fill, a writer that died before its update, a restart from an
// old save, a failover that lost writes. That one rule is what bounds the
// staleness of everything read from the cache; nothing else the cache does
// is needed for correctness.
type cacheLayer struct {
	cache   Cache
	opts    Options
	app     string
	log     *slog.Logger
	loadAll func(context.Context) ([]*fieldInfo, []Record, time.Time, error) // for refills

	down      atomic.Bool
	probing   atomic.Bool
	retryAt   atomic.Int64 // unix nanoseconds when the next probe may start
	refilling atomic.Bool
	corrupt   atomic.Int64
	meter     cacheMeter // what Stats reports beside the breaker and corrupt

	pendingMu sync.Mutex
	pending   map[string]Entry // fills missed during an outage, by key (see keep)
}

// newCacheLayer returns the guard around cache, or nil when there is no
// cache. loadAll reads every field's record from the store, for refills.
func newCacheLayer(cache Cache, opts Options, app string,
	loadAll func(context.Context) ([]*fieldInfo, []Record, time.Time, error)) *cacheLayer {
	if cache == nil {
		return nil
	}
	return &cacheLayer{cache: cache, opts: opts, app: app, log: opts.Logger, loadAll: loadAll}
}

// get returns the cache's results for fields in one round trip bounded by
// timeout. A corrupt entry is dropped and returned as a miss. ok is false
// when there is no usable cache or the call failed.
func (l *cacheLayer) get(ctx context.Context, fields []*fieldInfo, timeout time.Duration) ([]CacheResult, bool) {
	if !l.usable() || len(fields) == 0 {
		return nil, false
	}
	keys := make([]string, len(fields))
	for i, f := range fields {
		keys[i] = f.cacheKey
	}
	return l.getKeys(ctx, fields, keys, timeout)
}

// getOne is get of one field, bounded by CacheTimeout: the read path.
func (l *cacheLayer) getOne(ctx context.Context, f *fieldInfo) (CacheResult, bool) {
	if !l.usable() {
		return CacheResult{}, false
	}
	res, ok := l.getKeys(ctx, []*fieldInfo{f}, []string{f.cacheKey}, l.opts.CacheTimeout)
	if !ok {
		return CacheResult{}, false
	}
	return res[0], true
}

func (l *cacheLayer) getKeys(ctx context.Context, fields []*fieldInfo, keys []string, timeout time.Duration) ([]CacheResult, bool) {
	callCtx, cancel := context.WithTimeout(ctx, timeout)
	res, err := l.cache.Get(callCtx, keys)
	cancel()
	if err != nil {
		l.failed(ctx, "get", err)
		return nil, false
	}
	for i := range res {
		if res[i].Corrupt {
			l.drop(ctx, fields[i], ErrCorruptEntry)
			res[i].Found = false
		}
	}
	return res, true
}

// fresh reports whether e may be served as current: it belongs to the
// newest store epoch the client knows of (or a later one), and its value
// was read from the store within the staleness bound. An AsOf further in
// the future than the bound is not believed either.
func (l *cacheLayer) fresh(e Entry, epoch int64, now time.Time) bool {
	age := now.Sub(e.AsOf)
	return e.Epoch >= epoch && age <= l.opts.StalenessBound && age >= -l.opts.StalenessBound
}

// errCacheDown is fill's error while the breaker is open: nothing was sent.
var errCacheDown = errors.New("sysconfig: cache unavailable")

// fill stores records read from the store at asOf, version-gated, in one
// call bounded by timeout. A failure is also recorded by the breaker: the
// cache is an optimisation, and callers may ignore the error.
func (l *cacheLayer) fill(ctx context.Context, fields []*fieldInfo, recs []Record, asOf time.Time, timeout time.Duration) error {
	return l.fillEntries(ctx, entriesOf(fields, recs, asOf), timeout)
}

func (l *cacheLayer) fillEntries(ctx context.Context, entries []Entry, timeout time.Duration) error {
	if !l.usable() {
		return errCacheDown
	}
	if len(entries) == 0 {
		return nil
	}
	callCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	err := l.cache.Fill(callCtx, entries)
	l.meter.filled(err)
	if err != nil {
		l.failed(ctx, "fill", err)
	}
	return err
}

// fillLater fills a writer's records in the background, detached from
// ctx's cancellation, like fillNow.
func (l *cacheLayer) fillLater(ctx context.Context, fields []*fieldInfo, recs []Record, asOf time.Time) {
	if l != nil {
		go l.fillNow(context.WithoutCancel(ctx), fields, recs, asOf)
	}
}

// fillNow fills a writer's records, bounded by CacheTimeout. When the fill
// cannot be made, the entries are kept, and sent when the cache is back
// (see probe); if this process dies first, other processes stop trusting
// the entries they would have replaced within the staleness bound.
func (l *cacheLayer) fillNow(ctx context.Context, fields []*fieldInfo, recs []Record, asOf time.Time) {
	if l == nil {
		return
	}
	entries := entriesOf(fields, recs, asOf)
	if err := l.fillEntries(ctx, entries, l.opts.CacheTimeout); err != nil {
		l.keep(entries)
	}
}

// maxPending bounds how many missed fills a client keeps during an outage;
// beyond it they are dropped, and cost at most the staleness bound.
const maxPending = 10_000

// keep remembers entries whose fill was missed, the newest per key.
func (l *cacheLayer) keep(entries []Entry) {
	l.pendingMu.Lock()
	defer l.pendingMu.Unlock()
	if l.pending == nil {
		l.pending = map[string]Entry{}
	}
	for _, e := range entries {
		if cur, ok := l.pending[e.Key]; ok && !EntryNewer(e, cur) {
			continue
		}
		if len(l.pending) < maxPending {
			l.pending[e.Key] = e
		}
	}
}

// takePending returns the kept entries and forgets them.
func (l *cacheLayer) takePending() []Entry {
	l.pendingMu.Lock()
	defer l.pendingMu.Unlock()
	entries := make([]Entry, 0, len(l.pending))
	for _, e := range l.pending {
		entries = append(entries, e)
	}
	l.pending = nil
	return entries
}

// drop deletes an entry that cannot be served — malformed, undecodable, or
// contradicted by the store — so that the next fill replaces it, and counts
// it (Client.CorruptEntries).
func (l *cacheLayer) drop(ctx context.Context, f *fieldInfo, why error) {
	l.corrupt.Add(1)
	l.log.Warn("sysconfig: dropping corrupt cache entry", "path", f.path, "key", f.cacheKey, "error", why)
	callCtx, cancel := context.WithTimeout(ctx, l.opts.CacheTimeout)
	defer cancel()
	if err := l.cache.Delete(callCtx, []string{f.cacheKey}); err != nil {
		l.failed(ctx, "delete", err)
	}
}

func (l *cacheLayer) corruptEntries() int64 {
	if l == nil {
		return 0
	}
	return l.corrupt.Load()
}

// usable reports whether a call may use the cache now. During an outage it
// is false, and it starts a probe when one is due.
func (l *cacheLayer) usable() bool {
	if l == nil {
		return false
	}
	if !l.down.Load() {
		return true
	}
	if time.Now().UnixNano() >= l.retryAt.Load() && l.probing.CompareAndSwap(false, true) {
		go l.probe()
	}
	return false
}

// failed records a failed cache call: the client stops using the cache
// until a probe succeeds. The first failure of an outage is logged. A call
// that failed because the caller's own context ended says nothing about
// the cache.
func (l *cacheLayer) failed(callerCtx context.Context, op string, err error) {
	if callerCtx.Err() != nil || errors.Is(err, context.Canceled) {
		return
	}
	l.meter.errors.Add(1)
	l.retryAt.Store(time.Now().Add(l.opts.CacheRetryInterval).UnixNano())
	if !l.down.CompareAndSwap(false, true) {
		return
	}
	l.meter.downSince.Store(time.Now().UnixNano())
	if errors.Is(err, ErrMisconfigured) {
		l.log.Error("sysconfig: cache misconfigured, serving from the store until it is fixed", "op", op, "error", err)
		return
	}
	l.log.Warn("sysconfig: cache unavailable, serving from the store", "op", op, "error", err)
}

// probe ends an outage when the cache answers again, after sending it the
// fills this client missed meanwhile. Nothing else needs repairing first:
// entries the outage left behind are no fresher than their AsOf says.
//
// A probe runs in the background and may take until the next one is due
// (CacheRetryInterval, and at least CacheTimeout): a Cluster's probe may
// first have to get past a dead node to read the cluster's layout.
func (l *cacheLayer) probe() {
	defer l.probing.Store(false)
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), max(l.opts.CacheTimeout, l.opts.CacheRetryInterval))
	defer cancel()
	err := l.ping(ctx)
	if err == nil {
		err = l.flushPending()
	}
	if err != nil {
		l.meter.errors.Add(1)
		l.retryAt.Store(start.Add(l.opts.CacheRetryInterval).UnixNano())
		return
	}
	if l.down.CompareAndSwap(true, false) {
		l.log.Info("sysconfig: cache available again")
	}
}

// ping asks the cache whether it works: Probe when it is a Prober,
// otherwise a Get of one key.
func (l *cacheLayer) ping(ctx context.Context) error {
	if p, ok := l.cache.(Prober); ok {
		return p.Probe(ctx)
	}
	_, err := l.cache.Get(ctx, []string{l.app + ".probe"})
	return err
}

// flushPending sends the kept entries, or keeps them again.
func (l *cacheLayer) flushPending() error {
	pending := l.takePending()
	if len(pending) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), l.opts.LoadTimeout)
	defer cancel()
	err := l.cache.Fill(ctx, pending)
	l.meter.filled(err)
	if err != nil {
		l.keep(pending)
	}
	return err
}

// probeIfDown lets a started client, which no longer reads the cache,
// still notice when the cache comes back.
func (l *cacheLayer) probeIfDown() { l.usable() }

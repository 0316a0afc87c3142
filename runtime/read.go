package runtime

import (
	"context"
	"errors"
	"time"
)

// Source says where a value was read from.
type Source uint8

// The sources of a value.
const (
	SourceCache    Source = iota + 1 // the shared cache (Redis), within the staleness bound
	SourceStore                      // the store, the source of truth (Postgres)
	SourceSnapshot                   // the in-process snapshot, kept in step with the store
	SourceStale                      // a last known value: the store has not confirmed it within the staleness bound
	SourceDefault                    // the default, served before the store was ever reached
	SourceEnv                        // an environment variable that pins the field in this process (Options.Env)
)

var sourceNames = [...]string{
	SourceCache: "cache", SourceStore: "store", SourceSnapshot: "snapshot",
	SourceStale: "stale", SourceDefault: "default", SourceEnv: "env",
}

// String returns the source's name, such as "snapshot".
func (s Source) String() string {
	if int(s) < len(sourceNames) && sourceNames[s] != "" {
		return sourceNames[s]
	}
	return "unknown"
}

// state is what the client read for one field. Its fields are in the
// order that makes a snapshot's slot 64 bytes.
type state struct {
	value   any // the effective value (override or default), typed as the field's T
	epoch   int64
	version int64
	set     bool
	source  Source
}

// read returns the field's state: from the snapshot on a started client,
// otherwise through the cache and the store.
func (c *Client) read(ctx context.Context, f *fieldInfo) (state, error) {
	if p := c.pins.of(f); p != nil {
		return p.state, nil
	}
	if s := c.view(); s != nil {
		return c.snapshotSlot(s.at(f.index))
	}
	return c.readThrough(ctx, f)
}

// readThrough reads a field without a snapshot: from the cache when it
// holds a fresh entry, else from the store (one load shared by concurrent
// readers), whose record then fills the cache. When the store fails, the
// last value known (a cache entry past the bound, or what this client
// served before) is served as stale; without one the error is returned.
// Reads never go backwards: a result older than what the client has
// already served is replaced by that.
func (c *Client) readThrough(ctx context.Context, f *fieldInfo) (state, error) {
	start := time.Now()
	var cached state
	if r, ok := c.cache.getOne(ctx, f); ok {
		var fresh bool
		if cached, fresh = c.cachedState(ctx, f, r, c.epochs.load(), start); fresh {
			return c.floors.raise(f, cached), nil
		}
	}
	st, err := c.loadShared(ctx, f, cached, start)
	if err != nil {
		return c.lastKnown(f, cached, err)
	}
	return c.floors.raise(f, st), nil
}

// loadShared loads f from the store, sharing the load with concurrent
// readers, and returns a state no older than the staleness bound before
// start: a load joined under way that began longer ago is not served as
// current; a second one is, since it can only have begun after this
// reader joined the first.
func (c *Client) loadShared(ctx context.Context, f *fieldInfo, cached state, start time.Time) (state, error) {
	load := func(ctx context.Context) (state, error) {
		floor, hasFloor := c.floors.get(f)
		sts, err := c.loadFromStore(ctx, []*fieldInfo{f})
		if err != nil {
			return state{}, err
		}
		c.believeStore(ctx, f, cached, floor, hasFloor, sts[0])
		return sts[0], nil
	}
	st, began, err := c.flights.do(ctx, f.path, c.opts.LoadTimeout, load)
	if err == nil && start.Sub(began) > c.opts.StalenessBound {
		st, _, err = c.flights.do(ctx, f.path, c.opts.LoadTimeout, load)
	}
	return st, err
}

// errContradicted is why an entry the store contradicts is dropped.
var errContradicted = errors.New("sysconfig: cache entry newer than the store's record")

// believeStore settles a disagreement between what the store has just
// returned for f and what was known before the load started: the cache's
// entry and the client's floor. A store hands out versions in order and
// epochs only grow, so anything known before a load can be older than what
// it returns, never newer — unless it did not come from this store (a
// forged entry, or one left by another store under the same key prefix).
// Postgres wins: such an entry is dropped, so that the next read fills the
// store's record in its place, and such a floor is lowered to the store's
// record, so that the client stops serving it.
func (c *Client) believeStore(ctx context.Context, f *fieldInfo, cached, floor state, hasFloor bool, stored state) {
	if cached.source != 0 && newer(cached.epoch, cached.version, stored.epoch, stored.version) {
		c.cache.drop(ctx, f, errContradicted)
	}
	if hasFloor && newer(floor.epoch, floor.version, stored.epoch, stored.version) {
		c.floors.lower(f, floor, stored)
	}
}

// lastKnown is the read of f when the store failed with err: when the
// store was unavailable, the stale cache entry or the client's floor,
// whichever is newer; otherwise, or when there is neither, err. (A value
// the store returned that does not decode is an error, never a reason to
// serve an older one.)
func (c *Client) lastKnown(f *fieldInfo, fromCache state, err error) (state, error) {
	if !errors.Is(err, ErrUnavailable) {
		return state{}, err
	}
	if fromCache.source == 0 {
		fl, ok := c.floors.get(f)
		if !ok {
			return state{}, err
		}
		fromCache = fl
	}
	st := c.floors.raise(f, fromCache)
	st.source = SourceStale
	return st, nil
}

// cachedState decodes what the cache returned for f, and reports whether
// it is fresh enough to serve as current (see cacheLayer.fresh); a stale
// one has source SourceStale. A miss, or an entry that no longer decodes
// (which is dropped), is the zero state.
func (c *Client) cachedState(ctx context.Context, f *fieldInfo, r CacheResult, epoch int64, now time.Time) (state, bool) {
	if !r.Found {
		c.cache.meter.misses.Add(1)
		return state{}, false
	}
	st, err := c.codec.decode(f, recordOf(f, r.Entry), SourceCache)
	if err != nil {
		c.cache.meter.misses.Add(1)
		c.cache.drop(ctx, f, err)
		return state{}, false
	}
	fresh := c.cache.fresh(r.Entry, epoch, now)
	c.cache.meter.looked(fresh)
	if !fresh {
		st.source = SourceStale
	}
	return st, fresh
}

// loadFromStore loads fields in one store round trip and fills the cache
// with what it read.
func (c *Client) loadFromStore(ctx context.Context, fields []*fieldInfo) ([]state, error) {
	paths := make([]string, len(fields))
	for i, f := range fields {
		paths[i] = f.path
	}
	asOf := time.Now()
	recs, err := c.store.Load(ctx, paths)
	c.meter.loaded(err)
	if err != nil {
		return nil, storeError("load", err)
	}
	sts := make([]state, len(fields))
	for i, f := range fields {
		c.epochs.saw(recs[i].Epoch)
		if sts[i], err = c.codec.decode(f, recs[i], SourceStore); err != nil {
			return nil, err
		}
	}
	_ = c.cache.fill(ctx, fields, recs, asOf, c.opts.CacheTimeout)
	return sts, nil
}

// readMany reads fields as read does, the pinned ones from their pins.
func (c *Client) readMany(ctx context.Context, fields []*fieldInfo) ([]state, error) {
	sts, err := c.readManyStored(ctx, fields)
	if err != nil {
		return nil, err
	}
	for i, f := range fields {
		if p := c.pins.of(f); p != nil {
			sts[i] = p.state
		}
	}
	return sts, nil
}

// readManyStored reads fields from the snapshot when there is one, else
// with one cache round trip and one store round trip for whatever the
// cache could not serve as current.
func (c *Client) readManyStored(ctx context.Context, fields []*fieldInfo) ([]state, error) {
	if s := c.view(); s != nil {
		return c.fromSnapshot(s, fields)
	}
	sts := make([]state, len(fields))
	res, ok := c.cache.get(ctx, fields, c.opts.CacheTimeout)
	epoch, now := c.epochs.load(), time.Now()
	var missing []int
	for i, f := range fields {
		var fresh bool
		if ok {
			sts[i], fresh = c.cachedState(ctx, f, res[i], epoch, now)
		}
		if fresh {
			sts[i] = c.floors.raise(f, sts[i])
		} else {
			missing = append(missing, i)
		}
	}
	if len(missing) == 0 {
		return sts, nil
	}
	miss := make([]*fieldInfo, len(missing))
	for i, idx := range missing {
		miss[i] = fields[idx]
	}
	floors, hasFloors := make([]state, len(miss)), make([]bool, len(miss))
	for i, f := range miss {
		floors[i], hasFloors[i] = c.floors.get(f)
	}
	loaded, loadErr := c.loadFromStore(ctx, miss)
	for i, idx := range missing {
		if loadErr == nil {
			c.believeStore(ctx, fields[idx], sts[idx], floors[i], hasFloors[i], loaded[i])
			sts[idx] = c.floors.raise(fields[idx], loaded[i])
			continue
		}
		var err error
		if sts[idx], err = c.lastKnown(fields[idx], sts[idx], loadErr); err != nil {
			return nil, err
		}
	}
	return sts, nil
}

// fromSnapshot reads fields from s.
func (c *Client) fromSnapshot(s *snapshot, fields []*fieldInfo) ([]state, error) {
	sts := make([]state, len(fields))
	for i, f := range fields {
		var err error
		if sts[i], err = c.snapshotSlot(s.at(f.index)); err != nil {
			return nil, err
		}
	}
	return sts, nil
}

// snapshotSlot reports a slot's state with the snapshot's view of its
// source — not yet loaded, stale, or current — or the slot's decode error.
func (c *Client) snapshotSlot(sl *slot) (state, error) {
	if sl.err != nil {
		return state{}, sl.err
	}
	st := sl.state
	switch {
	case sl.pinned:
	case !sl.known:
		st.source = SourceDefault
	case c.syncer.stale():
		st.source = SourceStale
	default:
		st.source = SourceSnapshot
	}
	return st, nil
}

package runtime

import (
	"context"
)

// Source says where a value was read from.
type Source uint8

// The sources of a value.
const (
	SourceCache    Source = iota + 1 // the shared cache (Redis)
	SourceStore                      // the store, the source of truth (Postgres)
	SourceSnapshot                   // the in-process snapshot, kept in step with the store
	SourceStale                      // the snapshot, but the store has not answered for a while
	SourceDefault                    // the default, served before the store was ever reached
)

var sourceNames = [...]string{
	SourceCache: "cache", SourceStore: "store", SourceSnapshot: "snapshot",
	SourceStale: "stale", SourceDefault: "default",
}

// String returns the source's name, such as "snapshot".
func (s Source) String() string {
	if int(s) < len(sourceNames) && sourceNames[s] != "" {
		return sourceNames[s]
	}
	return "unknown"
}

// state is what the client read for one field.
type state struct {
	value   any // the effective value (override or default), typed as the field's T
	set     bool
	version int64
	source  Source
}

// read returns the field's state: from the snapshot on a started client;
// otherwise from the cache when it holds a valid entry, else from the store
// (one load shared by concurrent readers), whose record then fills the
// cache, version-gated.
func (c *Client) read(ctx context.Context, f *fieldInfo) (state, error) {
	if s := c.view(); s != nil {
		return c.snapshotSlot(&s.slots[f.index])
	}
	if st, ok := c.fromCache(ctx, f); ok {
		return st, nil
	}
	return c.flights.do(ctx, f.path, c.opts.LoadTimeout, func(ctx context.Context) (state, error) {
		sts, err := c.loadFromStore(ctx, []*fieldInfo{f})
		if err != nil {
			return state{}, err
		}
		return sts[0], nil
	})
}

// fromCache returns the field's cached state, if the cache holds a valid one.
func (c *Client) fromCache(ctx context.Context, f *fieldInfo) (state, bool) {
	if c.cache == nil || !c.cacheUsable() {
		return state{}, false
	}
	res, err := c.cache.Get(ctx, []string{f.cacheKey})
	if err != nil {
		c.cacheFailed("get", err)
		return state{}, false
	}
	return c.decodeCached(ctx, f, res[0])
}

// decodeCached turns a cache result into a state. Malformed or undecodable
// entries are dropped, so the next fill replaces them, and counted.
func (c *Client) decodeCached(ctx context.Context, f *fieldInfo, r CacheResult) (state, bool) {
	if !r.Found && !r.Corrupt {
		return state{}, false
	}
	if r.Corrupt {
		c.dropCorrupt(ctx, f, ErrCorruptEntry)
		return state{}, false
	}
	st, err := c.decode(f, Record{Path: f.path, Value: r.Value, Set: r.Set, Version: r.Version}, SourceCache)
	if err != nil {
		c.dropCorrupt(ctx, f, err)
		return state{}, false
	}
	return st, true
}

// loadFromStore loads fields in one store round trip and fills the cache
// with what it read.
func (c *Client) loadFromStore(ctx context.Context, fields []*fieldInfo) ([]state, error) {
	paths := make([]string, len(fields))
	for i, f := range fields {
		paths[i] = f.path
	}
	recs, err := c.store.Load(ctx, paths)
	if err != nil {
		return nil, &UnavailableError{Backend: "store", Op: "load", Err: err}
	}
	sts := make([]state, len(fields))
	for i, f := range fields {
		if sts[i], err = c.decode(f, recs[i], SourceStore); err != nil {
			return nil, err
		}
	}
	c.fill(ctx, fields, recs)
	return sts, nil
}

// decode turns a record into the field's state, decrypting secrets. A
// record without an override yields the default.
func (c *Client) decode(f *fieldInfo, r Record, src Source) (state, error) {
	if !r.Set {
		return state{value: f.def, version: r.Version, source: src}, nil
	}
	text, err := c.unseal(f, r.Value)
	if err != nil {
		return state{}, err
	}
	v, err := f.parse(text)
	if err != nil {
		return state{}, &DecodeError{Path: f.path, Kind: f.kind, Err: err}
	}
	return state{value: v, set: true, version: r.Version, source: src}, nil
}

// readMany reads fields from the snapshot when there is one, else with one
// cache round trip and one store round trip for whatever the cache lacked.
func (c *Client) readMany(ctx context.Context, fields []*fieldInfo) ([]state, error) {
	if s := c.view(); s != nil {
		return c.fromSnapshot(s, fields)
	}
	sts := make([]state, len(fields))
	missing := c.manyFromCache(ctx, fields, sts)
	if len(missing) == 0 {
		return sts, nil
	}
	miss := make([]*fieldInfo, len(missing))
	for i, idx := range missing {
		miss[i] = fields[idx]
	}
	loaded, err := c.loadFromStore(ctx, miss)
	if err != nil {
		return nil, err
	}
	for i, idx := range missing {
		sts[idx] = loaded[i]
	}
	return sts, nil
}

// manyFromCache fills sts from the cache and returns the indexes it could
// not fill.
func (c *Client) manyFromCache(ctx context.Context, fields []*fieldInfo, sts []state) []int {
	var keys []string
	var idx, missing []int
	for i, f := range fields {
		if c.cache != nil {
			keys = append(keys, f.cacheKey)
			idx = append(idx, i)
		} else {
			missing = append(missing, i)
		}
	}
	if len(keys) == 0 || !c.cacheUsable() {
		return allIndexes(len(fields))
	}
	res, err := c.cache.Get(ctx, keys)
	if err != nil {
		c.cacheFailed("get", err)
		return allIndexes(len(fields))
	}
	for j, r := range res {
		i := idx[j]
		var ok bool
		if sts[i], ok = c.decodeCached(ctx, fields[i], r); !ok {
			missing = append(missing, i)
		}
	}
	return missing
}

func allIndexes(n int) []int {
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	return all
}

// fill stores records in the cache, version-gated. Failures are logged: the
// cache is an optimisation.
func (c *Client) fill(ctx context.Context, fields []*fieldInfo, recs []Record) {
	if c.cache == nil || !c.cacheUsable() {
		return
	}
	if len(fields) == 0 {
		return
	}
	entries := make([]Entry, len(fields))
	for i, f := range fields {
		entries[i] = entryOf(f, recs[i])
	}
	if err := c.cache.Fill(ctx, entries); err != nil {
		c.cacheFailed("fill", err)
	}
}

// entryOf is the cache entry of f's record r.
func entryOf(f *fieldInfo, r Record) Entry {
	return Entry{Key: f.cacheKey, Version: r.Version, Set: r.Set, Value: r.Value}
}

func (c *Client) dropCorrupt(ctx context.Context, f *fieldInfo, why error) {
	c.corrupt.Add(1)
	c.log.Warn("sysconfig: dropping corrupt cache entry", "path", f.path, "key", f.cacheKey, "error", why)
	if err := c.cache.Delete(ctx, []string{f.cacheKey}); err != nil {
		c.cacheFailed("delete", err)
	}
}

// fromSnapshot reads fields from s.
func (c *Client) fromSnapshot(s *snapshot, fields []*fieldInfo) ([]state, error) {
	sts := make([]state, len(fields))
	for i, f := range fields {
		var err error
		if sts[i], err = c.snapshotSlot(&s.slots[f.index]); err != nil {
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
	case !sl.known:
		st.source = SourceDefault
	case c.stale():
		st.source = SourceStale
	default:
		st.source = SourceSnapshot
	}
	return st, nil
}

package rediscache

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// Defaults of Options.
const (
	DefaultPrefix   = "sysconfig:"     // Options.Prefix when empty
	DefaultTTL      = 24 * time.Hour   // Options.TTL when zero
	DefaultClaimTTL = 30 * time.Second // Options.ClaimTTL when not positive
	DefaultDoneTTL  = time.Hour        // Options.DoneTTL when not positive
)

// Options configure a Cache. The zero value is ready to use.
type Options struct {
	// Prefix is prepended to every key the Cache reads or writes.
	// Default (when empty): DefaultPrefix, "sysconfig:".
	Prefix string

	// TTL is the expiry set on every entry a Fill stores. It is not what
	// keeps values fresh — readers trust an entry only for their
	// staleness bound after its AsOf, whatever its expiry — but it bounds
	// how long keys that no schema reads any more (removed fields, changed
	// fingerprints) occupy memory, and how old a fallback value can be for
	// a process that starts while the store is down. Started clients
	// refill the cache every DoneTTL, which keeps the entries of a running
	// app alive. Default (zero): DefaultTTL, 24 hours. Negative: entries
	// never expire. Durations below a millisecond are rounded up to one.
	TTL time.Duration

	// ClaimTTL is how long a refill claim lasts if its holder dies
	// before finishing; then another process may claim it.
	// Default (zero or negative): DefaultClaimTTL, 30s.
	ClaimTTL time.Duration

	// DoneTTL is how long a finished refill holds: until it lapses,
	// processes asking are told the cache was refilled; then the next one
	// refills it again. A cache that loses its contents (restarted empty,
	// flushed) loses this record too, and is refilled at once.
	// Default (zero or negative): DefaultDoneTTL, 1 hour.
	//
	// Both durations are rounded down to whole milliseconds, and up to one.
	DoneTTL time.Duration
}

// Cache is a runtime.Cache stored in Redis. Create it with New; it is safe
// for concurrent use.
type Cache struct {
	client goredis.UniversalClient
	prefix string
	pttl   string // the fill script's expiry argument in ms; "0" for none
	multi  bool   // multi-key commands are safe: one node holds every key
	// bounded: the client ignores context deadlines on sockets, so the
	// Cache enforces them itself (see call).
	bounded bool
	// misrouted is set once a single-node client met a Cluster node's
	// redirection: every later Probe fails (see route.go).
	misrouted atomic.Bool

	claimPTTL string        // Options.ClaimTTL in ms, the claim script's argument
	doneTTL   time.Duration // Options.DoneTTL in whole ms
}

var _ runtime.Cache = (*Cache)(nil)

// New returns a Cache over client, which may be a single-node, Sentinel
// (failover) or Cluster client. The client stays the caller's: the Cache
// never closes it.
//
// Every call honours its context's deadline. go-redis applies deadlines to
// socket reads and writes only when the client was created with
// ContextTimeoutEnabled; for a client without it, the Cache returns at the
// deadline by itself and leaves the command to finish in the background,
// within the client's ReadTimeout. Setting ContextTimeoutEnabled is cheaper.
func New(client goredis.UniversalClient, opts Options) *Cache {
	c := &Cache{client: client, prefix: opts.Prefix, pttl: "0", bounded: !honoursDeadlines(client)}
	c.claimPTTL = strconv.FormatInt(millis(opts.ClaimTTL, DefaultClaimTTL), 10)
	c.doneTTL = time.Duration(millis(opts.DoneTTL, DefaultDoneTTL)) * time.Millisecond
	if c.prefix == "" {
		c.prefix = DefaultPrefix
	}
	if opts.TTL >= 0 {
		c.pttl = strconv.FormatInt(millis(opts.TTL, DefaultTTL), 10)
	}
	// A *goredis.Client talks to one node (directly or the master found
	// through Sentinel), so MGET and multi-key DEL are safe. Cluster, Ring
	// and unknown implementations get a pipeline of single-key commands.
	_, c.multi = client.(*goredis.Client)
	return c
}

// honoursDeadlines reports whether client applies context deadlines to
// socket reads and writes.
func honoursDeadlines(client goredis.UniversalClient) bool {
	switch cl := client.(type) {
	case *goredis.Client:
		return cl.Options().ContextTimeoutEnabled
	case *goredis.ClusterClient:
		return cl.Options().ContextTimeoutEnabled
	case *goredis.Ring:
		return cl.Options().ContextTimeoutEnabled
	}
	return false
}

// mustBound reports whether a call under ctx must go through call: ctx
// has a deadline, and the client would not honour it on sockets.
func (c *Cache) mustBound(ctx context.Context) bool {
	_, ok := ctx.Deadline()
	return ok && c.bounded
}

// call runs fn, which talks to Redis, and returns its error; when ctx has a
// deadline that the client would not honour, it returns ctx's error at the
// deadline even if fn has not returned. fn then finishes in the background,
// and what it wrote is never read.
func (c *Cache) call(ctx context.Context, fn func(context.Context) error) error {
	if !c.mustBound(ctx) {
		return fn(ctx)
	}
	done := make(chan error, 1)
	go func() { done <- fn(ctx) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Get implements runtime.Cache. It costs one round trip: GET for one key,
// MGET on a single node, a pipeline of GETs otherwise (one round trip per
// cluster node involved, in parallel).
func (c *Cache) Get(ctx context.Context, keys []string) ([]runtime.CacheResult, error) {
	if !c.mustBound(ctx) {
		res, err := c.get(ctx, keys)
		return res, c.failed(err)
	}
	var res []runtime.CacheResult
	err := c.call(ctx, func(ctx context.Context) (err error) {
		res, err = c.get(ctx, keys)
		return err
	})
	if err != nil {
		return nil, c.failed(err) // res may still be written by an abandoned call
	}
	return res, nil
}

func (c *Cache) get(ctx context.Context, keys []string) ([]runtime.CacheResult, error) {
	switch {
	case len(keys) == 0:
		return []runtime.CacheResult{}, nil
	case len(keys) == 1:
		return c.getOne(ctx, keys[0])
	case c.multi:
		return c.mget(ctx, keys)
	}
	return c.getPipelined(ctx, keys)
}

// getOne is the hot path: one GET, one result slice, the value shared with
// the reply string.
func (c *Cache) getOne(ctx context.Context, key string) ([]runtime.CacheResult, error) {
	res := make([]runtime.CacheResult, 1)
	if err := readReply(&res[0], key, c.client.Get(ctx, c.prefix+key)); err != nil {
		return nil, err
	}
	return res, nil
}

// mget reads keys with one MGET. MGET reports a non-string key as nil, so
// here such a key is a miss (GET reports it corrupt); Fill overwrites it
// either way.
func (c *Cache) mget(ctx context.Context, keys []string) ([]runtime.CacheResult, error) {
	vals, err := c.client.MGet(ctx, c.prefixed(keys)...).Result()
	if err != nil {
		return nil, err
	}
	if len(vals) != len(keys) {
		return nil, fmt.Errorf("sysconfig/rediscache: MGET returned %d values for %d keys", len(vals), len(keys))
	}
	res := make([]runtime.CacheResult, len(keys))
	for i, v := range vals {
		res[i].Key = keys[i]
		if s, ok := v.(string); ok {
			decode(&res[i], s)
		}
	}
	return res, nil
}

// getPipelined reads keys with a pipeline of GETs, which works across
// cluster slots.
func (c *Cache) getPipelined(ctx context.Context, keys []string) ([]runtime.CacheResult, error) {
	pipe := c.client.Pipeline()
	cmds := make([]*goredis.StringCmd, len(keys))
	for i, k := range keys {
		cmds[i] = pipe.Get(ctx, c.prefix+k)
	}
	if err := execPipeline(ctx, pipe); err != nil {
		return nil, err
	}
	res := make([]runtime.CacheResult, len(keys))
	for i, cmd := range cmds {
		if err := readReply(&res[i], keys[i], cmd); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// readReply decodes one GET reply into r. A missing key is a miss, a key of
// another type is corrupt, and any other error is returned.
func readReply(r *runtime.CacheResult, key string, cmd *goredis.StringCmd) error {
	r.Key = key
	s, err := cmd.Result()
	if err == nil {
		decode(r, s)
		return nil
	}
	if errors.Is(err, goredis.Nil) {
		return nil
	}
	if goredis.HasErrorPrefix(err, "WRONGTYPE") {
		r.Corrupt = true
		return nil
	}
	return err
}

// Fill implements runtime.Cache: each entry is stored only if its key holds
// no entry at least as new, by (epoch, version, asof), atomically per key
// (a Lua script). Several entries go in one pipeline, one script call per
// key, because the keys may live in different cluster slots. Epochs and
// versions must not be negative.
func (c *Cache) Fill(ctx context.Context, entries []runtime.Entry) error {
	for _, e := range entries {
		if e.Epoch < 0 || e.Version < 0 {
			return fmt.Errorf("sysconfig/rediscache: fill %q: negative epoch or version (%d, %d)", e.Key, e.Epoch, e.Version)
		}
	}
	return c.failed(c.call(ctx, func(ctx context.Context) error {
		switch len(entries) {
		case 0:
			return nil
		case 1:
			return c.fillOne(ctx, entries[0])
		}
		return c.fillPipelined(ctx, entries)
	}))
}

// fillOne runs the script once; Script.Run falls back from EVALSHA to EVAL.
func (c *Cache) fillOne(ctx context.Context, e runtime.Entry) error {
	return fillScript.Run(ctx, c.client, []string{c.prefix + e.Key}, encode(e), c.pttl).Err()
}

// fillPipelined sends one EVALSHA per entry, then resends with EVAL, in a
// second pipeline, those whose server did not have the script cached.
func (c *Cache) fillPipelined(ctx context.Context, entries []runtime.Entry) error {
	cmds, err := c.runFills(ctx, entries, fillScript.EvalSha)
	if err != nil {
		return err
	}
	var retry []runtime.Entry
	for i, cmd := range cmds {
		switch err := cmd.Err(); {
		case isNoScript(err):
			retry = append(retry, entries[i])
		case err != nil:
			return err
		}
	}
	if len(retry) == 0 {
		return nil
	}
	cmds, err = c.runFills(ctx, retry, fillScript.Eval)
	if err != nil {
		return err
	}
	return firstErr(cmds)
}

// evalFunc is Script.EvalSha or Script.Eval.
type evalFunc func(ctx context.Context, c goredis.Scripter, keys []string, args ...any) *goredis.Cmd

// runFills queues one fill per entry with eval and executes the pipeline.
// It returns an error only when the pipeline as a whole failed; per-command
// errors are left in the commands.
func (c *Cache) runFills(ctx context.Context, entries []runtime.Entry, eval evalFunc) ([]*goredis.Cmd, error) {
	pipe := c.client.Pipeline()
	cmds := make([]*goredis.Cmd, len(entries))
	for i, e := range entries {
		cmds[i] = eval(ctx, pipe, []string{c.prefix + e.Key}, encode(e), c.pttl)
	}
	return cmds, execPipeline(ctx, pipe)
}

// Delete implements runtime.Cache: it removes keys unconditionally, with one
// DEL on a single node and a pipeline of single-key DELs otherwise.
func (c *Cache) Delete(ctx context.Context, keys []string) error {
	return c.failed(c.call(ctx, func(ctx context.Context) error { return c.del(ctx, keys) }))
}

func (c *Cache) del(ctx context.Context, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	if c.multi || len(keys) == 1 {
		return c.client.Del(ctx, c.prefixed(keys)...).Err()
	}
	pipe := c.client.Pipeline()
	cmds := make([]*goredis.IntCmd, len(keys))
	for i, k := range keys {
		cmds[i] = pipe.Del(ctx, c.prefix+k)
	}
	if err := execPipeline(ctx, pipe); err != nil {
		return err
	}
	return firstErr(cmds)
}

// prefixed returns keys with the prefix prepended.
func (c *Cache) prefixed(keys []string) []string {
	full := make([]string, len(keys))
	for i, k := range keys {
		full[i] = c.prefix + k
	}
	return full
}

// execPipeline executes pipe. Exec reports the first failed command's error,
// which may be a reply such as redis.Nil that the caller handles per
// command; only a failure that is not a server reply is returned here.
func execPipeline(ctx context.Context, pipe goredis.Pipeliner) error {
	_, err := pipe.Exec(ctx)
	var reply goredis.Error
	if err == nil || errors.As(err, &reply) {
		return nil
	}
	return err
}

// isNoScript reports whether err says the server lacks the script.
func isNoScript(err error) bool {
	return err != nil && (errors.Is(err, goredis.ErrNoScript) || goredis.HasErrorPrefix(err, "NOSCRIPT"))
}

// firstErr returns the first error of cmds.
func firstErr[C goredis.Cmder](cmds []C) error {
	for _, cmd := range cmds {
		if err := cmd.Err(); err != nil {
			return err
		}
	}
	return nil
}

package rediscache_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/go-sysconfig/sysconfig/internal/faultproxy"
	"github.com/go-sysconfig/sysconfig/internal/testenv"
	"github.com/go-sysconfig/sysconfig/runtime"
	rediscache "github.com/go-sysconfig/sysconfig/runtime/rediscache"
)

// pipelineOnly hides the concrete client type, so the Cache treats it as it
// treats a Cluster client: no multi-key commands, pipelines of single-key
// ones. It lets the single-node test server cover the Cluster code path.
type pipelineOnly struct{ goredis.UniversalClient }

// env is one test's Cache and a direct client to inspect what it stored.
type env struct {
	cache  *rediscache.Cache
	raw    goredis.UniversalClient
	prefix string
}

// key returns the Redis key the Cache uses for the runtime key k.
func (e env) key(k string) string { return e.prefix + k }

// stored returns the raw string at runtime key k, or "" when missing.
func (e env) stored(t *testing.T, k string) string {
	t.Helper()
	s, err := e.raw.Get(context.Background(), e.key(k)).Result()
	if err != nil && err != goredis.Nil {
		t.Fatalf("GET %s: %v", e.key(k), err)
	}
	return s
}

// eachMode runs test once with MGET/multi-key DEL (a *redis.Client), once
// with pipelines (the Cluster path) on the same server, and once on the
// shared Redis Cluster, each on a fresh key prefix.
func eachMode(t *testing.T, opts rediscache.Options, test func(t *testing.T, e env)) {
	for _, mode := range []string{"single", "pipelined", "cluster"} {
		t.Run(mode, func(t *testing.T) {
			connect := testenv.Redis
			if mode == "cluster" {
				connect = clusterClient
			}
			client, prefix := connect(t)
			var c goredis.UniversalClient = client
			if mode == "pipelined" {
				c = pipelineOnly{client}
			}
			opts.Prefix = prefix
			test(t, env{cache: rediscache.New(c, opts), raw: client, prefix: prefix})
		})
	}
}

func get(t *testing.T, c runtime.Cache, keys ...string) []runtime.CacheResult {
	t.Helper()
	res, err := c.Get(context.Background(), keys)
	if err != nil {
		t.Fatalf("Get(%q): %v", keys, err)
	}
	if len(res) != len(keys) {
		t.Fatalf("Get(%q) returned %d results", keys, len(res))
	}
	return res
}

func fill(t *testing.T, c runtime.Cache, entries ...runtime.Entry) {
	t.Helper()
	if err := c.Fill(context.Background(), entries); err != nil {
		t.Fatalf("Fill(%+v): %v", entries, err)
	}
}

func set(key string, version int64, value string) runtime.Entry {
	return runtime.Entry{Key: key, Epoch: 1, Version: version, Set: true, Value: value, AsOf: at}
}

func tombstone(key string, version int64) runtime.Entry {
	return runtime.Entry{Key: key, Epoch: 1, Version: version, AsOf: at}
}

// stamped returns e with another epoch and AsOf.
func stamped(e runtime.Entry, epoch int64, asOf time.Time) runtime.Entry {
	e.Epoch, e.AsOf = epoch, asOf
	return e
}

func found(e runtime.Entry) runtime.CacheResult {
	return runtime.CacheResult{Entry: e, Found: true}
}

// sameResult compares results, times as instants.
func sameResult(a, b runtime.CacheResult) bool {
	if !a.AsOf.Equal(b.AsOf) {
		return false
	}
	a.AsOf, b.AsOf = time.Time{}, time.Time{}
	return a == b
}

func checkResult(t *testing.T, got, want runtime.CacheResult) {
	t.Helper()
	if !sameResult(got, want) {
		t.Errorf("result for %q = %+v, want %+v", want.Key, got, want)
	}
}

func TestGetMiss(t *testing.T) {
	eachMode(t, rediscache.Options{}, func(t *testing.T, e env) {
		checkResult(t, get(t, e.cache, "a")[0], runtime.CacheResult{Entry: runtime.Entry{Key: "a"}})
		for i, r := range get(t, e.cache, "a", "b") {
			if r.Found || r.Corrupt || r.Key != []string{"a", "b"}[i] {
				t.Errorf("result %d = %+v, want a plain miss", i, r)
			}
		}
		if res := get(t, e.cache); len(res) != 0 {
			t.Errorf("Get of no keys = %+v", res)
		}
	})
}

func TestFillThenGet(t *testing.T) {
	entries := []runtime.Entry{
		set("set", 1, "hello"),
		tombstone("tomb", 2),
		set("empty", 3, ""),
		set("binary", 4, "a:b:\r\n\x00é"),
		{Key: "tomb-with-value", Epoch: 1, Version: 5, Value: "ignored", AsOf: at},
	}
	stored := []string{"1:1:1796000000123:s:hello", "1:2:1796000000123:t:", "1:3:1796000000123:s:",
		"1:4:1796000000123:s:a:b:\r\n\x00é", "1:5:1796000000123:t:"}
	eachMode(t, rediscache.Options{}, func(t *testing.T, e env) {
		fill(t, e.cache, entries...)
		keys := make([]string, len(entries))
		for i, en := range entries {
			keys[i] = en.Key
			if got := e.stored(t, en.Key); got != stored[i] {
				t.Errorf("stored %q = %q, want %q", en.Key, got, stored[i])
			}
		}
		many := get(t, e.cache, keys...)
		for i, en := range entries {
			if !en.Set {
				en.Value = ""
			}
			checkResult(t, many[i], found(en))
			checkResult(t, get(t, e.cache, en.Key)[0], found(en))
		}
	})
}

func TestFillIsSetIfNewer(t *testing.T) {
	const big = 1 << 53 // doubles cannot tell big from big+1
	steps := []struct {
		name string
		fill runtime.Entry
		want runtime.Entry
	}{
		{"first fill", set("k", 5, "five"), set("k", 5, "five")},
		{"older is ignored", set("k", 3, "three"), set("k", 5, "five")},
		{"equal is ignored", set("k", 5, "other"), set("k", 5, "five")},
		{"newer tombstone wins", tombstone("k", 6), tombstone("k", 6)},
		{"equal set is ignored", set("k", 6, "six"), tombstone("k", 6)},
		{"newer set wins", set("k", 7, "seven"), set("k", 7, "seven")},
		{"longer version wins", set("k", 10, "ten"), set("k", 10, "ten")},
		{"shorter version is ignored", set("k", 9, "nine"), set("k", 10, "ten")},
		{"2^53", set("k", big, "big"), set("k", big, "big")},
		{"2^53+1 wins", set("k", big+1, "big+1"), set("k", big+1, "big+1")},
		{"2^53 is ignored", set("k", big, "big"), set("k", big+1, "big+1")},
		{"max int64 - 1", set("k", math.MaxInt64-1, "max-1"), set("k", math.MaxInt64-1, "max-1")},
		{"max int64 wins", set("k", math.MaxInt64, "max"), set("k", math.MaxInt64, "max")},
		{"max int64 - 1 is ignored", set("k", math.MaxInt64-1, "max-1"), set("k", math.MaxInt64, "max")},
		{"a later epoch wins, whatever its version", stamped(set("k", 1, "new store"), 2, at), stamped(set("k", 1, "new store"), 2, at)},
		{"an earlier epoch is ignored", set("k", math.MaxInt64, "old store"), stamped(set("k", 1, "new store"), 2, at)},
		{"a later read refreshes AsOf", stamped(set("k", 1, "new store"), 2, at.Add(time.Second)), stamped(set("k", 1, "new store"), 2, at.Add(time.Second))},
		{"an earlier read is ignored", stamped(set("k", 1, "new store"), 2, at), stamped(set("k", 1, "new store"), 2, at.Add(time.Second))},
		{"2^53 epochs", stamped(set("k", 1, "e"), big, at), stamped(set("k", 1, "e"), big, at)},
		{"2^53+1 epoch wins", stamped(set("k", 1, "e+1"), big+1, at), stamped(set("k", 1, "e+1"), big+1, at)},
	}
	for _, batch := range []bool{false, true} {
		eachMode(t, rediscache.Options{}, func(t *testing.T, e env) {
			for _, s := range steps {
				entries := []runtime.Entry{s.fill}
				if batch { // a second key forces the pipelined fill
					entries = append(entries, set("other", 1, "x"))
				}
				fill(t, e.cache, entries...)
				if got := get(t, e.cache, "k")[0]; !sameResult(got, found(s.want)) {
					t.Fatalf("batch=%v, %s: got %+v, want %+v", batch, s.name, got, s.want)
				}
			}
		})
	}
}

// malformed are stored strings that are not entries.
var malformed = []string{
	"", "garbage", "1", "1:1:1", "1:1:1:", "1:1:1:s", "1:1:1:x:v", "1:1:1:S:v", "1:1:1:sv", "1:1:1::s:v",
	"1:1:1:t:x", ":1:1:s:v", "1::1:s:v", "1:1::s:v", "-1:1:1:s:v", "1:+1:1:s:v", "01:1:1:s:v", "1:00:1:t:",
	"1:1:01:t:", " 1:1:1:s:v", "1 :1:1:s:v", "1.0:1:1:s:v", "9223372036854775808:1:1:s:v",
	"1:99999999999999999999:1:t:", "1:1:9223372036854775808:t:", "١:1:1:s:v",
	"42:s:an entry of the first format", "43:t:",
}

func TestMalformedEntryIsCorruptAndOverwritten(t *testing.T) {
	eachMode(t, rediscache.Options{}, func(t *testing.T, e env) {
		ctx := context.Background()
		for _, raw := range malformed {
			if err := e.raw.Set(ctx, e.key("k"), raw, 0).Err(); err != nil {
				t.Fatal(err)
			}
			want := runtime.CacheResult{Entry: runtime.Entry{Key: "k"}, Corrupt: true}
			checkResult(t, get(t, e.cache, "k")[0], want)
			checkResult(t, get(t, e.cache, "k", "other")[0], want)
			fill(t, e.cache, set("k", 1, "fixed"))
			checkResult(t, get(t, e.cache, "k")[0], found(set("k", 1, "fixed")))
		}
	})
}

func TestWrongTypeIsCorruptAndOverwritten(t *testing.T) {
	eachMode(t, rediscache.Options{}, func(t *testing.T, e env) {
		if err := e.raw.HSet(context.Background(), e.key("k"), "f", "v").Err(); err != nil {
			t.Fatal(err)
		}
		want := runtime.CacheResult{Entry: runtime.Entry{Key: "k"}, Corrupt: true}
		checkResult(t, get(t, e.cache, "k")[0], want)
		fill(t, e.cache, set("k", 1, "fixed"))
		checkResult(t, get(t, e.cache, "k")[0], found(set("k", 1, "fixed")))
	})
}

// TestFillScriptAgreesWithParse checks that the Lua gate and the Go parser
// accept the same strings: an entry Get calls corrupt must be one Fill
// replaces, or it would stay corrupt forever, and a valid one must be gated.
func TestFillScriptAgreesWithParse(t *testing.T) {
	valid := []string{"0:0:0:t:", "0:1:0:s:", "1:1:1:s:x", "2:7:0:s::", "3:10:5:t:",
		"9223372036854775807:9223372036854775807:9223372036854775807:s:v"}
	client, prefix := testenv.Redis(t)
	c := rediscache.New(client, rediscache.Options{Prefix: prefix})
	ctx := context.Background()
	probe := runtime.Entry{Key: "k", Set: true, Value: "probe", AsOf: time.UnixMilli(0)} // loses to every valid entry
	for _, raw := range append(valid, malformed...) {
		if err := client.Set(ctx, prefix+"k", raw, 0).Err(); err != nil {
			t.Fatal(err)
		}
		fill(t, c, probe)
		after, err := client.Get(ctx, prefix+"k").Result()
		if err != nil {
			t.Fatal(err)
		}
		_, parsed := rediscache.Parse(raw)
		if overwritten := after == rediscache.Encode(probe); overwritten == parsed {
			t.Errorf("stored %q: Go parse accepts it = %v, but the script overwrote it = %v", raw, parsed, overwritten)
		}
	}
}

func TestDelete(t *testing.T) {
	eachMode(t, rediscache.Options{}, func(t *testing.T, e env) {
		ctx := context.Background()
		fill(t, e.cache, set("a", 1, "a"), set("b", 1, "b"), set("c", 1, "c"), set("d", 1, "d"))
		if err := e.cache.Delete(ctx, []string{"a", "b", "missing"}); err != nil {
			t.Fatal(err)
		}
		if err := e.cache.Delete(ctx, []string{"c"}); err != nil {
			t.Fatal(err)
		}
		if err := e.cache.Delete(ctx, nil); err != nil {
			t.Fatal(err)
		}
		res := get(t, e.cache, "a", "b", "c", "d")
		for i, want := range []bool{false, false, false, true} {
			if res[i].Found != want {
				t.Errorf("after Delete, %q found = %v, want %v", res[i].Key, res[i].Found, want)
			}
		}
		fill(t, e.cache, set("a", 1, "again")) // deleting forgets the version
		checkResult(t, get(t, e.cache, "a")[0], found(set("a", 1, "again")))
	})
}

func TestTTL(t *testing.T) {
	ctx := context.Background()
	eachMode(t, rediscache.Options{TTL: time.Minute}, func(t *testing.T, e env) {
		fill(t, e.cache, set("one", 1, "x"))
		fill(t, e.cache, set("a", 1, "x"), tombstone("b", 2))
		for _, k := range []string{"one", "a", "b"} {
			pttl, err := e.raw.PTTL(ctx, e.key(k)).Result()
			if err != nil || pttl <= 0 || pttl > time.Minute {
				t.Errorf("PTTL %s = %v, %v; want in (0, 1m]", k, pttl, err)
			}
		}
	})
	eachMode(t, rediscache.Options{}, func(t *testing.T, e env) {
		fill(t, e.cache, set("one", 1, "x"))
		fill(t, e.cache, set("a", 1, "x"), tombstone("b", 2))
		for _, k := range []string{"one", "a", "b"} {
			pttl, err := e.raw.PTTL(ctx, e.key(k)).Result()
			if err != nil || pttl <= 23*time.Hour || pttl > rediscache.DefaultTTL {
				t.Errorf("PTTL %s = %v, %v; want the default, 24h", k, pttl, err)
			}
		}
	})
	eachMode(t, rediscache.Options{TTL: -1}, func(t *testing.T, e env) {
		fill(t, e.cache, set("one", 1, "x"))
		fill(t, e.cache, set("a", 1, "x"), tombstone("b", 2))
		for _, k := range []string{"one", "a", "b"} {
			pttl, err := e.raw.PTTL(ctx, e.key(k)).Result()
			if err != nil || pttl != -1 {
				t.Errorf("PTTL %s = %v, %v; want -1 (no expiry)", k, pttl, err)
			}
		}
	})
}

func TestGetMany(t *testing.T) {
	eachMode(t, rediscache.Options{}, func(t *testing.T, e env) {
		const n = 200
		keys := make([]string, n)
		var entries []runtime.Entry
		for i := range keys {
			keys[i] = fmt.Sprintf("key-%d", i)
			if i%2 == 0 {
				entries = append(entries, set(keys[i], int64(i), fmt.Sprint("value ", i)))
			}
		}
		fill(t, e.cache, entries...)
		if err := e.raw.Set(context.Background(), e.key("key-7"), "bad", 0).Err(); err != nil {
			t.Fatal(err)
		}
		for i, r := range get(t, e.cache, keys...) {
			want := runtime.CacheResult{Entry: runtime.Entry{Key: keys[i]}}
			switch {
			case i == 7:
				want.Corrupt = true
			case i%2 == 0:
				want = found(set(keys[i], int64(i), fmt.Sprint("value ", i)))
			}
			checkResult(t, r, want)
		}
	})
}

// TestConcurrentFillsKeepMax races many writers filling random versions of
// one key, alone and in batches; the survivor must be the highest version,
// with its own value.
func TestConcurrentFillsKeepMax(t *testing.T) {
	eachMode(t, rediscache.Options{}, func(t *testing.T, e env) {
		const goroutines, fills = 32, 100
		maxes := make([]int64, goroutines)
		var wg sync.WaitGroup
		for g := range goroutines {
			wg.Go(func() {
				for i := range fills {
					v := rand.Int64N(1_000_000_000)
					maxes[g] = max(maxes[g], v)
					entries := []runtime.Entry{set("k", v, fmt.Sprint("v", v))}
					if i%3 == 0 {
						entries = append(entries, set(fmt.Sprint("side-", g), v, "x"))
					}
					if err := e.cache.Fill(context.Background(), entries); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		top := int64(0)
		for _, m := range maxes {
			top = max(top, m)
		}
		checkResult(t, get(t, e.cache, "k")[0], found(set("k", top, fmt.Sprint("v", top))))
	})
}

func TestFillRejectsNegativeVersion(t *testing.T) {
	eachMode(t, rediscache.Options{}, func(t *testing.T, e env) {
		for _, bad := range []runtime.Entry{set("b", -1, "x"), stamped(set("b", 1, "x"), -1, at)} {
			if err := e.cache.Fill(context.Background(), []runtime.Entry{set("a", 1, "x"), bad}); err == nil {
				t.Fatalf("Fill of %+v succeeded", bad)
			}
			if get(t, e.cache, "a")[0].Found {
				t.Error("Fill stored part of a batch it rejected")
			}
		}
	})
}

// TestFillWithoutCachedScript covers a server that lost its script cache
// (a restart, a failover, SCRIPT FLUSH): EVALSHA fails with NOSCRIPT and
// the Cache must resend with EVAL.
func TestFillWithoutCachedScript(t *testing.T) {
	eachMode(t, rediscache.Options{}, func(t *testing.T, e env) {
		ctx := context.Background()
		for _, entries := range [][]runtime.Entry{
			{set("one", 1, "x")},
			{set("a", 1, "x"), set("b", 1, "y")},
		} {
			if err := e.raw.ScriptFlush(ctx).Err(); err != nil {
				t.Fatal(err)
			}
			fill(t, e.cache, entries...)
			for _, en := range entries {
				checkResult(t, get(t, e.cache, en.Key)[0], found(en))
			}
		}
	})
}

func TestDefaultPrefix(t *testing.T) {
	client, _ := testenv.Redis(t)
	key := "test-" + testenv.Unique()
	t.Cleanup(func() { client.Del(context.Background(), rediscache.DefaultPrefix+key) })
	fill(t, rediscache.New(client, rediscache.Options{}), set(key, 1, "x"))
	got, err := client.Get(context.Background(), "sysconfig:"+key).Result()
	if want := rediscache.Encode(set(key, 1, "x")); err != nil || got != want {
		t.Errorf("GET sysconfig:%s = %q, %v; want %q", key, got, err, want)
	}
}

func TestCancelledContext(t *testing.T) {
	eachMode(t, rediscache.Options{}, func(t *testing.T, e env) {
		checkFailsFast(t, e.cache, func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx, cancel
		})
	})
}

// TestUnreachableFailsFast points the Cache at a closed port. How long
// go-redis takes to give up is its own policy (MaxRetries, DialerRetries and
// their backoffs: about 1.7s by default); the Cache must add no waiting of
// its own, and a context deadline must cut the default policy short.
func TestUnreachableFailsFast(t *testing.T) {
	noRetries := unreachable(t, &goredis.Options{MaxRetries: -1, DialerRetries: 1})
	defaults := unreachable(t, &goredis.Options{ContextTimeoutEnabled: true})
	background := func() (context.Context, context.CancelFunc) {
		return context.WithCancel(context.Background())
	}
	deadline := func() (context.Context, context.CancelFunc) {
		return context.WithTimeout(context.Background(), 200*time.Millisecond)
	}
	cases := []struct {
		name   string
		client goredis.UniversalClient
		ctx    func() (context.Context, context.CancelFunc)
	}{
		{"no retries/single", noRetries, background},
		{"no retries/pipelined", pipelineOnly{noRetries}, background},
		{"deadline/single", defaults, deadline},
		{"deadline/pipelined", pipelineOnly{defaults}, deadline},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkFailsFast(t, rediscache.New(c.client, rediscache.Options{}), c.ctx)
		})
	}
}

// unreachable returns a client for a closed local port with opts' retry
// policy and a short dial timeout.
func unreachable(t *testing.T, opts *goredis.Options) *goredis.Client {
	opts.Addr = "127.0.0.1:1"
	opts.DialTimeout = 100 * time.Millisecond
	client := goredis.NewClient(opts)
	t.Cleanup(func() { _ = client.Close() })
	return client
}

// checkFailsFast checks that every operation, on one key and on several,
// returns an error within a second, each under its own newCtx().
func checkFailsFast(t *testing.T, c runtime.Cache, newCtx func() (context.Context, context.CancelFunc)) {
	t.Helper()
	ops := []struct {
		name string
		op   func(ctx context.Context) error
	}{
		{"Get one", func(ctx context.Context) error { _, err := c.Get(ctx, []string{"a"}); return err }},
		{"Get many", func(ctx context.Context) error { _, err := c.Get(ctx, []string{"a", "b"}); return err }},
		{"Fill one", func(ctx context.Context) error { return c.Fill(ctx, []runtime.Entry{set("a", 1, "x")}) }},
		{"Fill many", func(ctx context.Context) error {
			return c.Fill(ctx, []runtime.Entry{set("a", 1, "x"), set("b", 1, "x")})
		}},
		{"Delete one", func(ctx context.Context) error { return c.Delete(ctx, []string{"a"}) }},
		{"Delete many", func(ctx context.Context) error { return c.Delete(ctx, []string{"a", "b"}) }},
	}
	for _, o := range ops {
		ctx, cancel := newCtx()
		start := time.Now()
		err := o.op(ctx)
		took := time.Since(start)
		cancel()
		if err == nil || took > time.Second {
			t.Errorf("%s: err = %v after %v; want an error within 1s", o.name, err, took)
		}
	}
}

// TestHangingServerReturnsAtTheDeadline puts Redis behind a partition (a
// blackhole: nothing flows, nobody says so), with clients that do and do
// not enable ContextTimeoutEnabled. Either way every call must return at
// its context's deadline, not at go-redis's ReadTimeout (3 s by default):
// the runtime bounds each cache call by a short timeout of its own.
func TestHangingServerReturnsAtTheDeadline(t *testing.T) {
	for _, ctxTimeouts := range []bool{false, true} {
		t.Run(fmt.Sprintf("ContextTimeoutEnabled=%v", ctxTimeouts), func(t *testing.T) {
			opts, err := goredis.ParseURL(testenv.RedisURL())
			if err != nil {
				t.Fatal(err)
			}
			px := faultproxy.New(t, opts.Addr)
			opts.Addr, opts.ContextTimeoutEnabled = px.Addr(), ctxTimeouts
			client := goredis.NewClient(opts)
			t.Cleanup(func() { _ = client.Close() })
			c := rediscache.New(client, rediscache.Options{Prefix: "sysconfig-test:" + testenv.Unique() + ":"})
			fill(t, c, set("a", 1, "x")) // the connection is open before the partition
			px.Blackhole()
			defer px.Restore()
			for _, cache := range []runtime.Cache{c, rediscache.New(pipelineOnly{client}, rediscache.Options{})} {
				checkFailsFast(t, cache, func() (context.Context, context.CancelFunc) {
					return context.WithTimeout(context.Background(), 100*time.Millisecond)
				})
			}
		})
	}
}

package integration

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/go-sysconfig/sysconfig/internal/failover"
	"github.com/go-sysconfig/sysconfig/internal/localredis"
	"github.com/go-sysconfig/sysconfig/internal/testenv"
	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/rediscache"
)

// sharedCluster is a private Redis Cluster (3 masters, a replica each) for
// the tests that leave its nodes alone; a test that kills nodes starts its
// own with localredis.NewCluster.
var sharedCluster = localredis.NewSharedCluster(3, 1)

func TestMain(m *testing.M) {
	code := m.Run()
	_ = sharedCluster.Close()
	os.Exit(code)
}

// onCluster returns a Cache under a prefix of t's own on c, through a
// client that rediscache.Connect made from the one seed address url.
func onCluster(t testing.TB, url string) *rediscache.Cache {
	t.Helper()
	client, prefix := testenv.RedisAt(t, url)
	return rediscache.New(client, rediscache.Options{Prefix: prefix})
}

// sharedClusterCache is onCluster on the shared cluster's first node.
func sharedClusterCache(t testing.TB) *rediscache.Cache {
	t.Helper()
	seed, err := sharedCluster.Get(t).SeedURL()
	if err != nil {
		t.Fatal(err)
	}
	return onCluster(t, seed)
}

// clusterRaceTrials is how many trials the race harness plays on the
// Cluster: a quarter of raceTrials, since the Lua gate it tests is the same
// script as on one node, and what the Cluster adds is the routing of every
// call.
func clusterRaceTrials(t testing.TB) int { return max(raceTrials(t)/4, 1) }

// TestRaceHarnessLeavesNoStaleKeysOnACluster is
// TestRaceHarnessLeavesNoStaleKeys on a Redis Cluster, the fields' keys
// spread over its masters.
func TestRaceHarnessLeavesNoStaleKeysOnACluster(t *testing.T) {
	trials := clusterRaceTrials(t)
	res := runRaceHarness(t, sharedClusterCache(t), trials, false)
	t.Logf("%d adversarial trials on a Cluster, %d keys left stale", res.Trials, res.Stale)
	if res.Stale != 0 {
		t.Errorf("%d of %d trials left a stale cache entry, want 0", res.Stale, res.Trials)
	}
}

// TestRaceHarnessCatchesNaiveFillsOnACluster: the harness can fail on a
// Cluster too.
func TestRaceHarnessCatchesNaiveFillsOnACluster(t *testing.T) {
	const trials = 200
	res := runRaceHarness(t, sharedClusterCache(t), trials, true)
	if res.Stale < trials/2 {
		t.Errorf("naive fills left %d of %d keys stale; the harness is not adversarial", res.Stale, trials)
	}
}

// maxBack is how soon after the cluster serves every slot again a client
// must be reading from the cache.
const maxBack = 5 * time.Second

// TestCacheInUseSoonAfterClusterFailovers plays a sequence of faults on one
// cluster, with a client whose only seed address is the master that dies
// first, reading one field without pause through the cache: the master of
// its key is killed and replaced by its replica, three times (the old
// master restarted each time, as a replica, and killed again in its turn),
// then two of the three masters die at once, so that the cluster is down
// (CLUSTERDOWN) until they are back. After each fault, once every running
// node serves every slot, the client must be reading from the cache again
// within maxBack; no read may fail; and only the first reads that meet the
// fault may wait for the cache's timeout: the client must not go back to
// the cache before it serves the dead master's slots again, and pay the
// timeout again each time.
func TestCacheInUseSoonAfterClusterFailovers(t *testing.T) {
	t.Parallel()
	c := localredis.NewCluster(t, 3, 1)
	reader, key := seededByItsMaster(t, c, newBackends(t))
	faults := []failover.Fault{failover.KillMaster, failover.KillMaster, failover.KillMaster, failover.KillMajority}
	var backs []time.Duration
	for i, fault := range faults {
		r, err := failover.Play(ctx, failover.Config{Cluster: c, Key: key, Fault: fault,
			Read:  func(ctx context.Context) (runtime.Value, error) { return countField.Lookup(ctx, reader) },
			Slow:  runtime.DefaultCacheTimeout * 9 / 10,
			Limit: 4 * maxBack,
		})
		t.Logf("round %d: cluster serving %v after the fault, cache back %v later; %d reads, %d slow, %d failed",
			i+1, r.Serving.Round(time.Millisecond), r.Back.Round(time.Millisecond), r.Reads, r.SlowReads, r.Failed)
		if err != nil {
			t.Fatalf("round %d: %v", i+1, err)
		}
		checkRound(t, i+1, r)
		backs = append(backs, r.Back)
	}
	slices.Sort(backs)
	t.Logf("cache back after the cluster serves again: median %v", backs[len(backs)/2].Round(time.Millisecond))
}

// seededByItsMaster returns a client without a snapshot, reading through a
// cache on c whose go-redis client rediscache.Connect made from one seed
// address, that of the master serving count's key, and that key. count is
// set, so that reads find an entry.
//
// The key prefix is chosen so that the key a client would probe if the
// cache could not probe itself (a Get of "<app>.probe", the fallback for a
// cache that is not a runtime.Prober) lives on another master than count's:
// such a probe succeeds while count's slots are still down, and the client
// keeps going back to the cache too early.
func seededByItsMaster(t *testing.T, c *localredis.Cluster, b *backends) (*runtime.Client, string) {
	t.Helper()
	prefix, master := apartFromProbeKey(t, c)
	key := prefix + countField.CacheKey()
	rdb, err := rediscache.Connect(ctx, "redis://"+master.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rdb.Close() })
	cache := rediscache.New(rdb, rediscache.Options{Prefix: prefix})
	reader, err := runtime.NewClient(itSchema, b.store, runtime.Options{Cache: cache, Secrets: oldKeys, DisableSnapshot: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := countField.Set(ctx, reader, 1); err != nil {
		t.Fatal(err)
	}
	return reader, key
}

// apartFromProbeKey returns a key prefix under which count's key and
// "it.probe" live on different masters, and count's master.
func apartFromProbeKey(t *testing.T, c *localredis.Cluster) (string, *localredis.Server) {
	t.Helper()
	for range 100 {
		prefix := "sysconfig-test:" + testenv.Unique() + ":"
		master, err := c.MasterOf(ctx, prefix+countField.CacheKey())
		if err != nil {
			t.Fatal(err)
		}
		other, err := c.MasterOf(ctx, prefix+"it.probe")
		if err != nil {
			t.Fatal(err)
		}
		if other != master {
			return prefix, master
		}
	}
	t.Fatal("no prefix in 100 puts count and it.probe on different masters")
	return "", nil
}

// checkRound fails t if a round broke a promise.
func checkRound(t *testing.T, round int, r failover.Round) {
	t.Helper()
	if r.Back > maxBack {
		t.Errorf("round %d: the cache was back in use %v after the cluster served every slot again, want ≤ %v", round, r.Back, maxBack)
	}
	if r.Failed > 0 {
		t.Errorf("round %d: %d of %d reads failed, want none", round, r.Failed, r.Reads)
	}
	if r.SlowReads > 2 {
		t.Errorf("round %d: %d reads waited for the cache's timeout, want at most 2: the client went back to a cache that could not serve yet", round, r.SlowReads)
	}
}

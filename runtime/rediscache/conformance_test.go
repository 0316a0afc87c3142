package rediscache_test

import (
	"os"
	"testing"

	goredis "github.com/redis/go-redis/v9"

	"github.com/go-sysconfig/sysconfig/internal/localredis"
	"github.com/go-sysconfig/sysconfig/internal/testenv"
	"github.com/go-sysconfig/sysconfig/runtime"
	rediscache "github.com/go-sysconfig/sysconfig/runtime/rediscache"
	"github.com/go-sysconfig/sysconfig/runtime/runtimetest"
)

// cluster is a private Redis Cluster of 3 masters with a replica each,
// shared by the package's tests that do not harm it.
var cluster = localredis.NewSharedCluster(3, 1)

func TestMain(m *testing.M) {
	code := m.Run()
	_ = cluster.Close()
	os.Exit(code)
}

// clusterClient returns a client made by rediscache.Connect from one seed
// address of the shared cluster, and a key prefix of t's own.
func clusterClient(t testing.TB) (goredis.UniversalClient, string) {
	t.Helper()
	seed, err := cluster.Get(t).SeedURL()
	if err != nil {
		t.Fatal(err)
	}
	return testenv.RedisAt(t, seed)
}

// TestConformance runs the shared Cache contract suite, once through the
// single-node commands, once through the pipelined (Cluster) ones on the
// single node, and once on a real Redis Cluster with a client made from one
// seed address, with a fresh key prefix for every subtest.
func TestConformance(t *testing.T) {
	modes := map[string]func(t testing.TB) (goredis.UniversalClient, string){
		"single": testenv.Redis,
		"pipelined": func(t testing.TB) (goredis.UniversalClient, string) {
			c, prefix := testenv.Redis(t)
			return pipelineOnly{c}, prefix
		},
		"cluster": clusterClient,
	}
	for name, connect := range modes {
		t.Run(name, func(t *testing.T) {
			runtimetest.TestCache(t, func(t *testing.T) runtime.Cache {
				client, prefix := connect(t)
				return rediscache.New(client, rediscache.Options{Prefix: prefix})
			})
		})
	}
}

package rediscache_test

import (
	"testing"

	goredis "github.com/redis/go-redis/v9"

	"github.com/go-sysconfig/sysconfig/internal/testenv"
	"github.com/go-sysconfig/sysconfig/runtime"
	rediscache "github.com/go-sysconfig/sysconfig/runtime/rediscache"
	"github.com/go-sysconfig/sysconfig/runtime/runtimetest"
)

// TestConformance runs the shared Cache contract suite, once through the
// single-node commands and once through the pipelined (Cluster) ones, with
// a fresh key prefix for every subtest.
func TestConformance(t *testing.T) {
	modes := map[string]func(goredis.UniversalClient) goredis.UniversalClient{
		"single":    func(c goredis.UniversalClient) goredis.UniversalClient { return c },
		"pipelined": func(c goredis.UniversalClient) goredis.UniversalClient { return pipelineOnly{c} },
	}
	for name, wrap := range modes {
		t.Run(name, func(t *testing.T) {
			runtimetest.TestCache(t, func(t *testing.T) runtime.Cache {
				client, prefix := testenv.Redis(t)
				return rediscache.New(wrap(client), rediscache.Options{Prefix: prefix})
			})
		})
	}
}

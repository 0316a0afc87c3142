package cli_test

import (
	"context"
	"strings"
	"testing"

	"github.com/go-sysconfig/sysconfig/internal/localredis"
	"github.com/go-sysconfig/sysconfig/internal/testenv"
	"github.com/go-sysconfig/sysconfig/runtime"
)

// TestRedisURLOfOneClusterNode: --redis-url names one node of a Redis
// Cluster. The CLI's write updates the Redis entry (through a Cluster
// client, whatever node the key's slot lives on), so that an app reading
// through the cluster serves the new value from it at once.
func TestRedisURLOfOneClusterNode(t *testing.T) {
	t.Parallel()
	seed, err := localredis.NewCluster(t, 3, 1).SeedURL()
	if err != nil {
		t.Fatal(err)
	}
	o := newOperator(t)
	o.rdb, o.prefix = testenv.RedisAt(t, seed)
	o.env["SYSCONFIG_REDIS_URL"], o.env["SYSCONFIG_REDIS_PREFIX"] = seed, o.prefix
	for _, title := range []string{"Cluster sale", "Cluster clearance", "Cluster week"} {
		if r := o.step(0, "", "set", "shop.site.title", title, "--actor", "alice"); r.stderr != "" {
			t.Errorf("set said on stderr: %s", r.stderr)
		}
		v, err := o.appClient(true).Get(context.Background(), "shop.site.title")
		if err != nil || v.Value != title || v.Source != runtime.SourceCache {
			t.Errorf("a reader through the cluster got %v from %v (%v), want %q from the cache", v.Value, v.Source, err, title)
		}
	}
}

// TestRedisUnreachable: with Redis down, a write goes to Postgres alone,
// and the CLI says so.
func TestRedisUnreachable(t *testing.T) {
	o := newOperator(t)
	o.env["SYSCONFIG_REDIS_URL"] = "redis://127.0.0.1:1/0"
	r := o.step(0, "", "set", "shop.site.title", "No cache", "--actor", "alice")
	if !strings.Contains(r.stderr, "writing to Postgres alone") || !strings.Contains(r.stderr, "127.0.0.1:1") {
		t.Errorf("stderr = %q, want a warning that Redis at 127.0.0.1:1 is left out", r.stderr)
	}
	if got := o.get("shop.site.title"); !strings.Contains(got, "No cache") {
		t.Errorf("get after the write = %q", got)
	}
}

package rediscache_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync/atomic"
	"testing"

	goredis "github.com/redis/go-redis/v9"

	"github.com/go-sysconfig/sysconfig/internal/testenv"
	"github.com/go-sysconfig/sysconfig/runtime"
	rediscache "github.com/go-sysconfig/sysconfig/runtime/rediscache"
)

// TestSingleNodeClientOnAClusterIsMisconfigured: a plain client given a
// Cluster node's address (what redis.NewUniversalClient makes of one
// address) meets MOVED or CROSSSLOT; the Cache says it is misconfigured,
// and from then on its probe fails without asking Redis.
func TestSingleNodeClientOnAClusterIsMisconfigured(t *testing.T) {
	seed, err := cluster.Get(t).SeedURL()
	if err != nil {
		t.Fatal(err)
	}
	client := goredis.NewUniversalClient(&goredis.UniversalOptions{Addrs: []string{strings.TrimPrefix(seed, "redis://")}})
	t.Cleanup(func() { _ = client.Close() })
	c := rediscache.New(client, rediscache.Options{Prefix: "sysconfig-test:" + testenv.Unique() + ":"})
	if err := c.Probe(t.Context()); err != nil {
		t.Fatalf("Probe before any redirection: %v", err)
	}
	keys := make([]string, 20)
	for i := range keys {
		keys[i] = string(rune('a' + i))
	}
	_, err = c.Get(t.Context(), keys)
	if !errors.Is(err, runtime.ErrMisconfigured) || !strings.Contains(err.Error(), "rediscache.Connect") {
		t.Fatalf("Get of keys in many slots: %v; want ErrMisconfigured naming rediscache.Connect", err)
	}
	if err := c.Probe(t.Context()); !errors.Is(err, runtime.ErrMisconfigured) {
		t.Errorf("Probe after a redirection: %v; want ErrMisconfigured", err)
	}
}

// reloadCounter stands for a Cluster client whose calls fail with err, and
// counts the slot-map reloads it is asked for.
type reloadCounter struct {
	goredis.UniversalClient
	err     error
	reloads atomic.Int32
}

func (r *reloadCounter) Get(ctx context.Context, key string) *goredis.StringCmd {
	cmd := goredis.NewStringCmd(ctx, "get", key)
	cmd.SetErr(r.err)
	return cmd
}

func (r *reloadCounter) ReloadState(context.Context) { r.reloads.Add(1) }

// replyError is an error answered by Redis.
type replyError string

func (e replyError) Error() string { return string(e) }
func (replyError) RedisError()     {}

// TestFailureReloadsTheSlotMap: a call that fails because a node is gone,
// or with an answer that the slot map may be out of date, has a Cluster
// client reload its map; other answers from Redis do not.
func TestFailureReloadsTheSlotMap(t *testing.T) {
	dial := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	cases := []struct {
		err    error
		reload bool
	}{
		{dial, true},
		{context.DeadlineExceeded, true},
		{replyError("MOVED 3999 127.0.0.1:7001"), true},
		{replyError("CLUSTERDOWN The cluster is down"), true},
		{replyError("TRYAGAIN Multiple keys request during rehashing of slot"), true},
		{replyError("READONLY You can't write against a read only replica."), true},
		{replyError("ERR unknown command"), false},
		{replyError("NOPERM this user has no permissions"), false},
	}
	for _, tc := range cases {
		rc := &reloadCounter{err: tc.err}
		_, err := rediscache.New(rc, rediscache.Options{}).Get(t.Context(), []string{"k"})
		if !errors.Is(err, tc.err) {
			t.Errorf("Get failing with %v returned %v", tc.err, err)
		}
		if got := rc.reloads.Load() > 0; got != tc.reload {
			t.Errorf("after %v: reloaded %v, want %v", tc.err, got, tc.reload)
		}
	}
}

package rediscache_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/go-sysconfig/sysconfig/internal/localredis"
	"github.com/go-sysconfig/sysconfig/internal/testenv"
	"github.com/go-sysconfig/sysconfig/runtime"
	rediscache "github.com/go-sysconfig/sysconfig/runtime/rediscache"
)

// connect calls Connect with a deadline and closes the client when t ends.
func connect(t *testing.T, url string) goredis.UniversalClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	client, err := rediscache.Connect(ctx, url)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	t.Cleanup(func() { _ = client.Close() })
	return client
}

// TestConnectToOneNode: a server that is not a Cluster node gets a plain
// client, with deadlines on sockets.
func TestConnectToOneNode(t *testing.T) {
	client, ok := connect(t, testenv.RedisURL()).(*goredis.Client)
	if !ok {
		t.Fatalf("Connect to a single node returned %T, want *redis.Client", client)
	}
	if !client.Options().ContextTimeoutEnabled {
		t.Error("ContextTimeoutEnabled is off")
	}
}

// TestConnectToAClusterFromOneSeed: one node's address gives a Cluster
// client that reaches every master, with or without database 0 in the URL
// and with other seeds as addr parameters; another database is refused.
func TestConnectToAClusterFromOneSeed(t *testing.T) {
	c := cluster.Get(t)
	seed, err := c.SeedURL()
	if err != nil {
		t.Fatal(err)
	}
	others := strings.Join(c.Addrs()[1:], "&addr=")
	for _, url := range []string{seed, seed + "/0", seed + "?addr=" + others} {
		cc, ok := connect(t, url).(*goredis.ClusterClient)
		if !ok {
			t.Fatalf("Connect(%s) returned %T, want *redis.ClusterClient", url, cc)
		}
		if !cc.Options().ContextTimeoutEnabled {
			t.Errorf("Connect(%s): ContextTimeoutEnabled is off", url)
		}
		writeEverySlot(t, cc)
	}
	_, err = rediscache.Connect(t.Context(), seed+"/3")
	if !errors.Is(err, runtime.ErrMisconfigured) {
		t.Errorf("Connect to database 3 of a Cluster: %v, want ErrMisconfigured", err)
	}
}

// writeEverySlot writes and deletes keys on every master of the cluster.
func writeEverySlot(t *testing.T, cc *goredis.ClusterClient) {
	t.Helper()
	prefix := "sysconfig-test:" + testenv.Unique() + ":"
	for i := range 30 {
		k := prefix + string(rune('a'+i))
		if err := cc.Set(t.Context(), k, "x", time.Minute).Err(); err != nil {
			t.Fatalf("SET %s: %v", k, err)
		}
		_ = cc.Del(t.Context(), k).Err()
	}
}

// TestConnectThroughSentinel: go-redis's failover URL form gives a client
// of the master the sentinels name, which follows a failover.
func TestConnectThroughSentinel(t *testing.T) {
	t.Parallel()
	s := localredis.NewSentinel(t)
	client := connect(t, s.URL())
	if _, ok := client.(*goredis.Client); !ok {
		t.Fatalf("Connect through Sentinel returned %T, want a failover *redis.Client", client)
	}
	assertMaster := func(when string) {
		t.Helper()
		info, err := client.Info(t.Context(), "replication").Result()
		if err != nil || !strings.Contains(info, "role:master") {
			t.Fatalf("%s: INFO replication = %q, %v; want role:master", when, info, err)
		}
	}
	assertMaster("at first")
	if err := s.Failover(t.Context()); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for client.Set(t.Context(), "k", "v", time.Minute).Err() != nil && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	assertMaster("after a failover")
}

// TestConnectToNobody: an address where nothing listens is ErrUnavailable,
// within the caller's deadline, for every URL form; a URL that does not
// parse is ErrMisconfigured. No error quotes the password.
func TestConnectToNobody(t *testing.T) {
	const secret = "s3cr3t-pw"
	dead := "redis://user:" + secret + "@" + closedPort(t)
	cases := []struct {
		url  string
		want error
	}{
		{dead + "/0", runtime.ErrUnavailable},
		{dead + "?addr=" + closedPort(t), runtime.ErrUnavailable},
		{dead + "?master_name=m", runtime.ErrUnavailable},
		{"redis://user:" + secret + "@host:port:bad/0", runtime.ErrMisconfigured},
		{"http://user:" + secret + "@127.0.0.1:6379", runtime.ErrMisconfigured},
		{dead + "?no_such_option=1", runtime.ErrMisconfigured},
	}
	for _, c := range cases {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		start := time.Now()
		client, err := rediscache.Connect(ctx, c.url)
		took := time.Since(start)
		cancel()
		if client != nil || !errors.Is(err, c.want) {
			t.Errorf("Connect(%s) = %v, %v; want %v", c.url, client, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), secret) {
			t.Errorf("Connect(%s): the error quotes the password: %v", c.url, err)
		}
		if took > 2*time.Second {
			t.Errorf("Connect(%s) took %v, far past its 300 ms deadline", c.url, took)
		}
	}
}

// closedPort returns a loopback address where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

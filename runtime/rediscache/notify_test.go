package rediscache_test

import (
	"context"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/go-sysconfig/sysconfig/internal/localredis"
	"github.com/go-sysconfig/sysconfig/internal/testenv"
	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/memory"
	rediscache "github.com/go-sysconfig/sysconfig/runtime/rediscache"
	"github.com/go-sysconfig/sysconfig/runtime/runtimetest"
)

// TestNotifierConformance runs the shared Notifier suite over the test
// Redis, each subtest on a prefix of its own, with a memory store as the
// store of record (the suite publishes each change, as a Client does).
func TestNotifierConformance(t *testing.T) {
	runtimetest.TestNotifier(t, func(t *testing.T) (runtime.Store, runtime.Notifier) {
		client, prefix := testenv.Redis(t)
		return memory.NewStore(), rediscache.NewNotifier(client, rediscache.NotifierOptions{Prefix: prefix})
	})
}

// TestNotifierConformanceOnCluster runs it on a Redis Cluster of three
// masters with a replica each, through one seed address: subscribers of
// any node hear a PUBLISH sent to any other.
func TestNotifierConformanceOnCluster(t *testing.T) {
	cluster := localredis.NewCluster(t, 3, 1)
	client := goredis.NewClusterClient(&goredis.ClusterOptions{Addrs: cluster.Addrs()[:1], ContextTimeoutEnabled: true})
	t.Cleanup(func() { _ = client.Close() })
	runtimetest.TestNotifier(t, func(t *testing.T) (runtime.Store, runtime.Notifier) {
		return memory.NewStore(), rediscache.NewNotifier(client, rediscache.NotifierOptions{Prefix: testenv.Unique() + ":"})
	})
}

// listening runs n.Listen(app) until the test ends, passing its notices
// on.
func listening(t *testing.T, n *rediscache.Notifier, app string) <-chan runtime.Notice {
	t.Helper()
	notices := make(chan runtime.Notice, 100)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- n.Listen(ctx, app, func(x runtime.Notice) { notices <- x }) }()
	t.Cleanup(func() { cancel(); <-done })
	return notices
}

// expect waits for the next notice and checks its version.
func expect(t *testing.T, notices <-chan runtime.Notice, version int64) {
	t.Helper()
	select {
	case n := <-notices:
		if n.Version != version {
			t.Fatalf("notice %+v, want version %d", n, version)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("no notice of version %d within 10 s", version)
	}
}

// TestNotifierAcrossFaults: a listener resubscribes after its server is
// killed and restarted (saying so with a resync notice), after a pause
// long enough for its ping to go unanswered, and after a kill while it
// waits; notices published once it is back arrive, and a notice too large
// to carry its records arrives without them.
func TestNotifierAcrossFaults(t *testing.T) {
	srv := localredis.NewServer(t, localredis.Options{})
	client := goredis.NewClient(&goredis.Options{Addr: srv.Addr(), ContextTimeoutEnabled: true,
		DialTimeout: 200 * time.Millisecond, ReadTimeout: 200 * time.Millisecond, MaxRetries: -1})
	t.Cleanup(func() { _ = client.Close() })
	n := rediscache.NewNotifier(client, rediscache.NotifierOptions{MaxNoticeSize: 200})
	rediscache.SetNotifyIdle(n, 100*time.Millisecond)
	notices := listening(t, n, "app")
	expect(t, notices, 0)
	publish := func(version int64, value string) {
		t.Helper()
		rec := runtime.Record{Path: "app.s.f", Value: value, Set: true, Epoch: 1, Version: version}
		err := n.Publish(context.Background(), "app", runtime.Notice{Epoch: 1, Prev: version - 1, Version: version, Records: []runtime.Record{rec}})
		if err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	if err := srv.Kill(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // the listener fails to reconnect meanwhile
	if err := srv.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	expect(t, notices, 0)
	publish(1, "a")
	expect(t, notices, 1)
	if err := srv.Pause(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(400 * time.Millisecond) // idle, ping unanswered: the listener gives the connection up
	if err := srv.Resume(); err != nil {
		t.Fatal(err)
	}
	expect(t, notices, 0)
	publish(2, string(make([]byte, 300)))
	select {
	case x := <-notices:
		if x.Version != 2 || x.Records != nil || x.Prev != 1 {
			t.Errorf("notice of a large change = %+v, want version 2 after 1 without records", x)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no notice of the large change")
	}
}

package localredis_test

import (
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/go-sysconfig/sysconfig/internal/localredis"
)

// newClusterClient returns a cluster client seeded with c's nodes, closed
// when t ends.
func newClusterClient(t testing.TB, c *localredis.Cluster) *redis.ClusterClient {
	t.Helper()
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: c.Addrs()})
	t.Cleanup(func() { _ = cc.Close() })
	return cc
}

func TestClusterLosesAcknowledgedWriteInFailover(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	start := time.Now()
	c := localredis.NewCluster(t, 3, 1)
	t.Logf("cluster of 3 masters and 3 replicas ready in %v", time.Since(start))

	const key = "lost-write"
	master, err := c.MasterOf(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	replicas, err := c.ReplicasOf(ctx, master)
	if err != nil || len(replicas) != 1 {
		t.Fatalf("replicas of %s: %v, %v; want one", master.Addr(), replicas, err)
	}
	replica := replicas[0]

	// v1 reaches the replica: WAIT, on the writing connection, says so.
	conn := newClient(t, master.Addr()).Conn()
	defer conn.Close()
	mustSet(t, conn, key, "v1")
	if n, err := conn.Wait(ctx, 1, 5000).Result(); err != nil || n != 1 {
		t.Fatalf("WAIT 1 5000 after v1: %d, %v; want 1 replica", n, err)
	}

	// v2 is acknowledged by the master alone, which then dies.
	if err := replica.Pause(); err != nil {
		t.Fatal(err)
	}
	if n, err := master.DisconnectReplicas(ctx); err != nil || n != 1 {
		t.Fatalf("DisconnectReplicas: %d, %v; want 1", n, err)
	}
	mustSet(t, conn, key, "v2")
	if err := master.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := replica.Resume(); err != nil {
		t.Fatal(err)
	}
	failoverStart := time.Now()
	if err := c.Failover(ctx, replica); err != nil {
		t.Fatal(err)
	}
	t.Logf("failover agreed by every running node in %v", time.Since(failoverStart))

	if got, err := c.MasterOf(ctx, key); err != nil || got != replica {
		t.Fatalf("after Failover, MasterOf(%q) = %v, %v; want the former replica %s", key, got, err, replica.Addr())
	}
	if got := mustGet(t, newClusterClient(t, c), key); got != "v1" {
		t.Fatalf("after the failover, %s = %q; want %q (the acknowledged v2 lost)", key, got, "v1")
	}

	// The old master comes back empty, rejoins as the new master's replica
	// and copies v1.
	if err := master.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.WaitHealthy(ctx); err != nil {
		t.Fatal(err)
	}
	if got, err := c.ReplicasOf(ctx, replica); err != nil || len(got) != 1 || got[0] != master {
		t.Fatalf("after the old master's restart, ReplicasOf(new master) = %v, %v; want the old master", got, err)
	}
	old := newClient(t, master.Addr()).Conn()
	defer old.Close()
	if err := old.ReadOnly(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	if got := mustGet(t, old, key); got != "v1" {
		t.Errorf("the old master, now a replica, has %s = %q; want %q", key, got, "v1")
	}
}

func TestClusterLayout(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	c := localredis.NewCluster(t, 2, 2)
	if n := len(c.Nodes()); n != 6 {
		t.Fatalf("%d nodes, want 6", n)
	}
	cc := newClusterClient(t, c)
	masters := make(map[*localredis.Server]bool)
	for _, key := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		mustSet(t, cc, key, key)
		m, err := c.MasterOf(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		masters[m] = true
		replicas, err := c.ReplicasOf(ctx, m)
		if err != nil || len(replicas) != 2 {
			t.Fatalf("ReplicasOf(%s) = %v, %v; want 2 replicas", m.Addr(), replicas, err)
		}
	}
	if len(masters) != 2 {
		t.Errorf("8 keys landed on %d masters, want both", len(masters))
	}
}

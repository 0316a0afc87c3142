package localredis_test

import (
	"strings"
	"testing"
	"time"

	"github.com/go-sysconfig/sysconfig/internal/localredis"
)

// startPair starts a master and a replica in sync with it.
func startPair(t *testing.T) (master, replica *localredis.Server) {
	t.Helper()
	master = localredis.NewServer(t, localredis.Options{})
	port := master.Addr()[strings.LastIndexByte(master.Addr(), ':')+1:]
	replica = localredis.NewServer(t, localredis.Options{Args: []string{"--replicaof", "127.0.0.1", port}})
	rc := newClient(t, replica.Addr())
	poll(t, "the replica to connect", func() bool {
		role, err := rc.Do(t.Context(), "ROLE").Slice()
		return err == nil && len(role) > 3 && role[3] == "connected"
	})
	return master, replica
}

// poll checks cond every few milliseconds for up to ten seconds.
func poll(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
	}
}

// TestPausedReplicaStillGetsWrites shows why DisconnectReplicas exists: a
// write made while the replica is paused sits in its socket buffer and is
// applied when it resumes, even after its master has died.
func TestPausedReplicaStillGetsWrites(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	master, replica := startPair(t)
	mc := newClient(t, master.Addr())
	if err := replica.Pause(); err != nil {
		t.Fatal(err)
	}
	mustSet(t, mc, "k", "v2")
	poll(t, "the master to hand its replication stream to the kernel", func() bool {
		list, err := mc.ClientList(ctx).Result() // CLIENT LIST TYPE replica, without go-redis's help
		return err == nil && strings.Contains(list, "flags=S") && strings.Contains(list, " obl=0 oll=0 ")
	})
	if err := master.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := replica.Resume(); err != nil {
		t.Fatal(err)
	}
	rc := newClient(t, replica.Addr())
	if err := rc.ReplicaOf(ctx, "NO", "ONE").Err(); err != nil {
		t.Fatal(err)
	}
	poll(t, "the promoted replica to apply the buffered write", func() bool {
		v, _ := rc.Get(ctx, "k").Result()
		return v == "v2"
	})
}

func TestDisconnectReplicasCountsThem(t *testing.T) {
	t.Parallel()
	master, replica := startPair(t)
	if err := replica.Pause(); err != nil {
		t.Fatal(err)
	}
	if n, err := master.DisconnectReplicas(t.Context()); err != nil || n != 1 {
		t.Fatalf("first DisconnectReplicas = %d, %v; want 1", n, err)
	}
	if n, err := master.DisconnectReplicas(t.Context()); err != nil || n != 0 {
		t.Fatalf("second DisconnectReplicas = %d, %v; want 0 (the paused replica cannot reconnect)", n, err)
	}
}

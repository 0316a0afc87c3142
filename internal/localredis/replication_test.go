package localredis_test

import (
	"strings"
	"testing"
	"time"

	"github.com/go-sysconfig/sysconfig/internal/localredis"
)

// startPair starts a master and a replica that has acknowledged a write.
// (A replica that reports its link up may not be sent writes for another
// second: the master waits for its next acknowledgement.)
func startPair(t *testing.T) (master, replica *localredis.Server) {
	t.Helper()
	master = localredis.NewServer(t, localredis.Options{})
	port := master.Addr()[strings.LastIndexByte(master.Addr(), ':')+1:]
	replica = localredis.NewServer(t, localredis.Options{Args: []string{"--replicaof", "127.0.0.1", port}})
	conn := newClient(t, master.Addr()).Conn()
	defer conn.Close()
	poll(t, "the replica to acknowledge a write", func() bool {
		n, err := conn.Incr(t.Context(), "writes").Result()
		acks, _ := conn.Wait(t.Context(), 1, 100).Result()
		return err == nil && n > 0 && acks == 1
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
// write made while the replica is paused waits in its socket buffer, and
// the replica applies it when it resumes, although its master has died
// meanwhile. (Whether the write then survives a promotion is a race: a
// REPLICAOF NO ONE handled before the buffer is read discards it.)
func TestPausedReplicaStillGetsWrites(t *testing.T) {
	t.Parallel()
	master, replica := startPair(t)
	mc := newClient(t, master.Addr())
	if err := replica.Pause(); err != nil {
		t.Fatal(err)
	}
	// Redis writes the replication stream before the reply, in the same
	// turn of its event loop: once SET has answered, v2 is in the replica's
	// socket buffer.
	mustSet(t, mc, "k", "v2")
	if err := master.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := replica.Resume(); err != nil {
		t.Fatal(err)
	}
	rc := newClient(t, replica.Addr())
	poll(t, "the resumed replica to apply the write made while it was paused", func() bool {
		v, _ := rc.Get(t.Context(), "k").Result()
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

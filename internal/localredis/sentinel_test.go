package localredis_test

import (
	"errors"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/go-sysconfig/sysconfig/internal/localredis"
)

func TestSentinelLosesAcknowledgedWriteInFailover(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	start := time.Now()
	s := localredis.NewSentinel(t)
	t.Logf("master, replica and 3 sentinels ready in %v", time.Since(start))
	master, err := s.Master(ctx)
	if err != nil {
		t.Fatal(err)
	}
	replica, err := s.Replica(ctx)
	if err != nil {
		t.Fatal(err)
	}

	const key = "lost-write"
	conn := newClient(t, master.Addr()).Conn()
	defer conn.Close()
	mustSet(t, conn, key, "v1")
	if n, err := conn.Wait(ctx, 1, 5000).Result(); err != nil || n != 1 {
		t.Fatalf("WAIT 1 5000 after v1: %d, %v; want 1 replica", n, err)
	}

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
	if err := s.Failover(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("failover reported by every sentinel in %v", time.Since(failoverStart))

	if got, err := s.Master(ctx); err != nil || got != replica {
		t.Fatalf("after Failover, Master = %v, %v; want the former replica %s", got, err, replica.Addr())
	}
	fc := redis.NewFailoverClient(&redis.FailoverOptions{MasterName: s.MasterName(), SentinelAddrs: s.SentinelAddrs()})
	defer fc.Close()
	if got := mustGet(t, fc, key); got != "v1" {
		t.Errorf("after the failover, %s = %q; want %q (the acknowledged v2 lost)", key, got, "v1")
	}
}

func TestSentinelReplicaRestartsAsReplica(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := localredis.NewSentinel(t)
	master, err := s.Master(ctx)
	if err != nil {
		t.Fatal(err)
	}
	replica, err := s.Replica(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := replica.Kill(); err != nil {
		t.Fatal(err)
	}
	mustSet(t, newClient(t, master.Addr()), "k", "written while the replica was down")
	if err := replica.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.WaitHealthy(ctx); err != nil {
		t.Fatal(err)
	}
	if got := mustGet(t, newClient(t, replica.Addr()), "k"); got != "written while the replica was down" {
		t.Errorf("the restarted replica has k = %q", got)
	}
	if err := master.Pause(); err != nil {
		t.Fatal(err)
	}
	if err := s.WaitHealthy(ctx); !errors.Is(err, localredis.ErrNotRunning) {
		t.Errorf("WaitHealthy with the master paused: %v; want ErrNotRunning at once", err)
	}
}

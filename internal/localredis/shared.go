package localredis

import (
	"context"
	"sync"
	"testing"
)

// SharedCluster is one Cluster for a whole test binary, started by the
// first test that asks for it, so that a package's tests pay the start
// (about 2.3 s) once. Its tests must leave its nodes alone (a test that
// kills, pauses or fails over needs NewCluster) and keep to key prefixes of
// their own. Close it from TestMain after m.Run:
//
//	var cluster = localredis.NewSharedCluster(3, 1)
//
//	func TestMain(m *testing.M) {
//		code := m.Run()
//		_ = cluster.Close()
//		os.Exit(code)
//	}
//
// If TestMain does not close it, its processes still die with the test
// binary, but their directories stay behind.
type SharedCluster struct {
	masters, replicas int

	once    sync.Once
	cluster *Cluster
	err     error
}

// NewSharedCluster describes a shared cluster of masters with
// replicasPerMaster replicas each; nothing starts until Get.
func NewSharedCluster(masters, replicasPerMaster int) *SharedCluster {
	return &SharedCluster{masters: masters, replicas: replicasPerMaster}
}

// Get returns the cluster, starting it on the first call. It fails t if the
// cluster did not come up (for every caller, when the one start failed) or
// redis-server is missing.
func (s *SharedCluster) Get(t testing.TB) *Cluster {
	t.Helper()
	s.once.Do(func() { s.cluster, s.err = StartCluster(context.Background(), s.masters, s.replicas) })
	switch {
	case s.err != nil:
		t.Fatalf("start a private Redis Cluster shared by the package's tests: %v", s.err)
	case s.cluster == nil:
		t.Fatal("the shared Redis Cluster is closed")
	}
	return s.cluster
}

// Close closes the cluster if it was started. Call it once every test
// using it has ended.
func (s *SharedCluster) Close() error {
	s.once.Do(func() {}) // a later Get must not start a cluster nobody closes
	if s.cluster == nil {
		return nil
	}
	return s.cluster.Close()
}

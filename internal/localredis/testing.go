package localredis

import "testing"

// NewServer starts a server for the test t and closes it when t ends. It
// fails t, saying how to install redis-server if that is missing.
func NewServer(t testing.TB, opts Options) *Server {
	t.Helper()
	s, err := StartServer(t.Context(), opts)
	if err != nil {
		t.Fatalf("start a private redis-server: %v", err)
	}
	t.Cleanup(func() { closeFor(t, "redis-server on "+s.Addr(), s.Close) })
	return s
}

// closeFor calls closeFn and reports its error as a failure of t.
func closeFor(t testing.TB, what string, closeFn func() error) {
	t.Helper()
	if err := closeFn(); err != nil {
		t.Errorf("close %s: %v", what, err)
	}
}

// NewCluster starts a cluster for the test t and closes it when t ends. It
// fails t if the cluster does not come up, or if redis-server is missing.
// Tests usually want 3 masters with 1 replica each.
func NewCluster(t testing.TB, masters, replicasPerMaster int) *Cluster {
	t.Helper()
	c, err := StartCluster(t.Context(), masters, replicasPerMaster)
	if err != nil {
		t.Fatalf("start a private Redis Cluster: %v", err)
	}
	t.Cleanup(func() { closeFor(t, "Redis Cluster", c.Close) })
	return c
}

// NewSentinel starts a Sentinel setup for the test t and closes it when t
// ends. It fails t if the setup does not come up, or if redis-server is
// missing.
func NewSentinel(t testing.TB) *Sentinel {
	t.Helper()
	s, err := StartSentinel(t.Context())
	if err != nil {
		t.Fatalf("start a private Redis Sentinel setup: %v", err)
	}
	t.Cleanup(func() { closeFor(t, "Redis Sentinel setup", s.Close) })
	return s
}

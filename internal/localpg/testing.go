//go:build linux

package localpg

import (
	"context"
	"testing"
)

// New starts a server for the test t with the default options and closes
// it when t ends. It fails t, saying how to install PostgreSQL when the
// binaries are missing; it never skips. If t has failed by then, the end
// of the server's log is logged before the server is removed.
func New(t testing.TB) *Server {
	t.Helper()
	s, err := Start(context.Background(), Options{})
	if err != nil {
		t.Fatalf("start a private PostgreSQL server: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the private PostgreSQL server on %s:%s", s.Addr(), s.logTail())
		}
		if err := s.Close(); err != nil {
			t.Errorf("close the private PostgreSQL server: %v", err)
		}
	})
	return s
}

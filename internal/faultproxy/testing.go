package faultproxy

import "testing"

// New starts a proxy to target for the test t and closes it when t ends.
// It fails t if the proxy cannot start or does not close cleanly.
func New(t testing.TB, target string) *Proxy {
	t.Helper()
	p, err := Start(target)
	if err != nil {
		t.Fatalf("start fault proxy to %s: %v", target, err)
	}
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Errorf("close fault proxy to %s: %v", target, err)
		}
	})
	return p
}

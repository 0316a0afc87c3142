package sqlitestore_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/runtimetest"
	"github.com/go-sysconfig/sysconfig/runtime/sqlitestore"
)

// newFile returns the path of a fresh database file in the test's
// temporary directory.
func newFile(t testing.TB) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "sysconfig.db")
}

// open opens a store on path, set up, and closes it at the end of the test.
func open(t testing.TB, path string, opts sqlitestore.Options) *sqlitestore.Store {
	t.Helper()
	s, err := sqlitestore.Open(path, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if err := s.EnsureSchema(context.Background()); err != nil {
		t.Fatalf("EnsureSchema: %v", err)
	}
	return s
}

func TestConformance(t *testing.T) {
	runtimetest.TestStore(t, func(t *testing.T) runtime.Store {
		return open(t, newFile(t), sqlitestore.Options{})
	})
}

// TestNotifierConformance listens through a second Store on the same file,
// as another process would.
func TestNotifierConformance(t *testing.T) {
	runtimetest.TestNotifier(t, func(t *testing.T) (runtime.Store, runtime.Notifier) {
		path := newFile(t)
		return open(t, path, sqlitestore.Options{}), open(t, path, sqlitestore.Options{})
	})
}

// heard collects what a Listen call reported.
type heard struct {
	mu   sync.Mutex
	vals []int64
}

// listen runs n.Listen for app "app" until stop is called, or the test
// ends.
func listen(t *testing.T, n runtime.Notifier) (h *heard, stop func()) {
	h = &heard{}
	c, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = n.Listen(c, "app", func(n runtime.Notice) {
			h.mu.Lock()
			h.vals = append(h.vals, n.Version)
			h.mu.Unlock()
		})
	}()
	stop = func() { cancel(); <-done }
	t.Cleanup(stop)
	return h, stop
}

// count returns how many times v was reported.
func (h *heard) count(v int64) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, x := range h.vals {
		if x == v {
			n++
		}
	}
	return n
}

// waitFor waits up to 5 s for a report that matches.
func (h *heard) waitFor(t *testing.T, match func(int64) bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		h.mu.Lock()
		vals := append([]int64(nil), h.vals...)
		h.mu.Unlock()
		for _, v := range vals {
			if match(v) {
				return
			}
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	t.Fatalf("no matching notification within 5 s (heard %v)", h.vals)
}

package runtimetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// TestNotifier runs the Notifier contract (see runtime.Notifier) against
// the store and notifier made by newPair, which must be two views of one
// backend: what the Store commits, the Notifier reports.
func TestNotifier(t *testing.T, newPair func(t *testing.T) (runtime.Store, runtime.Notifier)) {
	t.Run("ResyncFirstThenCommittedChanges", func(t *testing.T) {
		store, n := newPair(t)
		h := listen(t, n)
		h.waitFor(t, func(v int64) bool { return v == 0 }, "the initial resync signal")
		applied := mustApply(t, store, set(path(1), "a"), set(path(2), "b"))
		last := applied[1].New.Version
		h.waitFor(t, func(v int64) bool { return v >= last }, "the committed version")
	})
	t.Run("FailedApplyIsNotReported", func(t *testing.T) {
		store, n := newPair(t)
		h := listen(t, n)
		h.waitFor(t, func(v int64) bool { return v == 0 }, "the initial resync signal")
		before := mustApply(t, store, set(path(1), "a"))[0].New.Version
		h.waitFor(t, func(v int64) bool { return v >= before }, "the first write")
		conflict := runtime.Write{Path: path(2), Value: "x", CheckVersion: true, Version: 999}
		if _, err := apply(store, app, conflict); !errors.Is(err, runtime.ErrConflict) {
			t.Fatalf("conflicting Apply = %v", err)
		}
		time.Sleep(100 * time.Millisecond)
		if v := h.max(); v > before {
			t.Errorf("a failed Apply was reported as version %d", v)
		}
	})
	t.Run("ReturnsWhenContextEnds", func(t *testing.T) {
		_, n := newPair(t)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- n.Listen(ctx, app, func(int64) {}) }()
		time.Sleep(50 * time.Millisecond)
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Listen returned %v, want context.Canceled", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("Listen did not return after its context ended")
		}
	})
}

// heard collects what a Listen call reported.
type heard struct {
	mu   sync.Mutex
	vals []int64
	wake chan struct{}
}

func listen(t *testing.T, n runtime.Notifier) *heard {
	h := &heard{wake: make(chan struct{}, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = n.Listen(ctx, app, h.add)
	}()
	t.Cleanup(func() { cancel(); <-done })
	return h
}

func (h *heard) add(v int64) {
	h.mu.Lock()
	h.vals = append(h.vals, v)
	h.mu.Unlock()
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

func (h *heard) values() []int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]int64(nil), h.vals...)
}

func (h *heard) max() int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	var m int64
	for _, v := range h.vals {
		m = max(m, v)
	}
	return m
}

func (h *heard) any(match func(int64) bool) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, v := range h.vals {
		if match(v) {
			return true
		}
	}
	return false
}

func (h *heard) waitFor(t *testing.T, match func(int64) bool, what string) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for !h.any(match) {
		select {
		case <-h.wake:
		case <-deadline:
			t.Fatalf("no notification of %s within 5 s (heard %v)", what, h.values())
		}
	}
}

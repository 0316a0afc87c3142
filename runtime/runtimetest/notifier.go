package runtimetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// TestNotifier runs the Notifier contract (see runtime.Notifier) against
// the store and notifier made by newPair, which must be two views of one
// backend: what the Store commits, the Notifier reports — by itself (the
// Postgres and memory stores), or, when it is a runtime.Publisher (such
// as rediscache.Notifier), once the suite has published each change after
// its commit, as a Client does.
//
// Every notice of a small change must carry its records; a version-only
// notifier adapted with runtime.VersionsOnly does not pass, though a
// Client still uses it.
func TestNotifier(t *testing.T, newPair func(t *testing.T) (runtime.Store, runtime.Notifier)) {
	tests := []struct {
		name string
		run  func(t *testing.T, s runtime.Store, n runtime.Notifier)
	}{
		{"ResyncFirst", notifierResyncFirst},
		{"ChangesCarryTheirRecords", notifierCarriesRecords},
		{"ChangesChainPerApp", notifierChainsPerApp},
		{"LargeChangeWhole", notifierLargeChange},
		{"FailedApplyIsNotReported", notifierFailedApply},
		{"ReturnsWhenContextEnds", notifierReturns},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, n := newPair(t)
			tc.run(t, s, n)
		})
	}
}

func notifierResyncFirst(t *testing.T, s runtime.Store, n runtime.Notifier) {
	h := listen(t, n, app)
	first := h.next(t, "the first notice")
	if first.Version != 0 {
		t.Fatalf("first notice = %+v, want the resync signal (Version 0)", first)
	}
}

func notifierCarriesRecords(t *testing.T, s runtime.Store, n runtime.Notifier) {
	h := connected(t, n, app)
	a := commit(t, s, n, app, set(path(1), "a"), set(path(2), "b"))
	b := commit(t, s, n, app, runtime.Write{Path: path(1), Reset: true})
	checkNotice(t, h.change(t, a), a, 0)
	checkNotice(t, h.change(t, b), b, last(a))
}

// notifierChainsPerApp: another app's change neither is reported nor
// breaks the chain of the app's notices.
func notifierChainsPerApp(t *testing.T, s runtime.Store, n runtime.Notifier) {
	h := connected(t, n, app)
	a := commit(t, s, n, app, set(path(1), "a"))
	other := commit(t, s, n, "conf2", set("conf2.sec.f1", "x"))
	b := commit(t, s, n, app, set(path(2), "b"))
	checkNotice(t, h.change(t, a), a, 0)
	checkNotice(t, h.change(t, b), b, last(a))
	if h.has(func(x runtime.Notice) bool { return x.Version == last(other) }) {
		t.Errorf("another app's change (version %d) was reported", last(other))
	}
}

// notifierLargeChange: a change too large for the notifier's payloads is
// reported without records, never with some of them.
func notifierLargeChange(t *testing.T, s runtime.Store, n runtime.Notifier) {
	h := connected(t, n, app)
	var writes []runtime.Write
	for i := 1; i <= 40; i++ {
		writes = append(writes, set(path(i), strings.Repeat("v", 2000)))
	}
	a := commit(t, s, n, app, writes...)
	got := h.change(t, a)
	if got.Records == nil {
		if got.Version != last(a) || got.Prev != 0 {
			t.Errorf("notice without records = %+v, want version %d after 0", got, last(a))
		}
		return
	}
	checkNotice(t, got, a, 0)
}

func notifierFailedApply(t *testing.T, s runtime.Store, n runtime.Notifier) {
	h := connected(t, n, app)
	before := commit(t, s, n, app, set(path(1), "a"))
	h.change(t, before)
	conflict := runtime.Write{Path: path(2), Value: "x", CheckVersion: true, Version: 999}
	if _, err := apply(s, app, conflict); !errors.Is(err, runtime.ErrConflict) {
		t.Fatalf("conflicting Apply = %v", err)
	}
	time.Sleep(100 * time.Millisecond)
	if h.has(func(x runtime.Notice) bool { return x.Version > last(before) }) {
		t.Errorf("a failed Apply was reported: %+v", h.all())
	}
}

func notifierReturns(t *testing.T, _ runtime.Store, n runtime.Notifier) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- n.Listen(ctx, app, func(runtime.Notice) {}) }()
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
}

// commit applies writes to app as one change and, when n is a Publisher,
// publishes it, as a Client does after its commits.
func commit(t *testing.T, s runtime.Store, n runtime.Notifier, app string, writes ...runtime.Write) []runtime.Applied {
	t.Helper()
	applied, err := apply(s, app, writes...)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if p, ok := n.(runtime.Publisher); ok {
		if err := p.Publish(context.Background(), app, runtime.NoticeOf(applied)); err != nil {
			t.Fatalf("Publish: %v", err)
		}
	}
	return applied
}

// last returns the last version a change wrote.
func last(applied []runtime.Applied) int64 { return applied[len(applied)-1].New.Version }

// checkNotice checks that got is the notice of the change applied, which
// followed prev, with every record it wrote.
func checkNotice(t *testing.T, got runtime.Notice, applied []runtime.Applied, prev int64) {
	t.Helper()
	want := runtime.NoticeOf(applied)
	if want.Prev != prev {
		t.Errorf("Apply reported Prev %d, want %d (the app's version before the change)", want.Prev, prev)
	}
	if got.Epoch != want.Epoch || got.Prev != prev || got.Version != want.Version {
		t.Errorf("notice (epoch %d, prev %d, version %d), want (%d, %d, %d)",
			got.Epoch, got.Prev, got.Version, want.Epoch, prev, want.Version)
	}
	if !reflect.DeepEqual(got.Records, want.Records) {
		t.Errorf("notice records %+v, want %+v", got.Records, want.Records)
	}
}

// heard collects what a Listen call reported.
type heard struct {
	mu      sync.Mutex
	notices []runtime.Notice
	wake    chan struct{}
}

// listen runs n.Listen(app) until the test ends.
func listen(t *testing.T, n runtime.Notifier, app string) *heard {
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

// connected listens and waits for the resync signal, after which every
// change is reported.
func connected(t *testing.T, n runtime.Notifier, app string) *heard {
	t.Helper()
	h := listen(t, n, app)
	h.await(t, "the resync signal", func(x runtime.Notice) bool { return x.Version == 0 })
	return h
}

func (h *heard) add(n runtime.Notice) {
	h.mu.Lock()
	h.notices = append(h.notices, n)
	h.mu.Unlock()
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

func (h *heard) all() []runtime.Notice {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]runtime.Notice(nil), h.notices...)
}

func (h *heard) has(match func(runtime.Notice) bool) bool {
	_, ok := h.find(match)
	return ok
}

func (h *heard) find(match func(runtime.Notice) bool) (runtime.Notice, bool) {
	for _, n := range h.all() {
		if match(n) {
			return n, true
		}
	}
	return runtime.Notice{}, false
}

// next returns the first notice heard.
func (h *heard) next(t *testing.T, what string) runtime.Notice {
	t.Helper()
	return h.await(t, what, func(runtime.Notice) bool { return true })
}

// change returns the notice of the change applied.
func (h *heard) change(t *testing.T, applied []runtime.Applied) runtime.Notice {
	t.Helper()
	v := last(applied)
	return h.await(t, fmt.Sprintf("the change of version %d", v), func(x runtime.Notice) bool { return x.Version == v })
}

// await returns the first notice that matches, waiting up to 5 s.
func (h *heard) await(t *testing.T, what string, match func(runtime.Notice) bool) runtime.Notice {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		if n, ok := h.find(match); ok {
			return n
		}
		select {
		case <-h.wake:
		case <-deadline:
			t.Fatalf("no notice of %s within 5 s (heard %+v)", what, h.all())
		}
	}
}

// Subscribed wraps n: the notifier returned passes every notice on (and
// publishes, when n is a Publisher), and the channel is closed once it has
// passed on its first resync signal (Version 0), when its listener is
// connected and every change after it will be reported. Tests and
// benchmarks wait for it before they write.
func Subscribed(n runtime.Notifier) (runtime.Notifier, <-chan struct{}) {
	s := &subscribed{Notifier: n, ready: make(chan struct{})}
	if p, ok := n.(runtime.Publisher); ok {
		return subscribedPublisher{s, p}, s.ready
	}
	return s, s.ready
}

type subscribedPublisher struct {
	*subscribed
	p runtime.Publisher
}

func (s subscribedPublisher) Publish(ctx context.Context, app string, n runtime.Notice) error {
	return s.p.Publish(ctx, app, n)
}

type subscribed struct {
	runtime.Notifier
	ready chan struct{}
	once  sync.Once
}

func (s *subscribed) Listen(ctx context.Context, app string, notify func(runtime.Notice)) error {
	return s.Notifier.Listen(ctx, app, func(n runtime.Notice) {
		notify(n)
		if n.Version == 0 {
			s.once.Do(func() { close(s.ready) })
		}
	})
}

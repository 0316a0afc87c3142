package memory

import (
	"context"
	"sync"

	"github.com/go-sysconfig/sysconfig/runtime"
)

var (
	_ runtime.Notifier   = (*Store)(nil)
	_ runtime.HeadReader = (*Store)(nil)
)

// maxPending bounds the notices a slow Listen may fall behind by: past it,
// they are dropped for one resynchronisation notice (Version 0).
const maxPending = 1024

// listener is one Listen call waiting for changes of an app.
type listener struct {
	app     string
	mu      sync.Mutex
	pending []runtime.Notice // not yet delivered, in commit order
	wake    chan struct{}
}

func (l *listener) post(n runtime.Notice) {
	l.mu.Lock()
	if len(l.pending) < maxPending {
		l.pending = append(l.pending, n)
	} else {
		l.pending = append(l.pending[:0], runtime.Notice{})
	}
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

func (l *listener) take() []runtime.Notice {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.pending
	l.pending = nil
	return out
}

// Listen implements runtime.Notifier: it reports every change of app
// applied to this store, in commit order, each with its records, until
// ctx is done. A listener that falls more than 1,024 changes behind is
// told to resynchronise instead.
func (s *Store) Listen(ctx context.Context, app string, notify func(runtime.Notice)) error {
	l := &listener{app: app, wake: make(chan struct{}, 1)}
	s.subscribe(l)
	defer s.unsubscribe(l)
	notify(runtime.Notice{})
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-l.wake:
			for _, n := range l.take() {
				notify(n)
			}
		}
	}
}

func (s *Store) subscribe(l *listener) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.listeners = append(s.listeners, l)
}

func (s *Store) unsubscribe(l *listener) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, x := range s.listeners {
		if x == l {
			s.listeners = append(s.listeners[:i], s.listeners[i+1:]...)
			return
		}
	}
}

// announce tells the app's listeners about a committed change. The
// caller holds s.mu.
func (s *Store) announce(app string, applied []runtime.Applied) {
	if len(applied) == 0 {
		return
	}
	n := runtime.NoticeOf(applied)
	for _, l := range s.listeners {
		if l.app == app {
			l.post(n)
		}
	}
}

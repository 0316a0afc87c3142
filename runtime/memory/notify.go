package memory

import (
	"context"
	"sync"
)

// listener is one Listen call waiting for changes of an app.
type listener struct {
	app     string
	mu      sync.Mutex
	pending int64 // highest version not yet delivered; 0 when none
	wake    chan struct{}
}

func (l *listener) post(version int64) {
	l.mu.Lock()
	l.pending = max(l.pending, version)
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

func (l *listener) take() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	v := l.pending
	l.pending = 0
	return v
}

// Listen implements runtime.Notifier: it reports the changes of app applied
// to this store, until ctx is done. Changes applied in quick succession may
// be reported together, by the highest version.
func (s *Store) Listen(ctx context.Context, app string, notify func(version int64)) error {
	l := &listener{app: app, wake: make(chan struct{}, 1)}
	s.subscribe(l)
	defer s.unsubscribe(l)
	notify(0)
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-l.wake:
			if v := l.take(); v != 0 {
				notify(v)
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

// announce tells the app's listeners about a committed version. The caller
// holds s.mu.
func (s *Store) announce(app string, version int64) {
	for _, l := range s.listeners {
		if l.app == app {
			l.post(version)
		}
	}
}

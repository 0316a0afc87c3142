package runtime

import "sync"

// eventQueue holds change events until hookSet.run delivers them, so that
// a hook may itself write without deadlocking and a slow hook delays only
// other hooks.
type eventQueue struct {
	mu    sync.Mutex
	items []fieldChange
	wake  chan struct{}
}

func (q *eventQueue) push(changes []fieldChange) {
	if len(changes) == 0 {
		return
	}
	q.mu.Lock()
	q.items = append(q.items, changes...)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

func (q *eventQueue) take() []fieldChange {
	q.mu.Lock()
	defer q.mu.Unlock()
	items := q.items
	q.items = nil
	return items
}

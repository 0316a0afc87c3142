package runtime

import (
	"context"
	"sync"
)

// eventQueue delivers change events to hooks in the order the snapshot saw
// them, on one goroutine, so that a hook may itself write without
// deadlocking and a slow hook delays only other hooks.
type eventQueue struct {
	mu    sync.Mutex
	items []fieldChange
	wake  chan struct{}
}

func newEventQueue() *eventQueue { return &eventQueue{wake: make(chan struct{}, 1)} }

// queueEvents hands changes to the event goroutine, with the hooks
// registered now: a hook registered later does not hear of them.
func (c *Client) queueEvents(changes []fieldChange) {
	for i := range changes {
		changes[i].hooks = c.hooksFor(changes[i].f.path)
	}
	c.sync.events.push(changes)
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

// run delivers queued events until ctx is done.
func (c *Client) runEvents(ctx context.Context, q *eventQueue) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-q.wake:
		}
		for _, ch := range q.take() {
			c.callHooks(ctx, ch.hooks, ch.f.path, ch.old, ch.new)
		}
	}
}

package runtime

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
)

// HookFunc is called after a change of path has been committed, with the
// field's effective values (defaults when there is no override) before and
// after, typed as the field's Go type. An error or a panic is logged; it
// neither undoes the write nor stops the other hooks.
//
// On a started client hooks see every change, made by any process, once the
// snapshot holds it; they run in order on one goroutine of the client (so a
// hook may write, but a hook that blocks delays the hooks after it). Changes
// loaded by Start itself are not reported. Before Start, hooks run in the
// writing call, for changes made through this client only.
type HookFunc func(ctx context.Context, path string, old, new any) error

// OnChange registers fn for changes of path, or of every path when path is
// "". Hooks run after the commit in registration order; see HookFunc for
// when and where.
func (c *Client) OnChange(path string, fn HookFunc) error {
	if path != "" && !c.Exists(path) {
		return &UnknownPathError{Path: path}
	}
	c.hooks.add(path, fn)
	return nil
}

// OnChange registers fn for changes of the field made through c; see
// Client.OnChange.
func (f *Field[T]) OnChange(c *Client, fn func(ctx context.Context, old, new T) error) error {
	return c.OnChange(f.info.path, func(ctx context.Context, _ string, old, new any) error {
		return fn(ctx, f.copy(old.(T)), f.copy(new.(T)))
	})
}

// hookSet holds a client's hooks and delivers change events to them: at
// once (deliver), or in order on one goroutine through its queue (enqueue,
// run), as a started client does.
type hookSet struct {
	log    *slog.Logger
	mu     sync.RWMutex
	byPath map[string][]HookFunc // "" holds hooks for every path
	queue  eventQueue
	meter  hookMeter // what Stats reports of the events and failures
}

func newHookSet(log *slog.Logger) *hookSet {
	return &hookSet{log: log, byPath: map[string][]HookFunc{}, queue: eventQueue{wake: make(chan struct{}, 1)}}
}

func (h *hookSet) add(path string, fn HookFunc) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.byPath[path] = append(h.byPath[path], fn)
}

// forPath returns the hooks of path, then the hooks of every path.
func (h *hookSet) forPath(path string) []HookFunc {
	h.mu.RLock()
	defer h.mu.RUnlock()
	specific, all := h.byPath[path], h.byPath[""]
	if len(all) == 0 {
		return specific
	}
	return append(append([]HookFunc(nil), specific...), all...)
}

// deliver runs the hooks of path now.
func (h *hookSet) deliver(ctx context.Context, path string, old, new any) {
	h.call(ctx, h.forPath(path), path, old, new)
}

// enqueue hands changes to run, with the hooks registered now: a hook
// registered later does not hear of them.
func (h *hookSet) enqueue(changes []fieldChange) {
	for i := range changes {
		changes[i].hooks = h.forPath(changes[i].f.path)
	}
	h.meter.queued.Add(uint64(len(changes)))
	h.queue.push(changes)
}

// run delivers queued changes, in order, until ctx is done.
func (h *hookSet) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-h.queue.wake:
		}
		for _, ch := range h.queue.take() {
			h.call(ctx, ch.hooks, ch.f.path, ch.old, ch.new)
			h.meter.delivered.Add(1)
		}
	}
}

// call runs hooks in order; failures are logged.
func (h *hookSet) call(ctx context.Context, hooks []HookFunc, path string, old, new any) {
	for _, fn := range hooks {
		if err := callHook(ctx, fn, path, old, new); err != nil {
			h.meter.errors.Add(1)
			h.log.Error("sysconfig: change hook failed", "path", path, "error", err)
		}
	}
}

func callHook(ctx context.Context, h HookFunc, path string, old, new any) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("hook panicked: %v", p)
		}
	}()
	return h(ctx, path, old, new)
}

package runtime

import (
	"context"
	"fmt"
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
	c.hooksMu.Lock()
	defer c.hooksMu.Unlock()
	c.hooks[path] = append(c.hooks[path], fn)
	return nil
}

// OnChange registers fn for changes of the field made through c; see
// Client.OnChange.
func (f *Field[T]) OnChange(c *Client, fn func(ctx context.Context, old, new T) error) error {
	return c.OnChange(f.info.path, func(ctx context.Context, _ string, old, new any) error {
		return fn(ctx, f.copy(old.(T)), f.copy(new.(T)))
	})
}

func (c *Client) hooksFor(path string) []HookFunc {
	c.hooksMu.RLock()
	defer c.hooksMu.RUnlock()
	specific, all := c.hooks[path], c.hooks[""]
	if len(all) == 0 {
		return specific
	}
	return append(append([]HookFunc(nil), specific...), all...)
}

// deliver runs the hooks of f's path and the hooks of every path.
func (c *Client) deliver(ctx context.Context, f *fieldInfo, old, new any) {
	c.callHooks(ctx, c.hooksFor(f.path), f.path, old, new)
}

// callHooks runs hooks in order; failures are logged.
func (c *Client) callHooks(ctx context.Context, hooks []HookFunc, path string, old, new any) {
	for _, h := range hooks {
		if err := callHook(ctx, h, path, old, new); err != nil {
			c.log.Error("sysconfig: change hook failed", "path", path, "error", err)
		}
	}
}

// hookValue returns the effective value of a record; a record that no
// longer decodes (say, written for an older declaration) reads as the default.
func (c *Client) hookValue(f *fieldInfo, r Record) any {
	st, err := c.decode(f, r, SourceStore)
	if err != nil {
		return f.def
	}
	return st.value
}

func callHook(ctx context.Context, h HookFunc, path string, old, new any) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("hook panicked: %v", p)
		}
	}()
	return h(ctx, path, old, new)
}

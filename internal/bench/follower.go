package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// runFollower is the -follower mode, the other process of figure 6: it
// serves the propagation schema from a started client (snapshot on) over
// the leader's schema and prefix, prints "ready" once started, then one
// line "<n> <unix-nanos>" each time its snapshot serves a new value n. It
// exits when its standard input closes, so that it never outlives the
// leader.
func runFollower(ctx context.Context, schema, prefix string, stdin io.Reader, stdout io.Writer) error {
	e, err := attachEnv(ctx, schema, prefix)
	if err != nil {
		return err
	}
	defer e.close()
	c, err := runtime.NewClient(propSchema, e.store(), runtime.Options{Cache: e.cache("prop:")})
	if err != nil {
		return err
	}
	out := &lines{w: stdout}
	if err := propField.OnChange(c, func(_ context.Context, _, n int64) error {
		return out.printf("%d %d\n", n, time.Now().UnixNano())
	}); err != nil {
		return err
	}
	if err := c.Start(ctx); err != nil {
		return err
	}
	defer c.Close()
	if err := out.printf("ready\n"); err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, stdin)
	return nil
}

// lines writes whole lines to w from any goroutine.
type lines struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lines) printf(format string, args ...any) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, err := fmt.Fprintf(l.w, format, args...)
	return err
}

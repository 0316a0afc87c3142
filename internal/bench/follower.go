package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/sqlitestore"
)

// runFollower is the -follower mode, the other process of figures 6 and
// 6b: it serves the propagation schema from a started client (snapshot
// on) over the leader's store — its Postgres schema and Redis prefix, or
// its SQLite file with -sqlite — prints "ready" once started, then one
// line "<n> <unix-nanos>" each time its snapshot serves a new value n. It
// exits when its standard input closes, so that it never outlives the
// leader.
func runFollower(ctx context.Context, o options, stdin io.Reader, stdout io.Writer) error {
	store, cache, closeAll, err := followerBackends(ctx, o)
	if err != nil {
		return err
	}
	defer closeAll()
	c, err := runtime.NewClient(propSchema, store, runtime.Options{Cache: cache})
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

// followerBackends opens the store (and cache) the follower watches.
func followerBackends(ctx context.Context, o options) (runtime.Store, runtime.Cache, func(), error) {
	if o.sqlite != "" {
		s, err := sqlitestore.Open(o.sqlite, sqlitestore.Options{MustExist: true})
		if err != nil {
			return nil, nil, nil, err
		}
		return s, nil, func() { _ = s.Close() }, nil
	}
	e, err := attachEnv(ctx, o.schema, o.prefix)
	if err != nil {
		return nil, nil, nil, err
	}
	return e.store(), e.cache("prop:"), e.close, nil
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

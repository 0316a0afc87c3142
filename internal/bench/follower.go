package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	goredis "github.com/redis/go-redis/v9"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/pgstore"
	"github.com/go-sysconfig/sysconfig/runtime/rediscache"
	"github.com/go-sysconfig/sysconfig/runtime/runtimetest"
)

// followerOptions are the command line of a follower process.
type followerOptions struct {
	databaseURL string        // the store's database
	redisAddr   string        // the Redis server
	via         notifierKind  // how it hears of changes
	reconcile   time.Duration // its ReconcileInterval; zero: the default
}

// notifierKind is how the followers of a fleet figure hear of changes.
type notifierKind string

const (
	viaRedis  notifierKind = "redis"  // rediscache.Notifier (Redis pub/sub)
	viaListen notifierKind = "listen" // the Postgres store's LISTEN
)

// runFollower is the -follower mode, the other processes of the fleet
// figures: it serves the propagation schema from a started client over
// the leader's private servers, prints "ready" once started and hearing
// of changes, then one line "<n> <unix-nanos>" each time its snapshot
// serves a new value n. It exits when its standard input closes, so that
// it never outlives the leader.
func runFollower(ctx context.Context, o followerOptions, stdin io.Reader, stdout io.Writer) error {
	pool, err := pgxpool.New(ctx, o.databaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	rdb := goredis.NewClient(&goredis.Options{Addr: o.redisAddr, ContextTimeoutEnabled: true})
	defer rdb.Close()
	store := pgstore.New(pool, pgstore.Options{})
	notifier, subscribed := runtimetest.Subscribed(fleetNotifier(o.via, store, rdb))
	c, err := runtime.NewClient(propSchema, store, runtime.Options{Cache: rediscache.New(rdb, rediscache.Options{}),
		Notifier: notifier, ReconcileInterval: o.reconcile, StalenessBound: max(o.reconcile*5/2, runtime.DefaultStalenessBound)})
	if err != nil {
		return err
	}
	out := &lockedWriter{w: stdout}
	if err := propField.OnChange(c, func(_ context.Context, _, n int64) error {
		_, err := fmt.Fprintf(out, "%d %d\n", n, time.Now().UnixNano())
		return err
	}); err != nil {
		return err
	}
	if err := c.Start(ctx); err != nil {
		return err
	}
	defer c.Close()
	select {
	case <-subscribed:
	case <-time.After(followerTimeout):
		return fmt.Errorf("not subscribed via %s within %v", o.via, followerTimeout)
	}
	if _, err := fmt.Fprintf(out, "ready\n"); err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, stdin)
	return nil
}

// fleetNotifier returns the notifier of kind via over store and rdb.
func fleetNotifier(via notifierKind, store *pgstore.Store, rdb goredis.UniversalClient) runtime.Notifier {
	if via == viaRedis {
		return rediscache.NewNotifier(rdb, rediscache.NotifierOptions{})
	}
	return store
}

// lockedWriter lets several goroutines write to w; each fmt.Fprintf to it
// is one Write, so lines are never interleaved.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

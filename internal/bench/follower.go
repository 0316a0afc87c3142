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
	"github.com/go-sysconfig/sysconfig/runtime/sqlitestore"
)

// followerOptions are the command line of a follower process.
type followerOptions struct {
	databaseURL string        // the store's database
	redisAddr   string        // the Redis server
	via         notifierKind  // how it hears of changes
	reconcile   time.Duration // its ReconcileInterval; zero: the default
	sqlite      string        // the SQLite file instead (row 15): no Redis, its store's poll
}

// args returns the command line of a follower process with o.
func (o followerOptions) args() []string {
	a := []string{"-follower", "-reconcile", o.reconcile.String()}
	if o.sqlite != "" {
		return append(a, "-sqlite", o.sqlite)
	}
	return append(a, "-database-url", o.databaseURL, "-redis-addr", o.redisAddr, "-notifier", string(o.via))
}

// notifierKind is how the followers of a fleet figure hear of changes.
type notifierKind string

const (
	viaRedis  notifierKind = "redis"  // rediscache.Notifier (Redis pub/sub)
	viaListen notifierKind = "listen" // the Postgres store's LISTEN
)

// runFollower is the -follower mode, the other processes of the fleet
// figures and of row 15: it serves the propagation schema from a started
// client over the leader's private servers, or its SQLite file, prints
// "ready" once started and hearing of changes, then one line
// "<n> <unix-nanos>" each time its snapshot serves a new value n. It
// exits when its standard input closes, so that it never outlives the
// leader.
func runFollower(ctx context.Context, o followerOptions, stdin io.Reader, stdout io.Writer) error {
	b, err := openFollowerBackends(ctx, o)
	if err != nil {
		return err
	}
	defer b.close()
	notifier, subscribed := runtimetest.Subscribed(b.notifier)
	c, err := runtime.NewClient(propSchema, b.store, runtime.Options{Cache: b.cache,
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
		return fmt.Errorf("its notifier not subscribed within %v", followerTimeout)
	}
	if _, err := fmt.Fprintf(out, "ready\n"); err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, stdin)
	return nil
}

// followerBackends are what a follower process serves from.
type followerBackends struct {
	store    runtime.Store
	cache    runtime.Cache // nil: none
	notifier runtime.Notifier
	close    func()
}

// openFollowerBackends opens o's SQLite file (whose store is its own
// notifier), or else connects to o's Postgres and Redis.
func openFollowerBackends(ctx context.Context, o followerOptions) (followerBackends, error) {
	if o.sqlite != "" {
		s, err := sqlitestore.Open(o.sqlite, sqlitestore.Options{MustExist: true})
		if err != nil {
			return followerBackends{}, err
		}
		return followerBackends{store: s, notifier: s, close: func() { _ = s.Close() }}, nil
	}
	pool, err := pgxpool.New(ctx, o.databaseURL)
	if err != nil {
		return followerBackends{}, err
	}
	rdb := goredis.NewClient(&goredis.Options{Addr: o.redisAddr, ContextTimeoutEnabled: true})
	store := pgstore.New(pool, pgstore.Options{})
	return followerBackends{store: store, cache: rediscache.New(rdb, rediscache.Options{}),
		notifier: fleetNotifier(o.via, store, rdb), close: func() { _ = rdb.Close(); pool.Close() }}, nil
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

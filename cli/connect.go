package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/keyring"
	"github.com/go-sysconfig/sysconfig/runtime/pgstore"
	"github.com/go-sysconfig/sysconfig/runtime/rediscache"
	"github.com/go-sysconfig/sysconfig/runtime/sqlitestore"
	"github.com/go-sysconfig/sysconfig/schema"

	"github.com/jackc/pgx/v5/pgxpool"
)

// cliCacheTimeout bounds each call to Redis. An operator command is not on
// a request path: waiting up to a second for a slow cache is better than
// warning that it is unavailable and going on without it.
const cliCacheTimeout = time.Second

// session is what a command works with: the client and what it holds open.
type session struct {
	client  *runtime.Client
	store   runtime.Store
	keys    *keyring.Keyring // nil without SYSCONFIG_KEYS
	closers []func()
}

// close releases what the session holds.
func (s *session) close() {
	for i := len(s.closers) - 1; i >= 0; i-- {
		s.closers[i]()
	}
}

// backend is the store a command works on: Postgres or SQLite.
type backend interface {
	runtime.Store
	EnsureSchema(ctx context.Context) error
}

// sqlitePrefix starts a --database-url that names an SQLite file.
const sqlitePrefix = "sqlite:"

// sqliteFile returns the file of a sqlite:PATH URL, and whether u is one.
func sqliteFile(u string) (string, bool) { return strings.CutPrefix(u, sqlitePrefix) }

// store opens the store --database-url names: Postgres (with --pg-schema),
// or an SQLite file for sqlite:PATH, which only migrate creates.
func (inv *invocation) store(ctx context.Context, s *session, create bool) (backend, error) {
	if inv.databaseURL == "" {
		return nil, usagef("no database: set --database-url or %s", envDatabaseURL)
	}
	if path, ok := sqliteFile(inv.databaseURL); ok {
		return openSQLite(s, path, create)
	}
	pool, err := pgxpool.New(ctx, inv.databaseURL)
	if err != nil {
		return nil, fmt.Errorf("database URL: %w", err)
	}
	s.closers = append(s.closers, pool.Close)
	return pgstore.New(pool, pgstore.Options{Schema: inv.pgSchema}), nil
}

// openSQLite opens the SQLite file at path; unless create, the file must
// exist, so that a mistyped path is an error rather than an empty store.
func openSQLite(s *session, path string, create bool) (backend, error) {
	if path == "" {
		return nil, usagef("%sPATH: the path is missing", sqlitePrefix)
	}
	store, err := sqlitestore.Open(path, sqlitestore.Options{MustExist: !create})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no store at %s: the file does not exist (create it with: sysconfig migrate)", path)
	}
	if err != nil {
		return nil, err
	}
	s.closers = append(s.closers, func() { _ = store.Close() })
	return store, nil
}

// connect opens a session on the schema, the store, the keyring and, when
// it writes, the cache: a write updates the app's Redis entries,
// while reads ask Postgres, the truth, rather than a cache entry up to the
// staleness bound old.
func (inv *invocation) connect(ctx context.Context, writes bool) (*session, error) {
	sch, err := inv.schema()
	if err != nil {
		return nil, err
	}
	s := &session{}
	store, err := inv.store(ctx, s, false)
	if err != nil {
		s.close()
		return nil, err
	}
	s.store = store
	quiet := &startHandler{}
	opts := runtime.Options{DisableSnapshot: true, Logger: inv.logger(quiet), CacheTimeout: cliCacheTimeout}
	if err := inv.secrets(s, &opts); err != nil {
		s.close()
		return nil, err
	}
	if writes {
		err = inv.redis(ctx, s, &opts)
	}
	if err == nil {
		s.client, err = runtime.NewClient(sch, store, opts)
		quiet.started.Store(true)
	}
	if err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// schema returns Options.Schema, or the runtime schema of the --schema file.
func (inv *invocation) schema() (*runtime.Schema, error) {
	if inv.opts.Schema != nil {
		return inv.opts.Schema, nil
	}
	s, err := schema.Load(inv.schemaFile)
	if err != nil {
		return nil, err
	}
	return s.Runtime(), nil
}

// secrets sets opts.Secrets from SYSCONFIG_KEYS, when it is set.
func (inv *invocation) secrets(s *session, opts *runtime.Options) error {
	if inv.opts.Getenv(keyring.DefaultEnv) == "" {
		if inv.reveal {
			return fmt.Errorf("--reveal needs the keyring: set %s", keyring.DefaultEnv)
		}
		return nil
	}
	keys, err := keyring.Parse(inv.opts.Getenv(keyring.DefaultEnv))
	if err != nil {
		return fmt.Errorf("%s: %w", keyring.DefaultEnv, err)
	}
	s.keys, opts.Secrets = keys, keys
	return nil
}

// redis sets opts.Cache to the Redis cache --redis-url names, and
// opts.Notifier to the Redis notifier under the same prefix, so that
// processes hearing of changes through Redis hear of the CLI's writes;
// without a URL, it sets neither. The client is made by rediscache.Connect,
// so the URL of any one node of a Redis Cluster, or a Sentinel URL, works.
// A Redis that does not answer is said on stderr and left out: the write
// goes to Postgres alone, and other processes stop trusting what Redis
// holds within their staleness bound (and hear of the write at their next
// reconcile).
func (inv *invocation) redis(ctx context.Context, s *session, opts *runtime.Options) error {
	if inv.redisURL == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, redisConnectTimeout)
	defer cancel()
	rdb, err := rediscache.Connect(ctx, inv.redisURL)
	if errors.Is(err, runtime.ErrUnavailable) {
		fmt.Fprintf(inv.opts.Stderr, "warning: %v; writing to Postgres alone\n", err)
		return nil
	}
	if err != nil {
		return fmt.Errorf("redis URL: %w", err)
	}
	s.closers = append(s.closers, func() { _ = rdb.Close() })
	opts.Cache = rediscache.New(rdb, rediscache.Options{Prefix: inv.redisPrefix})
	opts.Notifier = rediscache.NewNotifier(rdb, rediscache.NotifierOptions{Prefix: inv.redisPrefix})
	return nil
}

// redisConnectTimeout bounds how long a command waits for Redis to answer
// before it writes without it.
const redisConnectTimeout = 2 * time.Second

// logger writes the client's warnings (a cache outage, say) to stderr,
// without the time, which the terminal does not need.
func (inv *invocation) logger(h *startHandler) *slog.Logger {
	h.Handler = slog.NewTextHandler(inv.opts.Stderr, &slog.HandlerOptions{
		Level: slog.LevelWarn,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	})
	return slog.New(h)
}

// startHandler drops what the client logs while it is made: the warning
// that a schema with secrets has no keyring, which concerns a program that
// runs, not one command (a command that needs the keyring fails saying so).
type startHandler struct {
	slog.Handler
	started atomic.Bool
}

// Enabled reports false until the client is made.
func (h *startHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.started.Load() && h.Handler.Enabled(ctx, l)
}

package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	goredis "github.com/redis/go-redis/v9"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/memory"
	"github.com/go-sysconfig/sysconfig/runtime/pgstore"
	"github.com/go-sysconfig/sysconfig/runtime/rediscache"
	"github.com/go-sysconfig/sysconfig/runtime/sqlitestore"
)

// backends is the store and cache the demo runs on.
type backends struct {
	store runtime.Store
	cache runtime.Cache
	close func()
	// dbURL and redisURL are the stores in use (a Postgres URL or
	// sqlite:PATH), empty when not; the demo's CLI steps connect to the
	// same ones.
	dbURL, redisURL string
}

// The Postgres schema and Redis key prefix the demo's values live under.
const (
	demoPGSchema    = "sysconfig_demo"
	demoRedisPrefix = "sysconfig-demo:"
)

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// defaultDatabaseURL is the Postgres server the demo tries first.
const defaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// connect uses Postgres (and Redis, if it answers too) when Postgres
// answers; an SQLite file when SYSCONFIG_DATABASE_URL is sqlite:PATH, or
// when Postgres does not answer (the file of stateFile, so that what one
// run writes is there in the next); and the in-memory backends only if
// neither can be had. A Redis cache is never put in front of the SQLite or
// in-memory store: it would keep entries written over another store.
func connect(ctx context.Context, out io.Writer) (*backends, error) {
	dbURL := env("SYSCONFIG_DATABASE_URL", defaultDatabaseURL)
	if file, ok := strings.CutPrefix(dbURL, "sqlite:"); ok {
		return openSQLite(ctx, out, file, "chosen by SYSCONFIG_DATABASE_URL")
	}
	pool, err := openPostgres(ctx, dbURL)
	if err != nil {
		return fallBack(ctx, out, fmt.Sprintf("PostgreSQL unreachable at %s: %v", dbURL, err))
	}
	store := pgstore.New(pool, pgstore.Options{Schema: demoPGSchema})
	if err := store.EnsureSchema(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	be := &backends{store: store, close: pool.Close, dbURL: dbURL}
	redisURL := env("SYSCONFIG_REDIS_URL", "redis://127.0.0.1:6379/0")
	rdb, err := openRedis(ctx, redisURL)
	if err != nil {
		fmt.Fprintf(out, "Backends: PostgreSQL (%s), no cache (Redis unreachable at %s: %v)\n", dbURL, redisURL, err)
		return be, nil
	}
	be.cache = rediscache.New(rdb, rediscache.Options{Prefix: demoRedisPrefix})
	be.redisURL = redisURL
	be.close = func() { _ = rdb.Close(); pool.Close() }
	fmt.Fprintf(out, "Backends: PostgreSQL (%s, schema sysconfig_demo) and Redis (%s)\n", dbURL, redisURL)
	return be, nil
}

// fallBack is connect without Postgres: the demo's SQLite file, or the
// in-memory backends if it cannot be used.
func fallBack(ctx context.Context, out io.Writer, why string) (*backends, error) {
	file, err := stateFile()
	if err == nil {
		var be *backends
		if be, err = openSQLite(ctx, out, file, why); err == nil {
			return be, nil
		}
	}
	fmt.Fprintf(out, "Backends: in-memory store and cache (%s; no SQLite file either: %v)\n", why, err)
	return &backends{store: memory.NewStore(), cache: memory.NewCache(), close: func() {}}, nil
}

// openSQLite sets up the SQLite store in file, creating it if missing.
func openSQLite(ctx context.Context, out io.Writer, file, why string) (*backends, error) {
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return nil, err
	}
	store, err := sqlitestore.Open(file, sqlitestore.Options{})
	if err == nil {
		err = store.EnsureSchema(ctx)
	}
	if err != nil {
		if store != nil {
			_ = store.Close()
		}
		return nil, err
	}
	fmt.Fprintf(out, "Backends: SQLite file %s, no cache (%s)\n", store.Path(), why)
	fmt.Fprintln(out, "          (choose with SYSCONFIG_DATABASE_URL: sqlite:PATH for another file, or a postgres:// URL)")
	return &backends{store: store, close: func() { _ = store.Close() }, dbURL: "sqlite:" + store.Path()}, nil
}

// stateFile is where the demo keeps its SQLite file without Postgres:
// $XDG_STATE_HOME/sysconfig-demo/demo.db, by default under
// ~/.local/state.
func stateFile() (string, error) {
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "sysconfig-demo", "demo.db"), nil
}

func openPostgres(ctx context.Context, url string) (*pgxpool.Pool, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return nil, err
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return pool, nil
}

// openRedis connects to the Redis url names through rediscache.Connect,
// so that the URL of any one node of a Redis Cluster works too.
func openRedis(ctx context.Context, url string) (goredis.UniversalClient, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return rediscache.Connect(ctx, url)
}

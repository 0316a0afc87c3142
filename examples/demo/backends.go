package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	goredis "github.com/redis/go-redis/v9"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/memory"
	"github.com/go-sysconfig/sysconfig/runtime/pgstore"
	"github.com/go-sysconfig/sysconfig/runtime/rediscache"
)

// backends is the store and cache the demo runs on.
type backends struct {
	store runtime.Store
	cache runtime.Cache
	close func()
	// dbURL and redisURL are the servers in use, empty when not; the
	// demo's CLI steps connect to the same ones.
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

// connect uses Postgres (and Redis, if it answers too) when Postgres
// answers, and the in-memory backends otherwise. A Redis cache is never put
// in front of the in-memory store: it would keep entries from earlier runs.
func connect(ctx context.Context, out io.Writer) (*backends, error) {
	dbURL := env("SYSCONFIG_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable")
	pool, err := openPostgres(ctx, dbURL)
	if err != nil {
		fmt.Fprintf(out, "Backends: in-memory store and cache (PostgreSQL unreachable at %s: %v)\n", dbURL, err)
		return &backends{store: memory.NewStore(), cache: memory.NewCache(), close: func() {}}, nil
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

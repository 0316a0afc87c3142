package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	goredis "github.com/redis/go-redis/v9"

	"github.com/go-sysconfig/sysconfig/internal/testenv"
	"github.com/go-sysconfig/sysconfig/runtime/pgstore"
	"github.com/go-sysconfig/sysconfig/runtime/rediscache"
)

// howToStart is appended to connection errors.
const howToStart = `start the servers with "make services", or point at running ones with
SYSCONFIG_TEST_DATABASE_URL and SYSCONFIG_TEST_REDIS_URL (see README.md)`

// env is the run's isolated share of the servers: a Postgres schema of its
// own (the pool's search_path) and a Redis key prefix of its own.
type env struct {
	pool   *pgxpool.Pool
	schema string // sysconfig_bench_<unique>
	rdb    goredis.UniversalClient
	prefix string // sysconfig-bench:<unique>:
	owned  bool   // created by this process, so removed by close
}

// openEnv creates a fresh schema and prefix on the servers that
// internal/testenv points at. close removes both.
func openEnv(ctx context.Context) (*env, error) {
	id := unique()
	schema, prefix := "sysconfig_bench_"+id, "sysconfig-bench:"+id+":"
	if err := createSchema(ctx, schema); err != nil {
		return nil, err
	}
	e, err := attachEnv(ctx, schema, prefix)
	if err != nil {
		dropSchema(schema)
		return nil, err
	}
	e.owned = true
	return e, nil
}

// attachEnv connects to an existing schema and prefix; its close removes
// nothing.
func attachEnv(ctx context.Context, schema, prefix string) (*env, error) {
	pool, err := newPool(ctx, schema)
	if err != nil {
		return nil, err
	}
	rdb, err := newRedis(ctx)
	if err != nil {
		pool.Close()
		return nil, err
	}
	return &env{pool: pool, schema: schema, rdb: rdb, prefix: prefix}, nil
}

// close releases the connections and, when the env is the process's own,
// drops its schema and deletes its keys.
func (e *env) close() {
	if e.owned {
		deleteKeys(e.rdb, e.prefix)
	}
	_ = e.rdb.Close()
	e.pool.Close()
	if e.owned {
		dropSchema(e.schema)
	}
}

// store returns a sysconfig store in the env's schema.
func (e *env) store() *pgstore.Store {
	return pgstore.New(e.pool, pgstore.Options{Schema: e.schema})
}

// cache returns a sysconfig cache under the env's prefix plus sub, so that
// figures do not share keys.
func (e *env) cache(sub string) *rediscache.Cache {
	return rediscache.New(e.rdb, rediscache.Options{Prefix: e.prefix + sub})
}

// createSchema creates the run's Postgres schema with an admin connection.
func createSchema(ctx context.Context, name string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, testenv.DatabaseURL())
	if err != nil {
		return fmt.Errorf("the PostgreSQL server at %s is unreachable: %w\n%s", testenv.DatabaseURL(), err, howToStart)
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{name}.Sanitize())
	return err
}

// dropSchema removes the run's schema and everything in it.
func dropSchema(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if conn, err := pgx.Connect(ctx, testenv.DatabaseURL()); err == nil {
		_, _ = conn.Exec(ctx, "DROP SCHEMA "+pgx.Identifier{name}.Sanitize()+" CASCADE")
		_ = conn.Close(ctx)
	}
}

// newPool returns a pool whose connections use schema as search_path.
func newPool(ctx context.Context, schema string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(testenv.DatabaseURL())
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", testenv.DatabaseURL(), err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL pool: %w\n%s", err, howToStart)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("the PostgreSQL server at %s is unreachable: %w\n%s", testenv.DatabaseURL(), err, howToStart)
	}
	return pool, nil
}

// newRedis returns a client for the Redis server, made by
// rediscache.Connect (a Cluster client when the URL names a Cluster node).
func newRedis(ctx context.Context) (goredis.UniversalClient, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	rdb, err := rediscache.Connect(ctx, testenv.RedisURL())
	if err != nil {
		return nil, fmt.Errorf("%w\n%s", err, howToStart)
	}
	return rdb, nil
}

// deleteKeys removes every key under prefix.
func deleteKeys(rdb goredis.UniversalClient, prefix string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = testenv.DeletePrefix(ctx, rdb, prefix)
}

// unique returns a short random lower-case identifier.
func unique() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Package testenv connects integration tests to the real PostgreSQL and
// Redis servers and isolates each test: a fresh Postgres schema and a fresh
// Redis key prefix per call, both removed when the test ends.
//
// The servers default to the local ones (127.0.0.1:5432, user postgres,
// database test; 127.0.0.1:6379) and can be pointed elsewhere with
// SYSCONFIG_TEST_DATABASE_URL and SYSCONFIG_TEST_REDIS_URL. When a server is
// unreachable the test fails, saying how to start it: it never skips.
//
// The tests that run the store through PgBouncer in transaction pooling
// mode reach it at SYSCONFIG_TEST_PGBOUNCER_URL (default 127.0.0.1:6432,
// database test, which scripts/pgbouncer.sh starts in front of the test
// Postgres), and connect exactly as the README's "Behind PgBouncer"
// section shows (OpenThroughPgBouncer).
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/go-sysconfig/sysconfig/runtime/rediscache"
)

const howToStart = `start the servers with "make services", or point the tests at running ones with
SYSCONFIG_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test?sslmode=disable) and
SYSCONFIG_TEST_REDIS_URL (default redis://127.0.0.1:6379/0)`

// DatabaseURL returns the Postgres URL integration tests use.
func DatabaseURL() string {
	if u := os.Getenv("SYSCONFIG_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// PgBouncerURL returns the URL of the PgBouncer, in transaction pooling
// mode in front of DatabaseURL's database, that integration tests use.
func PgBouncerURL() string {
	if u := os.Getenv("SYSCONFIG_TEST_PGBOUNCER_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:6432/test?sslmode=disable"
}

// RedisURL returns the Redis URL integration tests use.
func RedisURL() string {
	if u := os.Getenv("SYSCONFIG_TEST_REDIS_URL"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/0"
}

// Postgres returns a pool whose connections use a new, empty schema as their
// search_path, and the schema's name. Both are removed when t ends.
func Postgres(t testing.TB) (*pgxpool.Pool, string) {
	t.Helper()
	name := Schema(t)
	cfg, err := pgxpool.ParseConfig(DatabaseURL())
	if err != nil {
		t.Fatalf("parse %s: %v", DatabaseURL(), err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = name
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("PostgreSQL pool: %v\n%s", err, howToStart)
	}
	t.Cleanup(pool.Close)
	return pool, name
}

// Schema creates a new, empty schema and returns its name. It is dropped
// when t ends, after the cleanups registered later (closing a pool).
func Schema(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, DatabaseURL())
	if err != nil {
		t.Fatalf("PostgreSQL is unreachable at %s: %v\n%s", DatabaseURL(), err, howToStart)
	}
	defer admin.Close(ctx)
	name := "sysconfig_test_" + Unique()
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+name); err != nil {
		t.Fatalf("create schema %s: %v", name, err)
	}
	t.Cleanup(func() { dropSchema(name) })
	return name
}

func dropSchema(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if conn, err := pgx.Connect(ctx, DatabaseURL()); err == nil {
		_, _ = conn.Exec(ctx, "DROP SCHEMA "+name+" CASCADE")
		_ = conn.Close(ctx)
	}
}

// Redis returns a client for the test Redis, made by rediscache.Connect
// (a Cluster client if SYSCONFIG_TEST_REDIS_URL names a Cluster node), and
// a key prefix unique to t. Keys under the prefix are deleted when t ends.
func Redis(t testing.TB) (redis.UniversalClient, string) {
	t.Helper()
	return connectRedis(t, RedisURL(), "\n"+howToStart)
}

// RedisAt is Redis for the server, Cluster or Sentinel setup that url
// names (see rediscache.Connect), such as a private one of
// internal/localredis (Cluster.SeedURL).
func RedisAt(t testing.TB, url string) (redis.UniversalClient, string) {
	t.Helper()
	return connectRedis(t, url, "")
}

func connectRedis(t testing.TB, url, hint string) (redis.UniversalClient, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	client, err := rediscache.Connect(ctx, url) // deadlines bound socket reads, as the README advises
	if err != nil {
		t.Fatalf("Redis: %v%s", err, hint)
	}
	prefix := "sysconfig-test:" + Unique() + ":"
	t.Cleanup(func() {
		deleteKeys(client, prefix)
		_ = client.Close()
	})
	return client, prefix
}

// FlushPrefix deletes every key under prefix, as if Redis had restarted
// empty for this test.
func FlushPrefix(t testing.TB, client redis.UniversalClient, prefix string) {
	t.Helper()
	deleteKeys(client, prefix)
}

func deleteKeys(client redis.UniversalClient, prefix string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = DeletePrefix(ctx, client, prefix)
}

// DeletePrefix deletes every key under prefix, on every master of a
// Cluster, one key per command (a Cluster refuses a DEL of keys in several
// slots).
func DeletePrefix(ctx context.Context, client redis.UniversalClient, prefix string) error {
	keys, err := keysUnder(ctx, client, prefix)
	for len(keys) > 0 {
		n := min(len(keys), 1000)
		pipe := client.Pipeline()
		for _, k := range keys[:n] {
			pipe.Del(ctx, k)
		}
		if _, perr := pipe.Exec(ctx); perr != nil && err == nil {
			err = perr
		}
		keys = keys[n:]
	}
	return err
}

// keysUnder lists the keys under prefix, asking every master of a Cluster.
func keysUnder(ctx context.Context, client redis.UniversalClient, prefix string) ([]string, error) {
	cc, ok := client.(*redis.ClusterClient)
	if !ok {
		return scan(ctx, client, prefix)
	}
	var mu sync.Mutex
	var keys []string
	err := cc.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error {
		ks, err := scan(ctx, m, prefix)
		mu.Lock()
		defer mu.Unlock()
		keys = append(keys, ks...)
		return err
	})
	return keys, err
}

func scan(ctx context.Context, client redis.Cmdable, prefix string) ([]string, error) {
	iter := client.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	return keys, iter.Err()
}

// Unique returns a short random lower-case identifier.
func Unique() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return strings.ToLower(hex.EncodeToString(b))
}

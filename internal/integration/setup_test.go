package integration

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime/value"

	"github.com/jackc/pgx/v5/pgxpool"
	goredis "github.com/redis/go-redis/v9"

	"github.com/go-sysconfig/sysconfig/internal/testenv"
	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/pgstore"
	"github.com/go-sysconfig/sysconfig/runtime/rediscache"
)

var ctx = context.Background()

// The integration schema: app "it".
var (
	titleField = runtime.StringField("title", "Default title", runtime.Meta{Validators: []value.Validator{value.MinLength(2)}})
	countField = runtime.IntField("count", 7, runtime.Meta{})
	secretF    = runtime.SecretField("token", runtime.Meta{Validators: []value.Validator{value.MinLength(8)}})
	secret2F   = runtime.SecretField("token2", runtime.Meta{})

	itSchema = runtime.NewSchema("it",
		runtime.NewSection("main", "Main", "", titleField, countField, secretF, secret2F),
	)
)

// backends is one test's isolated Postgres schema and Redis prefix.
type backends struct {
	schema string
	pool   *pgxpool.Pool
	store  *pgstore.Store
	redis  goredis.UniversalClient
	prefix string
	cache  *rediscache.Cache
}

func newBackends(t testing.TB) *backends {
	t.Helper()
	pool, schema := testenv.Postgres(t)
	store := pgstore.New(pool, pgstore.Options{Schema: schema})
	if err := store.EnsureSchema(ctx); err != nil {
		t.Fatalf("EnsureSchema: %v", err)
	}
	rdb, prefix := testenv.Redis(t)
	return &backends{schema: schema, pool: pool, store: store, redis: rdb, prefix: prefix,
		cache: rediscache.New(rdb, rediscache.Options{Prefix: prefix})}
}

func (b *backends) client(t testing.TB, store runtime.Store, cache runtime.Cache) *runtime.Client {
	t.Helper()
	c, err := runtime.NewClient(itSchema, store, runtime.Options{Cache: cache, Secrets: oldKeys})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// deadRedis returns a client for a port where nothing listens.
func deadRedis() goredis.UniversalClient {
	return goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:1", DialTimeout: 100 * time.Millisecond,
		MaxRetries: -1})
}

// deadPostgres returns a pool for a port where nothing listens.
func deadPostgres(t testing.TB) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig("postgres://postgres@127.0.0.1:1/test?sslmode=disable&connect_timeout=1")
	if err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// orphan commits writes to the "it" app straight through the store, as a
// process that was killed between its commit and its cache update leaves
// them, and returns what was applied.
func orphan(t testing.TB, store runtime.Store, writes ...runtime.Write) []runtime.Applied {
	t.Helper()
	applied, err := store.Apply(ctx, runtime.Change{ID: runtime.NewChangeID(), App: "it", Writes: writes})
	if err != nil {
		t.Fatal(err)
	}
	return applied
}

func itoa(n uint16) string { return strconv.Itoa(int(n)) }

func atou16(s string) uint16 {
	n, _ := strconv.Atoi(s)
	return uint16(n)
}

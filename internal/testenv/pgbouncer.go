package testenv

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/go-sysconfig/sysconfig/runtime/pgstore"
)

const howToStartPgBouncer = `start it with "make pgbouncer" (scripts/pgbouncer.sh: PgBouncer in transaction pooling mode
on 127.0.0.1:6432 in front of the test PostgreSQL), or point SYSCONFIG_TEST_PGBOUNCER_URL at a PgBouncer in
transaction pooling mode in front of SYSCONFIG_TEST_DATABASE_URL's database`

// OpenThroughPgBouncer opens a pool that reaches Postgres through
// PgBouncer in transaction pooling mode, at bouncerURL, and a store on it
// whose listener connects straight to Postgres, at directURL (the same
// database). The README's "Behind PgBouncer" section shows this function
// as it is written here (TestREADMEShowsOpenThroughPgBouncer checks), so
// that the settings it documents are the ones the tests use.
func OpenThroughPgBouncer(ctx context.Context, bouncerURL, directURL string, opts pgstore.Options) (*pgxpool.Pool, *pgstore.Store, error) {
	cfg, err := pgxpool.ParseConfig(bouncerURL)
	if err != nil {
		return nil, nil, err
	}
	// Each statement whole, in one round trip: PgBouncer may hand the next
	// transaction to another server connection, where named prepared
	// statements are missing.
	cfg.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeCacheDescribe
	// A LISTEN needs a server session of its own: straight to Postgres.
	opts.ListenConfig, err = pgx.ParseConfig(directURL)
	if err != nil {
		return nil, nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	return pool, pgstore.New(pool, opts), nil
}

// PgBouncer returns a store opened through PgBouncer by
// OpenThroughPgBouncer, its tables set up (EnsureSchema) in opts.Schema,
// or in a new schema (see Schema) when that is empty, and its pool, closed
// when t ends. Its listener connects to DatabaseURL. The test fails,
// saying how to start PgBouncer, when it does not answer.
func PgBouncer(t testing.TB, opts pgstore.Options) (*pgstore.Store, *pgxpool.Pool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if opts.Schema == "" {
		opts.Schema = Schema(t)
	}
	pool, store, err := OpenThroughPgBouncer(ctx, PgBouncerURL(), DatabaseURL(), opts)
	if err != nil {
		t.Fatalf("PgBouncer pool at %s: %v\n%s", PgBouncerURL(), err, howToStartPgBouncer)
	}
	t.Cleanup(pool.Close)
	if err := pool.Ping(ctx); err != nil {
		t.Fatalf("PgBouncer is unreachable at %s: %v\n%s", PgBouncerURL(), err, howToStartPgBouncer)
	}
	if err := store.EnsureSchema(ctx); err != nil {
		t.Fatalf("EnsureSchema through PgBouncer: %v", err)
	}
	return store, pool
}

// PgBouncerListening runs a transaction on every server connection of
// PgBouncer's pool for PgBouncerURL's database, all at once (as many as
// the pool's size, which PgBouncer's admin console tells), and returns
// the number of channels each one listens on (pg_listening_channels()),
// by backend process ID. It fails t unless those process IDs are exactly
// the pool's server connections, as the admin console lists them while
// the transactions hold them all.
func PgBouncerListening(t testing.TB) map[int32]int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin := pgBouncerConn(ctx, t, "pgbouncer")
	defer admin.Close(ctx)
	db := bouncerConfig(t).Database
	sizes := showColumn(ctx, t, admin, "SHOW DATABASES", "name", db, "pool_size")
	if len(sizes) != 1 {
		t.Fatalf("PgBouncer's SHOW DATABASES has %d rows for %s, want 1", len(sizes), db)
	}
	size, err := strconv.Atoi(sizes[0])
	if err != nil || size < 1 {
		t.Fatalf("PgBouncer's pool_size for %s: %q", db, sizes[0])
	}
	var servers []string
	seen := holdEveryServer(ctx, t, size, func() {
		servers = showColumn(ctx, t, admin, "SHOW SERVERS", "database", db, "remote_pid")
	})
	slices.Sort(servers)
	var pids []string
	for pid := range seen {
		pids = append(pids, strconv.Itoa(int(pid)))
	}
	slices.Sort(pids)
	if !slices.Equal(pids, servers) {
		t.Fatalf("the transactions ran on server connections %v; PgBouncer's pool for %s has %v", pids, db, servers)
	}
	return seen
}

// listening is what one held transaction saw.
type listening struct {
	pid      int32
	channels int
	err      error
}

// holdEveryServer opens n connections through PgBouncer, each running one
// transaction that reports its backend and its channels and then waits;
// once all n have reported, it calls whileHeld and lets them commit. In
// transaction pooling mode each open transaction holds a server
// connection of its own, so with n the pool's size they hold all of them.
func holdEveryServer(ctx context.Context, t testing.TB, n int, whileHeld func()) map[int32]int {
	t.Helper()
	reports := make(chan listening, n)
	release := make(chan struct{})
	cfg := bouncerConfig(t)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := pgx.ConnectConfig(ctx, cfg.Copy())
			if err != nil {
				reports <- listening{err: err}
				return
			}
			defer conn.Close(context.WithoutCancel(ctx))
			reports <- begin(ctx, conn)
			<-release
			_, _ = conn.Exec(ctx, "COMMIT")
		}()
	}
	seen := make(map[int32]int, n)
	for range n {
		r := <-reports
		if r.err != nil {
			close(release)
			wg.Wait()
			t.Fatalf("a transaction through PgBouncer: %v\n%s", r.err, howToStartPgBouncer)
		}
		seen[r.pid] = r.channels
	}
	whileHeld()
	close(release)
	wg.Wait()
	return seen
}

// begin begins a transaction on conn and reports its backend's process
// ID and channels.
func begin(ctx context.Context, conn *pgx.Conn) listening {
	var r listening
	if _, r.err = conn.Exec(ctx, "BEGIN"); r.err == nil {
		r.err = conn.QueryRow(ctx, "SELECT pg_backend_pid(), (SELECT count(*) FROM pg_listening_channels())").
			Scan(&r.pid, &r.channels)
	}
	return r
}

// bouncerConfig is PgBouncerURL's configuration, with the simple
// protocol, which PgBouncer's admin console requires and which leaves no
// prepared statement behind on a pooled server connection.
func bouncerConfig(t testing.TB) *pgx.ConnConfig {
	cfg, err := pgx.ParseConfig(PgBouncerURL())
	if err != nil {
		t.Fatalf("parse %s: %v", PgBouncerURL(), err)
	}
	cfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	return cfg
}

// pgBouncerConn connects to PgBouncer's database db: "pgbouncer" is its
// admin console (the user must be one of its admin_users).
func pgBouncerConn(ctx context.Context, t testing.TB, db string) *pgx.Conn {
	t.Helper()
	cfg := bouncerConfig(t)
	cfg.Database = db
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("PgBouncer's database %s at %s: %v\n%s", db, PgBouncerURL(), err, howToStartPgBouncer)
	}
	return conn
}

// showColumn runs an admin console command and returns the column want
// of the rows whose column key is value.
func showColumn(ctx context.Context, t testing.TB, admin *pgx.Conn, command, key, value, want string) []string {
	t.Helper()
	rows, err := admin.Query(ctx, command)
	if err != nil {
		t.Fatalf("PgBouncer %s: %v", command, err)
	}
	defer rows.Close()
	k, w := -1, -1
	for i, f := range rows.FieldDescriptions() {
		switch f.Name {
		case key:
			k = i
		case want:
			w = i
		}
	}
	var out []string
	for rows.Next() {
		raw := rows.RawValues()
		if k >= 0 && w >= 0 && string(raw[k]) == value {
			out = append(out, string(raw[w]))
		}
	}
	if err := rows.Err(); err != nil || k < 0 || w < 0 {
		t.Fatalf("PgBouncer %s: no column %s or %s (%v)", command, key, want, err)
	}
	return out
}

// PgBouncerReconnect makes PgBouncer replace the server connections of
// its pool for PgBouncerURL's database (RECONNECT on its admin console:
// idle ones at once, busy ones when released), so that a test starts with
// server sessions that no earlier test has used: a LISTEN left on one by
// an earlier run would otherwise last until PgBouncer closes it.
func PgBouncerReconnect(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	admin := pgBouncerConn(ctx, t, "pgbouncer")
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "RECONNECT "+bouncerConfig(t).Database); err != nil {
		t.Fatalf("PgBouncer RECONNECT: %v", err)
	}
}

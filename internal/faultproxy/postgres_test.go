package faultproxy_test

import (
	"context"
	"errors"
	"net"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/go-sysconfig/sysconfig/internal/faultproxy"
	"github.com/go-sysconfig/sysconfig/internal/testenv"
)

// TestPauseDefersACommitThroughRealPostgres shows the failure a paused
// server causes: a write reported as failed that commits later. Through a
// paused proxy, the client sends BEGIN, INSERT and COMMIT as one batch and
// gives up after 300 ms; nothing is committed while the proxy holds the
// batch, and on Resume Postgres receives it and commits.
func TestPauseDefersACommitThroughRealPostgres(t *testing.T) {
	pool, schema := testenv.Postgres(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := pool.Exec(ctx, "CREATE TABLE writes (id int PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	cfg, err := pgx.ParseConfig(testenv.DatabaseURL())
	if err != nil {
		t.Fatal(err)
	}
	p := faultproxy.New(t, net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port))))
	client := oneShotClient(t, cfg, p.Addr(), schema)

	p.Pause()
	if err := insertInTx(client, 1, 300*time.Millisecond); !pgconn.Timeout(err) && !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("the batch sent through a paused proxy: %v; want a timeout", err)
	}
	if n := rows(t, pool); n != 0 {
		t.Fatalf("%d rows committed during the pause, want none", n)
	}
	p.Resume()
	eventually(t, func() bool { return rows(t, pool) == 1 }, func() string {
		return "the row the failed batch inserted was not committed after Resume"
	})
}

// oneShotClient connects through the proxy at addr, as cfg says but with
// search_path set to schema, on a connection that sends a batch in one
// write and never sends a cancel request.
//
// pgx answers a query whose context ends by closing the connection and,
// on a second connection, asking the server to cancel the query. Through
// a paused proxy that connection is held too, and on Resume it races with
// the batch it means to cancel; this test wants the batch to commit, so
// it refuses the second connection. (The default query mode would also
// prepare each new statement first, a round trip of its own.)
func oneShotClient(t testing.TB, cfg *pgx.ConnConfig, addr, schema string) *pgx.Conn {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := strconv.Atoi(port)
	cfg.Host, cfg.Port, cfg.Fallbacks = host, uint16(p), nil
	cfg.RuntimeParams["search_path"] = schema
	cfg.DefaultQueryExecMode = pgx.QueryExecModeExec
	var dialled atomic.Bool
	var d net.Dialer
	cfg.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dialled.Swap(true) {
			return nil, errors.New("this test client sends no cancel requests")
		}
		return d.DialContext(ctx, network, addr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), prompt)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("connect to PostgreSQL through the proxy: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// insertInTx sends BEGIN, an INSERT of id into writes and COMMIT as one
// batch, and waits at most wait for the answer.
func insertInTx(conn *pgx.Conn, id int, wait time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	b.Queue("INSERT INTO writes (id) VALUES ($1)", id)
	b.Queue("COMMIT")
	return conn.SendBatch(ctx, b).Close()
}

// rows counts the rows of writes, directly (not through the proxy).
func rows(t testing.TB, pool *pgxpool.Pool) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), prompt)
	defer cancel()
	var n int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM writes").Scan(&n); err != nil {
		t.Fatalf("count the rows: %v", err)
	}
	return n
}

//go:build linux

package localpg_test

import (
	"context"
	"errors"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// hang is the deadline of a query that must not be answered; prompt is how
// long an expected answer or failure may take.
const (
	hang   = 300 * time.Millisecond
	prompt = 10 * time.Second
)

// connect opens a connection to url, closed when t ends.
func connect(t testing.TB, url string) *pgx.Conn {
	t.Helper()
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	return connectConfig(t, cfg)
}

// connectConfig opens a connection with cfg, closed when t ends.
func connectConfig(t testing.TB, cfg *pgx.ConnConfig) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), prompt)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("connect to %s:%d: %v", cfg.Host, cfg.Port, err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// oneShotClient opens a connection to url that sends a batch in one write
// and never sends a cancel request.
//
// pgx answers a query whose context ends by closing the connection and, on
// a second connection, asking the server to cancel the query. Against a
// paused server that request waits in the listen queue and, on resume,
// races with the batch it means to cancel. The batch, already in its
// backend's socket buffer, wins in practice (30 of 30 trials), but nothing
// guarantees it, so tests that need the commit refuse the second
// connection. (The default query mode would also prepare each new
// statement first, a round trip of its own; QueryExecModeExec sends the
// batch's statements, parameters and Sync together.)
func oneShotClient(t testing.TB, url string) *pgx.Conn {
	t.Helper()
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DefaultQueryExecMode = pgx.QueryExecModeExec
	var dialled atomic.Bool
	var d net.Dialer
	cfg.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dialled.Swap(true) {
			return nil, errors.New("this test client sends no cancel requests")
		}
		return d.DialContext(ctx, network, addr)
	}
	return connectConfig(t, cfg)
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

// exec runs sql on conn, failing t on error.
func exec(t testing.TB, conn *pgx.Conn, sql string, args ...any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), prompt)
	defer cancel()
	if _, err := conn.Exec(ctx, sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// count returns how many rows of writes have id, or an error.
func count(conn *pgx.Conn, id int, wait time.Duration) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	var n int
	err := conn.QueryRow(ctx, "SELECT count(*) FROM writes WHERE id = $1", id).Scan(&n)
	return n, err
}

// timesOut fails t unless err is the client giving up at its deadline.
func timesOut(t testing.TB, what string, err error) {
	t.Helper()
	if !pgconn.Timeout(err) && !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("%s: %v; want a timeout", what, err)
	}
}

// eventually fails t unless cond returns nil within prompt; it says what
// cond last returned.
func eventually(t testing.TB, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(prompt)
	for err := cond(); err != nil; err = cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %v", prompt, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

//go:build linux

package localpg_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/go-sysconfig/sysconfig/internal/localpg"
)

func TestServesQueriesAndCreatesDatabases(t *testing.T) {
	s := localpg.New(t)
	if want := "postgres://postgres@" + s.Addr() + "/postgres?sslmode=disable"; s.URL("postgres") != want {
		t.Errorf("URL(postgres) = %q, want %q", s.URL("postgres"), want)
	}
	if !strings.HasPrefix(s.Addr(), "127.0.0.1:") {
		t.Errorf("Addr() = %q, want a loopback address", s.Addr())
	}
	conn := connect(t, s.URL("postgres"))
	exec(t, conn, "CREATE TABLE writes (id int PRIMARY KEY)")
	exec(t, conn, "INSERT INTO writes VALUES (1)")
	if n, err := count(conn, 1, prompt); err != nil || n != 1 {
		t.Fatalf("count = %d, %v; want 1", n, err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), prompt)
	defer cancel()
	url, err := s.CreateDatabase(ctx, "other db")
	if err != nil {
		t.Fatal(err)
	}
	var name string
	if err := connect(t, url).QueryRow(ctx, "SELECT current_database()").Scan(&name); err != nil || name != "other db" {
		t.Fatalf("current_database() through %s = %q, %v; want \"other db\"", url, name, err)
	}
}

func TestPauseHoldsQueriesUntilResume(t *testing.T) {
	s := localpg.New(t)
	open := connect(t, s.URL("postgres"))
	if err := s.Pause(); err != nil {
		t.Fatal(err)
	}
	if err := s.Pause(); err != nil {
		t.Fatalf("second Pause: %v, want nil", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), hang)
	defer cancel()
	_, err := open.Exec(ctx, "SELECT 1")
	timesOut(t, "SELECT 1 on an open connection to a paused server", err)
	ctx, cancel = context.WithTimeout(context.Background(), hang)
	defer cancel()
	if late, err := pgx.Connect(ctx, s.URL("postgres")); err == nil {
		_ = late.Close(ctx)
		t.Fatal("connected to a paused server")
	} else {
		timesOut(t, "connect to a paused server", err)
	}

	if err := s.Resume(); err != nil {
		t.Fatal(err)
	}
	if err := s.Resume(); err != nil {
		t.Fatalf("second Resume: %v, want nil", err)
	}
	exec(t, connect(t, s.URL("postgres")), "SELECT 1")
}

// TestPausedCommitLandsAfterResume reproduces the failure the runtime must
// handle: a write reported as failed that commits later. The client sends
// BEGIN, INSERT and COMMIT as one batch to a paused server; the batch waits
// in the server's socket buffer, the client gives up after 300 ms and
// reports an error, and on Resume the server reads the batch and commits.
func TestPausedCommitLandsAfterResume(t *testing.T) {
	s := localpg.New(t)
	admin := connect(t, s.URL("postgres"))
	exec(t, admin, "CREATE TABLE writes (id int PRIMARY KEY)")
	client := oneShotClient(t, s.URL("postgres"))

	if err := s.Pause(); err != nil {
		t.Fatal(err)
	}
	err := insertInTx(client, 1, hang)
	timesOut(t, "the batch sent to a paused server", err)
	if err := s.Resume(); err != nil {
		t.Fatal(err)
	}
	eventually(t, func() error {
		n, err := count(admin, 1, prompt)
		if err == nil && n != 1 {
			err = fmt.Errorf("the row the failed batch inserted is not there (yet)")
		}
		return err
	})
}

func TestKillRefusesConnectionsAndRestartKeepsCommittedRows(t *testing.T) {
	s := localpg.New(t)
	conn := connect(t, s.URL("postgres"))
	exec(t, conn, "CREATE TABLE writes (id int PRIMARY KEY)")
	exec(t, conn, "INSERT INTO writes VALUES (1)") // then killed at once

	if err := s.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := s.Kill(); err != nil {
		t.Fatalf("second Kill: %v, want nil", err)
	}
	if _, err := count(conn, 1, prompt); err == nil || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("query on a connection to a killed server: %v; want it to fail at once", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), prompt)
	defer cancel()
	if late, err := pgx.Connect(ctx, s.URL("postgres")); err == nil || !strings.Contains(err.Error(), "refused") {
		if late != nil {
			_ = late.Close(ctx)
		}
		t.Fatalf("connect to a killed server: %v; want connection refused", err)
	}
	if err := s.Pause(); !errors.Is(err, localpg.ErrNotRunning) {
		t.Errorf("Pause after Kill = %v, want ErrNotRunning", err)
	}

	addr := s.Addr()
	if err := s.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	if s.Addr() != addr {
		t.Errorf("Addr() after Restart = %s, want %s", s.Addr(), addr)
	}
	if n, err := count(connect(t, s.URL("postgres")), 1, prompt); err != nil || n != 1 {
		t.Fatalf("the committed row after Restart: count = %d, %v; want 1", n, err)
	}
}

func TestKillWhilePausedThenRestart(t *testing.T) {
	s := localpg.New(t)
	connect(t, s.URL("postgres")) // a backend to stop and kill
	if err := s.Pause(); err != nil {
		t.Fatal(err)
	}
	if err := s.Kill(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), prompt)
	defer cancel()
	if err := s.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	exec(t, connect(t, s.URL("postgres")), "SELECT 1")
}

func TestRestartKillsARunningServer(t *testing.T) {
	s := localpg.New(t)
	old := connect(t, s.URL("postgres"))
	ctx, cancel := context.WithTimeout(context.Background(), prompt)
	defer cancel()
	if err := s.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := old.Exec(ctx, "SELECT 1"); err == nil {
		t.Error("a connection from before Restart still works; want the server to have been killed")
	}
	exec(t, connect(t, s.URL("postgres")), "SELECT 1")
}

func TestClosedServerRefusesEverything(t *testing.T) {
	s, err := localpg.Start(context.Background(), localpg.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v, want nil", err)
	}
	for name, err := range map[string]error{
		"Pause":   s.Pause(),
		"Resume":  s.Resume(),
		"Kill":    s.Kill(),
		"Restart": s.Restart(context.Background()),
	} {
		if !errors.Is(err, localpg.ErrClosed) {
			t.Errorf("%s after Close = %v, want ErrClosed", name, err)
		}
	}
}

func TestSettingsOverrideTheDefaults(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := localpg.Start(ctx, localpg.Options{Settings: map[string]string{"synchronous_commit": "off"}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	conn := connect(t, s.URL("postgres"))
	for name, want := range map[string]string{"synchronous_commit": "off", "fsync": "off", "max_connections": "100"} {
		var got string
		if err := conn.QueryRow(ctx, "SELECT current_setting($1)", name).Scan(&got); err != nil || got != want {
			t.Errorf("%s = %q, %v; want %q", name, got, err, want)
		}
	}
}

func TestMissingBinariesFailWithInstructions(t *testing.T) {
	_, err := localpg.Start(context.Background(), localpg.Options{BinDir: t.TempDir()})
	if !errors.Is(err, localpg.ErrNotInstalled) || !strings.Contains(err.Error(), "apt-get install postgresql") {
		t.Fatalf("Start with no binaries = %v; want ErrNotInstalled saying how to install them", err)
	}
}

// BenchmarkStartClose measures a server's whole life: copying the
// template, starting, and closing.
func BenchmarkStartClose(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		s, err := localpg.Start(ctx, localpg.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

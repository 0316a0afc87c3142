package localredis_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/go-sysconfig/sysconfig/internal/localredis"
)

// hang is the deadline that shows a server does not answer.
const hang = 200 * time.Millisecond

// newClient returns a client of addr that honours context deadlines and does
// not retry, closed when t ends.
func newClient(t testing.TB, addr string) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, ContextTimeoutEnabled: true})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// mustGet returns the value of key, failing t on any error.
func mustGet(t testing.TB, c redis.Cmdable, key string) string {
	t.Helper()
	v, err := c.Get(t.Context(), key).Result()
	if err != nil {
		t.Fatalf("GET %s: %v", key, err)
	}
	return v
}

// mustSet sets key, failing t on any error.
func mustSet(t testing.TB, c redis.Cmdable, key, value string) {
	t.Helper()
	if err := c.Set(t.Context(), key, value, 0).Err(); err != nil {
		t.Fatalf("SET %s %s: %v", key, value, err)
	}
}

func TestPauseTimesOutCommandsUntilResume(t *testing.T) {
	t.Parallel()
	s := localredis.NewServer(t, localredis.Options{})
	c := newClient(t, s.Addr())
	mustSet(t, c, "k", "v")

	if err := s.Pause(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), hang)
	defer cancel()
	start := time.Now()
	err := c.Get(ctx, "k").Err()
	if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("GET on a paused server: got %v, want a deadline error", err)
	}
	if took := time.Since(start); took > 5*hang {
		t.Errorf("GET on a paused server took %v; want about %v", took, hang)
	}

	if err := s.Resume(); err != nil {
		t.Fatal(err)
	}
	if got := mustGet(t, c, "k"); got != "v" {
		t.Errorf("after Resume, GET k = %q, want %q", got, "v")
	}
}

func TestRestoreFromOlderSnapshot(t *testing.T) {
	t.Parallel()
	s := localredis.NewServer(t, localredis.Options{})
	addr := s.Addr()
	c := newClient(t, addr)
	mustSet(t, c, "k", "before")
	old, err := s.Save(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	mustSet(t, c, "k", "after")
	mustSet(t, c, "new", "x")
	if _, err := s.Save(t.Context()); err != nil {
		t.Fatal(err)
	}

	// A crash and restart keeps the port and loads the latest save.
	if err := s.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := c.Ping(t.Context()).Err(); err == nil {
		t.Fatal("PING answered after Kill")
	}
	if err := s.Restart(t.Context()); err != nil {
		t.Fatal(err)
	}
	if s.Addr() != addr {
		t.Fatalf("Restart moved the server from %s to %s", addr, s.Addr())
	}
	if got := mustGet(t, c, "k"); got != "after" {
		t.Fatalf("after Restart, k = %q, want the last saved %q", got, "after")
	}

	// Coming back from the older file loses what was written since.
	if err := s.RestoreFrom(t.Context(), old); err != nil {
		t.Fatal(err)
	}
	if got := mustGet(t, c, "k"); got != "before" {
		t.Errorf("after RestoreFrom, k = %q, want %q", got, "before")
	}
	if n, err := c.Exists(t.Context(), "new").Result(); err != nil || n != 0 {
		t.Errorf("after RestoreFrom, EXISTS new = %d, %v; want 0 (written after the snapshot)", n, err)
	}
}

func TestKillWithoutSaveLosesEverything(t *testing.T) {
	t.Parallel()
	s := localredis.NewServer(t, localredis.Options{})
	c := newClient(t, s.Addr())
	mustSet(t, c, "k", "v")
	if err := s.Restart(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n, err := c.DBSize(t.Context()).Result(); err != nil || n != 0 {
		t.Errorf("after a restart without saves, DBSIZE = %d, %v; want 0", n, err)
	}
}

func TestStateTransitions(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := localredis.NewServer(t, localredis.Options{})
	steps := []struct {
		name string
		op   func() error
		want error // nil, ErrNotRunning or ErrClosed
	}{
		{"pause", s.Pause, nil},
		{"pause again", s.Pause, nil},
		{"save while paused", func() error { _, err := s.Save(ctx); return err }, localredis.ErrNotRunning},
		{"kill while paused", s.Kill, nil},
		{"resume after kill", s.Resume, nil},
		{"pause after kill", s.Pause, localredis.ErrNotRunning},
		{"kill again", s.Kill, nil},
		{"disconnect replicas after kill", func() error { _, err := s.DisconnectReplicas(ctx); return err }, localredis.ErrNotRunning},
		{"restart", func() error { return s.Restart(ctx) }, nil},
		{"restart while running", func() error { return s.Restart(ctx) }, nil},
		{"restore a missing file", func() error { return s.RestoreFrom(ctx, "/nonexistent.rdb") }, os.ErrNotExist},
		{"close", s.Close, nil},
		{"close again", s.Close, nil},
		{"resume after close", s.Resume, nil},
		{"kill after close", s.Kill, localredis.ErrClosed},
		{"restart after close", func() error { return s.Restart(ctx) }, localredis.ErrClosed},
		{"pause after close", s.Pause, localredis.ErrClosed},
	}
	for _, step := range steps {
		err := step.op()
		if step.want == nil && err != nil || step.want != nil && !errors.Is(err, step.want) {
			t.Fatalf("%s: got error %v, want %v", step.name, err, step.want)
		}
	}
}

func TestRestoreFromMissingFileKeepsServerRunning(t *testing.T) {
	t.Parallel()
	s := localredis.NewServer(t, localredis.Options{})
	if err := s.RestoreFrom(t.Context(), filepath.Join(t.TempDir(), "none.rdb")); err == nil {
		t.Fatal("RestoreFrom a missing file succeeded")
	}
	if err := newClient(t, s.Addr()).Ping(t.Context()).Err(); err != nil {
		t.Errorf("server stopped by a failed RestoreFrom: %v", err)
	}
}

func TestCloseRemovesDirectory(t *testing.T) {
	t.Parallel()
	s := localredis.NewServer(t, localredis.Options{})
	snap, err := s.Save(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Dir(snap)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("directory %s still there after Close: %v", filepath.Dir(snap), err)
	}
}

func TestBadArgumentsReportTheLog(t *testing.T) {
	t.Parallel()
	_, err := localredis.StartServer(t.Context(), localredis.Options{Args: []string{"--no-such-directive", "1"}})
	if err == nil || !strings.Contains(err.Error(), "no-such-directive") {
		t.Fatalf("start with a bad directive: got %v, want an error quoting the log", err)
	}
}

func TestExitedServerIsNotRunning(t *testing.T) {
	t.Parallel()
	s := localredis.NewServer(t, localredis.Options{})
	c := newClient(t, s.Addr())
	_ = c.Do(t.Context(), "SHUTDOWN", "NOSAVE").Err() // the connection drops: no reply
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := s.Pause()
		if errors.Is(err, localredis.ErrNotRunning) {
			if !strings.Contains(err.Error(), "exited by itself") {
				t.Errorf("Pause after SHUTDOWN: %v; want it to say the server exited by itself", err)
			}
			break
		}
		if err == nil {
			_ = s.Resume()
		}
		if time.Now().After(deadline) {
			t.Fatalf("server still not seen as exited 5s after SHUTDOWN (last Pause: %v)", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := s.Restart(t.Context()); err != nil {
		t.Fatalf("Restart after SHUTDOWN: %v", err)
	}
}

// TestNotInstalled runs alone: it empties PATH.
func TestNotInstalled(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := localredis.StartServer(t.Context(), localredis.Options{})
	if !errors.Is(err, localredis.ErrNotInstalled) || !strings.Contains(err.Error(), "apt-get install redis-server") {
		t.Fatalf("start without redis-server in PATH: got %v, want ErrNotInstalled saying how to install it", err)
	}
}

package pgstore_test

import (
	"context"
	"errors"
	"net"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/pgstore"
)

// waitFor bounds how long a test waits for something that should happen
// within milliseconds.
const waitFor = 10 * time.Second

// listener is a running Listen: the versions it was given, in order, and
// its result once it returned.
type listener struct {
	versions chan int64
	done     chan error
	cancel   context.CancelFunc
}

// startListen runs s.Listen(app) until the test ends or l.cancel is called.
func startListen(t testing.TB, s *pgstore.Store, app string) *listener {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	l := &listener{versions: make(chan int64, 1000), done: make(chan error, 1), cancel: cancel}
	go func() { l.done <- s.Listen(ctx, app, func(n runtime.Notice) { l.versions <- n.Version }) }()
	t.Cleanup(func() {
		cancel()
		<-l.done
	})
	return l
}

// expectVersions waits for the next notify calls and checks their versions.
func (l *listener) expectVersions(t *testing.T, want ...int64) {
	t.Helper()
	var got []int64
	timeout := time.After(waitFor)
	for len(got) < len(want) {
		select {
		case v := <-l.versions:
			got = append(got, v)
		case err := <-l.done:
			t.Fatalf("Listen returned %v; got notify%v, want %v", err, got, want)
		case <-timeout:
			t.Fatalf("after %v: got notify%v, want %v", waitFor, got, want)
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got notify%v, want %v", got, want)
	}
}

// expectNothing checks that notify is not called for a little while.
func (l *listener) expectNothing(t *testing.T) {
	t.Helper()
	select {
	case v := <-l.versions:
		t.Fatalf("unexpected notify(%d)", v)
	case <-time.After(100 * time.Millisecond):
	}
}

// versions returns the version each change's notice carries: its last.
func versions(changes ...[]runtime.Applied) []int64 {
	out := make([]int64, len(changes))
	for i, applied := range changes {
		out[i] = applied[len(applied)-1].New.Version
	}
	return out
}

// TestListenDelivers: the first call is the resync notice, then one notice
// per change of the app, in commit order.
func TestListenDelivers(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	l := startListen(t, s, "app")
	l.expectVersions(t, 0)
	got := mustApply(t, s, "app", set("app.a.b", "1"), reset("app.a.c"))
	l.expectVersions(t, versions(got)...)
	got = mustApply(t, s, "app", set("app.a.b", "2"))
	l.expectVersions(t, versions(got)...)
}

// TestListenSkips: another app's writes, a rolled-back Apply and payloads
// that do not parse are not delivered. Notifications arrive in commit
// order, so once the last write is heard, nothing sent before it can come.
func TestListenSkips(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	l := startListen(t, s, "app")
	l.expectVersions(t, 0)
	mustApply(t, s, "other", set("other.a.b", "1"))
	mustApply(t, s, "app2", set("app2.a.b", "1")) // an app whose name extends "app"
	taken := mustApply(t, s, "app", set("app.a.taken", "1"))
	_, err := s.Apply(testCtx(t), change("app", set("app.a.lost", "x"), expect(set("app.a.taken", "2"), 0)))
	if !errors.Is(err, runtime.ErrConflict) {
		t.Fatalf("conflicting Apply: %v, want a conflict", err)
	}
	for _, payload := range []string{"not json", `{"app": "app", "version": "x"}`, `[1]`, `{"app": "app"}`} {
		if _, err := pool.Exec(testCtx(t), "SELECT pg_notify($1, $2)", s.Channel(), payload); err != nil {
			t.Fatal(err)
		}
	}
	last := mustApply(t, s, "app", set("app.a.last", "1"))
	l.expectVersions(t, versions(taken, last)...)
	l.expectNothing(t)
}

// TestListenReconnects: when its backend is killed, Listen reconnects,
// calls notify(0) again, and delivers the writes that follow.
func TestListenReconnects(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	l := startListen(t, s, "app")
	l.expectVersions(t, 0)
	first := listenerPID(t, pool, s.Channel())
	var killed bool
	if err := pool.QueryRow(testCtx(t), "SELECT pg_terminate_backend($1)", first).Scan(&killed); err != nil || !killed {
		t.Fatalf("pg_terminate_backend(%d) = %v, %v", first, killed, err)
	}
	l.expectVersions(t, 0)
	if second := listenerPID(t, pool, s.Channel()); second == first {
		t.Errorf("listener still on backend %d after it was terminated", first)
	}
	got := mustApply(t, s, "app", set("app.a.b", "after"))
	l.expectVersions(t, versions(got)...)
}

// TestListenCancel: cancelling ctx makes Listen return context.Canceled at
// once, and its backend goes away.
func TestListenCancel(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	l := startListen(t, s, "app")
	l.expectVersions(t, 0)
	pid := listenerPID(t, pool, s.Channel())
	l.cancel()
	select {
	case err := <-l.done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Listen = %v, want context.Canceled", err)
		}
		l.done <- err // for the cleanup
	case <-time.After(time.Second):
		t.Fatal("Listen still running 1s after its context was cancelled")
	}
	waitUntil(t, "backend gone", func() bool { return !backendExists(t, pool, pid) })
}

// TestListenPingsWhenIdle: a listener that waited past its idle interval
// (and so pinged the server) still delivers.
func TestListenPingsWhenIdle(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	pgstore.SetListenIdle(s, 10*time.Millisecond)
	l := startListen(t, s, "app")
	l.expectVersions(t, 0)
	time.Sleep(100 * time.Millisecond)
	l.expectNothing(t)
	got := mustApply(t, s, "app", set("app.a.b", "1"))
	l.expectVersions(t, versions(got)...)
}

// TestListenUnreachable: against a server that refuses connections, Listen
// retries with backoff until its context ends, then returns ctx.Err(),
// never having called notify.
func TestListenUnreachable(t *testing.T) {
	t.Parallel()
	cfg, err := pgxpool.ParseConfig("postgres://postgres@127.0.0.1:1/test?sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	var dials atomic.Int64
	dialer := &net.Dialer{}
	cfg.ConnConfig.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		return dialer.DialContext(ctx, network, addr)
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	s := pgstore.New(pool, pgstore.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = s.Listen(ctx, "app", func(n runtime.Notice) { t.Errorf("notify(%+v) without a server", n) })
	elapsed := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) || elapsed < 450*time.Millisecond || elapsed > 2*time.Second {
		t.Errorf("Listen = %v after %v, want context.DeadlineExceeded after 500ms", err, elapsed)
	}
	// With a 50ms first wait, doubling: attempts at about 0, 50, 150, 350ms.
	t.Logf("%d connection attempts in %v", dials.Load(), elapsed)
	if n := dials.Load(); n < 2 || n > 8 {
		t.Errorf("%d connection attempts in %v, want a few, with backoff", n, elapsed)
	}
}

// listenerPID returns the pid of the backend listening on channel, waiting
// for it to appear.
func listenerPID(t *testing.T, pool *pgxpool.Pool, channel string) int32 {
	t.Helper()
	var pid int32
	waitUntil(t, "listener backend", func() bool {
		err := pool.QueryRow(testCtx(t), `SELECT pid FROM pg_stat_activity
			WHERE application_name = $1 AND query = $2`,
			pgstore.ListenerApplicationName, "LISTEN "+pgx.Identifier{channel}.Sanitize()).Scan(&pid)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			t.Fatal(err)
		}
		return err == nil
	})
	return pid
}

func backendExists(t *testing.T, pool *pgxpool.Pool, pid int32) bool {
	t.Helper()
	var exists bool
	err := pool.QueryRow(testCtx(t), "SELECT EXISTS (SELECT FROM pg_stat_activity WHERE pid = $1)", pid).Scan(&exists)
	if err != nil {
		t.Fatal(err)
	}
	return exists
}

// waitUntil polls cond until it holds, failing the test after waitFor.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(waitFor); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after %v", what, waitFor)
		}
	}
}

// BenchmarkListenLatency measures how long after Apply returns the
// listener hears of the write: one Apply of one write per iteration, run
// with -benchtime=200x or more. It reports the median and the 99th
// percentile after Apply returned (negative when the notification beat the
// COMMIT's reply to the writer), and the median after Apply was called.
func BenchmarkListenLatency(b *testing.B) {
	s, _ := newStore(b)
	type heard struct {
		version int64
		at      time.Time
	}
	heardc := make(chan heard, 1000)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- s.Listen(ctx, "app", func(n runtime.Notice) { heardc <- heard{n.Version, time.Now()} })
	}()
	defer func() { cancel(); <-done }()
	if h := <-heardc; h.version != 0 {
		b.Fatalf("first notify(%d), want notify(0)", h.version)
	}
	var afterReturn, afterCall []time.Duration
	w := []runtime.Write{set("app.bench.value", "x")}
	for b.Loop() {
		called := time.Now()
		got, err := s.Apply(ctx, change("app", w...))
		returned := time.Now()
		if err != nil {
			b.Fatal(err)
		}
		h := <-heardc
		if h.version != got[0].New.Version {
			b.Fatalf("heard version %d, want %d", h.version, got[0].New.Version)
		}
		afterReturn = append(afterReturn, h.at.Sub(returned))
		afterCall = append(afterCall, h.at.Sub(called))
	}
	b.ReportMetric(quantile(afterReturn, 0.5).Seconds()*1e6, "p50-µs-after-return")
	b.ReportMetric(quantile(afterReturn, 0.99).Seconds()*1e6, "p99-µs-after-return")
	b.ReportMetric(quantile(afterCall, 0.5).Seconds()*1e6, "p50-µs-after-call")
}

func quantile(d []time.Duration, q float64) time.Duration {
	slices.Sort(d)
	return d[int(q*float64(len(d)-1))]
}

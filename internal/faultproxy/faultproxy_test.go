package faultproxy_test

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-sysconfig/sysconfig/internal/faultproxy"
)

// hang is how long a read waits before a test concludes that no answer is
// coming; prompt is how long an expected failure or answer may take.
const (
	hang   = 200 * time.Millisecond
	prompt = 2 * time.Second
)

// echoServer is a local TCP server that writes back what it reads and
// counts the bytes it received.
type echoServer struct {
	ln       net.Listener
	received atomic.Int64
	wg       sync.WaitGroup
	mu       sync.Mutex
	conns    []net.Conn
}

// startEcho starts an echo server on loopback, stopped when t ends.
func startEcho(t testing.TB) *echoServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e := &echoServer{ln: ln}
	e.wg.Add(1)
	go e.serve()
	t.Cleanup(e.stop)
	return e
}

func (e *echoServer) serve() {
	defer e.wg.Done()
	for {
		c, err := e.ln.Accept()
		if err != nil {
			return
		}
		e.mu.Lock()
		e.conns = append(e.conns, c)
		e.mu.Unlock()
		e.wg.Add(1)
		go e.echo(c)
	}
}

func (e *echoServer) echo(c net.Conn) {
	defer e.wg.Done()
	defer c.Close()
	buf := make([]byte, 4096)
	for {
		n, err := c.Read(buf)
		e.received.Add(int64(n))
		if err != nil {
			return
		}
		if _, err := c.Write(buf[:n]); err != nil {
			return
		}
	}
}

// stop closes the listener and every connection and waits for the
// server's goroutines. It may be called more than once.
func (e *echoServer) stop() {
	_ = e.ln.Close()
	e.mu.Lock()
	for _, c := range e.conns {
		_ = c.Close()
	}
	e.mu.Unlock()
	e.wg.Wait()
}

func (e *echoServer) addr() string { return e.ln.Addr().String() }

// dial connects to addr and closes the connection when t ends.
func dial(t testing.TB, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, prompt)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// echoes fails t unless msg sent on c comes back.
func echoes(t testing.TB, c net.Conn, msg string) {
	t.Helper()
	if _, err := c.Write([]byte(msg)); err != nil {
		t.Fatalf("write %q: %v", msg, err)
	}
	_ = c.SetReadDeadline(time.Now().Add(prompt))
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatalf("read back %q: %v", msg, err)
	}
	if string(got) != msg {
		t.Fatalf("read back %q, want %q", got, msg)
	}
}

// readFails fails t unless a read on c fails promptly with something other
// than a timeout (EOF or a reset).
func readFails(t testing.TB, c net.Conn) {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(prompt))
	n, err := c.Read(make([]byte, 1))
	if err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read = %d bytes, %v; want EOF or a reset within %v", n, err, prompt)
	}
}

// refused fails t unless a connection to addr is refused: either the dial
// fails, or it succeeds and the first read fails promptly.
func refused(t testing.TB, addr string) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, prompt)
	if err != nil {
		return
	}
	defer c.Close()
	readFails(t, c)
}

// readHangs fails t unless a read on c times out.
func readHangs(t testing.TB, c net.Conn) {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(hang))
	n, err := c.Read(make([]byte, 1))
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read = %d bytes, %v; want it to time out", n, err)
	}
}

// eventually fails t, saying why(), unless cond becomes true within prompt.
func eventually(t testing.TB, cond func() bool, why func() string) {
	t.Helper()
	for deadline := time.Now().Add(prompt); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", prompt, why())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// connections waits until p has want open connections.
func connections(t testing.TB, p *faultproxy.Proxy, want int) {
	t.Helper()
	eventually(t, func() bool { return p.Connections() == want }, func() string {
		return fmt.Sprintf("Connections() = %d, want %d", p.Connections(), want)
	})
}

func TestForwardsBytesBothWays(t *testing.T) {
	e := startEcho(t)
	p := faultproxy.New(t, e.addr())
	if !strings.HasPrefix(p.Addr(), "127.0.0.1:") {
		t.Errorf("Addr() = %q, want a loopback address", p.Addr())
	}
	c := dial(t, p.Addr())
	echoes(t, c, "hello")
	echoes(t, c, strings.Repeat("x", 100_000))
}

func TestCutClosesOpenConnectionsAndRefusesNewOnes(t *testing.T) {
	e := startEcho(t)
	p := faultproxy.New(t, e.addr())
	c := dial(t, p.Addr())
	echoes(t, c, "before")

	p.Cut()
	p.Cut() // idempotent
	readFails(t, c)
	if n := p.Connections(); n != 0 {
		t.Errorf("Connections() after Cut = %d, want 0", n)
	}
	refused(t, p.Addr())
}

func TestRestoreAfterCutForwardsNewConnections(t *testing.T) {
	e := startEcho(t)
	p := faultproxy.New(t, e.addr())
	p.Cut()
	p.Restore()
	p.Restore() // idempotent
	echoes(t, dial(t, p.Addr()), "after")
}

func TestBlackholeHoldsBytesBothWays(t *testing.T) {
	e := startEcho(t)
	p := faultproxy.New(t, e.addr())
	old := dial(t, p.Addr())
	echoes(t, old, "before")
	received := e.received.Load()

	p.Blackhole()
	if _, err := old.Write([]byte("lost")); err != nil {
		t.Fatalf("write during a blackhole: %v, want it to succeed", err)
	}
	readHangs(t, old)
	late := dial(t, p.Addr())
	if _, err := late.Write([]byte("lost too")); err != nil {
		t.Fatalf("write on a connection opened during a blackhole: %v", err)
	}
	readHangs(t, late)
	if got := e.received.Load(); got != received {
		t.Errorf("server received %d bytes during the blackhole, want none", got-received)
	}
	if n := p.Connections(); n != 1 {
		t.Errorf("Connections() during a blackhole = %d, want the 1 frozen one", n)
	}
}

func TestRestoreAfterBlackholeResetsFrozenConnections(t *testing.T) {
	e := startEcho(t)
	p := faultproxy.New(t, e.addr())
	old := dial(t, p.Addr())
	echoes(t, old, "before")
	p.Blackhole()
	late := dial(t, p.Addr())
	readHangs(t, late)

	p.Restore()
	readFails(t, old)
	readFails(t, late)
	echoes(t, dial(t, p.Addr()), "healed")
}

func TestCutEndsABlackhole(t *testing.T) {
	e := startEcho(t)
	p := faultproxy.New(t, e.addr())
	old := dial(t, p.Addr())
	echoes(t, old, "before")
	p.Blackhole()
	p.Cut()
	readFails(t, old)
	p.Restore()
	echoes(t, dial(t, p.Addr()), "after")
}

func TestConnectionsCountsOpenForwardedConnections(t *testing.T) {
	e := startEcho(t)
	p := faultproxy.New(t, e.addr())
	connections(t, p, 0)
	var cs []net.Conn
	for range 3 {
		c := dial(t, p.Addr())
		echoes(t, c, "hi")
		cs = append(cs, c)
	}
	connections(t, p, 3)
	_ = cs[0].Close()
	connections(t, p, 2)
}

func TestUnreachableTargetResetsTheClient(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	_ = ln.Close()
	p := faultproxy.New(t, dead)
	refused(t, p.Addr())
	connections(t, p, 0)
}

func TestCloseIsIdempotent(t *testing.T) {
	e := startEcho(t)
	p, err := faultproxy.Start(e.addr())
	if err != nil {
		t.Fatal(err)
	}
	c := dial(t, p.Addr())
	echoes(t, c, "hi")
	if err := p.Close(); err != nil {
		t.Fatalf("first Close: %v", err)
	}
	if err := p.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	readFails(t, c)
	if late, err := net.DialTimeout("tcp", p.Addr(), prompt); err == nil {
		late.Close()
		t.Error("dial after Close succeeded, want it refused")
	}
	p.Cut()
	p.Blackhole()
	p.Pause()
	p.PauseOpen()
	p.Resume()
	p.Restore() // harmless after Close
}

func TestCloseLeavesNoGoroutines(t *testing.T) {
	e := startEcho(t)
	before := runtime.NumGoroutine()
	p, err := faultproxy.Start(e.addr())
	if err != nil {
		t.Fatal(err)
	}
	var cs []net.Conn
	for i := range 4 {
		if i == 2 {
			p.Blackhole() // two frozen, two held back
		}
		c := dial(t, p.Addr())
		if i < 2 {
			echoes(t, c, "hi")
		}
		cs = append(cs, c)
	}
	for _, c := range cs[:2] {
		_, _ = c.Write([]byte("stuck")) // blocks a copy goroutine in the blackhole
	}
	time.Sleep(hang)
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		_ = c.Close()
	}
	eventually(t, func() bool { return runtime.NumGoroutine() <= before }, func() string {
		return fmt.Sprintf("%d goroutines, %d before Start:\n%s", runtime.NumGoroutine(), before, stacks())
	})
}

// stacks returns every goroutine's stack, to show what leaked.
func stacks() string {
	buf := make([]byte, 1<<20)
	return string(buf[:runtime.Stack(buf, true)])
}

func TestFaultsAreSafeDuringTraffic(t *testing.T) {
	e := startEcho(t)
	p := faultproxy.New(t, e.addr())
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			chatter(p.Addr(), stop)
		}()
	}
	faults := []func(){p.Cut, p.Blackhole, p.Restore, p.Pause, p.Resume, p.PauseOpen, p.Restore, func() { _ = p.Connections() }}
	for i := range 200 {
		faults[i%len(faults)]()
		time.Sleep(time.Millisecond)
	}
	close(stop)
	p.Restore()
	wg.Wait()
	echoes(t, dial(t, p.Addr()), "still works")
}

// chatter dials addr and exchanges bytes, ignoring every error, until stop
// is closed.
func chatter(addr string, stop <-chan struct{}) {
	buf := make([]byte, 64)
	for {
		select {
		case <-stop:
			return
		default:
		}
		c, err := net.DialTimeout("tcp", addr, prompt)
		if err != nil {
			continue
		}
		_ = c.SetDeadline(time.Now().Add(20 * time.Millisecond))
		_, _ = c.Write([]byte("ping"))
		_, _ = c.Read(buf)
		_ = c.Close()
	}
}

package faultproxy_test

import (
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/go-sysconfig/sysconfig/internal/faultproxy"
)

// target listens on loopback and hands the test each connection it
// accepts, to play the server by hand.
func target(t testing.TB) (addr string, accepted <-chan net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	conns := make(chan net.Conn, 16)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns <- c
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		for {
			select {
			case c := <-conns:
				_ = c.Close()
			default:
				return
			}
		}
	})
	return ln.Addr().String(), conns
}

// accept returns the next connection the target accepted, waiting at most
// prompt.
func accept(t testing.TB, accepted <-chan net.Conn) net.Conn {
	t.Helper()
	select {
	case c := <-accepted:
		t.Cleanup(func() { _ = c.Close() })
		return c
	case <-time.After(prompt):
		t.Fatalf("the target accepted no connection within %v", prompt)
		return nil
	}
}

// stream is what one side read from a connection until it ended; err is
// nil if it ended with EOF.
type stream struct {
	data string
	err  error
}

// readToEnd reads c until its stream ends, in the background.
func readToEnd(c net.Conn) <-chan stream {
	out := make(chan stream, 1)
	go func() {
		_ = c.SetReadDeadline(time.Now().Add(time.Minute))
		b, err := io.ReadAll(c)
		out <- stream{string(b), err}
	}()
	return out
}

// readBack fails t unless want arrives on c within prompt.
func readBack(t testing.TB, c net.Conn, want string) {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(prompt))
	got := make([]byte, len(want))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatalf("read back %d bytes: %v (got %.40q)", len(want), err, got)
	}
	if string(got) != want {
		t.Fatalf("read back %.40q..., want %.40q...", got, want)
	}
}

// write fails t unless b is written to c within prompt.
func write(t testing.TB, c net.Conn, b string) {
	t.Helper()
	_ = c.SetWriteDeadline(time.Now().Add(prompt))
	if _, err := c.Write([]byte(b)); err != nil {
		t.Fatalf("write %d bytes: %v", len(b), err)
	}
}

func TestPauseDeliversHeldBytesInOrderOnResume(t *testing.T) {
	e := startEcho(t)
	p := faultproxy.New(t, e.addr())
	c := dial(t, p.Addr())
	echoes(t, c, "before")
	received := e.received.Load()

	p.Pause()
	p.Pause() // idempotent
	msgs := []string{"one", "two", strings.Repeat("3", 100_000)}
	for _, m := range msgs {
		write(t, c, m)
	}
	readHangs(t, c)
	if got := e.received.Load(); got != received {
		t.Fatalf("server received %d bytes during the pause, want none", got-received)
	}
	if n := p.Connections(); n != 1 {
		t.Errorf("Connections() during a pause = %d, want the 1 paused one", n)
	}

	p.Resume()
	p.Resume() // idempotent
	readBack(t, c, strings.Join(msgs, ""))
	echoes(t, c, "after") // the same connection carries on
}

func TestPauseHoldsNewConnectionsUntilResume(t *testing.T) {
	addr, accepted := target(t)
	p := faultproxy.New(t, addr)
	p.Pause()
	late := dial(t, p.Addr())
	write(t, late, "hello")
	readHangs(t, late)
	select {
	case <-accepted:
		t.Fatal("the proxy dialled the target during a pause")
	default:
	}
	if n := p.Connections(); n != 0 {
		t.Errorf("Connections() with one connection held by a pause = %d, want 0", n)
	}

	p.Resume()
	srv := accept(t, accepted)
	readBack(t, srv, "hello")
	write(t, srv, "hi")
	readBack(t, late, "hi")
	connections(t, p, 1)
}

func TestPauseDeliversAClosingClientsLastBytesThenEOF(t *testing.T) {
	addr, accepted := target(t)
	p := faultproxy.New(t, addr)
	c := dial(t, p.Addr())
	srv := accept(t, accepted)
	got := readToEnd(srv)

	p.Pause()
	write(t, c, "last batch")
	_ = c.Close()
	select {
	case s := <-got:
		t.Fatalf("the server read %q and then %v during the pause, want nothing", s.data, s.err)
	case <-time.After(hang):
	}

	p.Resume()
	select {
	case s := <-got:
		if s.data != "last batch" || s.err != nil {
			t.Fatalf("the server read %q, then %v; want \"last batch\", then EOF", s.data, s.err)
		}
	case <-time.After(prompt):
		t.Fatalf("the server's stream did not end within %v of Resume", prompt)
	}
	connections(t, p, 0)
}

func TestPauseHoldsTheEndOfAStream(t *testing.T) {
	addr, accepted := target(t)
	p := faultproxy.New(t, addr)
	c := dial(t, p.Addr())
	srv := accept(t, accepted)
	got := readToEnd(srv)

	p.Pause()
	_ = c.Close() // no bytes, only the end
	select {
	case s := <-got:
		t.Fatalf("the server read %q and then %v during the pause, want nothing", s.data, s.err)
	case <-time.After(hang):
	}
	p.Resume()
	select {
	case s := <-got:
		if s.data != "" || s.err != nil {
			t.Fatalf("the server read %q, then %v; want EOF", s.data, s.err)
		}
	case <-time.After(prompt):
		t.Fatalf("the server's stream did not end within %v of Resume", prompt)
	}
}

func TestPauseDeliversAClosingServersLastBytesThenEOF(t *testing.T) {
	addr, accepted := target(t)
	p := faultproxy.New(t, addr)
	c := dial(t, p.Addr())
	srv := accept(t, accepted)

	p.Pause()
	write(t, srv, "goodbye")
	_ = srv.Close()
	readHangs(t, c) // neither the bytes nor the end of the stream

	p.Resume()
	_ = c.SetReadDeadline(time.Now().Add(prompt))
	if b, err := io.ReadAll(c); string(b) != "goodbye" || err != nil {
		t.Fatalf("the client read %q, then %v; want \"goodbye\", then EOF", b, err)
	}
}

func TestPauseOpenLeavesNewConnectionsWorking(t *testing.T) {
	e := startEcho(t)
	p := faultproxy.New(t, e.addr())
	stuck := dial(t, p.Addr())
	echoes(t, stuck, "before")

	p.PauseOpen()
	write(t, stuck, "held")
	readHangs(t, stuck)
	echoes(t, dial(t, p.Addr()), "a new session works")

	p.Resume()
	readBack(t, stuck, "held")
	echoes(t, stuck, "after")
}

func TestRestoreEndsAPauseLikeResume(t *testing.T) {
	e := startEcho(t)
	p := faultproxy.New(t, e.addr())
	old := dial(t, p.Addr())
	echoes(t, old, "before")
	p.Pause()
	write(t, old, "old")
	late := dial(t, p.Addr())
	write(t, late, "late")

	p.Restore()
	readBack(t, old, "old")
	readBack(t, late, "late")
}

func TestCutDuringAPauseResetsEverything(t *testing.T) {
	e := startEcho(t)
	p := faultproxy.New(t, e.addr())
	old := dial(t, p.Addr())
	echoes(t, old, "before")
	p.Pause()
	write(t, old, "lost")
	late := dial(t, p.Addr())

	p.Cut()
	readFails(t, old)
	readFails(t, late)
	p.Resume() // does not end the Cut
	refused(t, p.Addr())
	p.Restore()
	echoes(t, dial(t, p.Addr()), "after")
}

func TestRestoreAfterABlackholeDuringAPauseResets(t *testing.T) {
	e := startEcho(t)
	p := faultproxy.New(t, e.addr())
	old := dial(t, p.Addr())
	echoes(t, old, "before")
	p.Pause()
	late := dial(t, p.Addr())
	p.Blackhole()
	p.Resume() // does not end the Blackhole
	write(t, old, "lost")
	readHangs(t, old)

	p.Restore()
	readFails(t, old)
	readFails(t, late)
	echoes(t, dial(t, p.Addr()), "after")
}

func TestCloseDuringAPauseLeavesNoGoroutines(t *testing.T) {
	e := startEcho(t)
	before := runtime.NumGoroutine()
	p, err := faultproxy.Start(e.addr())
	if err != nil {
		t.Fatal(err)
	}
	var cs []net.Conn
	for range 2 {
		c := dial(t, p.Addr())
		echoes(t, c, "hi")
		cs = append(cs, c)
	}
	p.Pause()
	for _, c := range cs {
		write(t, c, "stuck") // blocks a copy goroutine in the pause
	}
	cs = append(cs, dial(t, p.Addr())) // held by the pause
	time.Sleep(hang)
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		readFails(t, c)
		_ = c.Close()
	}
	eventually(t, func() bool { return runtime.NumGoroutine() <= before }, func() string {
		return fmt.Sprintf("%d goroutines, %d before Start:\n%s", runtime.NumGoroutine(), before, stacks())
	})
}

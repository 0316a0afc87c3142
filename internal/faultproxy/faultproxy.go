// Package faultproxy is a small TCP proxy for integration tests. It sits
// between a client and a real server (Postgres, Redis) on the loopback
// interface and injects outages on demand, so a test can check how the
// client behaves when the server goes away and comes back.
//
// # Faults
//
// Cut models a server that has gone down, or a network that resets
// connections: every open connection is reset (TCP RST, so the client's next
// read or write fails with "connection reset by peer"), and each new
// connection is accepted and reset at once. The proxy keeps its port, so that
// Restore can reuse the address, rather than refusing the dial as a stopped
// server's host would: the client's dial fails with a reset only if the reset
// arrives before the handshake completes; usually the dial succeeds and the
// client's first read or write fails. Clients should treat both the same way.
//
// Blackhole models a network partition, or a server that hangs: packets are
// lost and nobody says so. Open connections stay open, but no bytes flow in
// either direction; the client's writes succeed (the kernel buffers them) and
// its reads block until their deadline. New connections are accepted and
// never forwarded, so they hang too. Unlike a real partition the dial itself
// succeeds; only a timeout can detect the fault, exactly as in production.
//
// Pause models a server process that is stopped (SIGSTOP) rather than a
// network fault: as in a blackhole nothing flows, but nothing is lost either.
// The client's writes succeed, as they would into a stopped process's socket
// buffers (until those fill, after a few megabytes on loopback; then they
// block); new connections are accepted and held, not dialled. Resume
// delivers everything held, in order, and carries on forwarding on the same
// connections; held connections are dialled then. The end of a stream waits
// like its bytes: a side that closed its stream during the pause has the
// bytes it sent before closing delivered first, and only then is the other
// side closed, which is what a resumed server sees: the client's last
// request, then EOF. PauseOpen pauses only the connections open at the
// time, while new ones are forwarded: one stuck session on a server that
// still serves others.
//
// Restore ends any fault: new connections are forwarded again. Ending a
// blackhole resets the connections that lived through it, as happens after a
// real partition heals, when the peer has long forgotten them; ending a
// pause is the same as Resume. Resume ends a pause and nothing else. A
// fault on top of a pause wins: Cut resets the paused connections, and
// after a Blackhole, Restore resets them.
//
// When the target itself is unreachable, a forwarded connection is reset, so
// a stopped server behind the proxy looks like Cut to the client.
//
// # Connections
//
// Each accepted connection gets one goroutine per direction copying bytes
// with io.Copy through a gate that holds them back during a fault; during a
// pause the bytes wait in that goroutine's buffer and, behind it, in the
// kernel's. The proxy does not forward half-closes: when either side ends
// its stream, the other gets the last bytes and a FIN, and both are closed.
// Close stops listening, closes everything and waits until every goroutine
// of the proxy has returned.
package faultproxy

import (
	"context"
	"fmt"
	"net"
	"sync"
	"time"
)

// dialTimeout bounds how long a forwarded connection waits for the target.
const dialTimeout = 5 * time.Second

// mode is what the proxy does with connections.
type mode int

const (
	forwarding mode = iota // normal operation
	cut                    // outage: connections are reset
	blackholed             // partition: nothing flows
	paused                 // stopped server: nothing flows until Resume
)

// Proxy forwards TCP connections from a loopback address to one target and
// injects faults between them. Its methods are safe for concurrent use, and
// concurrently with the traffic they affect.
type Proxy struct {
	ln     net.Listener
	target string
	ctx    context.Context // cancelled by Close; bounds dials to the target
	cancel context.CancelFunc
	wg     sync.WaitGroup // the accept loop and every connection goroutine

	mu      sync.Mutex
	mode    mode
	closed  bool
	links   map[*link]struct{}    // forwarded connections
	held    map[net.Conn]struct{} // connections accepted during a blackhole
	waiting map[net.Conn]struct{} // connections accepted during a pause
	resumed chan struct{}         // closed by the next Resume; nil if none is due
}

// Start listens on 127.0.0.1:0 and forwards every accepted connection to
// target (host:port). Close releases the port and the connections.
func Start(target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("faultproxy: listen on loopback: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &Proxy{
		ln: ln, target: target, ctx: ctx, cancel: cancel,
		links:   make(map[*link]struct{}),
		held:    make(map[net.Conn]struct{}),
		waiting: make(map[net.Conn]struct{}),
	}
	p.wg.Add(1)
	go p.acceptLoop()
	return p, nil
}

// Addr returns the address to give the client, "127.0.0.1:PORT".
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Cut starts an outage: it resets every open connection and resets each new
// one as soon as it is accepted, until Restore. Calling it again is harmless.
func (p *Proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.mode = cut
	p.closeAll(true)
}

// Blackhole starts a partition: open connections stay open but no bytes
// flow in either direction, and new connections are accepted but never
// forwarded, until Restore. A write already under way when Blackhole is
// called may still be delivered; none starts after it returns. Calling it
// again is harmless. Connections held by a pause are held by the blackhole
// instead.
func (p *Proxy) Blackhole() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.mode = blackholed
	for c := range p.waiting {
		p.held[c] = struct{}{}
	}
	clear(p.waiting)
}

// Restore ends a Cut, a Blackhole or a pause: new connections are forwarded
// again. Connections that lived through a blackhole are reset; paused ones
// resume, as with Resume. Restoring a healthy proxy does nothing.
func (p *Proxy) Restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mode == blackholed {
		p.closeAll(true)
	}
	p.mode = forwarding
	p.resume()
}

// Connections returns the number of open forwarded connections, including
// those frozen by a blackhole or a pause, but not those accepted during
// either (they are not forwarded yet).
func (p *Proxy) Connections() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.links)
}

// Close stops listening, closes every connection and waits for the proxy's
// goroutines to return. Only the first call does anything; later calls
// return nil.
func (p *Proxy) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	p.closeAll(false)
	p.mu.Unlock()
	p.cancel()
	err := p.ln.Close()
	p.wg.Wait()
	return err
}

// closeAll closes every connection and forgets it; hard resets them. The
// caller holds p.mu.
func (p *Proxy) closeAll(hard bool) {
	for l := range p.links {
		l.close(hard)
	}
	for c := range p.held {
		closeConn(c, hard)
	}
	for c := range p.waiting {
		closeConn(c, hard)
	}
	clear(p.links)
	clear(p.held)
	clear(p.waiting)
}

// closeConn closes c; hard sends a TCP reset instead of an orderly FIN.
func closeConn(c net.Conn, hard bool) {
	if tc, ok := c.(*net.TCPConn); ok && hard {
		_ = tc.SetLinger(0)
	}
	_ = c.Close()
}

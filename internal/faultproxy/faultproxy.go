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
// Restore ends either fault: new connections are forwarded again. Ending a
// blackhole resets the connections that lived through it, as happens after a
// real partition heals, when the peer has long forgotten them.
//
// When the target itself is unreachable, a forwarded connection is reset, so
// a stopped server behind the proxy looks like Cut to the client.
//
// # Connections
//
// Each accepted connection gets one goroutine per direction copying bytes
// with io.Copy. The proxy does not forward half-closes: when either side
// ends its stream, both are closed. Close stops listening, closes everything
// and waits until every goroutine of the proxy has returned.
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

	mu     sync.Mutex
	mode   mode
	closed bool
	links  map[*link]struct{}    // forwarded connections
	held   map[net.Conn]struct{} // connections accepted during a blackhole
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
		links: make(map[*link]struct{}),
		held:  make(map[net.Conn]struct{}),
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
// again is harmless.
func (p *Proxy) Blackhole() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.mode = blackholed
}

// Restore ends a Cut or a Blackhole: new connections are forwarded again.
// Connections that lived through a blackhole are reset. Restoring a healthy
// proxy does nothing.
func (p *Proxy) Restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mode == blackholed {
		p.closeAll(true)
	}
	p.mode = forwarding
}

// Connections returns the number of open forwarded connections, including
// those frozen by a blackhole but not those accepted during one.
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
	clear(p.links)
	clear(p.held)
}

// partitioned reports whether bytes must be held back.
func (p *Proxy) partitioned() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.mode == blackholed
}

// closeConn closes c; hard sends a TCP reset instead of an orderly FIN.
func closeConn(c net.Conn, hard bool) {
	if tc, ok := c.(*net.TCPConn); ok && hard {
		_ = tc.SetLinger(0)
	}
	_ = c.Close()
}

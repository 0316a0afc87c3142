package faultproxy

import (
	"io"
	"net"
	"sync"
)

// link is one forwarded connection: the client's side and the target's.
type link struct {
	client net.Conn
	server net.Conn      // nil until the target answers; set under Proxy.mu
	paused bool          // bytes wait for Resume; under Proxy.mu
	done   chan struct{} // closed when the link is closed
	once   sync.Once
}

// close closes both sides once; hard resets them.
func (l *link) close(hard bool) {
	l.once.Do(func() {
		close(l.done)
		closeConn(l.client, hard)
		if l.server != nil {
			closeConn(l.server, hard)
		}
	})
}

// acceptLoop hands every accepted connection to admit until the listener
// is closed.
func (p *Proxy) acceptLoop() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.admit(c)
	}
}

// admit decides what happens to a new connection, according to the mode
// at the moment it was accepted.
func (p *Proxy) admit(c net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.closed || p.mode == cut:
		closeConn(c, true)
	case p.mode == blackholed:
		p.held[c] = struct{}{}
	case p.mode == paused:
		p.waiting[c] = struct{}{}
	default:
		p.startLink(c)
	}
}

// startLink forwards the client connection c. The caller holds p.mu.
func (p *Proxy) startLink(c net.Conn) {
	l := &link{client: c, done: make(chan struct{})}
	p.links[l] = struct{}{}
	p.wg.Add(1)
	go p.forward(l)
}

// forward connects l to the target and copies bytes both ways until either
// side ends or a fault closes the link. A target that cannot be reached
// resets the client.
func (p *Proxy) forward(l *link) {
	defer p.wg.Done()
	defer p.forget(l)
	d := net.Dialer{Timeout: dialTimeout}
	server, err := d.DialContext(p.ctx, "tcp", p.target)
	if err != nil || !p.attach(l, server) {
		l.close(true)
		return
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		p.pipe(l, l.client, server)
	}()
	p.pipe(l, server, l.client)
}

// attach records server as l's target side, unless a fault or Close has
// closed l while the target was being dialled; then it closes server and
// reports false.
func (p *Proxy) attach(l *link, server net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-l.done:
		closeConn(server, true)
		return false
	default:
		l.server = server
		return true
	}
}

// forget removes l from the open connections.
func (p *Proxy) forget(l *link) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.links, l)
}

// pipe copies src to dst through a gate, then closes the link. When src
// ends its stream, dst gets a FIN after the last bytes, which a reset
// (sent if dst's socket holds unread bytes when closed) cannot overtake.
// During a pause the end of the stream waits, like its bytes, for Resume.
func (p *Proxy) pipe(l *link, dst, src net.Conn) {
	_, err := io.Copy(gate{p: p, l: l, w: dst}, src)
	p.awaitResume(l)
	if tc, ok := dst.(*net.TCPConn); ok && err == nil {
		_ = tc.CloseWrite()
	}
	l.close(false)
}

// gate is the writing end of one direction of a link. While the proxy is
// blackholed it holds bytes back until the link is closed, which every way
// out of a blackhole (Restore, Cut, Close) does; while the link is paused,
// until Resume.
type gate struct {
	p *Proxy
	l *link
	w io.Writer
}

// Write forwards b once the gate lets it through, or fails if the link is
// closed first.
func (g gate) Write(b []byte) (int, error) {
	if err := g.p.await(g.l); err != nil {
		return 0, err
	}
	return g.w.Write(b)
}

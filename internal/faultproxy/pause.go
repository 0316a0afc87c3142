package faultproxy

import "net"

// Pause stops the traffic as a stopped server process would: open
// connections stay open but no bytes move in either direction, and new
// connections are accepted and held, until Resume (or Restore). Nothing
// is lost: bytes written meanwhile wait and are delivered, in order, when
// the proxy resumes. A write already under way when Pause is called may
// still be delivered; none starts after it returns. Calling it again is
// harmless. During a Cut or a Blackhole, Pause pauses the open connections
// and leaves new ones to that fault.
func (p *Proxy) Pause() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mode == forwarding {
		p.mode = paused
	}
	p.pauseLinks()
}

// PauseOpen pauses the connections open now, as Pause does, but not those
// accepted later, which are forwarded as usual: one stuck session on a
// server that still serves new ones. Resume (or Restore) ends it. During
// a Pause it changes nothing.
func (p *Proxy) PauseOpen() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pauseLinks()
}

// Resume ends a Pause or a PauseOpen: everything held is delivered, in
// order, and the paused connections carry on; the connections accepted
// during a Pause are dialled and forwarded. It does not end a Cut or a
// Blackhole. Resuming a proxy that is not paused does nothing.
func (p *Proxy) Resume() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mode == paused {
		p.mode = forwarding
	}
	p.resume()
}

// pauseLinks marks every open connection paused. The caller holds p.mu.
func (p *Proxy) pauseLinks() {
	if p.resumed == nil {
		p.resumed = make(chan struct{})
	}
	for l := range p.links {
		l.paused = true
	}
}

// resume lets the paused connections' bytes go and forwards the waiting
// connections (there are none during a Cut or a Blackhole, which reset or
// take them). The caller holds p.mu and has ended the paused mode.
func (p *Proxy) resume() {
	for l := range p.links {
		l.paused = false
	}
	if p.resumed != nil {
		close(p.resumed)
		p.resumed = nil
	}
	for c := range p.waiting {
		p.startLink(c)
	}
	clear(p.waiting)
}

// await blocks while l's bytes must be held back: while the proxy is
// blackholed, until l is closed (an error); while l is paused, until
// Resume.
func (p *Proxy) await(l *link) error {
	for {
		select {
		case <-l.done:
			return net.ErrClosed
		default:
		}
		wait := p.hold(l)
		if wait == nil {
			return nil
		}
		select {
		case <-l.done:
		case <-wait:
		}
	}
}

// hold returns what l's bytes wait for, or nil if they may go.
func (p *Proxy) hold(l *link) <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.mode == blackholed:
		return l.done
	case l.paused:
		return p.resumed
	}
	return nil
}

// awaitResume blocks while l is paused, or until it is closed.
func (p *Proxy) awaitResume(l *link) {
	for {
		p.mu.Lock()
		wait := p.resumed
		if !l.paused {
			wait = nil
		}
		p.mu.Unlock()
		if wait == nil {
			return
		}
		select {
		case <-l.done:
			return
		case <-wait:
		}
	}
}

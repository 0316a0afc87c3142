package localredis

import (
	"context"
	"fmt"
	"os"
	"syscall"
)

// Pause stops the process (SIGSTOP) until Resume. Pausing a paused server
// does nothing; a stopped one cannot be paused.
func (s *Server) Pause() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sync() == paused {
		return nil
	}
	if err := s.need("pause", running); err != nil {
		return err
	}
	if err := s.proc.signal(syscall.SIGSTOP); err != nil {
		return fmt.Errorf("localredis: pause %s: %w", s.Addr(), err)
	}
	s.state = paused
	return nil
}

// Resume continues a paused server (SIGCONT). It does nothing in any other
// state, so it is safe after Kill, Restart or Close.
func (s *Server) Resume() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sync() != paused {
		return nil
	}
	if err := s.proc.signal(syscall.SIGCONT); err != nil {
		return fmt.Errorf("localredis: resume %s: %w", s.Addr(), err)
	}
	s.state = running
	return nil
}

// Kill crashes the server (SIGKILL, paused or not) and reaps it. The port
// and the directory stay for Restart. Killing a stopped server does nothing.
func (s *Server) Kill() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sync() == closed {
		return s.need("kill", running)
	}
	s.stop()
	return nil
}

// Restart starts the server again on the same port and directory, killing
// it first if it is running or paused, and waits until it answers PING. It
// loads dump.rdb if there is one: the last Save, or the file RestoreFrom put
// there.
func (s *Server) Restart(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sync() == closed {
		return s.need("restart", running)
	}
	s.stop()
	return s.start(ctx)
}

// Close kills the server, releases its port and removes its directory,
// snapshots included. Only the first call does anything.
func (s *Server) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state == closed {
		return nil
	}
	s.stop()
	s.state = closed
	releasePorts(s.ports...)
	if s.dir == "" {
		return nil
	}
	if err := os.RemoveAll(s.dir); err != nil {
		return fmt.Errorf("localredis: remove %s: %w", s.dir, err)
	}
	return nil
}

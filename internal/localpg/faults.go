//go:build linux

package localpg

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"time"
)

// killWait bounds how long killed processes may take to disappear and free
// the port.
const killWait = 10 * time.Second

// Pause stops the server: the postmaster first, so that it starts no new
// process, then every process it started (backends, background workers).
// When Pause returns, none of them runs. Clients' connections stay open;
// what they send waits in socket buffers, and new connections wait in the
// listen queue, until Resume. Pausing a paused server does nothing.
func (s *Server) Pause() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.running(); err != nil || s.paused != nil {
		return err
	}
	dog, err := startWatchdog()
	if err != nil {
		return fmt.Errorf("localpg: pause: %w", err)
	}
	s.paused, err = stopTree(s.pm.proc, dog.guard)
	s.dog = dog
	if err != nil {
		return fmt.Errorf("localpg: pause: %w", errors.Join(err, s.resume()))
	}
	return nil
}

// Resume continues what Pause stopped: the postmaster's children first and
// the postmaster last, so that no new session starts before every old one
// runs again. Resuming a running server does nothing.
func (s *Server) Resume() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.running(); err != nil {
		return err
	}
	if err := s.resume(); err != nil {
		return fmt.Errorf("localpg: resume: %w", err)
	}
	return nil
}

// Kill kills the server as a crash would: the postmaster and every process
// it started, with SIGKILL, paused or not. It returns once they have exited
// and the port is free. The data directory stays, for Restart. Killing a
// killed server does nothing.
func (s *Server) Kill() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	if err := s.kill(); err != nil {
		return fmt.Errorf("localpg: kill: %w", err)
	}
	return nil
}

// Restart kills the server if it runs, then starts it again on the same
// data directory and port, and waits until it accepts connections, which
// it does after crash recovery. ctx bounds the wait, which gives up after
// a minute in any case.
func (s *Server) Restart(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	if err := s.kill(); err != nil {
		return fmt.Errorf("localpg: restart: %w", err)
	}
	if err := s.start(ctx); err != nil {
		return fmt.Errorf("localpg: restart on %s: %w", s.Addr(), err)
	}
	return nil
}

// running returns why the server cannot be paused or resumed, if it
// cannot.
func (s *Server) running() error {
	switch {
	case s.closed:
		return ErrClosed
	case s.pm == nil:
		return ErrNotRunning
	}
	return nil
}

// resume continues the paused processes, the last stopped first, and
// disarms the watchdog.
func (s *Server) resume() error {
	err := signalAll(s.paused, syscall.SIGCONT)
	s.paused = nil
	return errors.Join(err, s.disarm())
}

// kill kills the postmaster and its processes and waits until they are gone
// and the port is free. A postmaster still running is stopped first, so
// that it neither starts processes nor restarts killed ones meanwhile.
func (s *Server) kill() error {
	pm := s.pm
	if pm == nil {
		return nil
	}
	var err error
	victims := s.paused
	if victims == nil && !exited(pm) {
		victims, err = stopTree(pm.proc, func(proc) error { return nil })
	}
	_ = pm.cmd.Process.Kill()
	err = errors.Join(err, signalAll(victims, syscall.SIGKILL))
	select {
	case <-pm.exited:
	case <-time.After(killWait):
		err = errors.Join(err, fmt.Errorf("the postmaster (process %d) still runs %v after SIGKILL", pm.proc.pid, killWait))
	}
	err = errors.Join(err, awaitGone(victims, killWait), awaitPortFree(s.port, killWait), s.disarm())
	s.pm, s.paused = nil, nil
	return err
}

// disarm stops the watchdog, if there is one.
func (s *Server) disarm() error {
	if s.dog == nil {
		return nil
	}
	err := s.dog.disarm()
	s.dog = nil
	return err
}

// exited reports whether pm has exited.
func exited(pm *postmaster) bool {
	select {
	case <-pm.exited:
		return true
	default:
		return false
	}
}

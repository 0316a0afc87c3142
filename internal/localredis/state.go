package localredis

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// state is where a Server is in its life.
type state int

const (
	stopped state = iota // not started, killed, or exited by itself
	running
	paused
	closed
)

// start runs the server and waits until it answers PING; if it does not,
// it is killed and the error quotes its log. The caller holds s.mu.
func (s *Server) start(ctx context.Context) error {
	proc, err := spawn(s.bin, s.args, s.dir, s.logPath())
	if err != nil {
		return err
	}
	s.proc, s.state = proc, running
	s.client = redis.NewClient(adminOptions(s.Addr()))
	if err := waitFor(ctx, "redis-server on "+s.Addr()+" to answer PING", s.pingStarted); err != nil {
		s.stop()
		return fmt.Errorf("%w; its log ends with:\n%s", err, logTail(s.logPath()))
	}
	return nil
}

// pingStarted checks that the process that start launched answers PING.
func (s *Server) pingStarted(ctx context.Context) error {
	if s.proc.hasExited() {
		return permanent(fmt.Errorf("localredis: redis-server on %s exited at start (%v)", s.Addr(), s.proc.err))
	}
	return s.client.Ping(ctx).Err()
}

// stop kills and reaps the current run, if any. The caller holds s.mu.
func (s *Server) stop() {
	if s.proc != nil {
		s.proc.kill()
	}
	if s.client != nil {
		_ = s.client.Close()
		s.client = nil
	}
	if s.state != closed {
		s.state = stopped
	}
}

// sync notices a process that exited by itself and returns the state. The
// caller holds s.mu.
func (s *Server) sync() state {
	if (s.state == running || s.state == paused) && s.proc.hasExited() {
		s.stop()
	}
	return s.state
}

// need returns nil if the server is in state want, and otherwise an error
// saying why op cannot be done. The caller holds s.mu.
func (s *Server) need(op string, want state) error {
	switch s.state {
	case want:
		return nil
	case closed:
		return fmt.Errorf("localredis: %s %s: %w", op, s.Addr(), ErrClosed)
	case paused:
		return fmt.Errorf("localredis: %s %s: %w (it is paused; Resume it first)", op, s.Addr(), ErrNotRunning)
	case running:
		return fmt.Errorf("localredis: %s %s: it is running", op, s.Addr())
	}
	why := "it was killed; Restart it first"
	if s.proc != nil && !s.proc.killed {
		why = fmt.Sprintf("it exited by itself (%v); its log ends with:\n%s", s.proc.err, logTail(s.logPath()))
	}
	return fmt.Errorf("localredis: %s %s: %w (%s)", op, s.Addr(), ErrNotRunning, why)
}

// admin returns the admin connection if the server is running.
func (s *Server) admin(op string) (*redis.Client, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sync()
	if err := s.need(op, running); err != nil {
		return nil, err
	}
	return s.client, nil
}

// isRunning reports whether the server is running (and so can answer).
func (s *Server) isRunning() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sync() == running
}

// adminOptions configure the package's own connections: no retries, and
// deadlines taken from the caller's context.
func adminOptions(addr string) *redis.Options {
	return &redis.Options{
		Addr:                  addr,
		Protocol:              2,
		DisableIdentity:       true,
		MaxRetries:            -1,
		PoolSize:              2,
		DialTimeout:           time.Second,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          30 * time.Second,
		ContextTimeoutEnabled: true,
	}
}

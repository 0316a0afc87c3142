package localredis

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
)

// Options configure a standalone [Server].
type Options struct {
	// Args are extra redis-server arguments. They come after the package's
	// defaults and so override them: {"--save", "60 1"} turns snapshots on,
	// {"--replicaof", "127.0.0.1", port} makes the server a replica.
	Args []string
}

// state is where a Server is in its life.
type state int

const (
	stopped state = iota // not started, killed, or exited by itself
	running
	paused
	closed
)

// Server is one private redis-server process on 127.0.0.1 with a port and a
// directory of its own. See the package documentation for its faults and
// states.
type Server struct {
	bin   string
	port  int
	ports []int    // reserved for it: the port, and a cluster node's bus port
	dir   string   // holds dump.rdb, redis.log, snapshots, nodes.conf
	args  []string // the command line of every run

	mu     sync.Mutex
	state  state
	proc   *process      // the current run; nil before the first
	client *redis.Client // admin connection to the current run
	saves  int           // snapshots taken, to name their files
}

// serverSpec is what differs between a standalone server, a cluster node
// and a sentinel.
type serverSpec struct {
	port   int      // already reserved; 0 reserves one
	bus    bool     // reserve the cluster bus port as well
	config string   // non-empty: written to redis.conf and loaded first
	mode   []string // arguments right after the config file, e.g. --sentinel
	data   bool     // apply the data-server defaults (no persistence...)
	args   []string // extra arguments, last
}

// StartServer starts a standalone server and waits until it answers PING.
func StartServer(ctx context.Context, opts Options) (*Server, error) {
	return startServer(ctx, serverSpec{data: true, args: opts.Args})
}

// startServer reserves a port (unless sp has one) and a directory for sp and
// starts it. On failure everything is released, sp.port included.
func startServer(ctx context.Context, sp serverSpec) (_ *Server, err error) {
	s := &Server{port: sp.port}
	defer func() {
		if err != nil {
			_ = s.Close()
		}
	}()
	if s.port == 0 {
		if s.port, err = reservePort(sp.bus); err != nil {
			return nil, err
		}
	}
	s.ports = []int{s.port}
	if sp.bus {
		s.ports = append(s.ports, s.port+busOffset)
	}
	if s.bin, err = binaryPath(); err != nil {
		return nil, err
	}
	if s.dir, err = os.MkdirTemp("", "localredis-"+strconv.Itoa(s.port)+"-"); err != nil {
		return nil, fmt.Errorf("localredis: make a directory: %w", err)
	}
	if s.args, err = s.commandLine(sp); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.start(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// startAll starts a server for each spec at once. It returns those that
// started, in order, and the errors of the others.
func startAll(ctx context.Context, specs []serverSpec) ([]*Server, error) {
	servers := make([]*Server, len(specs))
	errs := make([]error, len(specs))
	var wg sync.WaitGroup
	for i, sp := range specs {
		wg.Go(func() { servers[i], errs[i] = startServer(ctx, sp) })
	}
	wg.Wait()
	return slices.DeleteFunc(servers, func(s *Server) bool { return s == nil }), errors.Join(errs...)
}

// commandLine builds the arguments of every run of s, writing the config
// file first if sp has one.
func (s *Server) commandLine(sp serverSpec) ([]string, error) {
	var args []string
	if sp.config != "" {
		conf := filepath.Join(s.dir, "redis.conf")
		if err := os.WriteFile(conf, []byte(sp.config), 0o644); err != nil {
			return nil, fmt.Errorf("localredis: write %s: %w", conf, err)
		}
		args = append(args, conf)
	}
	args = append(args, sp.mode...)
	args = append(args,
		"--port", strconv.Itoa(s.port), "--bind", "127.0.0.1", "--protected-mode", "no",
		"--dir", s.dir, "--logfile", s.logPath(), "--daemonize", "no")
	if sp.data {
		args = append(args, "--dbfilename", "dump.rdb", "--save", "", "--appendonly", "no",
			"--repl-diskless-sync-delay", "0")
	}
	return append(args, sp.args...), nil
}

// Addr returns the server's address, "127.0.0.1:PORT". It never changes.
func (s *Server) Addr() string { return "127.0.0.1:" + strconv.Itoa(s.port) }

func (s *Server) logPath() string  { return filepath.Join(s.dir, "redis.log") }
func (s *Server) dumpPath() string { return filepath.Join(s.dir, "dump.rdb") }

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
		return fmt.Errorf("%w; its log (%s) ends with:\n%s", err, s.logPath(), logTail(s.logPath()))
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

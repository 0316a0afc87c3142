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

	"github.com/redis/go-redis/v9"
)

// Options configure a standalone [Server].
type Options struct {
	// Args are extra redis-server arguments. They come after the package's
	// defaults and so override them: {"--save", "60 1"} turns snapshots on,
	// {"--replicaof", "127.0.0.1", port} makes the server a replica.
	Args []string
}

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

//go:build linux

package localpg

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/jackc/pgx/v5"
)

// ErrClosed is returned by the methods of a closed [Server].
var ErrClosed = errors.New("localpg: server closed")

// ErrNotRunning is returned by [Server.Pause] and [Server.Resume] after
// [Server.Kill] and before [Server.Restart].
var ErrNotRunning = errors.New("localpg: server not running (killed)")

// portAttempts is how many ports Start tries when another process takes
// the one it picked before the server binds it.
const portAttempts = 5

// Options configure [Start]. The zero value is ready to use.
type Options struct {
	// BinDir is the directory holding initdb and postgres. Empty means
	// /usr/lib/postgresql/<major>/bin for the highest major installed.
	BinDir string

	// Settings are server settings (postgresql.conf names and values)
	// applied after, and so overriding, the package's defaults. The
	// listening addresses, port and socket directory are the package's.
	Settings map[string]string
}

// Server is a private PostgreSQL server. Its methods are safe for
// concurrent use; each waits for the one before it.
type Server struct {
	dir   string // temporary: data/, postgres.log and the Unix socket
	bin   string
	owner owner
	port  int
	extra map[string]string // Options.Settings

	mu     sync.Mutex
	pm     *postmaster // nil while killed
	paused []proc      // what Pause stopped, postmaster first
	dog    *watchdog   // guards paused
	closed bool
}

// Start makes a fresh cluster in a new temporary directory and starts a
// server on it, returning once the server accepts connections. ctx bounds
// the start only; the wait for the server gives up after a minute in any
// case. Close the server to remove it.
func Start(ctx context.Context, opts Options) (*Server, error) {
	s, err := prepare(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("localpg: %w", err)
	}
	for attempt := 1; ; attempt++ {
		if s.port, err = freePort(); err == nil {
			err = s.start(ctx)
		}
		if err == nil {
			return s, nil
		}
		if !errors.Is(err, errPortTaken) || attempt == portAttempts {
			return nil, errors.Join(fmt.Errorf("localpg: %w", err), s.Close())
		}
	}
}

// prepare finds the binaries and copies the template cluster into a new
// temporary directory owned by the server's user.
func prepare(ctx context.Context, opts Options) (*Server, error) {
	bin, err := binDir(opts.BinDir)
	if err != nil {
		return nil, err
	}
	o, err := serverOwner()
	if err != nil {
		return nil, err
	}
	tpl, err := template(ctx, bin, o)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "localpg-*")
	if err != nil {
		return nil, err
	}
	s := &Server{dir: dir, bin: bin, owner: o, extra: opts.Settings}
	if err := errors.Join(o.chown(dir), copyTree(tpl, s.dataDir(), o)); err != nil {
		return nil, errors.Join(fmt.Errorf("copy the template cluster: %w", err), os.RemoveAll(dir))
	}
	return s, nil
}

// Addr returns the server's TCP address, "127.0.0.1:PORT". It stays the
// same across Restart.
func (s *Server) Addr() string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
}

// URL returns a connection URL for database as the superuser postgres,
// who needs no password. The database "postgres" always exists; make
// others with CreateDatabase.
func (s *Server) URL(database string) string {
	return fmt.Sprintf("postgres://postgres@%s/%s?sslmode=disable", s.Addr(), url.PathEscape(database))
}

// CreateDatabase creates the database name and returns its URL.
func (s *Server) CreateDatabase(ctx context.Context, name string) (string, error) {
	conn, err := pgx.Connect(ctx, s.URL("postgres"))
	if err != nil {
		return "", fmt.Errorf("localpg: create database %s: %w", name, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", fmt.Errorf("localpg: create database %s: %w", name, err)
	}
	return s.URL(name), nil
}

// Close kills the server (resuming nothing: a paused server is killed as
// it is) and removes its directory. Only the first call does anything;
// later calls return nil.
func (s *Server) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	err := s.kill()
	removeSharedMemory(s.dataDir())
	if rmErr := os.RemoveAll(s.dir); rmErr != nil {
		err = errors.Join(err, rmErr)
	}
	if err != nil {
		return fmt.Errorf("localpg: close: %w", err)
	}
	return nil
}

// dataDir returns the cluster's directory.
func (s *Server) dataDir() string { return filepath.Join(s.dir, "data") }

// logPath returns the server's log file.
func (s *Server) logPath() string { return filepath.Join(s.dir, "postgres.log") }

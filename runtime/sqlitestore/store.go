package sqlitestore

import (
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // the database/sql driver "sqlite"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// The defaults of Options.
const (
	DefaultPollInterval = 50 * time.Millisecond
	DefaultBusyTimeout  = 5 * time.Second
	DefaultWriteTimeout = 30 * time.Second
)

// Options configures a Store. The zero value is valid.
type Options struct {
	// PollInterval is how often Listen asks SQLite whether another
	// connection (of this process or another) has committed, so it
	// bounds how long a change takes to reach a started client in
	// another process. Zero means DefaultPollInterval (50 ms).
	PollInterval time.Duration

	// BusyTimeout is how long a statement waits for a lock that another
	// connection holds before it fails with SQLITE_BUSY: reads (which in
	// WAL mode rarely wait), Resolve, EnsureSchema and NewEpoch. Apply
	// waits for the write lock as long as its own time limit allows
	// instead. Zero means DefaultBusyTimeout (5 s).
	BusyTimeout time.Duration

	// WriteTimeout bounds an Apply even when its context has no deadline
	// (a context's deadline bounds it too, whichever comes first): its
	// wait for the write lock, its statements, and its commit. Zero means
	// DefaultWriteTimeout (30 s); a negative value leaves Apply bounded
	// only by its context.
	WriteTimeout time.Duration

	// MustExist makes Open fail, with an error matching
	// runtime.ErrMisconfigured, when the file does not exist, rather than
	// create it at first use.
	MustExist bool

	// Logger receives the store's warnings: a new epoch started because
	// the file went back. Nil means slog.Default().
	Logger *slog.Logger
}

// Store is a runtime.Store and runtime.Notifier kept in one SQLite file.
// It is safe for concurrent use; several Stores, in one process or in
// several, may share a file. Close it when done.
type Store struct {
	path         string // absolute
	r            *sql.DB
	w            *sql.DB // one connection: this process's writes queue for it
	mark         *mark   // the highest position this process has seen in the file
	pollInterval time.Duration
	busyTimeout  time.Duration
	writeTimeout time.Duration // negative: none
	log          *slog.Logger
}

var (
	_ runtime.Store    = (*Store)(nil)
	_ runtime.Notifier = (*Store)(nil)
)

// Open returns a Store on the SQLite file at path. It does not touch the
// file (unless Options.MustExist, when it checks that it exists): call
// EnsureSchema before first use, which creates the file and its tables,
// or upgrades them.
func Open(path string, opts Options) (*Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sysconfig/sqlitestore: open %s: %w", path, err)
	}
	if opts.MustExist {
		if _, err := os.Stat(abs); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				err = runtime.Misconfigured(err)
			}
			return nil, fmt.Errorf("sysconfig/sqlitestore: open: %w", err)
		}
	}
	opts = withDefaults(opts)
	mode := "rwc"
	if opts.MustExist {
		mode = "rw"
	}
	s := &Store{path: abs, mark: markOf(abs), pollInterval: opts.PollInterval,
		busyTimeout: opts.BusyTimeout, writeTimeout: opts.WriteTimeout, log: opts.Logger}
	s.r, err = sql.Open("sqlite", dsn(abs, mode, opts.BusyTimeout))
	if err == nil {
		s.w, err = sql.Open("sqlite", dsn(abs, mode, opts.BusyTimeout))
	}
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("sysconfig/sqlitestore: open %s: %w", abs, err)
	}
	s.w.SetMaxOpenConns(1)
	s.w.SetConnMaxIdleTime(0)
	return s, nil
}

// withDefaults fills in the zero values of opts.
func withDefaults(opts Options) Options {
	if opts.PollInterval <= 0 {
		opts.PollInterval = DefaultPollInterval
	}
	if opts.BusyTimeout <= 0 {
		opts.BusyTimeout = DefaultBusyTimeout
	}
	if opts.WriteTimeout == 0 {
		opts.WriteTimeout = DefaultWriteTimeout
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return opts
}

// dsn names the file for the driver as an SQLite URI: opened in mode
// (rwc creates it, rw does not), with a busy timeout, and with every
// transaction begun IMMEDIATE, taking the write lock at once (the store
// opens transactions only to write).
func dsn(path, mode string, busy time.Duration) string {
	q := url.Values{}
	q.Set("mode", mode)
	q.Set("_pragma", fmt.Sprintf("busy_timeout(%d)", busy.Milliseconds()))
	q.Set("_txlock", "immediate")
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path), RawQuery: q.Encode()}
	return u.String()
}

// Path returns the absolute path of the store's file.
func (s *Store) Path() string { return s.path }

// Close closes the store's connections. Listen calls still running fail
// and retry until their contexts end; end them first.
func (s *Store) Close() error {
	var errs []error
	for _, db := range []*sql.DB{s.r, s.w} {
		if db != nil {
			errs = append(errs, db.Close())
		}
	}
	return errors.Join(errs...)
}

// micros is t in microseconds since the Unix epoch, as the store keeps times.
func micros(t time.Time) int64 { return t.UnixMicro() }

// fromMicros is the time of a stored number of microseconds.
func fromMicros(us int64) time.Time { return time.UnixMicro(us) }

// Table names, as the migrations create them.
const (
	metaTable       = "sysconfig_meta"
	migrationsTable = "sysconfig_migrations"
)

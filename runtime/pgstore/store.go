package pgstore

import (
	"hash/fnv"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// DefaultChannel is the NOTIFY channel used when Options.Channel is empty.
const DefaultChannel = "sysconfig"

// DefaultWriteTimeout is how long an Apply's transaction may last when
// Options.WriteTimeout is zero.
const DefaultWriteTimeout = 30 * time.Second

// Table and function names, created in Options.Schema by the migrations
// and functions.sql (see EnsureSchema).
const (
	valuesTable       = "sysconfig_values"
	historyTable      = "sysconfig_history"
	changesTable      = "sysconfig_changes"
	metaTable         = "sysconfig_meta"
	migrationsTable   = "sysconfig_migrations"
	versionSequence   = "sysconfig_version"
	conflictFunc      = "sysconfig_conflict"
	checkDeadlineFunc = "sysconfig_check_deadline"
	awaitWritersFunc  = "sysconfig_await_writers"
)

// ddlLockKey is the advisory lock key EnsureSchema takes, the same for
// every Store in a database (the writers' locks: see appKeySQL).
var ddlLockKey = int64(hash64("sysconfig: EnsureSchema"))

// Options configures a Store. The zero value is valid.
type Options struct {
	// Schema is the Postgres schema holding the tables. Empty (the default)
	// means the connection's search_path: tables are looked up through it,
	// and EnsureSchema creates them in its first schema.
	Schema string

	// Channel is the channel Apply notifies on. Empty means DefaultChannel
	// ("sysconfig"). Postgres limits channel names to 63 bytes.
	Channel string

	// NotifyVersionsOnly makes Apply's notifications carry where each
	// change stands (epoch and versions) but not its records, so that no
	// value, not even a sealed secret, travels to listeners: any role that
	// can connect to the database can LISTEN on any channel, whatever it
	// may SELECT. Every listening client then reads each change with
	// Since, one query per client per change. False (the default) sends
	// the records of every change that fits in MaxNotificationSize.
	NotifyVersionsOnly bool

	// NoNotify makes Apply send no notification at all. Set it when every
	// client of the store hears of changes another way — its
	// runtime.Options.Notifier is a rediscache.Notifier — and the store's
	// own Listen is not used: Listen then fails with an error matching
	// runtime.ErrMisconfigured. Postgres makes each transaction that
	// notifies hold a lock on its notification queue, one for the whole
	// server, while its commit is flushed to disk, so the commits of
	// concurrent writers that notify follow one another; without the
	// notification they are flushed together (the README's figure 16
	// measures both).
	NoNotify bool

	// WriteTimeout bounds how long the transaction of one Apply may last
	// on the server, even when the caller's context has no deadline (a
	// context's deadline bounds it too, whichever comes first): a lock
	// wait or a statement still running then is aborted, and the
	// transaction rolls back. Zero means DefaultWriteTimeout (30 s);
	// a negative value leaves Apply bounded only by its context.
	WriteTimeout time.Duration

	// ListenConfig is where Listen connects. Nil (the default) means a
	// connection like the pool's: its ConnConfig, through its BeforeConnect
	// and AfterConnect hooks. Behind a connection pooler, set it to a
	// direct connection to Postgres (to the same database): Listen refuses
	// to LISTEN through a pooler. It must have been made by
	// pgx.ParseConfig (or ParseConfigWithOptions); New copies it. The
	// pool's hooks are not used with it.
	ListenConfig *pgx.ConnConfig

	// PoolerKeepsStatements tells EnsureSchema that the connection pooler
	// the pool goes through, if any, keeps each client's prepared
	// statements from one transaction to the next (PgBouncer in session
	// mode, or 1.21 and later with max_prepared_statements set), so that
	// pgx's statement cache is safe behind it. Without it, EnsureSchema
	// refuses such a pool (see "Behind a connection pooler" in the package
	// documentation).
	PoolerKeepsStatements bool

	// Logger receives the listener's refusal to LISTEN through a
	// connection pooler, once per Store. Nil means slog.Default().
	Logger *slog.Logger
}

// Store is a runtime.Store backed by Postgres. It is safe for concurrent use.
//
// The pool belongs to the caller: the Store never closes it, and has no
// Close method of its own.
type Store struct {
	pool         *pgxpool.Pool
	schema       string
	channel      string
	writeTimeout time.Duration // negative: none
	versionsOnly bool          // Options.NotifyVersionsOnly
	notify       bool          // !Options.NoNotify
	q            queries
	m            migrationQueries
	log          *slog.Logger

	listenConfig          *pgx.ConnConfig // nil: the pool's
	poolerKeepsStatements bool
	refusedListen         atomic.Bool // the listener's refusal has been logged

	listenIdle time.Duration // zero: defaultListenIdle; set by tests
}

var _ runtime.Store = (*Store)(nil)

// New returns a Store that keeps its tables in opts.Schema and talks to
// Postgres through pool. It does not touch the database: call EnsureSchema
// (or apply the migrations by hand, see Migrations) before first use.
func New(pool *pgxpool.Pool, opts Options) *Store {
	if opts.Channel == "" {
		opts.Channel = DefaultChannel
	}
	if opts.WriteTimeout == 0 {
		opts.WriteTimeout = DefaultWriteTimeout
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.ListenConfig != nil {
		opts.ListenConfig = opts.ListenConfig.Copy()
	}
	return &Store{
		pool:                  pool,
		schema:                opts.Schema,
		channel:               opts.Channel,
		writeTimeout:          opts.WriteTimeout,
		versionsOnly:          opts.NotifyVersionsOnly,
		notify:                !opts.NoNotify,
		q:                     newQueries(opts.Schema),
		m:                     newMigrationQueries(opts.Schema),
		log:                   opts.Logger,
		listenConfig:          opts.ListenConfig,
		poolerKeepsStatements: opts.PoolerKeepsStatements,
	}
}

// Channel returns the channel Apply notifies on; LISTEN to it to hear of
// changes (see Notification).
func (s *Store) Channel() string { return s.channel }

// qualify returns the quoted name of a table or function in schema, or the
// quoted bare name (resolved through the search_path) when schema is empty.
func qualify(schema, name string) string {
	if schema == "" {
		return pgx.Identifier{name}.Sanitize()
	}
	return pgx.Identifier{schema, name}.Sanitize()
}

func hash64(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

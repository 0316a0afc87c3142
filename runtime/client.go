package runtime

import (
	"errors"
	"log/slog"
	"time"
)

// Client serves one app's configuration from a Store, through an optional
// shared Cache and an in-process snapshot. It is safe for concurrent use;
// build one per process with NewClient, call Start, and share it.
type Client struct {
	*core
	frozen *snapshot // set on the views returned by Snapshot
}

// core is the state shared by a client and its snapshot views. The client
// coordinates parts that each own their state: the codec (stored form ↔
// state), the guarded cache (nil without one; breaker, probe, refills),
// the snapshots (records in, changes out), the syncer (position,
// reconcile, listener) and the hook set (hooks and their event queue).
// The read path (read.go) and the write path (write.go, change.go) are the
// client's own.
type core struct {
	schema *Schema
	store  Store
	log    *slog.Logger
	opts   Options

	codec     codec
	cache     *cacheLayer // nil when there is no cache
	snaps     snapshots   // by value: a read reaches the snapshot in one load less
	syncer    *syncer
	publisher *publisher // nil unless the notifier is a Publisher
	hooks     *hookSet
	epochs    *epochs // the newest store epoch the client has seen

	flights flightGroup
	floors  floors // what a client without a snapshot has served
	pins    pins   // fields pinned by the environment (Options.Env)

	meter clientMeter // what Stats reports of the read and write paths
}

// Defaults of Options.
const (
	DefaultStalenessBound = 5 * time.Second
	DefaultLoadTimeout    = 5 * time.Second
	DefaultWriteTimeout   = 10 * time.Second
	DefaultResolveTimeout = 50 * time.Millisecond
	DefaultCacheTimeout   = 100 * time.Millisecond
	DefaultCacheRetry     = time.Second
)

// Options configures a Client. The zero value is valid; each field documents
// its default.
type Options struct {
	// Cache is the shared cache in front of the store; nil means none.
	Cache Cache
	// Logger receives the Client's warnings (cache outages, corrupt cache
	// entries, failing hooks, lost store connections). Nil means
	// slog.Default().
	Logger *slog.Logger
	// StalenessBound is the longest a value the client serves as current
	// may lag behind the store: a cache entry is trusted for this long
	// after its value was read from the store, and a snapshot is current
	// while its last sync with the store is no older. Past it, the client
	// asks the store; when the store cannot answer it serves the last
	// value it knows, reported with SourceStale. Zero means
	// DefaultStalenessBound (5 s).
	StalenessBound time.Duration
	// LoadTimeout bounds a store load shared by concurrent readers of one
	// field, and each background sync. It runs detached from any one
	// reader's context, so that a reader giving up does not fail the others.
	// Zero means DefaultLoadTimeout (5 s).
	LoadTimeout time.Duration
	// WriteTimeout bounds every write (Set, Reset, SetMany, RotateSecrets)
	// when the caller's context allows longer or has no deadline. Zero
	// means DefaultWriteTimeout (10 s).
	WriteTimeout time.Duration
	// ResolveTimeout is how long a write whose outcome the store left
	// unknown spends asking the store whether it committed, after its
	// deadline, before it returns an *OutcomeUnknownError. Zero means
	// DefaultResolveTimeout (50 ms).
	ResolveTimeout time.Duration
	// CacheTimeout bounds each call to the cache on the read and write
	// paths, separately from the caller's deadline: a cache slower than
	// this counts as failed, and the client serves from the store. Bulk
	// calls (a cold start, a refill) get LoadTimeout. Zero means
	// DefaultCacheTimeout (100 ms).
	CacheTimeout time.Duration
	// CacheRetryInterval is how long the client serves without the cache
	// after a cache failure before it probes the cache again, and then
	// between probes; each probe, in the background, may take as long (at
	// least CacheTimeout). Zero means DefaultCacheRetry (1 s).
	CacheRetryInterval time.Duration
	// MaxValueSize is the largest value a write accepts, in bytes of its
	// canonical text (before a secret is sealed): a larger one is an
	// invalid value (ErrInvalid). Zero means DefaultMaxValueSize (64 KiB).
	MaxValueSize int
	// Env, when set, pins fields for this process from its environment:
	// os.LookupEnv reads the process's. A field whose variable is set —
	// the one its schema names (env:), else value.EnvVar of its path,
	// such as SHOP__SITE__TITLE — reads as the variable's value, with
	// SourceEnv, whatever is stored; this client refuses to write it
	// (ErrPinned); its change hooks do not run in this process. The
	// stored value and other processes are unaffected. NewClient parses
	// and validates every variable set, as a write would: one that does
	// not pass is an *EnvError (ErrInvalid) and no client is made. Nil,
	// the default, pins nothing.
	Env func(name string) (string, bool)
	// DisableSnapshot makes every read go through the cache (and the store
	// on a miss), as before Start; Start then only marks the client ready.
	DisableSnapshot bool
	// Secrets seals the values of secret fields before they are stored or
	// cached (see the keyring package). A schema with secret fields needs
	// one: without it, writing a secret and reading a set secret fail with
	// an error matching ErrSecret, and NewClient logs a warning.
	Secrets Sealer
	// ReconcileInterval is how often, give or take a fifth (at random, so
	// that processes do not ask together), a started client asks the
	// store whether anything changed that it has not heard of — one
	// cheap query when the store is a HeadReader, then Since only if so
	// — which bounds staleness when a notice is lost or there is no
	// notifier. Zero means two fifths of StalenessBound (2 s by
	// default), so that a snapshot stays current through one failed
	// reconcile.
	ReconcileInterval time.Duration
	// Notifier tells a started client of the changes other processes
	// commit (see Notifier). Nil, the default, means the store itself
	// when it is one: the Postgres store's LISTEN, which holds one
	// Postgres connection per started client outside the pool. Set it
	// to a rediscache.Notifier to hear of changes through Redis pub/sub
	// instead, with no Postgres connection of its own; every process
	// that writes must then use it too (the CLI does when given a Redis
	// URL), since a Publisher's notices are sent by the writer: a change
	// written without it reaches the others at their next reconcile.
	// A client whose notifier is a Publisher publishes every change it
	// commits, started or not.
	Notifier Notifier
}

// NewClient returns a Client serving schema from store, the source of truth.
// It does no I/O: until Start, reads go through the cache and the store.
func NewClient(schema *Schema, store Store, opts Options) (*Client, error) {
	if schema == nil || store == nil {
		return nil, errors.New("sysconfig: NewClient needs a schema and a store")
	}
	opts = opts.withDefaults()
	pins, err := loadPins(schema, opts.Env, opts.MaxValueSize)
	if err != nil {
		return nil, err
	}
	c := &Client{core: &core{
		schema: schema,
		store:  store,
		log:    opts.Logger,
		opts:   opts,
		codec:  codec{secrets: opts.Secrets},
		hooks:  newHookSet(opts.Logger),
		epochs: &epochs{},
		floors: floors{n: len(schema.fields)},
		pins:   pins,
	}}
	c.cache = newCacheLayer(opts.Cache, opts, schema.app, c.loadAll)
	c.snaps.schema, c.snaps.codec, c.snaps.pins = schema, c.codec, pins
	notifier := notifierOf(store, opts.Notifier)
	head, _ := store.(HeadReader)
	c.publisher = newPublisher(notifier, schema.app, opts)
	c.syncer = &syncer{store: store, notifier: notifier, head: head, app: schema.app, opts: opts, log: opts.Logger,
		snaps: &c.snaps, hooks: c.hooks, cache: c.cache, epochs: c.epochs, fields: c.allFields()}
	c.warnIfNoSecrets()
	return c, nil
}

// notifierOf returns the notifier a client uses: opt, else the store when
// it is a Notifier (or a VersionNotifier), else none.
func notifierOf(store Store, opt Notifier) Notifier {
	if opt != nil {
		return opt
	}
	switch n := store.(type) {
	case Notifier:
		return n
	case VersionNotifier:
		return VersionsOnly(n)
	}
	return nil
}

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	o.StalenessBound = orDefault(o.StalenessBound, DefaultStalenessBound)
	o.LoadTimeout = orDefault(o.LoadTimeout, DefaultLoadTimeout)
	o.WriteTimeout = orDefault(o.WriteTimeout, DefaultWriteTimeout)
	o.ResolveTimeout = orDefault(o.ResolveTimeout, DefaultResolveTimeout)
	o.CacheTimeout = orDefault(o.CacheTimeout, DefaultCacheTimeout)
	o.CacheRetryInterval = orDefault(o.CacheRetryInterval, DefaultCacheRetry)
	o.ReconcileInterval = orDefault(o.ReconcileInterval, o.StalenessBound*2/5)
	if o.MaxValueSize <= 0 {
		o.MaxValueSize = DefaultMaxValueSize
	}
	return o
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// Schema returns the schema the client serves.
func (c *Client) Schema() *Schema { return c.schema }

// Exists reports whether path names a field of the client's schema.
func (c *Client) Exists(path string) bool {
	_, ok := c.schema.byPath[path]
	return ok
}

// CorruptEntries returns how many malformed or undecodable cache entries
// the client has dropped and reloaded from the store.
func (c *Client) CorruptEntries() int64 { return c.cache.corruptEntries() }

// lookup returns the field at path.
func (c *Client) lookup(path string) (*fieldInfo, error) {
	d, ok := c.schema.byPath[path]
	if !ok {
		return nil, &UnknownPathError{Path: path}
	}
	return d.field(), nil
}

// allFields returns every field of the schema, in order.
func (c *Client) allFields() []*fieldInfo {
	fields := make([]*fieldInfo, len(c.schema.fields))
	for i, d := range c.schema.fields {
		fields[i] = d.field()
	}
	return fields
}

// owns reports whether f was declared in the client's schema.
func (c *Client) owns(f *fieldInfo) bool {
	return f.sec != nil && f.sec.schema == c.schema
}

// view returns the snapshot reads are served from, or nil when there is none.
func (c *Client) view() *snapshot {
	if c.frozen != nil {
		return c.frozen
	}
	return c.snaps.load()
}

// Snapshot returns a view of the client frozen at the current snapshot: all
// reads through it see one consistent state, which suits one request.
// Writes through it go to the store as usual (and show in later views, not
// in this one). Before Start, or with DisableSnapshot, it returns c itself.
func (c *Client) Snapshot() *Client {
	s := c.view()
	if s == nil {
		return c
	}
	return &Client{core: c.core, frozen: s}
}

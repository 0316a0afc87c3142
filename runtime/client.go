package runtime

import (
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Client serves one app's configuration from a Store, through an optional
// shared Cache and an in-process snapshot. It is safe for concurrent use;
// build one per process with NewClient, call Start, and share it.
type Client struct {
	*core
	pinned *snapshot // set on the views returned by Snapshot
}

// core is the state shared by a client and its snapshot views.
type core struct {
	schema *Schema
	store  Store
	cache  Cache
	log    *slog.Logger
	opts   Options

	flights flightGroup
	health  cacheHealth
	corrupt atomic.Int64

	hooksMu sync.RWMutex
	hooks   map[string][]HookFunc // by path; "" holds hooks for every path

	snap   atomic.Pointer[snapshot] // nil until Start; never mutated once stored
	snapMu sync.Mutex               // serialises snapshot replacement
	sync   syncState
}

// Options configures a Client. The zero value is valid; each field documents
// its default.
type Options struct {
	// Cache is the shared cache in front of the store; nil means none.
	Cache Cache
	// Logger receives the Client's warnings (cache outages, corrupt cache
	// entries, failing hooks, lost store connections). Nil means
	// slog.Default().
	Logger *slog.Logger
	// LoadTimeout bounds a store load shared by concurrent readers of one
	// field, and each background sync. It runs detached from any one
	// reader's context, so that a reader giving up does not fail the others.
	// Zero means 5 s.
	LoadTimeout time.Duration
	// CacheRetryInterval is how long the client serves without the cache
	// after a cache failure before it probes the cache again. Zero means 1 s.
	CacheRetryInterval time.Duration
	// DisableSnapshot makes every read go through the cache (and the store
	// on a miss), as before Start; Start then only marks the client ready.
	DisableSnapshot bool
	// Secrets seals the values of secret fields before they are stored or
	// cached (see the keyring package). A schema with secret fields needs
	// one: without it, writing a secret and reading a set secret fail with
	// an error matching ErrSecret, and NewClient logs a warning.
	Secrets Sealer
	// ReconcileInterval is how often a started client asks the store for
	// changes it has not heard of, which bounds staleness when a
	// notification is lost or the store is not a Notifier. Zero means 2 s.
	ReconcileInterval time.Duration
}

// NewClient returns a Client serving schema from store, the source of truth.
// It does no I/O: until Start, reads go through the cache and the store.
func NewClient(schema *Schema, store Store, opts Options) (*Client, error) {
	if schema == nil || store == nil {
		return nil, errors.New("sysconfig: NewClient needs a schema and a store")
	}
	opts = opts.withDefaults()
	c := &Client{core: &core{
		schema: schema,
		store:  store,
		cache:  opts.Cache,
		log:    opts.Logger,
		opts:   opts,
		hooks:  map[string][]HookFunc{},
	}}
	c.warnIfNoSecrets()
	return c, nil
}

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.LoadTimeout <= 0 {
		o.LoadTimeout = 5 * time.Second
	}
	if o.CacheRetryInterval <= 0 {
		o.CacheRetryInterval = time.Second
	}
	if o.ReconcileInterval <= 0 {
		o.ReconcileInterval = 2 * time.Second
	}
	return o
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
func (c *Client) CorruptEntries() int64 { return c.corrupt.Load() }

// lookup returns the field at path.
func (c *Client) lookup(path string) (*fieldInfo, error) {
	d, ok := c.schema.byPath[path]
	if !ok {
		return nil, &UnknownPathError{Path: path}
	}
	return d.field(), nil
}

// owns reports whether f was declared in the client's schema.
func (c *Client) owns(f *fieldInfo) bool {
	return f.sec != nil && f.sec.schema == c.schema
}

// view returns the snapshot reads are served from, or nil when there is none.
func (c *Client) view() *snapshot {
	if c.pinned != nil {
		return c.pinned
	}
	return c.snap.Load()
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
	return &Client{core: c.core, pinned: s}
}

package runtime

import (
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Client serves one app's configuration from a Store, through an optional
// shared Cache. It is safe for concurrent use; build one per process and
// share it.
type Client struct {
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
}

// Options configures a Client. The zero value is valid: no cache,
// slog.Default() for logging, a 5 s timeout for shared store loads, a 1 s
// pause before retrying a failed cache.
type Options struct {
	// Cache is the shared cache in front of the store; nil means none.
	Cache Cache
	// Logger receives the Client's warnings (cache outages, corrupt cache
	// entries, failing hooks). Nil means slog.Default().
	Logger *slog.Logger
	// LoadTimeout bounds a store load shared by concurrent readers of one
	// field. It runs detached from any one reader's context, so that a
	// reader giving up does not fail the others. Zero means 5 s.
	LoadTimeout time.Duration
	// CacheRetryInterval is how long the client serves from the store alone
	// after a cache failure before it tries the cache again. Zero means 1 s.
	CacheRetryInterval time.Duration
}

// NewClient returns a Client serving schema from store, the source of truth.
func NewClient(schema *Schema, store Store, opts Options) (*Client, error) {
	if schema == nil || store == nil {
		return nil, errors.New("sysconfig: NewClient needs a schema and a store")
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.LoadTimeout <= 0 {
		opts.LoadTimeout = 5 * time.Second
	}
	if opts.CacheRetryInterval <= 0 {
		opts.CacheRetryInterval = time.Second
	}
	return &Client{
		schema: schema,
		store:  store,
		cache:  opts.Cache,
		log:    opts.Logger,
		opts:   opts,
		hooks:  map[string][]HookFunc{},
	}, nil
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

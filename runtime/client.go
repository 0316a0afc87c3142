package runtime

import (
	"context"
	"errors"
)

// Client serves one app's configuration. (Implementation in progress.)
type Client struct {
	schema *Schema
	store  Store
	opts   Options
}

// Options configures a Client. The zero value is valid.
type Options struct {
	// Cache is the shared cache in front of the store; nil means none.
	Cache Cache
}

// NewClient returns a Client serving schema from store.
func NewClient(schema *Schema, store Store, opts Options) (*Client, error) {
	return &Client{schema: schema, store: store, opts: opts}, nil
}

// Schema returns the schema the client serves.
func (c *Client) Schema() *Schema { return c.schema }

// Get returns the field's current value: the override if one is set, else
// the default.
func (f *Field[T]) Get(ctx context.Context, c *Client) (T, error) {
	var zero T
	return zero, errors.New("not implemented")
}

// Set validates v and stores it as the field's override.
func (f *Field[T]) Set(ctx context.Context, c *Client, v T) error {
	return errors.New("not implemented")
}

// Reset removes the field's override so that reads return the default.
func (f *Field[T]) Reset(ctx context.Context, c *Client) error {
	return errors.New("not implemented")
}

package runtime

import (
	"context"
	"slices"

	"github.com/go-sysconfig/sysconfig/runtime/value"
)

// Get returns the field's effective value: its override if one is set, else
// its default. A backend failure is returned as an error, never replaced by
// the default.
//
// On a started client the value comes from the in-process snapshot: no I/O,
// no lock and, but for string lists, no allocation. A field pinned by the
// environment (Options.Env) reads as its variable's value.
func (f *Field[T]) Get(ctx context.Context, c *Client) (T, error) {
	if s := c.view(); s != nil && c.owns(&f.info) {
		sl := s.at(f.info.index)
		if sl.err != nil {
			var zero T
			return zero, sl.err
		}
		return f.copy(sl.value.(T)), nil
	}
	st, err := c.readField(ctx, &f.info)
	if err != nil {
		var zero T
		return zero, err
	}
	return f.copy(st.value.(T)), nil
}

// Lookup returns the field's value with its version and source (snapshot,
// cache, store, stale or default), for debugging and health pages.
func (f *Field[T]) Lookup(ctx context.Context, c *Client) (Value, error) {
	st, err := c.readField(ctx, &f.info)
	if err != nil {
		return Value{}, err
	}
	return newValue(&f.info, st), nil
}

// IsSet reports whether the field has an override.
func (f *Field[T]) IsSet(ctx context.Context, c *Client) (bool, error) {
	st, err := c.readField(ctx, &f.info)
	return st.set, err
}

// Set validates v and stores it as the field's override.
func (f *Field[T]) Set(ctx context.Context, c *Client, v T) error {
	return c.SetMany(ctx, f.Assign(v))
}

// Reset removes the field's override so that reads return the default.
func (f *Field[T]) Reset(ctx context.Context, c *Client) error {
	return c.SetMany(ctx, f.Unassign())
}

// Assign returns an update setting the field to v, for SetMany.
func (f *Field[T]) Assign(v T) Update {
	return Update{path: f.info.path, value: f.copy(v)}
}

// Unassign returns an update removing the field's override, for SetMany.
func (f *Field[T]) Unassign() Update { return Unassign(f.info.path) }

func (c *Client) readField(ctx context.Context, f *fieldInfo) (state, error) {
	if !c.owns(f) {
		return state{}, &UnknownPathError{Path: f.path}
	}
	return c.read(ctx, f)
}

// Value is a field's value as tools see it.
type Value struct {
	Path    string
	Kind    value.Kind
	Value   any   // typed as the field's Go type; a value.Secret for secrets
	Set     bool  // an override exists; false means Value is the default
	Epoch   int64 // the store's epoch the version belongs to (see Record)
	Version int64 // the stored version; 0 if never written in the epoch
	Source  Source
}

// Text returns the value's canonical text form; value.Redacted for secrets.
func (v Value) Text() string {
	if v.Kind == value.KindSecret {
		return value.Redacted
	}
	return value.Format(v.Kind, v.Value)
}

func newValue(f *fieldInfo, st state) Value {
	v := st.value
	if list, ok := v.([]string); ok {
		v = slices.Clone(list)
	}
	return Value{Path: f.path, Kind: f.kind, Value: f.toBaseIfSelect(v), Set: st.set, Epoch: st.epoch, Version: st.version, Source: st.source}
}

// Get returns the value of the field at path.
func (c *Client) Get(ctx context.Context, path string) (Value, error) {
	f, err := c.lookup(path)
	if err != nil {
		return Value{}, err
	}
	st, err := c.read(ctx, f)
	if err != nil {
		return Value{}, err
	}
	return newValue(f, st), nil
}

// Set parses text as the value of the field at path, validates it and
// stores it.
func (c *Client) Set(ctx context.Context, path, text string) error {
	return c.SetMany(ctx, AssignText(path, text))
}

// Reset removes the override of the field at path.
func (c *Client) Reset(ctx context.Context, path string) error {
	return c.SetMany(ctx, Unassign(path))
}

// IsSet reports whether the field at path has an override.
func (c *Client) IsSet(ctx context.Context, path string) (bool, error) {
	v, err := c.Get(ctx, path)
	return v.Set, err
}

// All returns every field's value in declaration order, reading with one
// cache round trip and at most one store round trip.
func (c *Client) All(ctx context.Context) ([]Value, error) {
	return c.values(ctx, c.schema.fields)
}

// Section returns the values of the named section's fields.
func (c *Client) Section(ctx context.Context, name string) ([]Value, error) {
	sec, err := c.schema.section(name)
	if err != nil {
		return nil, err
	}
	return c.values(ctx, sec.fields)
}

func (c *Client) values(ctx context.Context, ds []Descriptor) ([]Value, error) {
	fields := make([]*fieldInfo, len(ds))
	for i, d := range ds {
		fields[i] = d.field()
	}
	sts, err := c.readMany(ctx, fields)
	if err != nil {
		return nil, err
	}
	vals := make([]Value, len(fields))
	for i, f := range fields {
		vals[i] = newValue(f, sts[i])
	}
	return vals, nil
}

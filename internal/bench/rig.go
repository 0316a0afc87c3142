package main

import (
	"context"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/pgstore"
)

// rig is what the in-process figures share: the run's context, servers and
// store. Each figure's body builds its own clients, so that no background
// work of one figure runs during another.
type rig struct {
	ctx   context.Context
	env   *env
	store *pgstore.Store

	sqlite    *sqliteRig // rows 5c and 15; nil if it could not be set up
	sqliteErr error      // why not
}

// newRig creates the sysconfig tables and the raw baseline table in the
// run's schema, and an SQLite file of its own (whose failure fails rows
// 5c and 15 only). The caller closes it.
func newRig(ctx context.Context, e *env) (*rig, error) {
	r := &rig{ctx: ctx, env: e, store: e.store()}
	if err := r.store.EnsureSchema(ctx); err != nil {
		return nil, err
	}
	_, err := e.pool.Exec(ctx, `CREATE TABLE raw_values (path text PRIMARY KEY, value text, version bigint);
		INSERT INTO raw_values VALUES ('bench.main.title', 'Some title', 1)`)
	if err == nil {
		r.sqlite, r.sqliteErr = newSQLiteRig(ctx)
	}
	return r, err
}

// close removes what newRig made outside the servers: the SQLite file.
func (r *rig) close() {
	if r.sqlite != nil {
		r.sqlite.close()
	}
}

// client builds a client of schema over the rig's store and a cache under
// the prefix sub, and starts it: with the snapshot unless noSnapshot.
// The caller closes it.
func (r *rig) client(schema *runtime.Schema, sub string, noSnapshot bool) (*runtime.Client, error) {
	return r.start(schema, r.store, runtime.Options{Cache: r.env.cache(sub), DisableSnapshot: noSnapshot})
}

// start builds a client of schema over store with opts and starts it. The
// caller closes it.
func (r *rig) start(schema *runtime.Schema, store runtime.Store, opts runtime.Options) (*runtime.Client, error) {
	c, err := runtime.NewClient(schema, store, opts)
	if err != nil {
		return nil, err
	}
	if err := c.Start(r.ctx); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

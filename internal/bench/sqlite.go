package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/sqlitestore"
)

// maxSQLitePropagationP99 is row 15's target: the poll interval and 10 ms.
const maxSQLitePropagationP99 = sqlitestore.DefaultPollInterval + 10*time.Millisecond

// sqliteRig is the SQLite store of rows 5c and 15: a file, with the
// store's default options, in a directory of its own that close removes.
type sqliteRig struct {
	dir   string
	file  string
	store *sqlitestore.Store
}

// newSQLiteRig sets up a fresh file in the system's temporary directory.
func newSQLiteRig(ctx context.Context) (*sqliteRig, error) {
	dir, err := os.MkdirTemp("", "sysconfig-bench-")
	if err != nil {
		return nil, fmt.Errorf("SQLite store: %w", err)
	}
	sr := &sqliteRig{dir: dir, file: filepath.Join(dir, "bench.db")}
	sr.store, err = sqlitestore.Open(sr.file, sqlitestore.Options{})
	if err == nil {
		err = sr.store.EnsureSchema(ctx)
	}
	if err != nil {
		sr.close()
		return nil, fmt.Errorf("SQLite store: %w", err)
	}
	return sr, nil
}

// close closes the store and removes its directory.
func (sr *sqliteRig) close() {
	if sr.store != nil {
		_ = sr.store.Close()
	}
	_ = os.RemoveAll(sr.dir)
}

// sqliteWrite is row 5c: a typed Set on a started client over the SQLite
// store, without a cache, as an app on one host runs it: validate, one
// write transaction (change row, upsert, history row, counter), its
// commit synced to disk, and the client's own snapshot.
func (r *rig) sqliteWrite(b *testing.B) error {
	if r.sqlite == nil {
		return r.sqliteErr
	}
	c, err := runtime.NewClient(benchSchema, r.sqlite.store, runtime.Options{})
	if err == nil {
		err = c.Start(r.ctx)
	}
	if err != nil {
		return err
	}
	defer c.Close()
	return r.setCounts(b, c)
}

// measureSQLitePropagation writes writes values, spaced apart, to the
// file through an unstarted client (as a command-line tool's), watched by
// one follower process that opens the same file and hears of commits
// through the store's poll, with its reconcile off (so that only the poll
// delivers).
func (sr *sqliteRig) measureSQLitePropagation(ctx context.Context, writes int, spacing time.Duration,
	stderr io.Writer) (propagation, error) {
	o := followerOptions{sqlite: sr.file, reconcile: time.Hour}
	f, err := startFleet(ctx, o, 1, 0, int64(writes), stderr)
	defer f.stop()
	if err != nil {
		return propagation{}, err
	}
	c, err := runtime.NewClient(propSchema, sr.store, runtime.Options{})
	if err != nil {
		return propagation{}, err
	}
	sent, err := writeSpaced(ctx, c, 0, writes, spacing)
	if err != nil {
		return propagation{}, err
	}
	return f.watch(sent)
}

// sqlitePropagation measures row 15.
func (rep *report) sqlitePropagation(r *rig, progress io.Writer) {
	if r.sqlite == nil {
		rep.fail("15", r.sqliteErr)
		return
	}
	s := rep.settings
	fmt.Fprintf(progress, "SQLite propagation: %d writes watched by 1 follower process on the file\n", s.writes)
	p, err := r.sqlite.measureSQLitePropagation(r.ctx, s.writes, s.spacing, &lockedWriter{w: progress})
	if err != nil {
		rep.fail("15", err)
		return
	}
	rep.set("15", sqlitePropagationResult(p))
}

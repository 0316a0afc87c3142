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

// maxSQLitePropagationP99 is row 6b's target: the poll interval and 10 ms.
const maxSQLitePropagationP99 = sqlitestore.DefaultPollInterval + 10*time.Millisecond

// sqliteRig is the SQLite store of rows 5c and 6b: a file, with the
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
		return nil, err
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

// side is figure 6b's: the file, no cache.
func (sr *sqliteRig) side() side {
	return side{store: sr.store, args: []string{"-sqlite", sr.file}}
}

// sqliteWrite is figure 5c: a typed Set on a started client over the
// SQLite store, without a cache, as an app on one host runs it: validate,
// one write transaction (change row, upsert, history row, counter), its
// commit synced to disk, and the client's own snapshot.
func (r *rig) sqliteWrite(b *testing.B) error {
	if r.sqlite == nil {
		return fmt.Errorf("no SQLite store: %w", r.sqliteErr)
	}
	c, err := runtime.NewClient(benchSchema, r.sqlite.store, runtime.Options{})
	if err == nil {
		err = c.Start(r.ctx)
	}
	if err != nil {
		return err
	}
	defer c.Close()
	var i int64
	for b.Loop() {
		i++
		if err := countField.Set(r.ctx, c, i); err != nil {
			return err
		}
	}
	return nil
}

// besideResult shows s, a baseline, with its ratio to other's median.
func besideResult(s, other series) result {
	measured, detail := timed(s)
	ratio := s.median().ns / other.median().ns
	return result{measured: fmt.Sprintf("%s = %.2f× row 5b", measured, ratio), detail: detail, verdict: isBaseline}
}

// sqlitePropagation measures row 6b with a follower process on the file.
func (rep *report) sqlitePropagation(r *rig, progress io.Writer) {
	if r.sqlite == nil {
		rep.fail("6b", fmt.Errorf("no SQLite store: %w", r.sqliteErr))
		return
	}
	s := rep.settings
	fmt.Fprintf(progress, "SQLite propagation: %d writes, watched by a follower process\n", s.writes)
	p, err := measurePropagation(r.ctx, r.sqlite.side(), s.writes, s.spacing, progress)
	if err != nil {
		rep.fail("6b", err)
		return
	}
	res := propagationResult(p)
	p99, ok := p.percentile(0.99)
	res.verdict = judge(ok && p99 <= maxSQLitePropagationP99)
	rep.set("6b", res)
}

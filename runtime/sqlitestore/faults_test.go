package sqlitestore_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"modernc.org/sqlite"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/sqlitestore"
)

var ctx = context.Background()

func set(path, value string) runtime.Write { return runtime.Write{Path: path, Value: value} }

func change(writes ...runtime.Write) runtime.Change {
	return runtime.Change{ID: runtime.NewChangeID(), App: "app", Writes: writes}
}

func mustApply(t *testing.T, s runtime.Store, writes ...runtime.Write) []runtime.Applied {
	t.Helper()
	applied, err := s.Apply(ctx, change(writes...))
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	return applied
}

func mustLoad(t *testing.T, s runtime.Store, path string) runtime.Record {
	t.Helper()
	recs, err := s.Load(ctx, []string{path})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return recs[0]
}

// raw opens the file as another program would, with every transaction
// taking the write lock at once.
func raw(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_txlock=immediate&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// holdWriteLock takes the file's write lock on a connection of its own and
// returns the function that releases it.
func holdWriteLock(t *testing.T, db *sql.DB) (release func()) {
	t.Helper()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatalf("take the write lock: %v", err)
	}
	return func() { _ = tx.Rollback() }
}

// committed reports whether the store lists the change as committed.
func committed(t *testing.T, s runtime.Store, id string) bool {
	t.Helper()
	sets, err := s.Changes(ctx, "app", runtime.ChangeQuery{ID: id, Limit: 1})
	if err != nil {
		t.Fatalf("Changes: %v", err)
	}
	return len(sets) == 1
}

// TestLockedFileIsNotCommitted: a write that cannot get the write lock
// before its time limit fails, is not unknown, and never commits; Resolve
// then fences it, the same change sent again fails, and a new one commits
// once the lock is free. Both limits are tried: the context's deadline and
// Options.WriteTimeout.
func TestLockedFileIsNotCommitted(t *testing.T) {
	path := newFile(t)
	s := open(t, path, sqlitestore.Options{WriteTimeout: 150 * time.Millisecond})
	release := holdWriteLock(t, raw(t, path))

	byCtx := change(set("app.s.a", "ctx"))
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	_, err := s.Apply(short, byCtx)
	if err == nil || errors.Is(err, runtime.ErrOutcomeUnknown) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Apply past its deadline on a locked file = %v, want a failure matching context.DeadlineExceeded", err)
	}
	byTimeout := change(set("app.s.a", "timeout"))
	if _, err := s.Apply(ctx, byTimeout); err == nil || errors.Is(err, runtime.ErrOutcomeUnknown) {
		t.Fatalf("Apply past WriteTimeout on a locked file = %v, want a failure", err)
	}
	release()

	for _, ch := range []runtime.Change{byCtx, byTimeout} {
		if res, err := s.Resolve(ctx, "app", ch.ID); err != nil || res.Committed {
			t.Fatalf("Resolve(%s) = %+v, %v; want not committed", ch.Writes[0].Value, res, err)
		}
		if _, err := s.Apply(ctx, ch); err == nil {
			t.Errorf("the fenced change %s committed when sent again", ch.Writes[0].Value)
		}
	}
	if r := mustLoad(t, s, "app.s.a"); r.Set {
		t.Errorf("after the failed writes: %+v, want nothing written", r)
	}
	if got := mustApply(t, s, set("app.s.a", "later"))[0].New; got.Value != "later" {
		t.Errorf("a write once the lock is free wrote %+v", got)
	}
}

// TestFailedWritesNeverCommit plays writes with short, random deadlines
// against another connection that takes and releases the write lock at
// random: every write reported failed must be absent, every one reported
// done present, and none unknown.
func TestFailedWritesNeverCommit(t *testing.T) {
	path := newFile(t)
	s := open(t, path, sqlitestore.Options{})
	db := raw(t, path)
	stop := make(chan struct{})
	var locker sync.WaitGroup
	locker.Go(func() { lockAtRandom(t, db, stop) })

	type outcome struct {
		id  string
		err error
	}
	var mu sync.Mutex
	var outcomes []outcome
	var writers sync.WaitGroup
	for w := range 6 {
		writers.Go(func() {
			for i := range 30 {
				ch := change(set(fmt.Sprintf("app.s.w%d", w), fmt.Sprint(i)))
				c, cancel := context.WithTimeout(ctx, time.Duration(1+rand.IntN(25))*time.Millisecond)
				_, err := s.Apply(c, ch)
				cancel()
				mu.Lock()
				outcomes = append(outcomes, outcome{ch.ID, err})
				mu.Unlock()
			}
		})
	}
	writers.Wait()
	close(stop)
	locker.Wait()

	failed := 0
	for _, o := range outcomes {
		if errors.Is(o.err, runtime.ErrOutcomeUnknown) {
			t.Errorf("change %s: outcome unknown on a local file: %v", o.id, o.err)
		}
		if o.err != nil {
			failed++
		}
		if got := committed(t, s, o.id); got != (o.err == nil) {
			t.Errorf("change %s: reported %v, committed %v", o.id, o.err, got)
		}
	}
	t.Logf("%d writes, %d failed", len(outcomes), failed)
	if failed == 0 || failed == len(outcomes) {
		t.Errorf("%d of %d writes failed: the schedule tested nothing", failed, len(outcomes))
	}
}

// lockAtRandom takes the write lock for 0–20 ms, then leaves it for 0–10
// ms, until stop closes.
func lockAtRandom(t *testing.T, db *sql.DB, stop chan struct{}) {
	for {
		select {
		case <-stop:
			return
		default:
		}
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Errorf("locker: %v", err)
			return
		}
		time.Sleep(time.Duration(rand.IntN(20)) * time.Millisecond)
		_ = tx.Rollback()
		time.Sleep(time.Duration(rand.IntN(10)) * time.Millisecond)
	}
}

// TestRestoredCopyStartsNewEpoch restores an older copy of the file, as
// SQLite's backup API (the sqlite3 shell's .restore) does, under a running
// store and its notifier: the store moves the file to a new epoch before
// it hands out anything, Since from the old position returns everything,
// and the notifier asks for a resync. Then the file is replaced by the
// copy while no store has it open, and a store opened again in this
// process detects that too.
func TestRestoredCopyStartsNewEpoch(t *testing.T) {
	dir := t.TempDir()
	path, backup := filepath.Join(dir, "live.db"), filepath.Join(dir, "backup.db")
	s := open(t, path, sqlitestore.Options{})
	n := open(t, path, sqlitestore.Options{PollInterval: 5 * time.Millisecond})
	heard, stop := listen(t, n)
	mustApply(t, s, set("app.s.a", "1"), set("app.s.b", "1"))
	other := raw(t, path)
	if _, err := other.Exec("VACUUM INTO ?", backup); err != nil {
		t.Fatal(err)
	}
	later := mustApply(t, s, set("app.s.a", "2"), set("app.s.b", "2"))[1].New
	heard.waitFor(t, func(v int64) bool { return v == later.Version })
	from := runtime.Position{Epoch: later.Epoch, Version: later.Version}

	restore(t, other, backup)
	r := mustLoad(t, s, "app.s.a")
	if r.Epoch <= later.Epoch || r.Value != "1" {
		t.Fatalf("after the restore: %+v, want the restored value in an epoch after %d", r, later.Epoch)
	}
	d, err := s.Since(ctx, "app", from)
	if err != nil || !d.Full || len(d.Records) != 2 {
		t.Errorf("Since(%+v) after the restore = %+v, %v; want both records, Full", from, d, err)
	}
	heard.waitFor(t, func(v int64) bool { return v == 0 && heard.count(0) >= 2 })

	epoch := r.Epoch
	mustApply(t, s, set("app.s.a", "3"), set("app.s.b", "3"))
	stop()
	for _, c := range []io.Closer{s, n, other} {
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
	replaceFile(t, path, backup)
	again := open(t, path, sqlitestore.Options{})
	if r := mustLoad(t, again, "app.s.a"); r.Epoch <= epoch || r.Value != "1" {
		t.Errorf("reopened on the older copy: %+v, want the copy's value in an epoch after %d", r, epoch)
	}
}

// restore copies backup into the live file through SQLite's backup API.
func restore(t *testing.T, db *sql.DB, backup string) {
	t.Helper()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		r, ok := dc.(interface {
			NewRestore(string) (*sqlite.Backup, error)
		})
		if !ok {
			return errors.New("the driver's connection has no NewRestore")
		}
		b, err := r.NewRestore(backup)
		if err != nil {
			return err
		}
		for more := true; more; { // Step reports true while pages remain
			if more, err = b.Step(-1); err != nil {
				_ = b.Finish()
				return err
			}
		}
		return b.Finish()
	})
	if err != nil {
		t.Fatalf("restore: %v", err)
	}
}

// replaceFile puts a copy of backup in place of the file at path, and
// removes the file's log, as a restore by file copy does.
func replaceFile(t *testing.T, path, backup string) {
	t.Helper()
	b, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{path + "-wal", path + "-shm"} {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestRecreatedFileStartsNewEpoch: a file deleted and set up again is in
// a later epoch, even in a process that never saw the old one.
func TestRecreatedFileStartsNewEpoch(t *testing.T) {
	path := newFile(t)
	s := open(t, path, sqlitestore.Options{})
	old := mustApply(t, s, set("app.s.a", "1"))[0].New
	_ = s.Close()
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		_ = os.Remove(f)
	}
	again := open(t, path, sqlitestore.Options{})
	if r := mustLoad(t, again, "app.s.a"); r.Epoch <= old.Epoch || r.Set {
		t.Errorf("on the recreated file: %+v, want nothing, in an epoch after %d", r, old.Epoch)
	}
}

// TestMetaRowDeleted: without its meta row the store is misconfigured;
// EnsureSchema puts it back in a new epoch with the counter above every
// version in the file, so versions stay unique.
func TestMetaRowDeleted(t *testing.T) {
	path := newFile(t)
	s := open(t, path, sqlitestore.Options{})
	old := mustApply(t, s, set("app.s.a", "1"), set("app.s.b", "1"))[1].New
	if _, err := raw(t, path).Exec("DELETE FROM sysconfig_meta"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(ctx, []string{"app.s.a"}); !errors.Is(err, runtime.ErrMisconfigured) {
		t.Fatalf("Load without the meta row = %v, want ErrMisconfigured", err)
	}
	if err := s.EnsureSchema(ctx); err != nil {
		t.Fatal(err)
	}
	next := mustApply(t, s, set("app.s.a", "2"))[0].New
	if next.Epoch <= old.Epoch || next.Version <= old.Version {
		t.Errorf("first write after the meta row came back: %+v, want after epoch %d and version %d", next, old.Epoch, old.Version)
	}
}

// TestMisconfigured: a missing file with MustExist, a file never set up,
// a file that is not a database, and a file migrated by a newer version
// of this package are errors matching ErrMisconfigured (the last a
// *SchemaTooNewError).
func TestMisconfigured(t *testing.T) {
	dir := t.TempDir()
	if _, err := sqlitestore.Open(filepath.Join(dir, "missing.db"), sqlitestore.Options{MustExist: true}); !errors.Is(err, runtime.ErrMisconfigured) {
		t.Errorf("Open(a missing file, MustExist) = %v, want ErrMisconfigured", err)
	}
	bare, err := sqlitestore.Open(filepath.Join(dir, "bare.db"), sqlitestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer bare.Close()
	if _, err := bare.Load(ctx, []string{"app.s.a"}); !errors.Is(err, runtime.ErrMisconfigured) {
		t.Errorf("Load before EnsureSchema = %v, want ErrMisconfigured", err)
	}
	junk := filepath.Join(dir, "junk.db")
	if err := os.WriteFile(junk, []byte("this is not an SQLite database, not even close to one........"), 0o600); err != nil {
		t.Fatal(err)
	}
	j, err := sqlitestore.Open(junk, sqlitestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if err := j.EnsureSchema(ctx); !errors.Is(err, runtime.ErrMisconfigured) {
		t.Errorf("EnsureSchema on a file that is not a database = %v, want ErrMisconfigured", err)
	}
	newer := newFile(t)
	s := open(t, newer, sqlitestore.Options{})
	if _, err := raw(t, newer).Exec("INSERT INTO sysconfig_migrations VALUES (999, 'future', 0)"); err != nil {
		t.Fatal(err)
	}
	var tooNew *sqlitestore.SchemaTooNewError
	if err := s.EnsureSchema(ctx); !errors.As(err, &tooNew) || tooNew.File != 999 {
		t.Errorf("EnsureSchema on a file from the future = %v, want a *SchemaTooNewError", err)
	}
}

// TestEnsureSchemaConcurrently: processes that set the file up at once
// all succeed, and the migrations run once.
func TestEnsureSchemaConcurrently(t *testing.T) {
	path := newFile(t)
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			s, err := sqlitestore.Open(path, sqlitestore.Options{})
			if err != nil {
				t.Error(err)
				return
			}
			defer s.Close()
			if err := s.EnsureSchema(ctx); err != nil {
				t.Errorf("EnsureSchema: %v", err)
			}
		})
	}
	wg.Wait()
	var n int
	if err := raw(t, path).QueryRow("SELECT count(*) FROM sysconfig_migrations").Scan(&n); err != nil || n != len(sqlitestore.Migrations()) {
		t.Errorf("%d migrations recorded (%v), want %d", n, err, len(sqlitestore.Migrations()))
	}
}

// TestConcurrentReadsKeepTheEpoch: reads that began before a commit of
// this process see the file at an older position than the process has
// seen since; that is no restore, and must never start an epoch.
func TestConcurrentReadsKeepTheEpoch(t *testing.T) {
	s := open(t, newFile(t), sqlitestore.Options{})
	epoch := mustApply(t, s, set("app.s.w0", "0"))[0].New.Epoch
	stop := time.Now().Add(500 * time.Millisecond)
	var wg sync.WaitGroup
	for w := range 3 {
		wg.Go(func() {
			for i := 0; time.Now().Before(stop); i++ {
				if _, err := s.Apply(ctx, change(set(fmt.Sprintf("app.s.w%d", w), fmt.Sprint(i)))); err != nil {
					t.Errorf("Apply: %v", err)
					return
				}
			}
		})
	}
	for range 4 {
		wg.Go(func() {
			for time.Now().Before(stop) {
				d, err := s.Since(ctx, "app", runtime.Position{Epoch: epoch})
				if err != nil || d.At.Epoch != epoch {
					t.Errorf("Since during writes = epoch %d, %v; want the epoch %d", d.At.Epoch, err, epoch)
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestListenRecovers: when the notifier's reads fail (here the meta table
// is renamed away under it), it retries by itself; once they succeed
// again it asks for a resync (notify(0)) and goes on reporting commits.
func TestListenRecovers(t *testing.T) {
	path := newFile(t)
	s := open(t, path, sqlitestore.Options{})
	heard, _ := listen(t, open(t, path, sqlitestore.Options{PollInterval: 5 * time.Millisecond}))
	heard.waitFor(t, func(v int64) bool { return v == 0 })
	db := raw(t, path)
	for round := 1; round <= 3; round++ {
		resyncs := heard.count(0)
		if _, err := db.Exec("ALTER TABLE sysconfig_meta RENAME TO sysconfig_meta_away"); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond) // the notifier fails and retries meanwhile
		if _, err := db.Exec("ALTER TABLE sysconfig_meta_away RENAME TO sysconfig_meta"); err != nil {
			t.Fatal(err)
		}
		heard.waitFor(t, func(int64) bool { return heard.count(0) > resyncs })
		v := mustApply(t, s, set("app.s.a", fmt.Sprint(round)))[0].New.Version
		heard.waitFor(t, func(got int64) bool { return got == v })
	}
}

// TestHead: Head is where Since from the zero position arrives, for each
// app, and moves with every write of the app only.
func TestHead(t *testing.T) {
	s := open(t, newFile(t), sqlitestore.Options{})
	check := func(what string) {
		t.Helper()
		for _, app := range []string{"app", "other"} {
			head, err := s.Head(ctx, app)
			d, err2 := s.Since(ctx, app, runtime.Position{})
			if err != nil || err2 != nil || head != d.At {
				t.Errorf("%s: Head(%s) = %+v, %v; Since reaches %+v, %v", what, app, head, err, d.At, err2)
			}
		}
	}
	check("empty")
	mustApply(t, s, set("app.s.a", "1"), set("app.s.b", "1"))
	check("after a write of app")
	if _, err := s.Apply(ctx, runtime.Change{ID: runtime.NewChangeID(), App: "other", Writes: []runtime.Write{set("other.s.a", "x")}}); err != nil {
		t.Fatal(err)
	}
	check("after a write of another app")
}

// TestTwoStoresShareTheFile: writers of two stores on one file (separate
// connections, locked against each other as separate processes are) race
// to create the same path and write others: exactly one create wins,
// every version is handed out once, and each store's Since sees every
// write of both.
func TestTwoStoresShareTheFile(t *testing.T) {
	path := newFile(t)
	stores := []*sqlitestore.Store{open(t, path, sqlitestore.Options{}), open(t, path, sqlitestore.Options{})}
	var mu sync.Mutex
	wins, versions := 0, map[int64]bool{}
	var wg sync.WaitGroup
	for i := range 12 {
		wg.Go(func() {
			s := stores[i%2]
			_, err := s.Apply(ctx, change(runtime.Write{Path: "app.s.created", Value: fmt.Sprint(i), CheckVersion: true}))
			applied, err2 := s.Apply(ctx, change(set(fmt.Sprintf("app.s.w%d", i), "x")))
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				wins++
			} else if !errors.Is(err, runtime.ErrConflict) {
				t.Errorf("create %d: %v", i, err)
			}
			if err2 != nil {
				t.Errorf("write %d: %v", i, err2)
				return
			}
			if v := applied[0].New.Version; versions[v] {
				t.Errorf("version %d handed out twice", v)
			} else {
				versions[v] = true
			}
		})
	}
	wg.Wait()
	if wins != 1 {
		t.Errorf("%d creates of one path won, want 1", wins)
	}
	for i, s := range stores {
		if d, err := s.Since(ctx, "app", runtime.Position{}); err != nil || len(d.Records) != 13 {
			t.Errorf("store %d: Since = %d records, %v; want 13", i, len(d.Records), err)
		}
	}
}

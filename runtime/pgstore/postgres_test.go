package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/go-sysconfig/sysconfig/internal/testenv"
	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/pgstore"
	"github.com/go-sysconfig/sysconfig/runtime/runtimetest"
)

// These tests run against the real Postgres (see internal/testenv); they
// fail, saying how to start it, when it is unreachable.

// newStore returns a store with its tables in a fresh schema, notifying on
// a channel of its own (channels are shared by the whole database), and its
// pool, whose search_path is that schema.
func newStore(t testing.TB) (*pgstore.Store, *pgxpool.Pool) {
	t.Helper()
	pool, schema := testenv.Postgres(t)
	s := pgstore.New(pool, pgstore.Options{Schema: schema, Channel: "sysconfig_test_" + testenv.Unique()})
	if err := s.EnsureSchema(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	return s, pool
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func set(path, value string) runtime.Write { return runtime.Write{Path: path, Value: value} }

func reset(path string) runtime.Write { return runtime.Write{Path: path, Reset: true} }

func expect(w runtime.Write, version int64) runtime.Write {
	w.CheckVersion, w.Version = true, version
	return w
}

// epochOf returns the store's epoch.
func epochOf(t *testing.T, s *pgstore.Store) int64 {
	t.Helper()
	epoch, err := s.Epoch(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	return epoch
}

// change returns a new change of app with writes.
func change(app string, writes ...runtime.Write) runtime.Change {
	return runtime.Change{ID: runtime.NewChangeID(), App: app, Writes: writes}
}

func mustApply(t *testing.T, s runtime.Store, app string, writes ...runtime.Write) []runtime.Applied {
	t.Helper()
	got, err := s.Apply(testCtx(t), change(app, writes...))
	if err != nil {
		t.Fatalf("Apply(%s, %+v): %v", app, writes, err)
	}
	return got
}

func mustLoad(t *testing.T, s runtime.Store, paths ...string) []runtime.Record {
	t.Helper()
	got, err := s.Load(testCtx(t), paths)
	if err != nil {
		t.Fatalf("Load(%v): %v", paths, err)
	}
	return got
}

// TestConformance runs the shared Store contract suite, on a fresh schema
// per subtest.
func TestConformance(t *testing.T) {
	runtimetest.TestStore(t, func(t *testing.T) runtime.Store {
		s, _ := newStore(t)
		return s
	})
}

// TestNotifierConformance runs the shared Notifier contract suite: the
// store is its own notifier, on a channel of its own per subtest.
func TestNotifierConformance(t *testing.T) {
	runtimetest.TestNotifier(t, func(t *testing.T) (runtime.Store, runtime.Notifier) {
		s, _ := newStore(t)
		return s, s
	})
}

func TestRoundTrip(t *testing.T) {
	s, _ := newStore(t)
	got := mustApply(t, s, "app", set("app.site.title", "Hello"), set("app.site.rate", "1.5"))
	epoch := got[0].New.Epoch
	if got[0].Old != (runtime.Record{Path: "app.site.title", Epoch: epoch}) || !got[0].New.Set || got[0].New.Value != "Hello" {
		t.Errorf("Applied[0] = %+v", got[0])
	}
	loaded := mustLoad(t, s, "app.site.rate", "app.missing.x", "app.site.title")
	want := []runtime.Record{got[1].New, {Path: "app.missing.x", Epoch: epoch}, got[0].New}
	assertRecords(t, loaded, want)
	all, err := s.Since(testCtx(t), "app", runtime.Position{})
	if err != nil {
		t.Fatal(err)
	}
	assertRecords(t, all.Records, []runtime.Record{got[0].New, got[1].New})
}

func TestOverwriteReportsOld(t *testing.T) {
	s, _ := newStore(t)
	first := mustApply(t, s, "app", set("app.a.b", "1"))[0].New
	second := mustApply(t, s, "app", set("app.a.b", "2"))[0]
	if second.Old != first || second.New.Value != "2" || second.New.Version <= first.Version {
		t.Errorf("second write = %+v, first = %+v", second, first)
	}
}

func TestResetKeepsVersionedTombstone(t *testing.T) {
	s, _ := newStore(t)
	written := mustApply(t, s, "app", set("app.a.b", "x"))[0].New
	got := mustApply(t, s, "app", reset("app.a.b"), reset("app.a.never"))
	if got[0].Old != written || got[0].New.Set || got[0].New.Version <= written.Version {
		t.Errorf("reset = %+v", got[0])
	}
	loaded := mustLoad(t, s, "app.a.b", "app.a.never")
	assertRecords(t, loaded, []runtime.Record{got[0].New, got[1].New})
	if loaded[1].Version == 0 || loaded[1].Set {
		t.Errorf("reset of a never-written path = %+v, want a versioned tombstone", loaded[1])
	}
}

func TestVersionsIncreaseAcrossPaths(t *testing.T) {
	s, _ := newStore(t)
	var last int64
	for i := range 10 {
		path := fmt.Sprintf("app.s%d.f", i%3)
		for _, a := range mustApply(t, s, "app", set(path, "v"), set(path+"2", "w")) {
			if a.New.Version <= last {
				t.Fatalf("version %d after %d", a.New.Version, last)
			}
			last = a.New.Version
		}
	}
	other := mustApply(t, s, "other", set("other.a.b", "v"))[0]
	if other.New.Version <= last {
		t.Errorf("other app got version %d after %d", other.New.Version, last)
	}
}

func TestApplyIsAtomic(t *testing.T) {
	s, _ := newStore(t)
	old := mustApply(t, s, "app", set("app.a.two", "old"))[0].New
	_, err := s.Apply(testCtx(t), change("app",
		set("app.a.one", "new"),
		expect(set("app.a.two", "new"), old.Version+100),
		set("app.a.three", "new"),
	))
	var conflict *runtime.ConflictError
	if !errors.As(err, &conflict) || !errors.Is(err, runtime.ErrConflict) {
		t.Fatalf("Apply = %v, want a *runtime.ConflictError", err)
	}
	want := runtime.ConflictError{Path: "app.a.two", Expected: old.Version + 100, Actual: old.Version}
	if *conflict != want {
		t.Errorf("conflict = %+v, want %+v", *conflict, want)
	}
	assertRecords(t, mustLoad(t, s, "app.a.one", "app.a.two", "app.a.three"),
		[]runtime.Record{{Path: "app.a.one"}, old, {Path: "app.a.three"}})
	assertHistoryLen(t, s, "app.a.one", 0)
}

// TestApplyBackendError: a write Postgres refuses (text cannot hold NUL)
// fails the whole Apply, and gives its connection back to the pool.
func TestApplyBackendError(t *testing.T) {
	s, pool := newStore(t)
	_, err := s.Apply(testCtx(t), change("app", set("app.a.ok", "1"), set("app.a.bad", "nul\x00")))
	if err == nil || errors.Is(err, runtime.ErrConflict) {
		t.Fatalf("Apply = %v, want a backend error", err)
	}
	assertRecords(t, mustLoad(t, s, "app.a.ok", "app.a.bad"), []runtime.Record{{Path: "app.a.ok"}, {Path: "app.a.bad"}})
	if n := pool.Stat().AcquiredConns(); n != 0 {
		t.Errorf("%d connections still acquired after a failed Apply", n)
	}
	mustApply(t, s, "app", set("app.a.ok", "2"))
}

// TestApplyRoundTrips pins the write path's cost: an Apply is one batch,
// its COMMIT included, with or without a deadline; a failed one adds a
// ROLLBACK.
func TestApplyRoundTrips(t *testing.T) {
	tracer := &countingTracer{}
	s, _, _ := singleConnStore(t, pgstore.Options{}, tracer)
	mustApply(t, s, "app", expect(set("app.a.b", "0"), 0)) // prepares the statements
	tracer.check(t, "first write", -1, -1)
	v := mustApply(t, s, "app", set("app.a.b", "1"))[0].New.Version
	tracer.check(t, "write", 1, 0)
	v = mustApply(t, s, "app", expect(set("app.a.b", "2"), v))[0].New.Version
	tracer.check(t, "checked write", 1, 0)
	ctx, cancel := context.WithTimeout(testCtx(t), time.Minute)
	defer cancel()
	if _, err := s.Apply(ctx, change("app", expect(set("app.a.b", "3"), v), set("app.a.c", "3"))); err != nil {
		t.Fatal(err)
	}
	tracer.check(t, "write with a deadline", 1, 0)
	if _, err := s.Apply(testCtx(t), change("app", expect(set("app.a.b", "4"), v))); !errors.Is(err, runtime.ErrConflict) {
		t.Fatalf("stale write: %v, want a conflict", err)
	}
	tracer.check(t, "conflict", 1, 1)
}

// singleConnStore returns a store (with opts, in a fresh schema) whose pool
// has one connection, traced by tracer if not nil, so that a test can
// tell whether the connection is reused; and another pool on the same
// schema, for the test's own transactions.
func singleConnStore(t *testing.T, opts pgstore.Options, tracer pgx.QueryTracer) (*pgstore.Store, *pgxpool.Pool, *pgxpool.Pool) {
	t.Helper()
	other, schema := testenv.Postgres(t)
	cfg, err := pgxpool.ParseConfig(testenv.DatabaseURL())
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.Tracer = tracer
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	cfg.MaxConns = 1
	pool, err := pgxpool.NewWithConfig(testCtx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	opts.Schema = schema
	s := pgstore.New(pool, opts)
	if err := s.EnsureSchema(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	return s, pool, other
}

// countingTracer counts the batches and the other queries a pool sends.
type countingTracer struct{ batches, queries atomic.Int64 }

// check compares the counts (-1: any) and resets them.
func (c *countingTracer) check(t *testing.T, what string, batches, queries int64) {
	t.Helper()
	b, q := c.batches.Swap(0), c.queries.Swap(0)
	if (batches >= 0 && b != batches) || (queries >= 0 && q != queries) {
		t.Errorf("%s: %d batches and %d other queries, want %d and %d", what, b, q, batches, queries)
	}
}

func (c *countingTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.queries.Add(1)
	return ctx
}

func (c *countingTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (c *countingTracer) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	c.batches.Add(1)
	return ctx
}

func (c *countingTracer) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}

func (c *countingTracer) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

func TestCheckVersion(t *testing.T) {
	s, _ := newStore(t)
	created := mustApply(t, s, "app", expect(set("app.a.b", "1"), 0))[0].New
	if _, err := s.Apply(testCtx(t), change("app", expect(set("app.a.b", "2"), 0))); !errors.Is(err, runtime.ErrConflict) {
		t.Fatalf("create over an existing path: %v, want a conflict", err)
	}
	updated := mustApply(t, s, "app", expect(set("app.a.b", "2"), created.Version))[0].New
	tombstone := mustApply(t, s, "app", expect(reset("app.a.b"), updated.Version))[0].New
	mustApply(t, s, "app", expect(set("app.a.b", "3"), tombstone.Version))
}

// TestConcurrentFirstWrites races writers that all expect the path to be
// new: no row exists for FOR UPDATE to lock, yet exactly one may win.
func TestConcurrentFirstWrites(t *testing.T) {
	s, _ := newStore(t)
	const writers = 20
	errs := make(chan error, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			_, err := s.Apply(testCtx(t), change("app", expect(set("app.a.new", fmt.Sprint(i)), 0)))
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	wins := 0
	for err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, runtime.ErrConflict):
			t.Errorf("Apply: %v, want success or a conflict", err)
		}
	}
	if wins != 1 {
		t.Errorf("%d writers won, want exactly 1", wins)
	}
	assertHistoryLen(t, s, "app.a.new", 1)
}

func TestApplyRejectsBadWrites(t *testing.T) {
	s, _ := newStore(t)
	for name, tc := range map[string]struct {
		app    string
		writes []runtime.Write
	}{
		"duplicate path":  {"app", []runtime.Write{set("app.a.b", "1"), set("app.a.c", "1"), reset("app.a.b")}},
		"path of another": {"app", []runtime.Write{set("app.a.b", "1"), set("other.a.b", "1")}},
		"dotted app":      {"app.a", []runtime.Write{set("app.a.b", "1")}},
		"empty app":       {"", []runtime.Write{set(".a.b", "1")}},
	} {
		_, err := s.Apply(testCtx(t), change(tc.app, tc.writes...))
		if err == nil || errors.Is(err, runtime.ErrConflict) {
			t.Errorf("%s: Apply = %v, want an error", name, err)
		}
	}
	assertRecords(t, mustLoad(t, s, "app.a.b", "app.a.c"), []runtime.Record{{Path: "app.a.b"}, {Path: "app.a.c"}})
}

func TestApplyNothing(t *testing.T) {
	s, _ := newStore(t)
	if got := mustApply(t, s, "app"); len(got) != 0 {
		t.Errorf("Apply() = %+v, want nothing", got)
	}
}

func TestHistory(t *testing.T) {
	s, _ := newStore(t)
	before := time.Now().Add(-time.Minute)
	v1 := mustApply(t, s, "app", set("app.a.b", "one"))[0].New.Version
	mustApply(t, s, "app", set("app.a.other", "x"))
	v2 := mustApply(t, s, "app", set("app.a.b", "two"))[0].New.Version
	v3 := mustApply(t, s, "app", reset("app.a.b"))[0].New.Version
	got, err := s.History(testCtx(t), "app.a.b", 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []runtime.HistoryEntry{
		{Path: "app.a.b", Version: v3, OldSet: true, OldValue: "two", OldVersion: v2},
		{Path: "app.a.b", Version: v2, Set: true, Value: "two", OldSet: true, OldValue: "one", OldVersion: v1},
		{Path: "app.a.b", Version: v1, Set: true, Value: "one"},
	}
	if len(got) != len(want) {
		t.Fatalf("History = %+v, want %+v", got, want)
	}
	for i := range got {
		if got[i].At.Before(before) || got[i].At.After(time.Now().Add(time.Minute)) {
			t.Errorf("entry %d at %v", i, got[i].At)
		}
		if len(got[i].ChangeID) != 36 {
			t.Errorf("entry %d names no change: %q", i, got[i].ChangeID)
		}
		got[i].At, got[i].ChangeID = time.Time{}, ""
		if got[i] != want[i] {
			t.Errorf("entry %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	assertHistoryLen(t, s, "app.a.b", 2, 2)
	assertHistoryLen(t, s, "app.a.b", 0, 0)
}

func TestSince(t *testing.T) {
	s, _ := newStore(t)
	a1 := mustApply(t, s, "a", set("a.x.one", "1"))[0].New
	mustApply(t, s, "b", set("b.x.one", "1"))
	a2 := mustApply(t, s, "a", set("a.x.two", "2"), reset("a.x.one"))
	mustApply(t, s, "b", set("b.x.two", "2"))

	d := since(t, s, "a", runtime.Position{})
	assertRecords(t, d.Records, []runtime.Record{a2[0].New, a2[1].New})
	if !d.Full || d.At != (runtime.Position{Epoch: a1.Epoch, Version: a2[1].New.Version}) {
		t.Errorf("Since(a, zero) = %+v, want Full at %d", d, a2[1].New.Version)
	}
	from := runtime.Position{Epoch: a1.Epoch, Version: a1.Version}
	if d = since(t, s, "a", from); d.Full || len(d.Records) != 2 || d.At.Version != a2[1].New.Version {
		t.Errorf("Since(a, %+v) = %+v", from, d)
	}
	for _, v := range []int64{d.At.Version, d.At.Version + 1000} {
		from := runtime.Position{Epoch: a1.Epoch, Version: v}
		if d := since(t, s, "a", from); len(d.Records) != 0 || d.At != from || d.Full {
			t.Errorf("Since(a, %+v) = %+v; want nothing, at the same position", from, d)
		}
	}
	if d := since(t, s, "a", runtime.Position{Epoch: a1.Epoch + 1, Version: 1 << 40}); !d.Full || len(d.Records) != 2 {
		t.Errorf("Since from another epoch = %+v, want every record, Full", d)
	}
}

func since(t *testing.T, s runtime.Store, app string, from runtime.Position) runtime.Delta {
	t.Helper()
	d, err := s.Since(testCtx(t), app, from)
	if err != nil {
		t.Fatalf("Since(%s, %+v): %v", app, from, err)
	}
	return d
}

func TestEnsureSchemaIsIdempotentAndConcurrent(t *testing.T) {
	pool, schema := testenv.Postgres(t)
	var wg sync.WaitGroup
	for range 8 {
		s := pgstore.New(pool, pgstore.Options{Schema: schema})
		wg.Go(func() {
			if err := s.EnsureSchema(testCtx(t)); err != nil {
				t.Errorf("concurrent EnsureSchema: %v", err)
			}
		})
	}
	wg.Wait()
	s := pgstore.New(pool, pgstore.Options{Schema: schema})
	mustApply(t, s, "app", set("app.a.b", "kept"))
	for range 2 {
		if err := s.EnsureSchema(testCtx(t)); err != nil {
			t.Fatalf("EnsureSchema again: %v", err)
		}
	}
	if got := mustLoad(t, s, "app.a.b")[0]; got.Value != "kept" {
		t.Errorf("after EnsureSchema: %+v", got)
	}
}

// TestEnsureSchemaCreatesSchema uses a name that needs quoting everywhere.
func TestEnsureSchemaCreatesSchema(t *testing.T) {
	pool, _ := testenv.Postgres(t)
	schema := `Sysconfig "Test" ` + testenv.Unique() + `'s`
	t.Cleanup(func() {
		_, _ = pool.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
	})
	s := pgstore.New(pool, pgstore.Options{Schema: schema})
	if err := s.EnsureSchema(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	mustApply(t, s, "app", set("app.a.b", "1"))
	assertTablesIn(t, pool, schema)
}

// TestSearchPath: with no schema option the store follows the search_path,
// which testenv sets to the test's schema.
func TestSearchPath(t *testing.T) {
	pool, schema := testenv.Postgres(t)
	s := pgstore.New(pool, pgstore.Options{})
	if err := s.EnsureSchema(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	mustApply(t, s, "app", set("app.a.b", "1"))
	assertTablesIn(t, pool, schema)
	if got := mustLoad(t, s, "app.a.b")[0]; got.Value != "1" {
		t.Errorf("Load = %+v", got)
	}
}

func assertTablesIn(t *testing.T, pool *pgxpool.Pool, schema string) {
	t.Helper()
	var n int
	err := pool.QueryRow(testCtx(t), `SELECT count(*) FROM pg_tables
		WHERE schemaname = $1 AND tablename IN ('sysconfig_values', 'sysconfig_history')`, schema).Scan(&n)
	if err != nil || n != 2 {
		t.Errorf("tables in schema %q: %d, %v; want 2", schema, n, err)
	}
}

// TestNotify: a rolled-back Apply sends nothing, a committed one sends one
// notification, which places the change (epoch, prev, version) and
// carries its records as stored. Notifications arrive in commit order, so
// the first one heard must come from the committed Apply.
func TestNotify(t *testing.T) {
	s, _ := newStore(t)
	before := mustApply(t, s, "app", set("app.a.taken", "1")) // before listening: not heard
	mustApply(t, s, "other", set("other.a.b", "1"))           // another app: not in app's chain
	conn := listen(t, s.Channel())
	if _, err := s.Apply(testCtx(t), change("app", set("app.a.lost", "x"), expect(set("app.a.taken", "2"), 0))); err == nil {
		t.Fatal("conflicting Apply succeeded")
	}
	got := mustApply(t, s, "app", set("app.a.b", "sealed:not-plaintext"), reset("app.a.taken"))
	n := nextNotification(t, conn)
	v := "sealed:not-plaintext"
	want := pgstore.Notification{App: "app", Epoch: got[0].New.Epoch, Prev: before[0].New.Version, Version: got[1].New.Version,
		Records: []pgstore.NotificationRecord{{Path: "app.a.b", Value: &v, Version: got[0].New.Version},
			{Path: "app.a.taken", Version: got[1].New.Version}}}
	if !reflect.DeepEqual(n, want) {
		t.Errorf("notification %+v, want %+v", n, want)
	}
	if got[0].Prev != want.Prev || got[1].Prev != want.Prev {
		t.Errorf("Apply reported Prev %d, %d; want %d", got[0].Prev, got[1].Prev, want.Prev)
	}
	if rn := n.Notice(); !reflect.DeepEqual(rn, runtime.NoticeOf(got)) {
		t.Errorf("notice %+v, want %+v", rn, runtime.NoticeOf(got))
	}
}

// TestNotifyWithoutRecords: a change whose records do not fit in a
// notification, and every change of a store that notifies versions only,
// is notified without records; so is a notification of an older release.
func TestNotifyWithoutRecords(t *testing.T) {
	s, pool := newStore(t)
	conn := listen(t, s.Channel())
	big := strings.Repeat("x", pgstore.MaxNotificationSize)
	got := mustApply(t, s, "app", set("app.a.big", big))
	n := nextNotification(t, conn)
	if n.Records != nil || n.Version != got[0].New.Version || n.Epoch != got[0].New.Epoch {
		t.Errorf("notification of a big change = %+v, want version %d without records", n, got[0].New.Version)
	}
	quiet := pgstore.New(pool, pgstore.Options{Schema: pgstore.SchemaOf(s), Channel: s.Channel(), NotifyVersionsOnly: true})
	small := mustApply(t, quiet, "app", set("app.a.small", "1"))
	if n := nextNotification(t, conn); n.Records != nil || n.Prev != got[0].New.Version || n.Version != small[0].New.Version {
		t.Errorf("notification with NotifyVersionsOnly = %+v, want version %d after %d, without records",
			n, small[0].New.Version, got[0].New.Version)
	}
	old, err := pgstore.ParseNotification(`{"app":"app","path":"app.a.b","version":7}`)
	if err != nil || !reflect.DeepEqual(old.Notice(), runtime.Notice{Version: 7}) {
		t.Errorf("an older release's notification = %+v (%v), want a version-only notice of 7", old.Notice(), err)
	}
}

// TestHead: an app's head is its highest version, in the store's epoch,
// whatever other apps write, and the position a Since from scratch reaches.
func TestHead(t *testing.T) {
	s, _ := newStore(t)
	h, err := s.Head(testCtx(t), "app")
	if err != nil || h.Epoch == 0 || h.Version != 0 {
		t.Fatalf("Head of an empty app = %+v, %v; want the epoch and version 0", h, err)
	}
	got := mustApply(t, s, "app", set("app.a.b", "1"), set("app.a.c", "2"))
	mustApply(t, s, "other", set("other.a.b", "1"))
	h, err = s.Head(testCtx(t), "app")
	d, _ := s.Since(testCtx(t), "app", runtime.Position{})
	if err != nil || h != (runtime.Position{Epoch: got[1].New.Epoch, Version: got[1].New.Version}) || h != d.At {
		t.Errorf("Head = %+v, %v; want %+v, the position of Since (%+v)", h, err, got[1].New, d.At)
	}
}

// listen returns a connection of its own listening on channel.
func listen(t *testing.T, channel string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(testCtx(t), testenv.DatabaseURL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	if _, err := conn.Exec(testCtx(t), "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		t.Fatal(err)
	}
	return conn
}

func nextNotification(t *testing.T, conn *pgx.Conn) pgstore.Notification {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	msg, err := conn.WaitForNotification(ctx)
	if err != nil {
		t.Fatalf("waiting for a notification: %v", err)
	}
	n, err := pgstore.ParseNotification(msg.Payload)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCancelledContext(t *testing.T) {
	s, _ := newStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Load(ctx, []string{"app.a.b"}); !errors.Is(err, context.Canceled) {
		t.Errorf("Load: %v, want context.Canceled", err)
	}
	if _, err := s.Apply(ctx, change("app", set("app.a.b", "1"))); !errors.Is(err, context.Canceled) {
		t.Errorf("Apply: %v, want context.Canceled", err)
	}
	if _, err := s.Since(ctx, "app", runtime.Position{}); err == nil {
		t.Error("Since succeeded")
	}
	assertRecords(t, mustLoad(t, s, "app.a.b"), []runtime.Record{{Path: "app.a.b", Epoch: epochOf(t, s)}})
}

// TestDeadlineWhileBlocked: an Apply stuck behind another transaction's row
// lock gives up at its deadline, and writes nothing, even once the lock is
// released, though its COMMIT was sent with its writes. The pool then
// works as before.
func TestDeadlineWhileBlocked(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	assertBlockedApplyGivesUp(t, ctx, context.DeadlineExceeded)
}

func TestLoadManyPaths(t *testing.T) {
	s, _ := newStore(t)
	const n = 10000
	paths := make([]string, n)
	var writes []runtime.Write
	for i := range paths {
		paths[i] = fmt.Sprintf("app.s%d.f%d", i%50, i)
		if i%10 == 0 {
			writes = append(writes, set(paths[i], fmt.Sprint(i)))
		}
	}
	mustApply(t, s, "app", writes...)
	got := mustLoad(t, s, paths...)
	if len(got) != n {
		t.Fatalf("Load returned %d records, want %d", len(got), n)
	}
	for i, r := range got {
		if r.Path != paths[i] || r.Set != (i%10 == 0) || (r.Set && r.Value != fmt.Sprint(i)) {
			t.Fatalf("record %d = %+v", i, r)
		}
	}
}

// assertRecords checks got against want. Every record must carry the same
// epoch, one greater than zero; a wanted record with Epoch 0 stands for
// "in that epoch".
func assertRecords(t *testing.T, got, want []runtime.Record) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d records %+v, want %d %+v", len(got), got, len(want), want)
	}
	for i := range got {
		if got[i].Epoch <= 0 || got[i].Epoch != got[0].Epoch {
			t.Errorf("record %d = %+v: not in the store's one epoch %d", i, got[i], got[0].Epoch)
		}
		if w := want[i]; w.Epoch == 0 {
			want[i].Epoch = got[i].Epoch
		}
		if got[i] != want[i] {
			t.Errorf("record %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

// assertHistoryLen checks how many entries History(path, limit) returns;
// limit defaults to 100.
func assertHistoryLen(t *testing.T, s runtime.Store, path string, want int, limit ...int) {
	t.Helper()
	l := 100
	if len(limit) > 0 {
		l = limit[0]
	}
	got, err := s.History(testCtx(t), path, l)
	if err != nil || len(got) != want {
		t.Errorf("History(%s, %d) = %d entries, %v; want %d", path, l, len(got), err, want)
	}
}

// BenchmarkApplyOne measures Apply of a single Set: the write path's store
// cost. Compare with BenchmarkRawUpsert, the same row written by one plain
// upsert.
func BenchmarkApplyOne(b *testing.B) {
	s, _ := newStore(b)
	ctx := testCtx(b)
	w := []runtime.Write{set("app.bench.value", "x")}
	for b.Loop() {
		if _, err := s.Apply(ctx, change("app", w...)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawUpsert is the baseline for BenchmarkApplyOne: one INSERT ...
// ON CONFLICT DO UPDATE of one row of the same table, through the same pool.
func BenchmarkRawUpsert(b *testing.B) {
	_, pool := newStore(b)
	ctx := testCtx(b)
	const upsert = `INSERT INTO sysconfig_values (path, app, value) VALUES ($1, $2, $3)
		ON CONFLICT (path) DO UPDATE SET value = excluded.value, version = excluded.version`
	for b.Loop() {
		if _, err := pool.Exec(ctx, upsert, "app.bench.value", "app", "x"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoad10000 measures a cold start's one round trip: Load of
// 10,000 paths, a tenth of them set.
func BenchmarkLoad10000(b *testing.B) {
	s, _ := newStore(b)
	ctx := testCtx(b)
	paths := make([]string, 10000)
	var writes []runtime.Write
	for i := range paths {
		paths[i] = fmt.Sprintf("app.s%d.f%d", i%50, i)
		if i%10 == 0 {
			writes = append(writes, set(paths[i], "x"))
		}
	}
	if _, err := s.Apply(ctx, change("app", writes...)); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := s.Load(ctx, paths); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadOne measures Load of one set path.
func BenchmarkLoadOne(b *testing.B) {
	s, _ := newStore(b)
	ctx := testCtx(b)
	if _, err := s.Apply(ctx, change("app", set("app.bench.value", "x"))); err != nil {
		b.Fatal(err)
	}
	paths := []string{"app.bench.value"}
	for b.Loop() {
		if _, err := s.Load(ctx, paths); err != nil {
			b.Fatal(err)
		}
	}
}

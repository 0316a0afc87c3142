package pgstore_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/pgstore"
)

// TestSinceWaitsForAWriterStuckBetweenVersionAndCommit: writer A has taken
// the version of its first write and is stuck on its second (another
// transaction holds that row), while writer B, of another path of the same
// app, commits a greater version. B does not wait for A. A Since asked
// then must not hand out a position at or beyond B's version without A's
// first write: it waits for A, and returns both once A commits. B, which
// was not alone, does not claim to know its Prev.
func TestSinceWaitsForAWriterStuckBetweenVersionAndCommit(t *testing.T) {
	s, pool := newStore(t)
	start := mustApply(t, s, "app", set("app.a.stuck", "0"))[0].New
	release := lockRow(t, pool, "app.a.stuck")

	aDone := make(chan error, 1)
	go func() {
		_, err := s.Apply(testCtx(t), change("app", set("app.a.first", "A"), set("app.a.stuck", "A")))
		aDone <- err
	}()
	waitForLockWait(t, s, pool)
	b := mustApply(t, s, "app", set("app.a.other", "B"))[0]
	if b.Prev >= 0 {
		t.Errorf("B committed beside A with Prev %d; want unknown (negative)", b.Prev)
	}

	from := runtime.Position{Epoch: start.Epoch, Version: start.Version}
	sinceDone := make(chan runtime.Delta, 1)
	go func() {
		d, err := s.Since(testCtx(t), "app", from)
		if err != nil {
			t.Error(err)
		}
		sinceDone <- d
	}()
	select {
	case d := <-sinceDone:
		t.Fatalf("Since returned %+v while A, which holds a version below B's %d, had not committed", d, b.New.Version)
	case <-time.After(300 * time.Millisecond):
	}
	release()
	if err := <-aDone; err != nil {
		t.Fatalf("A: %v", err)
	}
	d := <-sinceDone
	var got []string
	for _, r := range d.Records {
		got = append(got, r.Path)
	}
	slices.Sort(got)
	if want := []string{"app.a.first", "app.a.other", "app.a.stuck"}; !slices.Equal(got, want) || d.At.Version < b.New.Version {
		t.Errorf("Since after A committed = %v at %+v; want %v, up to B's version %d or later", got, d.At, want, b.New.Version)
	}
}

// waitForLockWait waits until a session running a statement of s's is
// waiting for a lock.
func waitForLockWait(t *testing.T, s *pgstore.Store, pool *pgxpool.Pool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		var waiting bool
		err := pool.QueryRow(testCtx(t), `SELECT EXISTS (SELECT FROM pg_stat_activity
			WHERE wait_event_type = 'Lock' AND strpos(query, $1) > 0)`, pgstore.SchemaOf(s)).Scan(&waiting)
		if err != nil {
			t.Fatal(err)
		}
		if waiting {
			return
		}
	}
	t.Fatal("the writer never waited for the lock")
}

// TestWritersOfOneAppInTwoSchemasDoNotWaitForEachOther: the app's lock is
// the store's (keyed by its table), not the app name's: while a
// transaction holds the lock of app "app" in one store, a writer of "app"
// in a store of another schema commits at once, and one of the same store
// waits until its time limit.
func TestWritersOfOneAppInTwoSchemasDoNotWaitForEachOther(t *testing.T) {
	first, firstPool := newStore(t)
	second, _ := newStore(t)
	lockApp(t, first, firstPool, "app")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if _, err := second.Apply(ctx, change("app", set("app.a.b", "1"))); err != nil {
		t.Errorf("a writer of the same app in another schema: %v; want it committed without waiting", err)
	}
	_, err := first.Apply(ctx, change("app", set("app.a.b", "1")))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a writer of the locked app in the same store: %v; want it to wait until its deadline", err)
	}
}

// TestListenRefusedWithoutNotifications: a store that sends no
// notifications has nothing to listen to; Listen says so at once.
func TestListenRefusedWithoutNotifications(t *testing.T) {
	s, pool := newStore(t)
	quiet := pgstore.New(pool, pgstore.Options{Schema: pgstore.SchemaOf(s), NoNotify: true})
	err := quiet.Listen(testCtx(t), "app", func(runtime.Notice) {})
	if !errors.Is(err, runtime.ErrMisconfigured) {
		t.Errorf("Listen on a store with NoNotify = %v; want ErrMisconfigured", err)
	}
}

// TestPrevUnknownWhenAnotherChangeLandsWithinIt: writer A takes versions
// for its first two writes and waits on the second's row; writer B of
// another field commits a version after them; A's third write then takes a
// version after B's. A is alone when it finishes, but B's version lies
// between A's first and last: a reader moving from A's Prev to A's last
// version would skip it, so A must not claim to know its Prev.
func TestPrevUnknownWhenAnotherChangeLandsWithinIt(t *testing.T) {
	s, pool := newStore(t)
	mustApply(t, s, "app", set("app.a.stuck", "0"))
	release := lockRow(t, pool, "app.a.stuck")
	aDone := make(chan []runtime.Applied, 1)
	go func() {
		a, err := s.Apply(testCtx(t), change("app", set("app.a.first", "A"), set("app.a.stuck", "A"), set("app.a.last", "A")))
		if err != nil {
			t.Error(err)
		}
		aDone <- a
	}()
	waitForLockWait(t, s, pool)
	b := mustApply(t, s, "app", set("app.a.other", "B"))[0]
	release()
	a := <-aDone
	if len(a) != 3 {
		t.Fatalf("A applied %d writes", len(a))
	}
	if first, last := a[0].New.Version, a[2].New.Version; b.New.Version < first || b.New.Version > last {
		t.Fatalf("B's version %d is not within A's %d–%d: the test did not interleave them", b.New.Version, first, last)
	}
	if a[0].Prev >= 0 {
		t.Errorf("A claims Prev %d although B's version %d lies within its own", a[0].Prev, b.New.Version)
	}
}

package runtime_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/memory"
	"github.com/go-sysconfig/sysconfig/runtime/value"
)

// tallyStore counts the queries a follower makes of the store.
type tallyStore struct {
	*memory.Store
	since, head atomic.Int64
}

func (s *tallyStore) Since(ctx context.Context, app string, from runtime.Position) (runtime.Delta, error) {
	s.since.Add(1)
	return s.Store.Since(ctx, app, from)
}

func (s *tallyStore) Head(ctx context.Context, app string) (runtime.Position, error) {
	s.head.Add(1)
	return s.Store.Head(ctx, app)
}

// scripted is a Notifier whose notices the test sends, one at a time.
type scripted struct {
	mu     sync.Mutex
	notify func(runtime.Notice)
	ready  chan struct{}
}

func newScripted() *scripted { return &scripted{ready: make(chan struct{})} }

func (s *scripted) Listen(ctx context.Context, _ string, notify func(runtime.Notice)) error {
	s.mu.Lock()
	s.notify = notify
	s.mu.Unlock()
	notify(runtime.Notice{})
	close(s.ready)
	<-ctx.Done()
	return ctx.Err()
}

func (s *scripted) send(t *testing.T, n runtime.Notice) {
	t.Helper()
	select {
	case <-s.ready:
	case <-time.After(2 * time.Second):
		t.Fatal("the client never listened")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.notify(n)
}

// noticeRig is a store, a follower hearing notices from a script, and the
// values it heard through its hooks.
type noticeRig struct {
	store    *tallyStore
	script   *scripted
	follower *runtime.Client
	mu       sync.Mutex
	heard    []int64
}

func newNoticeRig(t *testing.T, reconcile time.Duration) *noticeRig {
	r := &noticeRig{store: &tallyStore{Store: memory.NewStore()}, script: newScripted()}
	r.follower = started(t, r.store, nil, runtime.Options{Notifier: r.script, ReconcileInterval: reconcile,
		StalenessBound: 10 * reconcile})
	_ = maxField.OnChange(r.follower, func(_ context.Context, _, v int64) error {
		r.mu.Lock()
		r.heard = append(r.heard, v)
		r.mu.Unlock()
		return nil
	})
	eventually(t, "the resync at connection", func() bool { return r.store.since.Load() >= 2 }) // Start, then the resync
	return r
}

// commit writes max_items = v straight into the store, as another process
// would, and returns the change's notice.
func (r *noticeRig) commit(t *testing.T, v int64) runtime.Notice {
	t.Helper()
	applied, err := r.store.Apply(ctx, change(runtime.Write{Path: "t.limits.max_items", Value: fmt.Sprint(v)}))
	if err != nil {
		t.Fatal(err)
	}
	return runtime.NoticeOf(applied)
}

// serves waits until the follower serves v.
func (r *noticeRig) serves(t *testing.T, v int64, what string) {
	t.Helper()
	eventually(t, what, func() bool {
		got, err := maxField.Get(ctx, r.follower)
		return err == nil && got == v
	})
}

func (r *noticeRig) hooks() []int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]int64(nil), r.heard...)
}

// TestNoticesAreAppliedWithoutAskingTheStore: a follower whose notices
// carry each change applies them as they come, and asks the store
// nothing after its first sync; its hooks hear every change once, in
// order.
func TestNoticesAreAppliedWithoutAskingTheStore(t *testing.T) {
	r := newNoticeRig(t, time.Hour)
	base := r.store.since.Load()
	for v := int64(1); v <= 20; v++ {
		r.script.send(t, r.commit(t, v))
		r.serves(t, v, fmt.Sprintf("value %d from its notice", v))
	}
	if n := r.store.since.Load() - base; n != 0 {
		t.Errorf("the follower asked the store %d times for 20 notices that followed each other", n)
	}
	eventually(t, "every hook", func() bool { return len(r.hooks()) == 20 })
	for i, v := range r.hooks() {
		if v != int64(i+1) {
			t.Fatalf("hooks heard %v, want 1…20 in order", r.hooks())
		}
	}
}

// TestNoticeFaultsCostOneQueryEach: a sequence of faults — a lost notice,
// notices out of order, a duplicate, a notice without records, a resync
// signal, a notice of another epoch — each costs at most one Since, never
// a wrong or backward value, and hooks hear each value at most once. A
// notice after a gap is served at once; the query for the change missed
// comes once it has not been heard for a moment, so notices merely out of
// order cost none.
func TestNoticeFaultsCostOneQueryEach(t *testing.T) {
	r := newNoticeRig(t, time.Hour)
	queries := func() int64 { return r.store.since.Load() }
	n1 := r.commit(t, 1)
	r.script.send(t, n1)
	r.serves(t, 1, "the first change")

	before := queries()
	_ = r.commit(t, 2) // its notice is lost
	n3 := r.commit(t, 3)
	r.script.send(t, n3) // a gap: Prev is not the follower's position
	r.serves(t, 3, "the change after a lost notice")
	eventually(t, "one query for the gap", func() bool { return queries() == before+1 })

	n4, n5 := r.commit(t, 4), r.commit(t, 5)
	before = queries()
	r.script.send(t, n5) // out of order: a gap, then its predecessor
	r.script.send(t, n4)
	r.serves(t, 5, "changes out of order")
	r.script.send(t, n3) // a duplicate of what it holds
	r.script.send(t, n4)
	time.Sleep(3 * runtime.GapGrace)
	if q := queries() - before; q > 1 {
		t.Errorf("out-of-order and duplicate notices cost %d queries, want at most 1", q)
	}

	before = queries()
	n6 := r.commit(t, 6)
	n6.Records = nil // did not fit
	r.script.send(t, n6)
	r.serves(t, 6, "a change whose notice had no records")
	r.script.send(t, runtime.Notice{}) // the notifier reconnected
	eventually(t, "a query for the notice without records and one for the resync",
		func() bool { return queries() == before+2 })

	stale := r.commit(t, 7)
	stale.Epoch-- // from an epoch before the store's: the follower holds newer
	r.script.send(t, stale)
	r.serves(t, 6, "ignoring a notice of an older epoch")
	r.script.send(t, r.commit(t, 8)) // a gap again (7's real notice lost): one query
	r.serves(t, 8, "the last change")

	seen := map[int64]bool{}
	var last int64
	for _, v := range r.hooks() {
		if seen[v] || v < last {
			t.Fatalf("hooks heard %v: a value twice or backwards", r.hooks())
		}
		seen[v], last = true, v
	}
}

// TestNoticeTheStoreContradictsIsUndone: a notice of a change the store
// never made (forged by whoever can publish, or lost by a failover) is
// served until the next reconcile, which finds the store's head behind the
// snapshot and replaces the snapshot with the store's records.
func TestNoticeTheStoreContradictsIsUndone(t *testing.T) {
	r := newNoticeRig(t, 20*time.Millisecond)
	real := r.commit(t, 1)
	r.script.send(t, real)
	r.serves(t, 1, "the real change")
	forged := real
	forged.Prev, forged.Version = real.Version, real.Version+1000
	forged.Records = []runtime.Record{{Path: "t.limits.max_items", Value: "99", Set: true, Epoch: real.Epoch, Version: forged.Version}}
	r.script.send(t, forged)
	r.serves(t, 1, "the store's value again, after a reconcile")
	r.serves(t, 1, "still the store's value")
	r.script.send(t, r.commit(t, 2))
	r.serves(t, 2, "later changes, from their notices")
}

// TestUnplacedNoticesAreServedWithoutAskingTheStore: notices of changes
// committed beside other writers (Prev unknown) are served as they come,
// without a query each, and one heard late never replaces a newer value;
// a change among them whose notice was lost is found by the next
// reconcile, which moves the position with one Since.
func TestUnplacedNoticesAreServedWithoutAskingTheStore(t *testing.T) {
	r := newNoticeRig(t, time.Hour)
	base := r.store.since.Load()
	var notices []runtime.Notice
	for v := int64(1); v <= 20; v++ {
		notices = append(notices, r.unplaced(t, v))
		r.script.send(t, notices[v-1])
		r.serves(t, v, fmt.Sprintf("value %d from its unplaced notice", v))
	}
	r.script.send(t, notices[14]) // an older change, heard late
	time.Sleep(20 * time.Millisecond)
	r.serves(t, 20, "the newest value still")
	if n := r.store.since.Load() - base; n != 0 {
		t.Errorf("the follower asked the store %d times for 21 unplaced notices", n)
	}
	if st := r.follower.Stats().Snapshot; st.Lag != 0 || st.Behind != 0 {
		t.Errorf("Stats after every unplaced notice was applied: lag %d versions, behind %v; want none", st.Lag, st.Behind)
	}

	r = newNoticeRig(t, 20*time.Millisecond)
	_ = r.commit(t, 1) // its notice is lost
	r.script.send(t, r.unplaced(t, 2))
	r.serves(t, 2, "the unplaced change")
	asked := r.store.since.Load()
	eventually(t, "the reconcile's Since", func() bool { return r.store.since.Load() > asked })
	r.script.send(t, r.commit(t, 3)) // follows the position the reconcile reached
	r.serves(t, 3, "a later change, from its notice")
}

// TestGapIsAskedForWhileNoticesKeepComing: a change named by a notice's
// Prev and never heard is asked of the store once it has been missing for
// a moment, even while other notices keep arriving more often than that.
func TestGapIsAskedForWhileNoticesKeepComing(t *testing.T) {
	r := newNoticeRig(t, time.Hour)
	before := r.store.since.Load()
	_ = r.commit(t, 1)                 // its notice is lost
	r.script.send(t, r.commit(t, 2))   // names it as its Prev
	for v := int64(3); v < 3+40; v++ { // a notice every 5 ms for 200 ms, four times the grace
		r.script.send(t, r.unplaced(t, v))
		time.Sleep(runtime.GapGrace / 10)
	}
	if r.store.since.Load() == before {
		t.Errorf("no Since for a gap missing for %v while notices kept coming", 40*runtime.GapGrace/10)
	}
}

// unplaced commits max_items = v, like commit, and returns its notice with
// its Prev unknown, as a store that ran it beside other writers sends it.
func (r *noticeRig) unplaced(t *testing.T, v int64) runtime.Notice {
	t.Helper()
	n := r.commit(t, v)
	n.Prev = -1
	return n
}

// TestUnplacedNoticeTheStoreContradictsIsUndone: like a forged placed
// notice, a forged unplaced one (its version beyond anything the store
// issued) is served until the next reconcile, which finds the store's head
// behind it and replaces the snapshot with the store's records.
func TestUnplacedNoticeTheStoreContradictsIsUndone(t *testing.T) {
	r := newNoticeRig(t, 20*time.Millisecond)
	real := r.commit(t, 1)
	r.script.send(t, real)
	r.serves(t, 1, "the real change")
	forged := runtime.Notice{Epoch: real.Epoch, Prev: -1, Version: real.Version + 1000,
		Records: []runtime.Record{{Path: "t.limits.max_items", Value: "99", Set: true, Epoch: real.Epoch, Version: real.Version + 1000}}}
	r.script.send(t, forged)
	r.serves(t, 1, "the store's value again, after a reconcile")
	r.script.send(t, r.commit(t, 2))
	r.serves(t, 2, "later changes, from their notices")
}

// TestReconcileAsksOnlyWhetherAnythingChanged: an idle follower's
// reconcile costs one Head per tick and no Since; a change it was not told
// of is found by the next tick.
func TestReconcileAsksOnlyWhetherAnythingChanged(t *testing.T) {
	r := newNoticeRig(t, 5*time.Millisecond)
	since := r.store.since.Load()
	eventually(t, "ten reconciles", func() bool { return r.store.head.Load() >= 10 })
	if n := r.store.since.Load() - since; n != 0 {
		t.Errorf("an idle follower asked Since %d times in ten reconciles", n)
	}
	_ = r.commit(t, 5) // nobody tells the follower
	r.serves(t, 5, "the reconcile finds an unannounced change")
}

// unheard is a store that hears nothing: no notifier, only its reconcile.
type unheard struct {
	runtime.Store
	runtime.HeadReader
}

// TestWritesFollowTheirOwnPosition: a started writer whose changes follow
// its position moves over them without asking the store (its reconcile
// then finds nothing new), and a follower hearing the store's notices
// asks nothing either.
func TestWritesFollowTheirOwnPosition(t *testing.T) {
	store := &tallyStore{Store: memory.NewStore()}
	writer := started(t, unheard{store, store}, nil, runtime.Options{ReconcileInterval: 5 * time.Millisecond})
	follower := started(t, store, nil, runtime.Options{ReconcileInterval: time.Hour})
	eventually(t, "both synced", func() bool { return store.since.Load() >= 3 }) // two Starts, the follower's resync
	base := store.since.Load()
	for v := int64(1); v <= 10; v++ {
		if err := maxField.Set(ctx, writer, v); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "the follower serves the last write", func() bool {
		got, _ := maxField.Get(ctx, follower)
		return got == 10
	})
	heads := store.head.Load()
	eventually(t, "the writer reconciles", func() bool { return store.head.Load() >= heads+3 })
	if n := store.since.Load() - base; n != 0 {
		t.Errorf("10 writes cost %d Since queries between a writer and a follower, want 0", n)
	}
}

// recordingPublisher is a Publisher that keeps what it was given.
type recordingPublisher struct {
	scripted
	mu  sync.Mutex
	got []runtime.Notice
}

func (p *recordingPublisher) Publish(_ context.Context, app string, n runtime.Notice) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.got = append(p.got, n)
	return nil
}

func (p *recordingPublisher) published() []runtime.Notice {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]runtime.Notice(nil), p.got...)
}

// TestWriterPublishesEachChange: a client whose notifier is a Publisher
// publishes every change it commits, started or not, with its place and
// records: the secret's value sealed, as stored.
func TestWriterPublishesEachChange(t *testing.T) {
	store := memory.NewStore()
	pub := &recordingPublisher{scripted: *newScripted()}
	c, err := runtime.NewClient(testSchema, store, runtime.Options{Notifier: pub, Secrets: testKeys})
	if err != nil {
		t.Fatal(err)
	}
	if err := maxField.Set(ctx, c, 3); err != nil {
		t.Fatal(err)
	}
	if err := c.SetMany(ctx, titleField.Assign("Hello"), apiKeyField.Assign(value.NewSecret("hunter2-hunter2"))); err != nil {
		t.Fatal(err)
	}
	eventually(t, "two notices published", func() bool { return len(pub.published()) == 2 })
	got := pub.published()
	if got[0].Version > got[1].Version { // published in the background: either order
		got[0], got[1] = got[1], got[0]
	}
	d, _ := store.Since(ctx, "t", runtime.Position{})
	if got[0].Prev != 0 || got[1].Prev != got[0].Version || got[1].Version != d.At.Version || len(got[1].Records) != 2 {
		t.Fatalf("published %+v; want two chained notices ending at %d, the second with 2 records", got, d.At.Version)
	}
	for _, r := range got[1].Records {
		if r.Path == "t.site.api_key" && (r.Value == "" || r.Value == "hunter2-hunter2") {
			t.Errorf("the secret was published as %q, want its sealed form", r.Value)
		}
	}
}

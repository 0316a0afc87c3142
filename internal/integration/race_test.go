package integration

import (
	"context"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// raceTrials returns how many adversarial trials to run:
// SYSCONFIG_RACE_TRIALS, default 10,000.
func raceTrials(t testing.TB) int {
	if s := os.Getenv("SYSCONFIG_RACE_TRIALS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			t.Fatalf("SYSCONFIG_RACE_TRIALS=%q is not a positive number", s)
		}
		return n
	}
	return 10_000
}

// TestRaceHarnessLeavesNoStaleKeys plays the cache-aside race adversarially,
// trial after trial: a reader misses, loads version N from Postgres and is
// held before filling Redis; meanwhile a writer commits N+1 and updates
// Redis; then the reader's fill of N goes through. With version-gated fills
// the late fill is refused and no key is left stale.
func TestRaceHarnessLeavesNoStaleKeys(t *testing.T) {
	b := newBackends(t)
	trials := raceTrials(t)
	stale := runRaceHarness(t, b, trials, false)
	t.Logf("%d adversarial trials, %d keys left stale", trials, stale)
	if stale != 0 {
		t.Errorf("%d of %d trials left a stale cache entry, want 0", stale, trials)
	}
}

// TestRaceHarnessCatchesNaiveFills proves the harness can fail: the same
// choreography with unconditional cache writes leaves stale keys.
func TestRaceHarnessCatchesNaiveFills(t *testing.T) {
	b := newBackends(t)
	const trials = 200
	stale := runRaceHarness(t, b, trials, true)
	if stale < trials/2 {
		t.Errorf("naive fills left %d of %d keys stale; the harness is not adversarial", stale, trials)
	}
}

// runRaceHarness runs trials spread over raceFields workers and returns
// how many ended with the cache behind the store.
func runRaceHarness(t testing.TB, b *backends, trials int, naive bool) int64 {
	writer := b.client(t, b.store, b.cache)
	var stale atomic.Int64
	var wg sync.WaitGroup
	for w := range raceFields {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := newRaceWorker(t, b, writer, raceF[w], naive)
			for i := w; i < trials; i += raceFields {
				if h.trial(int64(i)) {
					stale.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	return stale.Load()
}

// raceWorker plays reader and writer on one field.
type raceWorker struct {
	t       testing.TB
	b       *backends
	field   *runtime.Field[int64]
	reader  *runtime.Client
	writer  *runtime.Client
	loaded  chan struct{} // the reader has loaded from the store
	written chan struct{} // the writer has committed and filled
}

func newRaceWorker(t testing.TB, b *backends, writer *runtime.Client, f *runtime.Field[int64], naive bool) *raceWorker {
	w := &raceWorker{t: t, b: b, field: f, writer: writer}
	var cache runtime.Cache = &heldCache{Cache: b.cache, worker: w}
	if naive {
		cache = &heldCache{Cache: naiveCache{b.cache}, worker: w}
	}
	w.reader = b.client(t, &signallingStore{Store: b.store, worker: w}, cache)
	return w
}

// trial runs one adversarial round and reports whether it left the cache stale.
func (w *raceWorker) trial(i int64) bool {
	w.loaded, w.written = make(chan struct{}), make(chan struct{})
	if err := w.b.cache.Delete(ctx, []string{w.field.CacheKey()}); err != nil {
		w.t.Errorf("delete: %v", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := w.field.Get(ctx, w.reader); err != nil {
			w.t.Errorf("reader: %v", err)
		}
	}()
	w.waitFor(w.loaded)
	if err := w.field.Set(ctx, w.writer, i+1); err != nil {
		w.t.Errorf("writer: %v", err)
	}
	close(w.written)
	<-done
	return w.isStale()
}

func (w *raceWorker) waitFor(ch chan struct{}) {
	select {
	case <-ch:
	case <-time.After(5 * time.Second):
		w.t.Errorf("race harness stuck on %s", w.field.Path())
	}
}

// isStale compares the cached version with the stored one.
func (w *raceWorker) isStale() bool {
	recs, err := w.b.store.Load(ctx, []string{w.field.Path()})
	if err != nil {
		w.t.Fatalf("load: %v", err)
	}
	res, err := w.b.cache.Get(ctx, []string{w.field.CacheKey()})
	if err != nil {
		w.t.Fatalf("cache get: %v", err)
	}
	return res[0].Found && res[0].Version != recs[0].Version
}

// signallingStore tells the worker when the reader's load has returned.
type signallingStore struct {
	runtime.Store
	worker *raceWorker
}

func (s *signallingStore) Load(ctx context.Context, paths []string) ([]runtime.Record, error) {
	recs, err := s.Store.Load(ctx, paths)
	close(s.worker.loaded)
	return recs, err
}

// heldCache holds the reader's fill until the writer has finished.
type heldCache struct {
	runtime.Cache
	worker *raceWorker
}

func (h *heldCache) Fill(ctx context.Context, entries []runtime.Entry) error {
	h.worker.waitFor(h.worker.written)
	return h.Cache.Fill(ctx, entries)
}

// naiveCache writes unconditionally, as plain cache-aside does.
type naiveCache struct{ runtime.Cache }

func (n naiveCache) Fill(ctx context.Context, entries []runtime.Entry) error {
	for _, e := range entries {
		if err := n.Cache.Delete(ctx, []string{e.Key}); err != nil {
			return err
		}
	}
	return n.Cache.Fill(ctx, entries)
}

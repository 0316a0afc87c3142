package raceharness

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// worker plays reader and writer on one field, one trial at a time.
type worker struct {
	cfg    Config
	field  *runtime.Field[int64]
	reader *runtime.Client // its store signals loads, its cache holds fills
	writer *runtime.Client // shared by the workers, plain backends

	mu  sync.Mutex
	cur *round // the trial in progress
}

// round is the choreography of one trial.
type round struct {
	loaded   chan struct{} // closed when the reader's load has returned
	written  chan struct{} // closed when the writer has committed and filled
	loadOnce sync.Once

	mu      sync.Mutex
	fills   int   // fills the reader attempted
	fillErr error // why a held fill could not go through
}

func newWorker(cfg Config, schema *runtime.Schema, writer *runtime.Client, f *runtime.Field[int64]) (*worker, error) {
	w := &worker{cfg: cfg, field: f, writer: writer}
	var inner runtime.Cache = cfg.Cache
	if cfg.Naive {
		inner = naiveCache{cfg.Cache}
	}
	reader, err := newClient(schema, &signallingStore{Store: cfg.Store, worker: w}, &heldCache{Cache: inner, worker: w}, cfg.StepTimeout)
	w.reader = reader
	return w, err
}

// trial runs one adversarial round, writing value i+1, and reports whether
// it left the cache stale.
func (w *worker) trial(ctx context.Context, i int64) (bool, error) {
	r := w.start()
	if err := w.cfg.Cache.Delete(ctx, []string{w.field.CacheKey()}); err != nil {
		return false, fmt.Errorf("delete: %w", err)
	}
	readErr := make(chan error, 1)
	go func() {
		_, err := w.field.Get(ctx, w.reader)
		readErr <- err
	}()
	if err := w.wait(ctx, r.loaded, "the reader's load"); err != nil {
		return false, err
	}
	err := w.field.Set(ctx, w.writer, i+1)
	close(r.written)
	if err = errors.Join(err, <-readErr, r.check()); err != nil {
		return false, err
	}
	return w.isStale(ctx)
}

// start arms a new round and makes it the current one.
func (w *worker) start() *round {
	r := &round{loaded: make(chan struct{}), written: make(chan struct{})}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.cur = r
	return r
}

// current returns the round in progress.
func (w *worker) current() *round {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.cur
}

// wait blocks until ch is closed, for at most the step timeout.
func (w *worker) wait(ctx context.Context, ch chan struct{}, what string) error {
	t := time.NewTimer(w.cfg.StepTimeout)
	defer t.Stop()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-t.C:
		return fmt.Errorf("stuck waiting for %s on %s", what, w.field.Path())
	}
}

// isStale compares the cached version with the stored one. A missing entry
// is not stale: the next read loads the store.
func (w *worker) isStale(ctx context.Context) (bool, error) {
	recs, err := w.cfg.Store.Load(ctx, []string{w.field.Path()})
	if err != nil {
		return false, fmt.Errorf("load: %w", err)
	}
	res, err := w.cfg.Cache.Get(ctx, []string{w.field.CacheKey()})
	if err != nil {
		return false, fmt.Errorf("cache get: %w", err)
	}
	return res[0].Found && res[0].Version != recs[0].Version, nil
}

// markLoaded signals that the reader's load has returned.
func (r *round) markLoaded() { r.loadOnce.Do(func() { close(r.loaded) }) }

// noteFill records a fill attempt of the reader and why it failed, if it did.
func (r *round) noteFill(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fills++
	r.fillErr = errors.Join(r.fillErr, err)
}

// check fails a round in which the reader's late fill did not go through:
// such a round would count as "not stale" without testing anything.
func (r *round) check() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fillErr != nil {
		return fmt.Errorf("reader's fill: %w", r.fillErr)
	}
	if r.fills == 0 {
		return errors.New("the reader never filled the cache, so the race was not played")
	}
	return nil
}

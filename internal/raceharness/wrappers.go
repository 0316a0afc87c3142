package raceharness

import (
	"context"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// signallingStore tells the trial when the reader's load has returned.
type signallingStore struct {
	runtime.Store
	worker *worker
}

// Load loads from the real store, then signals the trial.
func (s *signallingStore) Load(ctx context.Context, paths []string) ([]runtime.Record, error) {
	recs, err := s.Store.Load(ctx, paths)
	s.worker.current().markLoaded()
	return recs, err
}

// heldCache holds the reader's fill until the writer has committed and
// filled, so that the fill arrives late, carrying the older version.
type heldCache struct {
	runtime.Cache
	worker *worker
}

// Fill waits for the writer, then fills the underlying cache. The outcome
// is recorded in the round, since the reader's client only logs it.
func (h *heldCache) Fill(ctx context.Context, entries []runtime.Entry) error {
	r := h.worker.current()
	err := h.worker.wait(ctx, r.written, "the writer")
	if err == nil {
		err = h.Cache.Fill(ctx, entries)
	}
	r.noteFill(err)
	return err
}

// naiveCache writes unconditionally, as plain cache-aside does.
type naiveCache struct{ runtime.Cache }

// Fill deletes each key, then fills it, so that no version check can
// refuse it.
func (n naiveCache) Fill(ctx context.Context, entries []runtime.Entry) error {
	for _, e := range entries {
		if err := n.Cache.Delete(ctx, []string{e.Key}); err != nil {
			return err
		}
	}
	return n.Cache.Fill(ctx, entries)
}

//go:build linux

package main

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// The workload of one worker.
const (
	readers     = 2                      // goroutines reading
	readTimeout = 2 * time.Second        // of each Lookup
	readPauseLo = 1 * time.Millisecond   // between a reader's Lookups: 1–5 ms
	readPauseHi = 5 * time.Millisecond   //
	writePause  = 20 * time.Millisecond  // between writes, on average (10–30 ms)
	deadlineLo  = 200 * time.Millisecond // of each write: 200–1000 ms
	deadlineHi  = 1000 * time.Millisecond
	manyOneIn   = 4 // one write in four is a SetMany of 2–3 fields
)

// loop reads and writes until ctx ends, then waits for the operations in
// flight, which have deadlines of their own.
func (w *worker) loop(ctx context.Context) {
	var wg sync.WaitGroup
	for r := range readers {
		wg.Go(func() { w.readLoop(ctx, w.rng(uint64(r))) })
	}
	wg.Go(func() { w.writeLoop(ctx, w.rng(readers)) })
	wg.Wait()
}

// rng returns the random source of one of the worker's goroutines.
func (w *worker) rng(stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(w.cfg.seed, uint64(w.cfg.id)<<8|stream))
}

func (w *worker) readLoop(ctx context.Context, rng *rand.Rand) {
	for ctx.Err() == nil {
		w.readOnce(soakFields[rng.IntN(fieldCount)])
		sleep(ctx, between(rng, readPauseLo, readPauseHi))
	}
}

// readOnce looks f up and journals what it returned.
func (w *worker) readOnce(f *runtime.Field[int64]) {
	ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
	defer cancel()
	start := time.Now()
	v, err := f.Lookup(ctx, w.client)
	e := entry{Kind: kindRead, Worker: w.cfg.id, Path: f.Path(), Start: start.UnixNano(), End: time.Now().UnixNano()}
	if err != nil {
		e.Err = err.Error()
	} else {
		e.Value, _ = v.Value.(int64)
		e.Epoch, e.Version, e.Source = v.Epoch, v.Version, v.Source.String()
	}
	w.j.put(e)
}

func (w *worker) writeLoop(ctx context.Context, rng *rand.Rand) {
	var seq, next int64
	for {
		sleep(ctx, between(rng, writePause/2, writePause*3/2))
		if ctx.Err() != nil {
			return
		}
		seq++
		n := 1
		if rng.IntN(manyOneIn) == 0 {
			n = 2 + rng.IntN(2)
		}
		fields, values := make([]*runtime.Field[int64], n), make([]int64, n)
		for i, fi := range rng.Perm(fieldCount)[:n] {
			next++
			fields[i], values[i] = soakFields[fi], int64(w.cfg.id)*valueSpan+next
		}
		w.writeOnce(seq, fields, values, between(rng, deadlineLo, deadlineHi))
	}
}

// writeOnce journals the write, makes it within deadline, and journals
// its outcome.
func (w *worker) writeOnce(seq int64, fields []*runtime.Field[int64], values []int64, deadline time.Duration) {
	paths := make([]string, len(fields))
	for i, f := range fields {
		paths[i] = f.Path()
	}
	start := time.Now()
	w.j.put(entry{Kind: kindWrite, Worker: w.cfg.id, Seq: seq, Paths: paths, Values: values, Start: start.UnixNano()})
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	err := w.set(ctx, fields, values)
	outcome, change := classify(err)
	e := entry{Kind: kindDone, Worker: w.cfg.id, Seq: seq, Outcome: outcome, Change: change, End: time.Now().UnixNano()}
	if err != nil {
		e.Err = err.Error()
	}
	w.j.put(e)
	if outcome == outcomeUnknown {
		w.mu.Lock()
		w.unknown = append(w.unknown, pendingWrite{seq: seq, change: change})
		w.mu.Unlock()
	}
}

// set writes one field with Set, several with SetMany.
func (w *worker) set(ctx context.Context, fields []*runtime.Field[int64], values []int64) error {
	if len(fields) == 1 {
		return fields[0].Set(ctx, w.client, values[0])
	}
	updates := make([]runtime.Update, len(fields))
	for i, f := range fields {
		updates[i] = f.Assign(values[i])
	}
	return w.client.SetMany(ctx, updates...)
}

// classify returns a write's outcome, and the change ID of an unknown one.
func classify(err error) (outcome, change string) {
	var unknown *runtime.OutcomeUnknownError
	switch {
	case err == nil:
		return outcomeOK, ""
	case errors.As(err, &unknown):
		return outcomeUnknown, unknown.ChangeID
	case errors.Is(err, runtime.ErrUnavailable):
		return outcomeFailed, ""
	}
	return outcomeOther, ""
}

// between returns a random duration in [lo, hi).
func between(rng *rand.Rand, lo, hi time.Duration) time.Duration {
	return lo + time.Duration(rng.Int64N(int64(hi-lo)))
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

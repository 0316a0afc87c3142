//go:build linux

package main

import (
	"context"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// Resolving writes of unknown outcome.
const (
	resolveBudget  = 30 * time.Second // for all of one process's writes
	resolveTimeout = 2 * time.Second  // of each call
	resolveRetry   = 200 * time.Millisecond
)

// resolveAll settles the worker's writes of unknown outcome and journals
// the answers. Those it cannot settle within resolveBudget are left to the
// leader.
func (w *worker) resolveAll() {
	ctx, cancel := context.WithTimeout(context.Background(), resolveBudget)
	defer cancel()
	for _, p := range w.unknown {
		committed, err := resolveChange(ctx, w.client, p.change)
		if err != nil {
			return
		}
		w.j.put(entry{Kind: kindResolve, Worker: w.cfg.id, Seq: p.seq, Change: p.change,
			Committed: committed, End: time.Now().UnixNano()})
	}
}

// resolveChange asks c whether change committed until the store answers
// or ctx ends.
func resolveChange(ctx context.Context, c *runtime.Client, change string) (committed bool, err error) {
	for {
		callCtx, cancel := context.WithTimeout(ctx, resolveTimeout)
		committed, err = c.Resolve(callCtx, change)
		cancel()
		if err == nil || ctx.Err() != nil {
			return committed, err
		}
		sleep(ctx, resolveRetry)
	}
}

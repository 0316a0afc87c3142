package runtime

import (
	"context"
	"sync"
	"time"
)

// flightGroup makes concurrent loads of one key share a single call.
type flightGroup struct {
	mu      sync.Mutex
	flights map[string]*flight
}

type flight struct {
	done    chan struct{}
	started time.Time // before the load began: what it returns is no older
	st      state
	err     error
}

// do runs load once for all concurrent callers with the same key, and
// returns its result and when it started. The load runs detached from
// every caller's context (bounded by timeout), and each caller waits only
// as long as its own context allows: a caller that gives up gets an
// *UnavailableError wrapping its context's error.
//
// A caller that joins a load already under way gets a result that may be
// older than its own call, by as long as the load has taken (a slow store,
// a process paused between the store's answer and the end of the load):
// the start time lets it tell.
func (g *flightGroup) do(ctx context.Context, key string, timeout time.Duration,
	load func(context.Context) (state, error)) (state, time.Time, error) {
	fl := g.join(ctx, key, timeout, load)
	select {
	case <-fl.done:
		return fl.st, fl.started, fl.err
	case <-ctx.Done():
		return state{}, fl.started, &UnavailableError{Backend: "store", Op: "load", Err: ctx.Err()}
	}
}

func (g *flightGroup) join(ctx context.Context, key string, timeout time.Duration,
	load func(context.Context) (state, error)) *flight {
	g.mu.Lock()
	defer g.mu.Unlock()
	if fl, ok := g.flights[key]; ok {
		return fl
	}
	if g.flights == nil {
		g.flights = map[string]*flight{}
	}
	fl := &flight{done: make(chan struct{}), started: time.Now()}
	g.flights[key] = fl
	go g.run(context.WithoutCancel(ctx), key, timeout, fl, load)
	return fl
}

func (g *flightGroup) run(ctx context.Context, key string, timeout time.Duration,
	fl *flight, load func(context.Context) (state, error)) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	fl.st, fl.err = load(ctx)
	g.mu.Lock()
	delete(g.flights, key)
	g.mu.Unlock()
	close(fl.done)
}

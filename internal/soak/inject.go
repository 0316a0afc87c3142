//go:build linux

package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// restartAttempts is how often a fault tries to bring its target back.
const restartAttempts = 3

// event is one fault as it happened.
type event struct {
	fault
	begin, end time.Time
	worker     int // the incarnation a worker fault hit
	err        error
}

// injector plays faults on the servers and the fleet.
type injector struct {
	srv      *servers
	fl       *fleet
	timeline io.Writer // one line per fault, as it ends
	origin   time.Time // the start of the run, for relative times

	mu       sync.Mutex
	events   []event
	skipped  int // faults dropped because their target was too far behind
	draining atomic.Bool
}

// run injects faults drawn from rng for d, or until ctx ends. Faults on
// one target run in order on a goroutine of their own; when d has passed,
// those not started are dropped and run waits for the others, each of
// which leaves its target running.
func (in *injector) run(ctx context.Context, rng *rand.Rand, d time.Duration) {
	queues := make([]chan fault, 2+len(in.fl.slots))
	var wg sync.WaitGroup
	for i := range queues {
		q := make(chan fault, 16)
		queues[i] = q
		wg.Go(func() {
			for f := range q {
				if !in.draining.Load() && ctx.Err() == nil {
					in.apply(ctx, f)
				}
			}
		})
	}
	in.schedule(ctx, rng, time.Now().Add(d), queues)
	in.draining.Store(true)
	for _, q := range queues {
		close(q)
	}
	wg.Wait()
}

// schedule hands faults to their targets' queues until end.
func (in *injector) schedule(ctx context.Context, rng *rand.Rand, end time.Time, queues []chan fault) {
	for {
		gap, f := plan(rng, len(in.fl.slots))
		if time.Until(end) < gap {
			sleep(ctx, time.Until(end))
			return
		}
		if sleep(ctx, gap); ctx.Err() != nil {
			return
		}
		select {
		case queues[f.target()] <- f:
		default:
			in.mu.Lock()
			in.skipped++
			in.mu.Unlock()
		}
	}
}

// apply plays f and records it.
func (in *injector) apply(ctx context.Context, f fault) {
	ev := event{fault: f, begin: time.Now()}
	if f.kind == pauseWorker || f.kind == killWorker {
		ev.worker = in.fl.current(f.slot).id
	}
	ev.err = in.play(ctx, f)
	ev.end = time.Now()
	in.mu.Lock()
	in.events = append(in.events, ev)
	fmt.Fprintln(in.timeline, ev.describe(in.origin))
	in.mu.Unlock()
}

// play does f: the fault, its hold, and the recovery.
func (in *injector) play(ctx context.Context, f fault) error {
	pg, rd := in.srv.pg, in.srv.redis
	switch f.kind {
	case pausePostgres:
		return pausing(ctx, f.hold, pg.Pause, pg.Resume)
	case killPostgres:
		return downFor(ctx, f.hold, pg.Kill, pg.Restart)
	case pauseRedis:
		return pausing(ctx, f.hold, rd.Pause, rd.Resume)
	case killRedis:
		return downFor(ctx, f.hold, rd.Kill, func(ctx context.Context) error { return rd.RestoreFrom(ctx, in.srv.empty) })
	case restoreRedis:
		save, err := in.srv.save(ctx)
		if err != nil {
			return err
		}
		sleep(ctx, f.hold)
		return retry(ctx, func(ctx context.Context) error { return rd.RestoreFrom(ctx, in.srv.keepSave(save, f.pick)) })
	case pauseWorker:
		return pausing(ctx, f.hold,
			func() error { return in.fl.signal(f.slot, syscall.SIGSTOP) },
			func() error { return in.fl.signal(f.slot, syscall.SIGCONT) })
	}
	in.fl.current(f.slot).kill()
	sleep(ctx, f.hold)
	return in.fl.spawn(f.slot)
}

// pausing pauses, waits for hold (or ctx), and resumes.
func pausing(ctx context.Context, hold time.Duration, pause, resume func() error) error {
	if err := pause(); err != nil {
		return err
	}
	sleep(ctx, hold)
	return resume()
}

// downFor kills, waits for hold (or ctx), and restarts.
func downFor(ctx context.Context, hold time.Duration, kill func() error, restart func(context.Context) error) error {
	if err := kill(); err != nil {
		return err
	}
	sleep(ctx, hold)
	return retry(ctx, restart)
}

// retry calls fn until it succeeds, restartAttempts times at most, each
// bounded by restartTimeout.
func retry(ctx context.Context, fn func(context.Context) error) error {
	var err error
	for range restartAttempts {
		callCtx, cancel := context.WithTimeout(ctx, restartTimeout)
		err = fn(callCtx)
		cancel()
		if err == nil || ctx.Err() != nil {
			return err
		}
	}
	return err
}

// describe is the event's line in the timeline.
func (ev event) describe(origin time.Time) string {
	s := fmt.Sprintf("%s–%s %s", rel(ev.begin, origin), rel(ev.end, origin), faultNames[ev.kind])
	if ev.kind == pauseWorker || ev.kind == killWorker {
		s += fmt.Sprintf(" %d", ev.worker)
	}
	if ev.kind != killWorker {
		s += fmt.Sprintf(" (%v)", ev.hold.Round(time.Millisecond))
	}
	if ev.err != nil {
		s += fmt.Sprintf(": FAILED: %v", ev.err)
	}
	return s
}

// rel formats t as seconds since origin, "+12.345s".
func rel(t, origin time.Time) string {
	return fmt.Sprintf("+%.3fs", t.Sub(origin).Seconds())
}

// record returns the events, in order of their start, and how many
// faults were skipped.
func (in *injector) record() ([]event, int) {
	in.mu.Lock()
	defer in.mu.Unlock()
	events := slices.Clone(in.events)
	slices.SortStableFunc(events, func(a, b event) int { return a.begin.Compare(b.begin) })
	return events, in.skipped
}

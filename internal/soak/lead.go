//go:build linux

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"
)

// errInterrupted is the soak's error on Ctrl-C or SIGTERM.
var errInterrupted = errors.New("interrupted; nothing was checked")

// lead runs the soak and prints its report; it returns the exit status.
func lead(ctx context.Context, s settings, stdout, stderr io.Writer) int {
	for s.seed == 0 {
		s.seed = rand.Uint64()
	}
	fmt.Fprintf(stdout, "soak: seed %d (replay its faults with -seed %d)\n", s.seed, s.seed)
	r, err := soak(ctx, s, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "soak:", err)
		return 2
	}
	r.print(stdout)
	return r.exitCode()
}

// soak starts the servers and the workers, injects faults, stops
// everything and checks the run. It cleans up after itself however it
// ends.
func soak(ctx context.Context, s settings, progress io.Writer) (*results, error) {
	began := time.Now()
	dir, cleanup, err := runDir(s.dir)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	srv, err := startServers(ctx)
	if err != nil {
		return nil, err
	}
	defer srv.close()
	r, err := play(ctx, s, srv, dir, progress)
	if err != nil {
		return nil, err
	}
	fmt.Fprintln(progress, "soak: checking the journals against sysconfig_history")
	r.problems = append(r.problems, checkRun(ctx, srv, dir, s.mutate, r)...)
	r.elapsed = time.Since(began)
	return r, nil
}

// play runs the workers under faults for the soak's duration, then
// without faults for the settling time, and stops them.
func play(ctx context.Context, s settings, srv *servers, dir string, progress io.Writer) (*results, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	fl := newFleet(exe, dir, s.seed, srv, s.workers)
	defer fl.killAll()
	r := &results{settings: s, origin: time.Now()}
	if err := fl.startAll(); err != nil {
		return nil, err
	}
	fmt.Fprintf(progress, "soak: %d workers on PostgreSQL %s and Redis %s; injecting faults for %v\n",
		s.workers, srv.pg.Addr(), srv.redis.Addr(), s.duration)
	if err := r.inject(ctx, srv, fl, dir); err != nil {
		return nil, err
	}
	fmt.Fprintf(progress, "soak: faults stopped; settling for %v, then stopping the workers\n", s.settle)
	if err := r.windDown(ctx, srv, fl); err != nil {
		return nil, err
	}
	return r, nil
}

// inject plays the faults of the run's seed for its duration, recording
// each in the timeline file of dir and in r.
func (r *results) inject(ctx context.Context, srv *servers, fl *fleet, dir string) error {
	timeline, err := os.Create(filepath.Join(dir, "faults.log"))
	if err != nil {
		return err
	}
	defer timeline.Close()
	in := &injector{srv: srv, fl: fl, timeline: timeline, origin: r.origin}
	in.run(ctx, newRand(r.settings.seed), r.settings.duration)
	r.events, r.skipped = in.record()
	r.problems = append(r.problems, failedFaults(r.events, r.origin)...)
	if ctx.Err() != nil {
		return errInterrupted
	}
	return nil
}

// windDown brings the servers back, lets the workers run without faults
// for the settling time, and stops them.
func (r *results) windDown(ctx context.Context, srv *servers, fl *fleet) error {
	if err := srv.restore(ctx); err != nil {
		r.problems = append(r.problems, fmt.Sprintf("bring the servers back: %v", err))
	}
	if sleep(ctx, r.settings.settle); ctx.Err() != nil {
		return errInterrupted
	}
	r.problems = append(r.problems, fl.stop(ctx)...)
	if ctx.Err() != nil {
		return errInterrupted
	}
	r.problems = append(r.problems, fl.failures()...)
	r.incarnations = fl.incarnations()
	return nil
}

// failedFaults describes the faults that could not be played.
func failedFaults(events []event, origin time.Time) []string {
	var out []string
	for _, ev := range events {
		if ev.err != nil {
			out = append(out, "fault "+ev.describe(origin))
		}
	}
	return out
}

// runDir returns the run directory: dir, created if needed and required
// to hold no journal, or a temporary one that cleanup removes.
func runDir(dir string) (string, func(), error) {
	if dir == "" {
		tmp, err := os.MkdirTemp("", "sysconfig-soak-")
		return tmp, func() { _ = os.RemoveAll(tmp) }, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", nil, err
	}
	if old, _ := filepath.Glob(filepath.Join(dir, "*.jsonl")); len(old) > 0 {
		return "", nil, fmt.Errorf("%s holds the journals of an earlier run; give -dir a new directory", dir)
	}
	return dir, func() {}, nil
}

//go:build linux

// Command soak is a long randomized fault soak of the sysconfig runtime: it
// proves, over many processes and while PostgreSQL and Redis are killed,
// paused and restored, the promises of the README's "Semantics" section,
// and reports figures.
//
//	go run ./internal/soak                      # or: make soak (2 minutes)
//	go run ./internal/soak -duration 10m        # or: make soak DURATION=10m
//	go run ./internal/soak -seed 42             # replay the faults of a seed
//
// # The model
//
// The leader (this program) starts a private PostgreSQL server
// (internal/localpg, with track_commit_timestamp on) and a private Redis
// (internal/localredis), creates the store's tables, and re-executes itself
// as worker processes (-worker). Each worker has its own pgx pool, Redis
// client and runtime.Client over the schema of app "soak": sixteen int
// fields. Half the workers start their client (the snapshot serves reads),
// half read through Redis (DisableSnapshot). Every worker reads a random field
// every few milliseconds from two goroutines, and writes every ~20 ms —
// a Set, or a SetMany of 2–3 fields — values unique across the run (the
// worker's incarnation times 10¹², plus a counter), each with a deadline of
// 200–1000 ms. It journals every read (value, epoch, version, source, start
// and end) and every write (values, then outcome: ok, failed, or unknown
// with its change ID) as JSON lines in the run directory, one write(2) per
// line, so that a SIGKILL loses at most the operation in flight.
//
// Meanwhile the leader injects a fault every 0.5–3 s, drawn from a seed
// it prints: Postgres paused or killed and restarted, Redis paused, killed
// and restarted empty, or restored from an older save, a worker paused
// (SIGSTOP) or killed (SIGKILL) and replaced by a new incarnation. Faults
// on one target run one after the other; faults on different targets
// overlap.
//
// At the end the leader stops injecting, brings everything back, lets the
// system settle, and stops the workers with SIGTERM: each finishes its
// operations in flight, settles its writes of unknown outcome with
// Client.Resolve, journals the answers and exits. The leader resolves
// those of workers that were killed. Then it checks the journals against
// sysconfig_history, where every committed write has a row with its value
// and the commit time of its transaction (pg_xact_commit_timestamp):
//
//   - an acknowledged write is in the history (none is lost);
//   - a write reported failed (ErrUnavailable) is not;
//   - a write of unknown outcome is there exactly when Resolve said it
//     committed;
//   - a change (a SetMany) is there whole or not at all;
//   - a read served as current (source snapshot, cache or store) returns a
//     version that no newer version of the path had replaced more than the
//     staleness bound (1 s) before the read began (a commit that raced a
//     Postgres pause or kill counts only from the fault's end: see history);
//   - per worker incarnation and path, a read that starts after another
//     ended never returns an older (epoch, version).
//
// The report gives the faults by kind, the writes by outcome, the reads by
// source, and each violation count with up to ten examples, each with the
// faults around it. The exit status is 0 when there is no violation, 1
// when there is one, and 2 when the soak could not run. The run directory
// (journals, worker logs, the fault timeline) is removed at exit unless
// -dir names one; every server and worker process ends with the leader,
// on Ctrl-C too.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run is the whole command, for main and the tests: the leader, or with
// -worker one worker process.
func run(args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "soak:", err)
		return 2
	}
	if o.worker {
		return runWorker(o.workerConfig, stderr)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return lead(ctx, o.settings, stdout, stderr)
}

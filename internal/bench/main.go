// Command bench measures sysconfig against the targets of its design brief
// on the local PostgreSQL and Redis, and prints them in one table, each
// figure beside its target with PASS or MISS:
//
//	go run ./internal/bench            # or: make bench
//	go run ./internal/bench -quick     # a smoke test in seconds
//
// In-process figures (reads, writes, cold start, a change's cost at 100
// and at 100,000 fields) are measured with testing.Benchmark in
// alternating rounds — each baseline next to what is compared with it —
// and the median of the rounds is reported, with ratios computed from the
// medians, because a shared machine is noisy. The change-cost figures
// count the process's CPU time, garbage collection included, and its
// bytes allocated, not only the caller's wall time. The fleet figures
// (propagation to 1 and -followers other OS processes, and what a write
// and an idle second cost the servers) run this program again, with
// -follower, on a PostgreSQL and a Redis of their own (internal/localpg,
// internal/localredis), whose counters count the work. Rows 5c and 15
// measure the SQLite store (runtime/sqlitestore): a typed Set beside row
// 5b's, and a commit reaching another OS process (this program again,
// with -follower -sqlite) that opens the same file and hears of it
// through the store's poll. The race figure runs internal/raceharness.
//
// Every run works in a Postgres schema and a Redis key prefix of its own,
// and an SQLite file in a temporary directory of its own, all removed at
// exit. The exit status is 0 when every target is met, 1 when
// one is missed, and 2 when a figure could not be measured.
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

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }

// run is the whole command, for main and the tests.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if o.follower {
		err = runFollower(ctx, o.fo, stdin, stdout)
	} else {
		err = lead(ctx, o.settings, stdout, stderr)
	}
	if errors.Is(err, errMissed) {
		return 1
	}
	if err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return 2
	}
	return 0
}

// errMissed is lead's error when the report shows a missed target.
var errMissed = errors.New("a target was missed")

// errFailed is lead's error when a figure could not be measured.
var errFailed = errors.New("some figures could not be measured; see the errors above")

// lead measures everything on a fresh share of the servers and prints the
// report.
func lead(ctx context.Context, s settings, stdout, stderr io.Writer) error {
	if err := setBenchtime(s.benchtime); err != nil {
		return err
	}
	e, err := openEnv(ctx)
	if err != nil {
		return err
	}
	defer e.close()
	rep := collect(ctx, e, s, stderr)
	rep.print(stdout)
	switch rep.exitCode() {
	case 1:
		return errMissed
	case 2:
		return errFailed
	}
	return nil
}

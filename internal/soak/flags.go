//go:build linux

package main

import (
	"flag"
	"fmt"
	"io"
	"time"
)

// settings say how long and how hard the leader soaks.
type settings struct {
	duration time.Duration // of fault injection
	workers  int
	seed     uint64 // 0: drawn at random, and printed
	settle   time.Duration
	dir      string // the run directory, kept; empty: a temporary one, removed
	mutate   bool   // corrupt the results before checking them, to show the checks fire
}

// options are the parsed command line.
type options struct {
	settings
	worker bool
	workerConfig
}

// parseFlags parses args.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("soak", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { usage(fs) }
	var o options
	fs.DurationVar(&o.duration, "duration", 2*time.Minute, "how long to inject faults")
	fs.IntVar(&o.workers, "workers", 4, "worker processes (half with a snapshot, half through Redis)")
	fs.Uint64Var(&o.settings.seed, "seed", 0, "seed of the faults and workloads (0: random; the seed is printed)")
	fs.DurationVar(&o.settle, "settle", 3*time.Second, "how long everything runs without faults before the workers stop")
	fs.StringVar(&o.dir, "dir", "", "keep the journals, worker logs and fault timeline in this directory")
	fs.BoolVar(&o.mutate, "mutate", false, "debug: corrupt the results before checking, so that every check must report a violation")
	fs.BoolVar(&o.worker, "worker", false, "internal: run as a worker process")
	fs.IntVar(&o.id, "id", 0, "internal: the worker's incarnation")
	fs.BoolVar(&o.snapshot, "snapshot", false, "internal: the worker starts its client")
	fs.StringVar(&o.pgURL, "pg", "", "internal: the worker's Postgres URL")
	fs.StringVar(&o.redisAddr, "redis", "", "internal: the worker's Redis address")
	fs.StringVar(&o.journal, "journal", "", "internal: the worker's journal file")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	o.workerConfig.seed = o.settings.seed
	return o, o.check(fs.NArg())
}

// usage prints the command's help.
func usage(fs *flag.FlagSet) {
	fmt.Fprintf(fs.Output(), `usage: go run ./internal/soak [-duration d] [-workers n] [-seed n] [-settle d] [-dir path] [-mutate]

Runs worker processes against a private PostgreSQL and Redis while killing,
pausing and restoring them, then checks that no acknowledged write was lost,
no failed write committed, no read was staler than the bound and no read went
back in time. Exit status: 0 no violation, 1 a violation, 2 the soak failed.

`)
	fs.PrintDefaults()
}

// check rejects settings the soak cannot run with.
func (o options) check(nargs int) error {
	switch {
	case nargs > 0:
		return fmt.Errorf("soak takes no arguments")
	case o.worker && (o.id < 1 || o.pgURL == "" || o.redisAddr == "" || o.journal == ""):
		return fmt.Errorf("-worker needs -id, -pg, -redis and -journal")
	case !o.worker && (o.duration <= 0 || o.settle < 0):
		return fmt.Errorf("-duration must be positive and -settle not negative")
	case !o.worker && (o.workers < 1 || o.workers > maxWorkers):
		return fmt.Errorf("-workers must be between 1 and %d", maxWorkers)
	}
	return nil
}

package main

import (
	"flag"
	"fmt"
	"io"
	"time"
)

// settings say how long and how hard the report measures.
type settings struct {
	quick       bool
	rounds      int           // alternating rounds of the in-process figures
	benchtime   time.Duration // per figure and round
	trials      int           // race harness trials, version-gated
	naiveTrials int           // race harness trials of the naive control
	writes      int           // propagation writes
	spacing     time.Duration // between propagation writes
	followers   int           // follower processes of the full fleet rows
	idleShort   time.Duration // idle runs of row 14: their difference is measured
	idleLong    time.Duration
	giveUps     int // writes into a paused Postgres
	failovers   int // Redis Cluster masters killed in turn
}

// targetTrials is the number of race trials the target asks for.
const targetTrials = 100_000

// options are the parsed command line.
type options struct {
	settings
	follower bool // run as a follower process of the fleet rows or row 15
	fo       followerOptions
}

// parseFlags parses args. -quick lowers every default; explicit flags win.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { usage(fs) }
	var o options
	fs.BoolVar(&o.quick, "quick", false, "a smoke test: 3 short rounds, 2,000 race trials, 30 propagation writes, 5 followers")
	fs.IntVar(&o.followers, "followers", 50, "follower processes of the full fleet rows (6b, 6d, 13b, 13d, 14)")
	fs.IntVar(&o.trials, "trials", targetTrials, "race harness trials")
	fs.IntVar(&o.rounds, "rounds", 5, "alternating rounds of the in-process figures (the median is reported)")
	fs.DurationVar(&o.benchtime, "benchtime", 500*time.Millisecond, "time per in-process figure and round")
	fs.BoolVar(&o.follower, "follower", false, "internal: run as a follower process of the fleet rows or row 15")
	fs.StringVar(&o.fo.databaseURL, "database-url", "", "internal: the follower's database")
	fs.StringVar(&o.fo.redisAddr, "redis-addr", "", "internal: the follower's Redis")
	fs.StringVar((*string)(&o.fo.via), "notifier", string(viaRedis), "internal: how the follower hears of changes, redis or listen")
	fs.DurationVar(&o.fo.reconcile, "reconcile", 0, "internal: the follower's reconcile interval (0: the default)")
	fs.StringVar(&o.fo.sqlite, "sqlite", "", "internal: the follower's SQLite file (instead of -database-url and -redis-addr)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	o.settings = o.withDefaults(explicit(fs))
	return o, o.check(fs.NArg())
}

// usage prints the command's help.
func usage(fs *flag.FlagSet) {
	fmt.Fprintf(fs.Output(), `usage: go run ./internal/bench [-quick] [-trials n] [-rounds n] [-benchtime d]

Measures sysconfig against its targets on the local PostgreSQL and Redis
(SYSCONFIG_TEST_DATABASE_URL, SYSCONFIG_TEST_REDIS_URL) and prints one table.
Exit status: 0 every target met, 1 a target missed, 2 a figure failed.

`)
	fs.PrintDefaults()
}

// explicit returns the names of the flags set on the command line.
func explicit(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

// withDefaults completes the settings: the fixed ones, and in quick mode
// the smaller defaults of the flags not given.
func (o options) withDefaults(given map[string]bool) settings {
	s := o.settings
	s.naiveTrials, s.writes, s.spacing, s.giveUps, s.failovers = 1_000, 300, 10*time.Millisecond, 100, 5
	s.idleShort, s.idleLong = 3*time.Second, 8*time.Second
	if !s.quick {
		return s
	}
	s.naiveTrials, s.writes, s.giveUps, s.failovers, s.idleLong = 200, 30, 10, 1, 5*time.Second
	if !given["followers"] {
		s.followers = 5
	}
	if !given["trials"] {
		s.trials = 2_000
	}
	if !given["rounds"] {
		s.rounds = 3
	}
	if !given["benchtime"] {
		s.benchtime = 20 * time.Millisecond
	}
	return s
}

// check rejects values that cannot be measured.
func (o options) check(nargs int) error {
	switch {
	case nargs > 0:
		return fmt.Errorf("bench takes no arguments")
	case o.follower && o.fo.sqlite == "" && (o.fo.databaseURL == "" || o.fo.redisAddr == ""):
		return fmt.Errorf("-follower needs -database-url and -redis-addr, or -sqlite")
	case o.fo.via != viaRedis && o.fo.via != viaListen:
		return fmt.Errorf("-notifier must be %s or %s", viaRedis, viaListen)
	case o.rounds < 1 || o.trials < 1 || o.benchtime <= 0 || o.followers < 1:
		return fmt.Errorf("-rounds, -trials, -benchtime and -followers must be positive")
	}
	return nil
}

//go:build linux

package main

import (
	"math/rand/v2"
	"time"
)

// faultKind is one kind of fault.
type faultKind int

// The kinds of faults.
const (
	pausePostgres faultKind = iota // SIGSTOP every server process, then SIGCONT
	killPostgres                   // SIGKILL, then restart after crash recovery
	pauseRedis                     // SIGSTOP, then SIGCONT
	killRedis                      // SIGKILL, then restart empty
	restoreRedis                   // save, then restart from that save or an older one
	pauseWorker                    // SIGSTOP a worker, then SIGCONT
	killWorker                     // SIGKILL a worker, and start a new incarnation
	faultKinds                     // the number of kinds
)

// faultNames name the kinds in the report.
var faultNames = [faultKinds]string{
	pausePostgres: "pause Postgres",
	killPostgres:  "kill and restart Postgres",
	pauseRedis:    "pause Redis",
	killRedis:     "kill Redis, restart it empty",
	restoreRedis:  "restore Redis from an older save",
	pauseWorker:   "pause a worker (SIGSTOP)",
	killWorker:    "kill a worker (SIGKILL), replace it",
}

// holds are how long each kind of fault lasts, drawn between the two:
// the pause, the time down, or the time between the save and the restore.
var holds = [faultKinds][2]time.Duration{
	pausePostgres: {200 * time.Millisecond, 3 * time.Second},
	killPostgres:  {200 * time.Millisecond, 2 * time.Second},
	pauseRedis:    {200 * time.Millisecond, 3 * time.Second},
	killRedis:     {200 * time.Millisecond, 2 * time.Second},
	restoreRedis:  {200 * time.Millisecond, 3 * time.Second},
	pauseWorker:   {200 * time.Millisecond, 2 * time.Second},
	killWorker:    {0, 500 * time.Millisecond},
}

// The time between the starts of two faults.
const (
	gapLo = 500 * time.Millisecond
	gapHi = 3 * time.Second
)

// fault is one planned fault.
type fault struct {
	kind faultKind
	hold time.Duration
	slot int     // the worker, for worker faults
	pick float64 // which save restoreRedis restores, as a fraction of the saves made so far
}

// target names what a fault acts on; faults on one target run one after
// the other.
func (f fault) target() int {
	switch f.kind {
	case pausePostgres, killPostgres:
		return 0
	case pauseRedis, killRedis, restoreRedis:
		return 1
	}
	return 2 + f.slot
}

// plan draws the wait before the next fault, and the fault.
func plan(rng *rand.Rand, workers int) (time.Duration, fault) {
	gap := between(rng, gapLo, gapHi)
	f := fault{kind: faultKind(rng.IntN(int(faultKinds))), slot: rng.IntN(workers), pick: rng.Float64()}
	if lo, hi := holds[f.kind][0], holds[f.kind][1]; hi > lo {
		f.hold = between(rng, lo, hi)
	}
	return gap, f
}

// newRand returns the random source of the fault plan of seed.
func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0)) }

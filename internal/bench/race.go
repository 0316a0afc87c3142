package main

import (
	"github.com/go-sysconfig/sysconfig/internal/raceharness"
)

// raceWorkers is how many fields the harness races in parallel: its trials
// wait on round trips, so more workers than CPUs keep the servers busy.
const raceWorkers = 16

// runRace is figure 7: the adversarial race harness with version-gated
// fills (the product), or with naive ones (the control, which must fail).
func runRace(r *rig, trials int, naive bool) (raceharness.Result, error) {
	sub := "race:"
	if naive {
		sub = "race-naive:"
	}
	return raceharness.Run(r.ctx, raceharness.Config{
		Store: r.store, Cache: r.env.cache(sub), Trials: trials, Workers: raceWorkers, Naive: naive,
	})
}

package integration

import (
	"os"
	"strconv"
	"testing"

	"github.com/go-sysconfig/sysconfig/internal/raceharness"
	"github.com/go-sysconfig/sysconfig/runtime"
)

// raceTrials returns how many adversarial trials to run:
// SYSCONFIG_RACE_TRIALS, default 10,000.
func raceTrials(t testing.TB) int {
	if s := os.Getenv("SYSCONFIG_RACE_TRIALS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			t.Fatalf("SYSCONFIG_RACE_TRIALS=%q is not a positive number", s)
		}
		return n
	}
	return 10_000
}

// raceWorkers is how many fields the race harness works on in parallel.
const raceWorkers = 8

// runRaceHarness plays trials on the test's own Postgres schema and the
// given cache (see internal/raceharness for the choreography).
func runRaceHarness(t *testing.T, cache runtime.Cache, trials int, naive bool) raceharness.Result {
	t.Helper()
	return playRaceHarnessOn(t, newBackends(t).store, cache, trials, naive)
}

// playRaceHarness plays trials on b.
func playRaceHarness(t *testing.T, b *backends, trials int, naive bool) raceharness.Result {
	t.Helper()
	return playRaceHarnessOn(t, b.store, b.cache, trials, naive)
}

// playRaceHarnessOn plays trials on store and cache.
func playRaceHarnessOn(t *testing.T, store runtime.Store, cache runtime.Cache, trials int, naive bool) raceharness.Result {
	t.Helper()
	res, err := raceharness.Run(t.Context(), raceharness.Config{
		Store: store, Cache: cache, Trials: trials, Workers: raceWorkers, Naive: naive,
	})
	if err != nil {
		t.Fatalf("race harness: %v", err)
	}
	if res.Trials != int64(trials) {
		t.Fatalf("race harness played %d trials, want %d", res.Trials, trials)
	}
	return res
}

// TestRaceHarnessLeavesNoStaleKeys plays the cache-aside race adversarially,
// trial after trial: a reader misses, loads version N from Postgres and is
// held before filling Redis; meanwhile a writer commits N+1 and updates
// Redis; then the reader's fill of N goes through. With version-gated fills
// the late fill is refused and no key is left stale.
func TestRaceHarnessLeavesNoStaleKeys(t *testing.T) {
	res := runRaceHarness(t, newBackends(t).cache, raceTrials(t), false)
	t.Logf("%d adversarial trials, %d keys left stale", res.Trials, res.Stale)
	if res.Stale != 0 {
		t.Errorf("%d of %d trials left a stale cache entry, want 0", res.Stale, res.Trials)
	}
}

// TestRaceHarnessCatchesNaiveFills proves the harness can fail: the same
// choreography with unconditional cache writes leaves stale keys.
func TestRaceHarnessCatchesNaiveFills(t *testing.T) {
	const trials = 200
	res := runRaceHarness(t, newBackends(t).cache, trials, true)
	if res.Stale < trials/2 {
		t.Errorf("naive fills left %d of %d keys stale; the harness is not adversarial", res.Stale, trials)
	}
}

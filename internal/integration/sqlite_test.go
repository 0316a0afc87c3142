package integration

import (
	"path/filepath"
	"testing"

	"github.com/go-sysconfig/sysconfig/internal/raceharness"
	"github.com/go-sysconfig/sysconfig/internal/testenv"
	"github.com/go-sysconfig/sysconfig/runtime/rediscache"
	"github.com/go-sysconfig/sysconfig/runtime/sqlitestore"
)

// sqliteRace plays trials of the race harness on a fresh SQLite file
// behind the test's own Redis prefix.
func sqliteRace(t *testing.T, trials int, naive bool) raceharness.Result {
	t.Helper()
	store, err := sqlitestore.Open(filepath.Join(t.TempDir(), "race.db"), sqlitestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	if err := store.EnsureSchema(ctx); err != nil {
		t.Fatal(err)
	}
	rdb, prefix := testenv.Redis(t)
	res, err := raceharness.Run(t.Context(), raceharness.Config{
		Store: store, Cache: rediscache.New(rdb, rediscache.Options{Prefix: prefix}),
		Trials: trials, Workers: raceWorkers, Naive: naive,
	})
	if err != nil {
		t.Fatalf("race harness: %v", err)
	}
	if res.Trials != int64(trials) {
		t.Fatalf("race harness played %d trials, want %d", res.Trials, trials)
	}
	return res
}

// TestRaceHarnessOnSQLite plays the cache-aside race (see
// TestRaceHarnessLeavesNoStaleKeys) with the SQLite store as the truth:
// version-gated fills leave no stale key. It plays half as many trials as
// the Postgres run, to keep make test short.
func TestRaceHarnessOnSQLite(t *testing.T) {
	res := sqliteRace(t, raceTrials(t)/2, false)
	t.Logf("%d adversarial trials, %d keys left stale", res.Trials, res.Stale)
	if res.Stale != 0 {
		t.Errorf("%d of %d trials left a stale cache entry, want 0", res.Stale, res.Trials)
	}
}

// TestRaceHarnessOnSQLiteCatchesNaiveFills is the control: unconditional
// fills over the SQLite store leave stale keys.
func TestRaceHarnessOnSQLiteCatchesNaiveFills(t *testing.T) {
	const trials = 200
	if res := sqliteRace(t, trials, true); res.Stale < trials/2 {
		t.Errorf("naive fills left %d of %d keys stale; the harness is not adversarial", res.Stale, trials)
	}
}

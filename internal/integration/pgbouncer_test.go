package integration

import (
	"testing"
	"time"

	"github.com/go-sysconfig/sysconfig/internal/testenv"
	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/pgstore"
	"github.com/go-sysconfig/sysconfig/runtime/rediscache"
)

// These tests run the store through the real PgBouncer in transaction
// pooling mode, set up as the README's "Behind PgBouncer" section says
// (testenv.PgBouncer): the pool through PgBouncer, the listener straight
// to Postgres.

// newBouncedBackends is newBackends with the store opened through
// PgBouncer, in schema (a new one when empty).
func newBouncedBackends(t testing.TB, schema string) *backends {
	t.Helper()
	store, pool := testenv.PgBouncer(t, pgstore.Options{Schema: schema})
	rdb, prefix := testenv.Redis(t)
	return &backends{schema: schema, pool: pool, store: store, redis: rdb, prefix: prefix,
		cache: rediscache.New(rdb, rediscache.Options{Prefix: prefix})}
}

// TestRaceHarnessThroughPgBouncer plays the adversarial cache-aside race
// with every store call going through PgBouncer: no key is left stale.
// It plays a fifth of the trials of TestRaceHarnessLeavesNoStaleKeys
// (2,000 by default): the choreography is the same, and each trial costs
// more through PgBouncer (35 s for 10,000 here, against 28 s direct).
func TestRaceHarnessThroughPgBouncer(t *testing.T) {
	b := newBouncedBackends(t, "")
	res := playRaceHarness(t, b, max(1, raceTrials(t)/5), false)
	t.Logf("%d adversarial trials through PgBouncer, %d keys left stale", res.Trials, res.Stale)
	if res.Stale != 0 {
		t.Errorf("%d of %d trials left a stale cache entry, want 0", res.Stale, res.Trials)
	}
}

// TestChangesReachOtherClientsThroughPgBouncer: two processes' clients,
// each with its own pool through PgBouncer and its listener on Postgres;
// every write of one reaches the other by its notification (its reconcile
// is off), and no server connection of PgBouncer's pool is left
// listening.
func TestChangesReachOtherClientsThroughPgBouncer(t *testing.T) {
	testenv.PgBouncerReconnect(t) // no LISTEN left over by an earlier run
	schema := testenv.Schema(t)
	wb, rb := newBouncedBackends(t, schema), newBouncedBackends(t, schema)
	writer := started(t, wb.store, wb.cache, runtime.Options{})
	reader := started(t, rb.store, rb.cache, runtime.Options{ReconcileInterval: time.Hour})
	lat := writesHeard(t, writer, reader)
	t.Logf("set → other client's hook through PgBouncer: p50 %v, max %v (30 writes)", lat[len(lat)/2], lat[len(lat)-1])
	for pid, channels := range testenv.PgBouncerListening(t) {
		if channels != 0 {
			t.Errorf("PgBouncer's server connection (backend %d) listens on %d channels, want none", pid, channels)
		}
	}
}

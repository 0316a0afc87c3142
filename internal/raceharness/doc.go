// Package raceharness plays the cache-aside race adversarially against a
// real Store and Cache and counts the cache entries it leaves stale.
//
// Every trial forces the interleaving that breaks naive cache-aside: a
// reader misses the cache, loads version N from the store and is held
// before it fills the cache; meanwhile a writer commits N+1 and fills the
// cache; then the held fill of N goes through. A trial is stale when the
// cache ends up holding a version other than the store's. Version-gated
// fills refuse the late fill and leave no stale entry; Naive mode, which
// writes unconditionally as plain cache-aside does, leaves one nearly every
// trial, proving the harness can fail.
//
// The harness declares its own small schema (app "race", one int field per
// worker) and is used by the integration tests and by internal/bench. The
// caller isolates the data: a Store and a Cache that nothing else uses.
package raceharness

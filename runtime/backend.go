package runtime

import (
	"context"
	"time"
)

// Record is the stored state of one path.
//
// Versions come from one counter shared by every path of a store, so they
// are unique and increase with every write. Version 0 means the path has
// never been written. A reset keeps the record (Set false) with a new
// version, so that a reset is ordered against the writes around it.
type Record struct {
	Path    string
	Value   string // the canonical text of the value; empty when !Set
	Set     bool   // an override exists
	Version int64
}

// Write is one change inside Store.Apply.
type Write struct {
	Path  string
	Value string // canonical text; ignored when Reset
	Reset bool   // remove the override, so reads fall back to the default

	// CheckVersion makes the whole Apply fail with a *ConflictError unless
	// the path's current version equals Version (0: never written).
	CheckVersion bool
	Version      int64
}

// Applied reports one write of a successful Apply.
type Applied struct {
	Old Record
	New Record
}

// HistoryEntry is one past change of a path.
type HistoryEntry struct {
	Path     string
	Version  int64
	Set      bool   // false for a reset
	Value    string // the new value's canonical text; empty for a reset
	OldSet   bool
	OldValue string
	At       time.Time
}

// Store is the source of truth: one row of overrides per path.
//
// Contract (checked by runtimetest.TestStore for every implementation):
//   - Load returns exactly one Record per requested path, in order; a path
//     never written has Version 0 and Set false. Load never writes.
//   - LoadApp returns every record whose path starts with app+".", including
//     resets, in path order.
//   - Apply is atomic: either every write is applied or none is. Each applied
//     write gets a version greater than every version the store has handed
//     out before. A failed version check returns a *ConflictError and writes
//     nothing. Every applied write adds a HistoryEntry. Writing a path twice
//     in one Apply is an error.
//   - Since returns the records of app changed with a version > version, and
//     the highest version of the app's records (or version, if none is newer).
//   - History returns a path's entries, newest first, at most limit.
//   - Errors that come from the backend itself are returned as they are; the
//     Client wraps them in *UnavailableError.
//   - All methods are safe for concurrent use.
type Store interface {
	Load(ctx context.Context, paths []string) ([]Record, error)
	LoadApp(ctx context.Context, app string) ([]Record, error)
	Apply(ctx context.Context, app string, writes []Write) ([]Applied, error)
	Since(ctx context.Context, app string, version int64) (records []Record, latest int64, err error)
	History(ctx context.Context, path string, limit int) ([]HistoryEntry, error)
}

// Entry is one cached record. An entry with Set false is a tombstone: it
// says "no override at this version", so defaulted fields cost no store
// round trip.
type Entry struct {
	Key     string
	Version int64
	Set     bool
	Value   string
}

// CacheResult is what Cache.Get found for one key.
type CacheResult struct {
	Entry
	Found   bool
	Corrupt bool // the stored bytes were malformed; treat as a miss
}

// Cache is a shared cache in front of the Store.
//
// Contract (checked by runtimetest.TestCache for every implementation):
//   - Get returns one CacheResult per key, in order. A missing key is
//     Found false; malformed stored bytes are Found false, Corrupt true.
//   - Fill stores each entry only if the cache holds no entry for its key
//     with a version greater than or equal to the entry's version
//     (set-if-newer). The check and the store are atomic per key, so a slow
//     reader can never put an older version back after a newer one.
//     A malformed existing entry is overwritten.
//   - Delete removes keys unconditionally.
//   - Errors mean the cache is unreachable or failed; the Client then serves
//     from the store. All methods are safe for concurrent use.
type Cache interface {
	Get(ctx context.Context, keys []string) ([]CacheResult, error)
	Fill(ctx context.Context, entries []Entry) error
	Delete(ctx context.Context, keys []string) error
}

// Notifier is implemented by stores that push change notifications, such
// as the Postgres store (LISTEN/NOTIFY) and the memory store. A Client whose
// store is a Notifier learns of other processes' writes within milliseconds;
// without one it relies on its periodic reconcile.
//
// Contract (checked by runtimetest.TestNotifier):
//   - Listen blocks until ctx is done and then returns ctx.Err().
//   - After changes of app are committed, it calls notify(v) with v the
//     version of the latest of them; one call may stand for several
//     changes, and other apps' changes may be reported too. A rolled-back
//     Apply is never reported.
//   - After every connection, the first and each reconnection, it calls
//     notify(0): changes committed while it was not connected were not
//     delivered, so the receiver must resynchronise from the store.
//   - It reconnects by itself after failures, with a bounded backoff.
//   - notify is called from one goroutine at a time.
type Notifier interface {
	Listen(ctx context.Context, app string, notify func(version int64)) error
}

// Claim is the answer of a Repopulator.
type Claim uint8

// The claims.
const (
	ClaimWon  Claim = iota + 1 // the caller repopulates, then calls FinishRepopulation
	ClaimBusy                  // another process is repopulating: wait and ask again
	ClaimDone                  // another process has just repopulated: nothing to do
)

// Repopulator is implemented by shared caches that can elect one process to
// repopulate them after an outage, so that a cache coming back is refilled
// once rather than by every process at the same moment.
//
// Contract: ClaimRepopulation returns ClaimWon to exactly one caller per app
// until that caller's FinishRepopulation (or until the claim expires, when the
// winner died); while the claim is held it returns ClaimBusy; for a while
// after FinishRepopulation it returns ClaimDone.
type Repopulator interface {
	ClaimRepopulation(ctx context.Context, app string) (Claim, error)
	FinishRepopulation(ctx context.Context, app string) error
}

package runtime

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"
)

// Record is the stored state of one path.
//
// Records are ordered by (Epoch, Version): an epoch is one incarnation of a
// store, and a store that is recreated or restored from a backup starts a
// greater one, so that a value it hands out after that is newer than every
// value handed out before, whatever the version numbers. Within an epoch,
// versions come from one counter shared by every path of the store, so
// they are unique and increase with every write. Version 0 means the path
// has never been written in this epoch. A reset keeps the record (Set
// false) with a new version, so that a reset is ordered against the writes
// around it.
type Record struct {
	Path    string
	Value   string // the canonical text of the value; empty when !Set
	Set     bool   // an override exists
	Epoch   int64  // the store's epoch when the record was read or written
	Version int64
}

// Write is one write of a Change.
type Write struct {
	Path  string
	Value string // canonical text; ignored when Reset
	Reset bool   // remove the override, so reads fall back to the default

	// CheckVersion makes the whole Apply fail with a *ConflictError unless
	// the path's current version equals Version (0: never written).
	CheckVersion bool
	Version      int64
}

// Change is one atomic set of writes to the paths of an app: what one Set,
// Reset or SetMany asks the store to commit.
type Change struct {
	// ID names the change, so that a writer that could not learn whether
	// it committed can ask the store with Resolve. The writer chooses it
	// (NewChangeID); it must be a UUID in canonical text form, unique per
	// change.
	ID     string
	App    string
	Writes []Write
	// ChangeInfo is who made the change, why and through what; the store
	// records it with the change as it is (see ChangeInfo).
	ChangeInfo
	// Reverts is what the change reverts, recorded as it is (see
	// ChangeSet.Reverts); empty for other changes.
	Reverts string
	// Revealed names the secret fields whose stored values the actor was
	// shown in plaintext (see Client.RecordReveal), recorded as it is. A
	// change that reveals usually writes nothing: it is then recorded as a
	// change set without writes, so that the reveal is in the audit trail.
	Revealed []string
}

// Applied reports one write of a successful Apply.
type Applied struct {
	Old Record
	New Record
	// Prev is where the app stood just before the change, in New's epoch:
	// the highest version any record of the app had (0 when it had
	// none), when the store knows it, and negative when it does not (the
	// change ran beside other writers of the app). It is the same for
	// every write of one change. A known Prev guarantees that no other
	// change of the app has, or will ever commit, a version between Prev
	// and the change's, so that a reader that has followed the app up to
	// exactly Prev reaches the change's last version by applying its
	// records, with nothing in between (see Notice); a reader of a change
	// with an unknown Prev applies its records but leaves its position to
	// the store (Since). Apply sets it; the
	// Applied of a Resolution need not (the Client does not rely on them).
	Prev int64
}

// Position is how far a reader has followed the changes of an app: every
// change with a version up to Version in epoch Epoch. The zero Position
// has seen nothing.
type Position struct {
	Epoch   int64
	Version int64
}

// Delta is what Store.Since returns: the records that bring a reader from
// its Position to the store's.
type Delta struct {
	// Records changed after the reader's position, in version order; or,
	// when Full, every record of the app.
	Records []Record
	// Full is true when Records are every record the app has in the
	// store's epoch, so that a path without one has no override: the
	// reader asked from the zero Position or from another epoch.
	Full bool
	// At is the position the reader reaches with Records: the store's
	// epoch and the highest version of the app's records (the reader's
	// own version when nothing is newer).
	At Position
}

// DeltaOf returns the Delta of a Since from from that read records, the
// app's records above from (all of them when from is in another epoch), in
// version order, in the store's epoch. Its position is the version of the
// last record, or from's when nothing is newer, but never beyond upTo: a
// store whose writers may commit out of version order passes the version
// up to which every change that will ever commit has been read, and one
// whose writers commit in version order passes math.MaxInt64.
func DeltaOf(from Position, epoch int64, records []Record, upTo int64) Delta {
	d := Delta{Records: records, Full: epoch != from.Epoch, At: Position{Epoch: epoch}}
	if !d.Full {
		d.At.Version = from.Version
	}
	if n := len(records); n > 0 {
		d.At.Version = max(d.At.Version, min(upTo, records[n-1].Version))
	}
	return d
}

// Resolution is what Store.Resolve learned about a change.
type Resolution struct {
	// Committed is true when the change committed, with Applied its
	// writes in order. False means it did not commit, and never will.
	Committed bool
	Applied   []Applied
}

// HistoryEntry is one past change of a path.
type HistoryEntry struct {
	Path       string
	Version    int64
	Set        bool   // false for a reset
	Value      string // the new value's canonical text; empty for a reset
	OldSet     bool
	OldValue   string
	OldVersion int64 // the path's version before the write; 0 if never written, or unknown (see ChangeID)
	At         time.Time
	// ChangeID is the ID of the change the write belongs to, and
	// ChangeInfo that change's attribution. Both are empty for writes
	// recorded before the store kept change sets (a Postgres store
	// upgraded from before migration 2), whose OldVersion is 0 too; writes
	// recorded before it kept attribution (migration 3) have an empty
	// ChangeInfo.
	ChangeID string
	ChangeInfo
}

// ChangeSet is one committed change as the store recorded it: one Set,
// Reset, SetMany, import, revert or rotation.
type ChangeSet struct {
	ID string
	// Version is the last version the change wrote. Change sets are
	// ordered by it, and a listing pages with it (ChangeQuery.Before).
	Version int64
	At      time.Time // when it committed (the store's clock)
	ChangeInfo
	// Reverts is what a revert (source FromRevert) undid: the ID of a
	// change set, or PATH@VERSION for a path put back to the value it held
	// at that version. Empty for other changes.
	Reverts string
	// Writes are the change's writes, old → new, in version order
	// (without Prev).
	Writes []Applied
	// Revealed names the secret fields whose values the actor was shown
	// in plaintext (Client.RecordReveal); such a change set usually has
	// no writes. Empty for other changes.
	Revealed []string
}

// ChangeQuery selects change sets (Store.Changes, Client.Changes). Its
// zero value selects every change set, newest first, up to the limit.
type ChangeQuery struct {
	ID      string    // only the change set with this ID
	Section string    // only change sets that wrote a field of this section (its name)
	Path    string    // only change sets that wrote this path
	Actor   string    // only change sets by this actor
	Since   time.Time // only change sets committed at Since or later; zero: no bound
	Until   time.Time // only change sets committed before Until; zero: no bound
	// Before pages: only change sets whose Version is lower. Pass the
	// Version of the last change set of a page to get the next one; zero
	// starts from the newest.
	Before int64
	// Limit is the most change sets to return. Stores return none for
	// zero or less; Client.Changes reads zero as DefaultChangeLimit.
	Limit int
	// Reveal makes Client.Changes show secrets in plaintext, decrypted
	// with its keyring, rather than redacted. Stores ignore it.
	Reveal bool
}

// Matches reports whether cs, a change set of app, is selected by q's
// filters (ID, Section, Path, Actor, Since, Until, Before), for stores
// that filter in Go.
func (q ChangeQuery) Matches(app string, cs ChangeSet) bool {
	switch {
	case q.ID != "" && cs.ID != q.ID,
		q.Actor != "" && cs.Actor != q.Actor,
		!q.Since.IsZero() && cs.At.Before(q.Since),
		!q.Until.IsZero() && !cs.At.Before(q.Until),
		q.Before > 0 && cs.Version >= q.Before:
		return false
	}
	return q.pathsMatch(app, cs)
}

// pathsMatch reports whether the change set wrote or revealed a path of
// the query's section and path, or q filters on neither.
func (q ChangeQuery) pathsMatch(app string, cs ChangeSet) bool {
	if q.Section == "" && q.Path == "" {
		return true
	}
	prefix := app + "." + q.Section + "."
	match := func(p string) bool {
		return (q.Path == "" || p == q.Path) && (q.Section == "" || strings.HasPrefix(p, prefix))
	}
	for _, w := range cs.Writes {
		if match(w.New.Path) {
			return true
		}
	}
	return slices.ContainsFunc(cs.Revealed, match)
}

// Store is the source of truth: one record of overrides per path.
//
// Contract (checked by runtimetest.TestStore for every implementation):
//   - Every record a method returns carries the store's current epoch. An
//     epoch never decreases; a store that is recreated, or restored to an
//     earlier state, must start a greater one before it hands out anything.
//   - Load returns exactly one Record per requested path, in order; a path
//     never written has Version 0 and Set false. Load never writes.
//   - Since returns what changed in an app after a position (see Delta):
//     the records of the app with a greater version when from is in the
//     store's epoch, else every record of the app, Full. Since never
//     writes. A reader that passes the position each Delta gives never
//     misses a change (see Apply).
//   - Apply is atomic: either every write of the change is applied or none
//     is. Each applied write gets a version greater than every version the
//     store has handed out before in its epoch, and adds a HistoryEntry
//     naming the change and carrying its ChangeInfo, as given. Each
//     Applied carries the change's Prev: the app's highest version just
//     before it, or a negative number when the store does not know it.
//     Changes of an app may run side by side, and their versions may
//     commit out of order, but Since never misses one: every version of
//     the app at or below the Delta.At it returns that ever commits has
//     committed by then, and is in the Delta (or in an earlier one). A
//     failed version check returns a *ConflictError and writes nothing.
//     Writing a path twice in one change, and data the backend refuses,
//     are errors matching ErrInvalid (see InvalidInput), not outages. When
//     Apply cannot tell whether the change committed (the connection broke
//     after the commit was sent) its error matches ErrOutcomeUnknown (see
//     OutcomeUnknown); any other error means the change did not commit,
//     and never will.
//   - Resolve reports whether the change with the given ID committed. When
//     it reports that it did not, it has made sure it never will: an Apply
//     of that ID still in flight, or sent later, fails.
//   - History returns a path's entries, newest first, at most limit, each
//     with its old version, its change's ID and its change's ChangeInfo.
//   - HistoryAt returns the entry of path's newest write with a version
//     at or below version, and true; false when there is none (the path
//     had never been written at that version).
//   - A change without writes that names Revealed paths writes nothing
//     but is recorded as a change set all the same, with its attribution
//     and a version from the same counter as writes (greater than every
//     version handed out before it), so that Changes lists it in order;
//     no record changes, and Since reports nothing new. A change with
//     neither writes nor Revealed paths commits nothing and leaves no trace.
//   - Changes returns the app's committed change sets that match the
//     query, newest first (by Version), at most its Limit, each with its
//     attribution, all its writes (not only those that match), old →
//     new, and its Revealed paths. The Path and Section filters match a
//     path written or revealed. An ID that names no committed change set
//     matches nothing.
//   - A backend that answers but cannot serve as it is set up (missing
//     tables, privileges, database) returns errors matching
//     ErrMisconfigured (see Misconfigured).
//   - Errors that come from the backend itself are returned as they are; the
//     Client wraps them in *UnavailableError.
//   - All methods are safe for concurrent use.
type Store interface {
	Load(ctx context.Context, paths []string) ([]Record, error)
	Since(ctx context.Context, app string, from Position) (Delta, error)
	Apply(ctx context.Context, change Change) ([]Applied, error)
	Resolve(ctx context.Context, app, changeID string) (Resolution, error)
	History(ctx context.Context, path string, limit int) ([]HistoryEntry, error)
	HistoryAt(ctx context.Context, path string, version int64) (HistoryEntry, bool, error)
	Changes(ctx context.Context, app string, q ChangeQuery) ([]ChangeSet, error)
}

// Entry is one cached record. An entry with Set false is a tombstone: it
// says "no override at this version", so defaulted fields cost no store
// round trip.
type Entry struct {
	Key     string
	Set     bool
	Value   string
	Epoch   int64
	Version int64
	// AsOf is when the record was read from the store (or committed to
	// it): the value was current then. Readers trust an entry for the
	// staleness bound after AsOf, and no longer, whatever happened to the
	// cache since. Caches keep it to the millisecond.
	AsOf time.Time
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
//     that is newer: entries are ordered by (Epoch, Version, AsOf), so a
//     later epoch wins whatever its version, and an entry of the same
//     version read from the store more recently refreshes AsOf. The check
//     and the store are atomic per key, so a slow reader can never put an
//     older version back after a newer one. A malformed existing entry is
//     overwritten.
//   - Delete removes keys unconditionally.
//   - Errors mean the cache is unreachable or failed; the Client then serves
//     from the store. Every method honours its context's deadline. All
//     methods are safe for concurrent use.
type Cache interface {
	Get(ctx context.Context, keys []string) ([]CacheResult, error)
	Fill(ctx context.Context, entries []Entry) error
	Delete(ctx context.Context, keys []string) error
}

// Prober is implemented by caches that can tell whether they work better
// than one read can. While a Client treats its cache as unavailable, it
// probes it every Options.CacheRetryInterval and goes back to it once a
// probe succeeds: with Probe when the cache is a Prober, otherwise with a
// Get of one key.
//
// Contract: Probe returns nil only when the cache can serve every key now.
// A cache that spreads keys over several servers (a Redis Cluster) brings
// its routing up to date and checks each server, so that after a failover
// it is back in use as soon as the new server answers, and not before.
// Probe honours its context's deadline.
type Prober interface {
	Probe(ctx context.Context) error
}

// Notice is what a Notifier reports: one committed change of an app, or
// a request to resynchronise with the store.
//
// A change moved the app, in store epoch Epoch, from version Prev (see
// Applied.Prev) to Version, the last version it wrote. A receiver that
// has followed the app up to exactly (Epoch, Prev) applies Records and is
// at (Epoch, Version), without asking the store; a receiver anywhere else
// has missed a change, or is ahead, and compares versions instead.
type Notice struct {
	// Version is the change's last version. Zero asks the receiver to
	// resynchronise from the store: the notifier (re)connected, and
	// changes committed meanwhile were not reported.
	Version int64
	// Epoch and Prev place the change (see above). A notice of a notifier
	// that reports versions only (see VersionsOnly) has neither: Epoch 0.
	Epoch int64
	Prev  int64
	// Records are what the change wrote, in version order, as the store
	// holds them: a secret's value is sealed, never plaintext. Nil when
	// the notice does not carry them (the change did not fit, or the
	// notifier carries versions only): the receiver asks the store.
	Records []Record
}

// NoticeOf returns the notice of a committed change, with its records in
// version order, from what Apply returned for it (at least one write).
func NoticeOf(applied []Applied) Notice {
	n := Notice{Epoch: applied[0].New.Epoch, Prev: applied[0].Prev, Records: make([]Record, len(applied))}
	for i, a := range applied {
		n.Records[i] = a.New
		n.Version = max(n.Version, a.New.Version)
	}
	slices.SortFunc(n.Records, func(a, b Record) int { return cmp.Compare(a.Version, b.Version) })
	return n
}

// Notifier tells a started client of the changes other processes commit,
// so that it applies them within milliseconds; without one, a client
// relies on its periodic reconcile. The Postgres store (LISTEN/NOTIFY)
// and the memory store are Notifiers, and so is rediscache.Notifier
// (Redis pub/sub), which needs no Postgres connection of its own. A
// Client uses Options.Notifier, or else its store when the store is one.
//
// Contract (checked by runtimetest.TestNotifier):
//   - Listen blocks until ctx is done and then returns ctx.Err().
//   - After every connection, the first and each reconnection, it
//     reports Notice{} (Version 0) before anything else: changes
//     committed while it was not connected were not reported, and the
//     receiver must resynchronise from the store.
//   - After a change of app commits, it reports a Notice of it, with the
//     change's Epoch, Prev and Version and, when they fit, all its
//     Records. A rolled-back Apply is never reported. Notices may be
//     lost or come out of commit order (a writer that died before
//     publishing, a pub/sub message dropped); receivers detect both
//     with Prev, and the reconcile bounds what they cost.
//   - It never reports a secret's plaintext: Records carry values as the
//     store holds them.
//   - It reconnects by itself after failures, with a bounded backoff.
//   - notify is called from one goroutine at a time.
type Notifier interface {
	Listen(ctx context.Context, app string, notify func(Notice)) error
}

// Publisher is a Notifier whose notices the writer sends, after the
// commit, rather than the store, within it: a Client whose notifier is a
// Publisher publishes every change it commits (see Options.Notifier).
// Publish sends one notice to every Listen of app; an error means it may
// not have reached them.
type Publisher interface {
	Notifier
	Publish(ctx context.Context, app string, n Notice) error
}

// VersionNotifier is the notifier contract before Notice: notify(v) for
// a change whose last version is v, notify(0) after every (re)connection.
// A Client still uses a store that implements it, through VersionsOnly:
// each notification costs every receiver a query to the store.
type VersionNotifier interface {
	Listen(ctx context.Context, app string, notify func(version int64)) error
}

// VersionsOnly adapts a VersionNotifier to the Notifier contract: its
// notices carry a version only (Epoch 0, no records).
func VersionsOnly(n VersionNotifier) Notifier { return versionsOnly{n} }

type versionsOnly struct{ n VersionNotifier }

func (v versionsOnly) Listen(ctx context.Context, app string, notify func(Notice)) error {
	return v.n.Listen(ctx, app, func(version int64) { notify(Notice{Version: version}) })
}

// HeadReader is implemented by stores that can say cheaply where an app
// stands: a started client's reconcile asks Head first, and reads the
// changes with Since only when the answer differs from its own position.
//
// Head returns the store's epoch and the highest version of the app's
// records (0 when it has none): the At of a Since that is up to date. It
// never writes, and costs one round trip that reads no record.
type HeadReader interface {
	Head(ctx context.Context, app string) (Position, error)
}

// Claim is the answer of a Repopulator.
type Claim uint8

// The claims.
const (
	ClaimWon  Claim = iota + 1 // the caller repopulates, then calls FinishRepopulation
	ClaimBusy                  // another process is repopulating: wait and ask again
	ClaimDone                  // the cache was repopulated recently: nothing to do
)

// Repopulator is implemented by shared caches that can elect one process to
// refill them, so that a cache that lost its contents (restarted empty,
// flushed, failed over) is refilled once rather than by every process, and
// entries of fields that are rarely written stay in the cache as a
// fallback for processes that start while the store is down.
//
// Started clients ask on every reconcile; asking costs one round trip.
//
// Contract: ClaimRepopulation returns ClaimWon to exactly one caller per app
// until that caller's FinishRepopulation (or until the claim expires, when the
// winner died); while the claim is held it returns ClaimBusy; after
// FinishRepopulation it returns ClaimDone for a while the cache chooses,
// and once that lapses, or the cache has lost the record of it, the next
// caller wins again.
type Repopulator interface {
	ClaimRepopulation(ctx context.Context, app string) (Claim, error)
	FinishRepopulation(ctx context.Context, app string) error
}

// newer reports whether (e1, v1) comes after (e2, v2) in the order of a
// store's values: by epoch, then by version.
func newer(e1, v1, e2, v2 int64) bool {
	if e1 != e2 {
		return e1 > e2
	}
	return v1 > v2
}

// EntryNewer reports whether a comes after b in the order Cache.Fill keeps:
// by epoch, then version, then AsOf. Cache implementations may use it.
func EntryNewer(a, b Entry) bool {
	if a.Epoch != b.Epoch || a.Version != b.Version {
		return newer(a.Epoch, a.Version, b.Epoch, b.Version)
	}
	return a.AsOf.After(b.AsOf)
}

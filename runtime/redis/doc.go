// Package redis implements runtime.Cache on Redis with go-redis v9. It
// accepts any redis.UniversalClient, so a single node, a Sentinel-managed
// master (failover client) and a Cluster all work.
//
// # Key layout
//
// Every runtime key k is stored as one Redis string named Options.Prefix+k
// ("sysconfig:"+k by default). The runtime chooses the keys (they carry a
// schema/type fingerprint); this package only prepends the prefix, so
// several applications or test runs can share a server under different
// prefixes.
//
// The runtime's keys are "<path>@<fingerprint>", where path is
// "app.section.field". Beside them, each app has one repopulation key,
// Options.Prefix+"repopulate:"+app (see Repopulation below). The two
// cannot collide: app names are snake_case (lower-case letters, digits and
// underscores; the schema loader rejects anything else), so after the
// prefix an entry key's first segment ends at a dot and never contains a
// colon, while a repopulation key has a colon right after "repopulate".
//
// # Entry format
//
//	<version>:<flag>:<value>
//
// version is the record's version as canonical decimal (digits only, no
// sign, no leading zero except "0" itself, at most math.MaxInt64). flag is
// "s" for a set override, followed by the value's canonical text, which may
// be empty and may contain any bytes, colons included; or "t" for a
// tombstone ("no override at this version"), followed by nothing. For
// example "42:s:Hello, world" and "43:t:". Anything else is malformed: Get
// reports it as Found false, Corrupt true, and the next Fill replaces it.
// Parsing a stored entry allocates nothing; the value shares the memory of
// the reply.
//
// # The version gate
//
// Fill runs a Lua script per key that reads the current entry and stores
// the new one only if the current one is missing, malformed, or older; an
// equal or newer version is left alone. Redis runs a script atomically, so
// no other write can slip between the check and the set. This is what
// keeps stale entries from living forever: in plain cache-aside a reader
// that loaded version 1 from the store, then stalled while a writer stored
// version 2 and updated the cache, would put version 1 back, and it would
// stay until evicted. With the gate the late fill of version 1 is refused,
// so the cache only ever moves forward, and every fill of the newest
// version wins. Versions are compared as decimal strings inside the script,
// never as Lua numbers (doubles), so the gate is exact for every int64.
//
// # Expiry
//
// With Options.TTL zero (the default) entries never expire: freshness comes
// from the version gate, not from expiry, and an entry is replaced as soon
// as anyone fills a newer version. A positive TTL is a safety net: it bounds
// how long an entry can outlive a lost fill and lets Redis reclaim the keys
// of fields (or fingerprints) no longer read. Each stored entry gets PX TTL;
// an entry refused by the gate keeps its current expiry.
//
// # Repopulation
//
// Cache implements runtime.Repopulator, so that when Redis comes back after
// an outage one process refills it rather than every process at once. The
// app's repopulation key holds a state: "running" while a process
// repopulates, with PX Options.ClaimTTL (default 30s) so that the claim of
// a process that died lapses; and "done" once it has finished, with PX
// Options.DoneTTL (default 10s) so that processes probing a little later do
// not refill again. ClaimRepopulation runs one Lua script: a key holding
// "running" answers runtime.ClaimBusy, one holding "done" answers
// runtime.ClaimDone, and otherwise (a missing key, or one holding any other
// value or type, which is treated as missing and overwritten) the script
// sets "running" and the caller gets runtime.ClaimWon. Redis runs the
// script atomically, so of any number of concurrent callers exactly one
// wins. FinishRepopulation sets "done". Each operation touches one key, so
// it works unchanged on a Cluster.
//
// # Round trips
//
// Get of one key is one GET. Get of several keys is one MGET when the
// client is a *redis.Client (a single node, or the master a Sentinel
// failover client points at). Otherwise (Cluster, Ring, or any other
// UniversalClient) it is a pipeline of GETs, because a multi-key command
// fails when its keys hash to different cluster slots; go-redis splits the
// pipeline by node and sends the parts in parallel. Fill always sends one
// script call per key (pipelined when there are several), and Delete
// follows Get: one DEL on a single node, a pipeline of DELs otherwise. In
// a cluster, scripts are cached per node; a node that lacks the script
// answers NOSCRIPT and its entries are resent with EVAL.
//
// # Errors and contexts
//
// A missing key is a miss, never an error. Errors from go-redis (network,
// timeout, server) are returned as they are; runtime.Client wraps them and
// falls back to the store. Contexts are passed to every command: a
// cancelled context stops waiting for a connection at once, and with the
// client's ContextTimeoutEnabled option set a deadline also bounds socket
// reads and writes (otherwise ReadTimeout and WriteTimeout do).
package redis

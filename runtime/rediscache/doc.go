// Package rediscache implements runtime.Cache on Redis with go-redis v9,
// and a runtime.Notifier over Redis pub/sub (see Notifier below). It
// accepts any redis.UniversalClient, so a single node, a Sentinel-managed
// master (failover client) and a Cluster all work.
//
// # Making the client
//
// Connect makes the go-redis client from one URL and picks its kind by
// asking the server: given the address of any one node of a Redis Cluster
// it returns a Cluster client, which learns the other nodes from it; given
// a plain server, a plain client. (redis.NewUniversalClient cannot tell: with
// one address it always returns a plain client, and on a Cluster node
// every call for a key that node does not serve fails with MOVED or
// CROSSSLOT.) Several seeds (addr=) mean a Cluster and master_name= a
// master found through Sentinel, in go-redis's URL forms. The Cache's
// contract suite and this package's tests of its behaviour run on a single
// node and on a 3-master, 1-replica Cluster reached from one seed. A Cache over a plain client that meets a Cluster's
// redirection reports runtime.ErrMisconfigured and stays unusable: the
// client must be remade.
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
// "app.section.field". Beside them, each app has one refill key,
// Options.Prefix+"repopulate:"+app (see Refills below). The two
// cannot collide: app names are snake_case (lower-case letters, digits and
// underscores; the schema loader rejects anything else), so after the
// prefix an entry key's first segment ends at a dot and never contains a
// colon, while a refill key has a colon right after "repopulate".
//
// # Entry format
//
//	<epoch>:<version>:<asof>:<flag>:<value>
//
// epoch, version and asof are canonical decimals (digits only, no sign, no
// leading zero except "0" itself, at most math.MaxInt64): the record's
// store epoch and version, and the time its value was read from the store,
// in Unix milliseconds. flag is "s" for a set override, followed by the
// value's canonical text, which may be empty and may contain any bytes,
// colons included; or "t" for a tombstone ("no override at this
// version"), followed by nothing. For example "1796000000123456:42:1796000000500:s:Hello, world"
// and "1796000000123456:43:1796000000600:t:". Anything else is malformed:
// Get reports it as Found false, Corrupt true, and the next Fill replaces
// it. Parsing a stored entry allocates nothing; the value shares the
// memory of the reply.
//
// # The version gate
//
// Fill runs a Lua script per key that reads the current entry and stores
// the new one only if the current one is missing, malformed, or older, by
// (epoch, version, asof); an entry at least as new is left alone. Redis
// runs a script atomically, so no other write can slip between the check
// and the set. So a reader that loaded version 1 from the store, then
// stalled while a writer stored version 2 and updated the cache, cannot
// put version 1 back; an entry of a recreated store (a later epoch) replaces
// those of the old one whatever their versions; and an entry read from the
// store again later refreshes asof. Numbers are compared as decimal strings
// inside the script, never as Lua numbers (doubles), so the gate is exact
// for every int64.
//
// The gate keeps the cache from going back; it cannot make it go forward
// when an update is lost. That is the readers' part: runtime.Client serves
// an entry as current only within its staleness bound after asof.
//
// # Expiry
//
// Each stored entry gets PX Options.TTL (24 hours by default; negative for
// none); an entry refused by the gate keeps its current expiry. The expiry
// is housekeeping, not freshness: it lets Redis reclaim keys that no schema
// reads any more, and bounds how old a fallback value can be for a client
// that starts while the store is down. Started clients refill every entry
// of their app once per Options.DoneTTL (see below), which keeps a running
// app's entries from expiring.
//
// # Refills
//
// Cache implements runtime.Repopulator, so that one process refills the
// cache rather than every process at once. The app's refill key,
// Options.Prefix+"repopulate:"+app, holds a state: "running" while a process
// refills, with PX Options.ClaimTTL (default 30s) so that the claim of a
// process that died lapses; and "done" once it has finished, with PX
// Options.DoneTTL (default 1h). ClaimRepopulation reads the key with a
// GET: "running" answers runtime.ClaimBusy and "done" runtime.ClaimDone,
// so that the question every started client asks at each reconcile costs
// no script. Otherwise (a missing key, or one holding any other value or
// type, which is treated as missing and overwritten) it runs one Lua
// script, which answers as the GET would have if the key changed
// meanwhile, and else sets "running" and lets the caller win. Redis runs
// the script atomically, so of any number of concurrent callers exactly
// one wins. FinishRepopulation sets "done". A Redis that lost its
// data (restarted empty, flushed) lost the key too, so the next started
// client to ask refills it; each operation touches one key, so it works
// unchanged on a Cluster.
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
// # Notifier
//
// Notifier tells started clients of the changes other processes commit
// through pub/sub, in place of the Postgres store's LISTEN, which holds a
// Postgres connection per process and costs Postgres a transaction per
// listening session per change. Give it to every process as
// runtime.Options.Notifier, writers included: the writer publishes each
// change after its commit (one PUBLISH on Prefix+"changes:"+app), with its
// place in the app's chain of changes and its records as stored (a
// secret's value sealed), and every subscriber applies it without asking
// the store. A change larger than NotifierOptions.MaxNoticeSize (64 KiB)
// is published without its records. Plain PUBLISH and SUBSCRIBE reach
// every node of a Cluster (sharded pub/sub would need Redis 7), so Redis 6
// and later work. Pub/sub delivers at most once: a subscriber tells its
// client to resynchronise after every (re)subscription, a notice lost
// otherwise shows as a gap at the next one, and the client's reconcile
// covers the last. Each running Listen holds one Redis connection, and
// resubscribes by itself after a failure, pinging after 30 s without a
// message.
//
// # Errors and contexts
//
// A missing key is a miss, never an error. Errors from go-redis (network,
// timeout, server) are returned as they are; runtime.Client wraps them and
// falls back to the store. Every call returns by its context's deadline:
// with the client's ContextTimeoutEnabled option set, go-redis applies the
// deadline to socket reads and writes itself; without it (the default),
// the Cache returns at the deadline and leaves the command to finish in
// the background, within the client's ReadTimeout.
//
// # Failovers
//
// A Cluster client routes each key by a map of which master serves which
// slot, which go-redis refreshes by itself only every minute or when a node
// answers MOVED. When a call fails other than with an answer from Redis (a
// refused dial, a timeout) or with an answer that the map may be out of
// date (MOVED, ASK, CLUSTERDOWN, TRYAGAIN, READONLY, MASTERDOWN), the Cache
// has the client refresh it in the background. While the runtime treats
// the cache as unavailable it calls Probe (runtime.Prober) once a second:
// on a Cluster, Probe refreshes the map and then asks every master for
// CLUSTER INFO, and succeeds only when each answers cluster_state:ok, so
// that the client goes back to the cache as soon as a dead master's
// replica serves its slots, and not before (a read of one key would
// succeed on another master and send the client back too early, to wait
// for the cache's timeout on the dead slots again). A master that stays
// down with no replica to replace it keeps the whole cache unused until it
// returns. With a client made by Connect, on a 3-master Cluster with a
// replica each, the cache is in use again within about a second of the
// cluster serving every slot (`make bench`).
package rediscache

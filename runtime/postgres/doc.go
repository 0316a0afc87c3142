// Package postgres is the PostgreSQL runtime.Store, the source of truth of
// sysconfig, built on pgx/v5's pgxpool.
//
// # Setting up
//
//	store := postgres.New(pool, postgres.Options{Schema: "sysconfig"})
//	if err := store.EnsureSchema(ctx); err != nil { ... }
//
// EnsureSchema creates what is missing and leaves the rest alone, so every
// process may call it at start-up; concurrent calls serialise on an advisory
// lock. Teams that migrate by hand can apply schema.sql, the same DDL,
// shipped in this directory: its names are unqualified and it is run with
// the search_path set to the target schema (see the file's header). With
// Options.Schema empty, tables are found through the connection's
// search_path. The pool belongs to the caller, who closes it; a Store holds
// nothing else that needs closing.
//
// # Tables
//
// sysconfig_values holds one row per path ever written: the app, the value
// (NULL once reset, meaning "no override"), the version and the time of the
// last change. A reset keeps its row, so that it has a version and is
// ordered against the writes around it; only overrides are stored, never
// defaults. sysconfig_history gets one row per applied write, with the new
// and the old value. Paths use the "C" collation, so path order is byte
// order on every database.
//
// # Versions
//
// Every write takes the next value of one sequence, sysconfig_version,
// shared by all paths: versions are unique and increase with each write, and
// caches use them to refuse older data (set-if-newer). Apply holds a
// transaction-level advisory lock on the app while it writes (it requires
// every path to start with the app and a ".", so all writers of a path take
// the same lock), so the writes of one app commit in version order: Since(app, v) never misses a write
// that commits later with a lower version, and an expected-version check is
// exact even when two writers race to create the same path. Different apps
// write in parallel.
//
// # Notifications
//
// Apply runs pg_notify in its transaction for each write, on Options.Channel
// ("sysconfig" by default), with a small JSON payload (see Notification):
// Postgres delivers it to every listener at commit and drops it on
// rollback. The payload never carries the value.
//
// Store.Listen (runtime.Notifier) listens for one app: it calls notify with
// the version of each of the app's writes, in commit order, until its
// context ends. It holds a dedicated connection, opened like the pool's
// (same configuration, BeforeConnect and AfterConnect hooks, and
// application_name "sysconfig-listener" unless one is configured) but
// outside it: a LISTEN must stay on one session, so it never takes one of
// the pool's MaxConns slots, nor waits for one. Each running Listen is one
// more server connection. After each successful LISTEN, the first and every
// reconnection, it calls notify(0) before anything else: notifications sent
// while it was away are lost, so the receiver resynchronises with Since.
// It reconnects by itself after any failure, waiting 50 ms, doubling up to
// 2 s, and pings the server after 30 s without a notification so that a
// silently dead connection does not go unnoticed. Other listeners can
// LISTEN on Store.Channel themselves and decode payloads with
// ParseNotification.
//
// # Errors
//
// Errors from Postgres (or from pgx: unreachable server, cancelled context)
// are returned wrapped with the operation, for errors.Is and errors.As; the
// runtime.Client turns them into *runtime.UnavailableError. A failed
// version check is a *runtime.ConflictError. Every method honours its
// context's deadline and cancellation.
package postgres

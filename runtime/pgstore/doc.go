// Package pgstore is the PostgreSQL runtime.Store, the source of truth of
// sysconfig, built on pgx/v5's pgxpool.
//
// # Setting up
//
//	store := pgstore.New(pool, pgstore.Options{Schema: "sysconfig"})
//	if err := store.EnsureSchema(ctx); err != nil { ... }
//
// EnsureSchema sets the store up, or upgrades it: under an advisory lock,
// in one transaction, it runs the migrations the database has not recorded
// yet (numbered files in migrations/, each run once, in order, and recorded
// in sysconfig_migrations), then replaces the two small functions Apply
// calls (migrations/functions.sql), so that an upgrade of this package
// brings their new version. Every process may call it at start-up;
// concurrent calls serialise on the lock, and all but the first find
// no migration to run. After an upgrade of this package, call EnsureSchema (or
// migrate by hand) before Apply. A store already upgraded by a newer
// version of this package makes it fail with a [*SchemaTooNewError], and
// change nothing.
//
// Teams that migrate by hand apply migrations/*.sql in order, then
// functions.sql, as the role that owns the tables: the names in them are
// unqualified, and they are run with the search_path set to the target
// schema (see migrations/README.md). [Migrations] and [FunctionsSQL] return the
// same SQL, for migration tools written in Go. With Options.Schema empty,
// tables are found through the connection's search_path. The pool belongs
// to the caller, who closes it; a Store holds nothing else that needs
// closing.
//
// EnsureSchema also keeps the store's epoch (see [Store.Epoch]): it starts a
// new one when the tables were recreated, or restored by pg_restore.
// After a point-in-time restore or a failover to a replica that may have
// lost commits, call [Store.NewEpoch].
//
// # Privileges
//
// The role that runs EnsureSchema the first time, and after each upgrade
// of this package, owns the tables: it needs CREATE on the schema (or on
// the database, to create the schema). Programs that only read and write
// need no more than this, with the schema and role of your own:
//
//	GRANT USAGE ON SCHEMA sysconfig TO app;
//	GRANT SELECT, INSERT, UPDATE ON sysconfig.sysconfig_values TO app;
//	GRANT SELECT, INSERT ON sysconfig.sysconfig_history, sysconfig.sysconfig_changes TO app;
//	GRANT SELECT ON sysconfig.sysconfig_meta, sysconfig.sysconfig_migrations TO app;
//	GRANT USAGE ON SEQUENCE sysconfig.sysconfig_version, sysconfig.sysconfig_history_id_seq TO app;
//
// (The functions are executable by PUBLIC, as Postgres creates them;
// LISTEN and NOTIFY need no grant.) Such a role may call EnsureSchema: on a
// current store it only reads. A test runs the client under exactly these
// grants.
//
// An error that says the store is set up wrong rather than down — the
// database or a table does not exist, authentication failed, a privilege
// is missing — matches runtime.ErrMisconfigured, not ErrUnavailable.
//
// # Tables
//
// sysconfig_values holds one row per path ever written: the app, the value
// (NULL once reset, meaning "no override"), the version and the time of the
// last change. A reset keeps its row, so that it has a version and is
// ordered against the writes around it; only overrides are stored, never
// defaults. sysconfig_history gets one row per applied write, with the new
// and the old value and version, and the ID of its change.
// sysconfig_changes gets one row per committed change (one Apply), keyed by
// the change's ID, with the last version it wrote, its attribution (actor,
// reason, source: runtime.ChangeInfo) and, for a revert, what it reverts; a
// row without a version is a fence (see Resolve). History reads a path's
// rows of sysconfig_history; Changes lists the rows of sysconfig_changes,
// newest first through its (app, version) index, with their writes. sysconfig_meta holds the store's epoch. Paths
// use the "C" collation, so path order is byte order on every database.
//
// # Versions and epochs
//
// Every write takes the next value of one sequence, sysconfig_version,
// shared by all paths: versions are unique and increase with each write, and
// caches use them to refuse older data (set-if-newer).
//
// Writers of one app run side by side; two advisory locks per write,
// held until the transaction ends, keep the guarantees (Store.writeBatch,
// in apply.go, has the details):
//   - the lock of each path written, so that an expected-version check is
//     exact even when two writers race to create the same path: writers of
//     one path wait for each other, writers of different paths do not;
//   - the app's lock, held shared from before the writer takes a version
//     until its commit is visible. Since first reads the last version
//     handed out, notes the transactions holding the app's lock, and
//     waits until none of them does (the function
//     sysconfig_await_writers, which polls pg_locks and takes no lock), so
//     every version up to the one it read has committed or rolled back by
//     then; it reads after that, and hands out a position no greater than
//     that version. So Since never misses a write that commits after a
//     greater version: this is the invariant the store relies on. A Since
//     waits for the writes of its app in flight; it holds up no writer and
//     no other reader.
//
// The locks are keyed by the store's values table (its OID) and the app
// or path, so stores in different schemas never wait for each other. Apps
// never wait for each other, except on a collision of two 32-bit hashes.
//
// A sequence restarts when its tables are recreated, and goes back when
// they are restored: the epoch, a time in microseconds that only grows, is
// what orders the values of the new store after every value handed out
// before. Every record the store returns carries it; Since from a position
// in another epoch returns every record, Full, so that a reader replaces
// what it holds rather than comparing versions across epochs.
//
// # Writes
//
// An Apply is one transaction sent in one round trip, COMMIT included (the
// statements and how they are pipelined are described at Store.writeBatch,
// in apply.go). A failed version check returns the *runtime.ConflictError
// of the first failing write, and writes nothing.
//
// # Outcomes
//
// Because the COMMIT is sent with the writes, a client that gives up
// waiting (its deadline passes, the connection breaks) cannot know whether
// the server — paused, overloaded, waiting for a lock, with the batch in
// its buffers — will commit it later. Apply therefore reports three
// outcomes: nil once the COMMIT was answered; an error matching
// runtime.ErrOutcomeUnknown when the batch was sent and no answer came; any
// other error only when the change provably did not commit (nothing was
// sent, or the server answered with an error). Resolve settles an unknown
// outcome for good: it either finds the change's row in sysconfig_changes,
// written as the transaction's last statement before COMMIT, or writes a
// fence row under the change's ID, which makes that statement fail on the
// primary key, so that the change can never commit afterwards.
//
// Apply is bounded in time by its context's deadline and at most
// Options.WriteTimeout (30 s by default); the server is given a slightly
// shorter budget of its own (see Store.budget), so that a transaction that
// runs out of time is usually ended by the server, with an error proving
// it did not commit, rather than left unknown.
//
// # Notifications
//
// Apply runs pg_notify once per change, in its transaction, on
// Options.Channel ("sysconfig" by default): Postgres delivers it to every
// listener at commit, in commit order, and drops it on rollback. Its JSON
// payload (see Notification) places the change — the app, the store's
// epoch, Prev (the app's highest version before the change) and the
// change's last version — and carries its records as stored: a secret's
// value is sealed, never plaintext. A change whose payload would reach
// Postgres' limit of 8000 bytes is notified without its records, and so is
// every change of a store with Options.NotifyVersionsOnly: its listeners
// then read it with Since. Any role that can connect to the database can
// LISTEN on any channel, so without that option such a role learns the
// non-secret values written, whatever it may SELECT.
//
// Prev is computed in the transaction, after the change's writes: the
// writer then tries to take the app's lock exclusively, and is granted it
// when no other writer of the app is in flight, which it then keeps out
// until its COMMIT. Only then, and if no other change's row has a version
// between the change's first and last (another writer may have taken one
// there and committed before the grant), is Prev known: the greater of
// the versions the change replaced and of the app's rows it did not
// touch; otherwise it is -1, unknown. Apply returns it in every
// runtime.Applied, and the changes with a known Prev form one chain,
// which is what lets a reader apply a notice and move its position
// without a query exactly when its Prev is the reader's position (a
// reader serves the records of any other notice, and leaves its position
// to Since). A lone writer, the common case, always knows its Prev. Head
// answers where an app stands (its highest version, from the (app,
// version) index): a reader's reconcile asks it and reads records with
// Since only when it moved.
//
// Options.NoNotify turns the notification off, for stores whose clients
// all hear of changes through Redis (rediscache.Notifier): Postgres holds a
// lock on its notification queue, one for the whole server, while each
// notifying transaction's commit is flushed to disk, so notifying
// writers commit one after the other however many run side by side.
//
// Store.Listen (runtime.Notifier) listens for one app: it calls notify with
// the notice of each of the app's changes, in commit order, until its
// context ends. It holds a dedicated connection, opened like the pool's
// (same configuration, BeforeConnect and AfterConnect hooks, and
// application_name "sysconfig-listener" unless one is configured) but
// outside it: a LISTEN must stay on one session, so it never takes one of
// the pool's MaxConns slots, nor waits for one. Each running Listen is one
// more server connection, and Postgres counts one transaction per
// notification in it (the session reads the notification queue in one).
// A client that hears of changes through Redis instead
// (rediscache.Notifier) needs no such connection. After each successful
// LISTEN, the first and every reconnection, it calls notify with a resync
// notice (Version 0) before anything else: notifications sent while it was
// away are lost, so the receiver resynchronises with Since. It reconnects
// by itself after any failure, waiting 50 ms, doubling up to 2 s, and
// pings the server after 30 s without a notification so that a silently
// dead connection does not go unnoticed. Other listeners can LISTEN on
// Store.Channel themselves and decode payloads with ParseNotification.
// Options.ListenConfig makes the listener connect elsewhere than the pool,
// as it must behind a pooler (below).
//
// # Behind a connection pooler
//
// The store keeps nothing in a server session from one transaction to
// the next: the write locks are transaction-level advisory locks
// (pg_advisory_xact_lock), the time limits of a write are set for its
// transaction only (set_config with is_local), every statement names its
// tables in Options.Schema, and EnsureSchema sets its search_path for its
// own transaction only. So the pool may go through PgBouncer in
// transaction pooling mode (pool_mode = transaction), which hands each
// transaction, and each statement outside one, to any of its server
// connections, given two settings (the README's "Behind PgBouncer" shows
// them, as the tests use them):
//
//   - The pool's statement mode must send each statement whole in one
//     round trip: pgx.QueryExecModeCacheDescribe (in a URL,
//     default_query_exec_mode=cache_describe), which caches only the
//     statements' descriptions, or QueryExecModeExec or
//     QueryExecModeSimpleProtocol. pgx's default,
//     QueryExecModeCacheStatement, prepares named statements, which the
//     next transaction, on another server connection, finds missing
//     (SQLSTATE 26000) or already there (42P05); QueryExecModeDescribeExec
//     executes in a second round trip the unnamed statement described in
//     the first, which may by then be another client's. EnsureSchema
//     refuses those two modes behind a pooler with an error matching
//     [ErrPooler] and runtime.ErrMisconfigured, unless
//     Options.PoolerKeepsStatements says that the pooler keeps prepared
//     statements (PgBouncer in session mode, or 1.21 and later with
//     max_prepared_statements set); and those two SQLSTATEs match
//     runtime.ErrMisconfigured wherever they come from.
//   - The listener must connect straight to Postgres, through
//     Options.ListenConfig. A LISTEN belongs to the server session that
//     ran it; a pooler hands that session to other clients, and they get
//     the notifications instead (pgx buffers them until asked, without
//     limit). Listen checks each of its connections and refuses one
//     through a pooler with an error matching [ErrPooler] (logged once),
//     in session mode too, which it cannot tell apart.
//
// Set Options.Schema too: PgBouncer refuses a search_path startup
// parameter (or ignores it, if told to), so with Options.Schema empty the
// tables are found through the role's or the database's default
// search_path.
//
// A pooler is recognised by the process ID the server gave the client
// when it connected: a pooler gives its clients IDs of its own, which
// differ from the backend's pg_backend_pid(). Asking costs one round trip,
// in EnsureSchema and in each new connection of the listener.
//
// # Errors
//
// Errors from Postgres (or from pgx: unreachable server, cancelled context)
// are returned wrapped with the operation, for errors.Is and errors.As; the
// runtime.Client turns them into *runtime.UnavailableError. A failed
// version check is a *runtime.ConflictError. Every method honours its
// context's deadline and cancellation; an Apply whose context ended, or
// whose server gave up because the context's deadline was near, returns an
// error for which errors.Is(err, ctx.Err()) holds, and one stopped by
// Options.WriteTimeout a *pgconn.PgError with SQLSTATE 55P03
// (lock_not_available) or 57014 (query_canceled).
package pgstore

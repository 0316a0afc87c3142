// Package sqlitestore is a runtime.Store and runtime.Notifier kept in one
// SQLite file, for apps that run on one host without a PostgreSQL server:
// a single binary, or a few processes sharing the file. It needs no cgo
// (the driver is modernc.org/sqlite, SQLite's C code translated to Go), so
// it builds with CGO_ENABLED=0.
//
// # Setting up
//
//	store, err := sqlitestore.Open("/var/lib/myapp/config.db", sqlitestore.Options{})
//	if err != nil { ... }
//	defer store.Close()
//	if err := store.EnsureSchema(ctx); err != nil { ... }
//	client, err := runtime.NewClient(config.Schema, store, runtime.Options{})
//
// EnsureSchema creates the file (unless Options.MustExist), puts it in WAL
// mode and runs the migrations it has not recorded (numbered files in
// migrations/, each run once, in order, recorded in sysconfig_migrations),
// in one transaction; every process may call it at start-up. A file
// upgraded by a newer version of this package makes it fail with a
// [*SchemaTooNewError].
//
// # Several processes
//
// Processes on one host may share the file: WAL mode lets readers read
// while one writer writes, and writers take the file's write lock one at
// a time (BEGIN IMMEDIATE), each waiting for it as long as its time limit
// allows. Within a process, writes queue for the store's one write
// connection, in Go, honouring their contexts; reads use a pool of
// connections. The file must be on a local file system: WAL needs shared
// memory between the processes, which network file systems do not give.
//
// Listen ([runtime.Notifier]) tells a started client of every other
// connection's commits, its own process's and other processes' alike, by
// polling: every Options.PollInterval (50 ms by default) it asks SQLite
// for PRAGMA data_version on a connection of its own, a read of memory
// that changes when another connection committed, and only then reads the
// app's highest version. A commit thus reaches the other processes'
// snapshots within the poll interval and a read (make bench measures it),
// and their periodic reconcile bounds staleness as with any store.
//
// # Versions and epochs
//
// sysconfig_meta holds the file's version counter and its epoch. Every
// write takes the next version in its transaction, and transactions
// commit one at a time, so versions commit in increasing order: Since
// never misses a write. A change that only reveals takes a version too.
// [Store.Head] says where an app stands (the epoch and the app's highest
// version) in one statement that reads no record.
//
// The epoch is a time in microseconds that only grows. A new file starts a
// new one, so a file deleted and made again is ordered after the old one.
// A file replaced by an older copy of itself (a backup restored) has
// gone back: versions it hands out again would look older than what
// readers and caches already hold. The store detects that when the file's
// (epoch, version) is behind the highest that any Store of this process
// has seen in the file (a read is compared with what was seen before it
// began), which it checks on every write and every read that hands out
// epochs (all but History and HistoryAt), and on every change the
// notifier sees: it then starts a new epoch, before
// handing out anything read at the old one (this is the one write a read
// may do), and logs a warning. So a running process that had seen the
// later state moves the file to a new epoch as soon as it looks at it
// again. What is not detected: a copy restored while no process that saw
// the later state is running (a process remembers only what it saw
// itself). If a shared cache (Redis) in front of the file outlived such a
// restore, call [Store.NewEpoch] after restoring.
//
// # Writes and outcomes
//
// An Apply is one write transaction: it records the change's ID in
// sysconfig_changes first (a fence left by Resolve refuses it there), then
// each write takes the next version, upserts its path's row in
// sysconfig_values and appends a row to sysconfig_history, then the
// counter is saved, and the transaction commits. A failed version check
// returns the *runtime.ConflictError of the first failing write, and
// writes nothing.
//
// A local file answers every statement, so an outcome is almost always
// known: nil once SQLite reports the COMMIT done; an error, and the
// transaction rolled back, for everything that fails before it — the
// write lock still held by another process when the time limit is spent
// (SQLITE_BUSY, which also matches context.DeadlineExceeded when the
// context's deadline set the limit), an expired or cancelled context (the
// error then matches ctx.Err()), a conflict, a fence. Only a COMMIT that itself fails (an I/O
// error, a full disk) may have made the change durable all the same: that
// error matches runtime.ErrOutcomeUnknown, and Resolve settles it. Resolve
// runs in a write transaction, so no Apply is in flight meanwhile: it
// finds the change's row, or writes a fence under its ID so that it can
// never commit.
//
// Apply is bounded by its context's deadline and Options.WriteTimeout
// (30 s by default), whichever comes first: its wait for the write lock
// (SQLite's busy timeout is set to the time left), its statements (the
// driver interrupts them when the context ends) and its COMMIT. Once the
// context has ended, database/sql rolls the transaction back and refuses
// the COMMIT, so a write whose context expired before its COMMIT never
// commits; one whose COMMIT was under way when the deadline passed
// returns nil, and committed. Commits are durable (SQLite's default
// synchronous=FULL: the log is synced at every commit).
//
// # Errors
//
// Errors that say the store is set up wrong rather than unavailable — a
// directory that does not exist, a file this process may not write, a
// file that is not a database or is corrupt, a missing table — match
// runtime.ErrMisconfigured; data SQLite refuses matches runtime.ErrInvalid.
// Everything else (SQLITE_BUSY, I/O errors, a full disk, a context) is
// returned as it is, and the runtime.Client reports it as unavailable.
//
// # Not supported
//
// Processes on several hosts (use the Postgres store); a file on a
// network file system; an in-memory database (use runtime/memory). The
// store keeps no connection to a pooler and needs no server; a Redis
// cache may still sit in front of it, as in front of Postgres.
package sqlitestore

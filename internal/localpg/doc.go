//go:build linux

// Package localpg runs a private PostgreSQL server for fault tests: one that
// a test may pause, kill and restart under load without touching the shared
// server the other tests use.
//
// # The server
//
// [Start] copies a freshly initialised cluster (trust authentication, UTF8,
// locale C) into a new temporary directory and runs Debian's postgres binary
// (the highest major version under /usr/lib/postgresql) directly, so that
// the test holds the postmaster's PID. It listens on 127.0.0.1 and a free
// port below the kernel's ephemeral range (so that no client socket can take
// the port while the server is down), and on a Unix socket in the directory;
// its log is postgres.log in the directory. initdb and postgres refuse to run
// as root: under root they run as the OS user "postgres", and the directory
// is that user's.
//
// The server is tuned for speed, not durability against power loss: fsync is
// off, so nothing waits for the disk. Durability against a crash of the
// server's processes, which is what [Server.Kill] simulates, is kept:
// synchronous_commit and full_page_writes stay on, because a commit reported
// to the client must survive Kill (with synchronous_commit off it can sit in
// shared memory for up to 0.6 s and be lost with it), and because a SIGKILL
// can interrupt the write of an 8 kB page halfway. With fsync off, both cost
// little. [Options.Settings] overrides any setting.
//
// initdb takes about two seconds, so it runs once per machine and version:
// its output is kept under the user's cache directory
// (os.UserCacheDir()/sysconfig-localpg) and copied for each server.
//
// # Faults
//
// [Server.Pause] stops the postmaster and every process it started with
// SIGSTOP, as a frozen host or a debugger would: open connections stay open,
// the kernel keeps accepting what clients send (into socket buffers, and new
// connections into the listen queue), and nothing is answered until
// [Server.Resume]. Stopping the postmaster alone would not do: its backends
// would go on serving their sessions.
//
// [Server.Kill] kills them all with SIGKILL, as a crash would, and returns
// once they are gone and the port is free; the data directory stays, and
// [Server.Restart] starts the server on it again, on the same port, after
// crash recovery. [Server.Close] kills the server and removes the directory.
//
// # Cleaning up
//
// The server never outlives the process that started it. The postmaster is
// started with a parent-death signal (SIGKILL), and its children exit on
// their own once it is gone. A stopped process would not notice, so while
// the server is paused a small watchdog (a shell) waits on a pipe from this
// process and, should the pipe close before Resume, Kill or Close, kills the
// stopped processes. What a crash of this process does leave behind is the
// temporary directory.
//
// [New] wraps [Start] for tests: it fails the test, with instructions, when
// the PostgreSQL binaries are missing, and closes the server when the test
// ends. The package works on Linux only.
package localpg

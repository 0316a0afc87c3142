// Package localredis runs private redis-server processes on the loopback
// interface, so that tests and the fault soak of `make bench` can kill,
// pause, restore and fail over a real Redis without touching anybody else's.
// It never connects to the shared server on 127.0.0.1:6379.
//
// # Servers
//
// A [Server] is one redis-server process (the Debian binary, found in PATH)
// bound to 127.0.0.1 on a port of its own, with its own temporary directory
// holding its dump file, its log and, in a cluster, its nodes.conf. It starts
// without persistence (`--save ""`, `--appendonly no`) unless [Options.Args]
// say otherwise. Its faults are signals and files:
//
//   - [Server.Pause] stops the process (SIGSTOP): the kernel still accepts
//     connections and buffers requests, but nothing answers until
//     [Server.Resume] (SIGCONT). Only a deadline can detect it.
//   - [Server.Kill] is a crash (SIGKILL): whatever was not saved is lost. The
//     port stays reserved, and [Server.Restart] starts the server again on the
//     same port and directory, loading the last dump file if there is one.
//   - [Server.Save] writes a snapshot and returns a copy of it;
//     [Server.RestoreFrom] restarts the server from an older copy, as when
//     Redis comes back from a stale save file.
//   - [Server.DisconnectReplicas] closes a master's replication links, so that
//     the writes it acknowledges next reach no replica (see below).
//
// A server is running, paused, stopped (killed, or exited by itself) or
// closed. Operations that need an answer from the process fail with an error
// matching [ErrNotRunning] unless it is running; Resume and Kill do nothing
// when there is nothing to resume or kill. After [Server.Close], everything
// but Close and Resume fails with [ErrClosed]. Methods are safe for
// concurrent use; they take turns.
//
// # Topologies
//
// [StartCluster] builds a Redis Cluster of such servers and waits until every
// node reports cluster_state:ok, every replica is in sync and every master
// streams its writes to its replicas (see below). It takes about 2.3 s, of
// which 2 s is Redis's own delay before a new master declares its slots
// writable. [Cluster.Failover] makes a replica take over its master's slots
// at once (CLUSTER FAILOVER TAKEOVER), even when the master is dead, and
// waits until every running node agrees, in a few tens of milliseconds.
// Automatic failover stays enabled, as in production: a master that stays
// down for a few seconds is replaced by its replica without help.
//
// [StartSentinel] starts a master, its replica and three sentinels (quorum 2)
// that already know each other, in about 1.5 s. [Sentinel.Failover] asks the
// sentinels to promote the replica and waits until all of them report it as
// master, in about a second. The data servers keep their role in a
// configuration file that the sentinels rewrite, so a restarted server
// comes back with the role it last had.
//
// After injecting faults, [Cluster.WaitHealthy] and [Sentinel.WaitHealthy]
// wait until the topology has recovered; [Cluster.WaitServing] waits only
// until every slot is served by a running master again (a killed master
// replaced, before it returns), and [Cluster.WaitDown] until the nodes report
// the cluster down. [Cluster.SeedURL] and [Sentinel.URL] are the URLs a
// client is made from (rediscache.Connect): one node's address, and
// go-redis's failover form. A [SharedCluster] is one cluster for a whole test
// binary, for tests that leave its nodes alone and keep to key prefixes of
// their own, so that a package pays the start once. Every wait of the package ends at
// the caller's deadline or after 30 seconds, whichever comes first.
//
// # Losing an acknowledged write
//
// Pausing a replica does not stop its replication: the master keeps sending,
// the kernel keeps buffering, and the resumed replica applies what it finds
// unless it is promoted first, which makes the outcome a race. To make a
// master acknowledge a write that no replica will ever see, pause the
// replica, then disconnect it on the master, then write:
//
//	client.Set(ctx, k, "v1", 0)     // on one connection, then
//	client.Wait(ctx, 1, 5000)       // on the same one: v1 is on the replica
//	replica.Pause()                 // it cannot reconnect and catch up
//	master.DisconnectReplicas(ctx)  // nothing more is sent to it
//	client.Set(ctx, k, "v2", 0)     // acknowledged by the master alone
//	master.Kill()
//	replica.Resume()
//	cluster.Failover(ctx, replica)  // k is back to v1
//
// A replica that reports its link up may still not receive writes for a
// second: after a full sync, a Redis 7 master holds back the stream until
// the replica's next acknowledgement. The Start functions wait for that; after
// a restart or a failover, WAIT on the writing connection is the way to know
// a write has reached a replica.
//
// # Lifetimes
//
// Every process is started with the parent-death signal set to SIGKILL
// (Linux), so none outlives the test binary or the bench program, however
// that ends; Close, registered as a cleanup by [NewServer], [NewCluster] and
// [NewSentinel], also removes the directories. Those wrappers fail the test,
// never skip it, when redis-server is not installed. Ports are picked by the
// kernel and checked free (a cluster node's bus port, 10000 higher, too), and
// are never handed to another server of the same process while their owner
// is open.
package localredis

package pgstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// ErrPooler is matched, with errors.Is, by the errors that refuse a
// connection pooler (see "Behind a connection pooler" in the package
// documentation): a LISTEN through one, and, in EnsureSchema, a pool whose
// statement mode needs each client to keep its server session. Those
// errors match runtime.ErrMisconfigured too.
var ErrPooler = errors.New("connection pooler in the way")

// probePIDSQL asks the server for its backend's process ID.
const probePIDSQL = "SELECT pg_backend_pid()"

// behindPooler reports whether conn reaches Postgres through a connection
// pooler. Postgres tells a client its backend's process ID when it
// connects (BackendKeyData, kept by pgconn as PID), and a pooler such as
// PgBouncer tells its clients a key of its own instead, since it hands
// them server connections in turn: so the ID the client was given
// differs from pg_backend_pid(). The query goes by the simple
// protocol, which leaves no prepared statement behind on a pooled server.
func behindPooler(ctx context.Context, conn *pgx.Conn) (bool, error) {
	var pid int32
	err := conn.QueryRow(ctx, probePIDSQL, pgx.QueryExecModeSimpleProtocol).Scan(&pid)
	if err != nil {
		return false, err
	}
	return uint32(pid) != conn.PgConn().PID(), nil
}

// errListenThroughPooler is the listener's refusal: a LISTEN through a
// pooler in transaction mode lands on whichever server connection runs it,
// which then goes back to the pooler's pool and delivers the channel's
// notifications to the clients it serves next, not to the listener.
var errListenThroughPooler = runtime.Misconfigured(fmt.Errorf("sysconfig/pgstore: listen: %w: "+
	"the listener's connection does not reach Postgres directly (the backend's process ID differs from "+
	"the one the server gave at connection), so a LISTEN would stay on a pooled server connection and its "+
	"notifications would reach other clients; set Options.ListenConfig to a direct connection to Postgres. "+
	"Until then changes arrive only by the client's reconcile", ErrPooler))

// checkListener refuses conn for a LISTEN when it goes through a pooler,
// and says so through the store's logger the first time.
func (s *Store) checkListener(ctx context.Context, conn *pgx.Conn) error {
	pooled, err := behindPooler(ctx, conn)
	if err != nil || !pooled {
		return err
	}
	if s.refusedListen.CompareAndSwap(false, true) {
		s.log.Error(errListenThroughPooler.Error())
	}
	return errListenThroughPooler
}

// checkStatementMode refuses a pool that reaches Postgres through a
// pooler with a statement mode that needs each client to keep its server
// session from one round trip to the next, unless the pooler is said to
// keep prepared statements (Options.PoolerKeepsStatements).
func (s *Store) checkStatementMode(ctx context.Context) error {
	if s.poolerKeepsStatements {
		return nil
	}
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	mode := conn.Conn().Config().DefaultQueryExecMode
	if !needsSession(mode) {
		return nil
	}
	pooled, err := behindPooler(ctx, conn.Conn())
	if err != nil || !pooled {
		return err
	}
	return statementModeError(mode)
}

// statementModeError is EnsureSchema's refusal of a pool in mode behind a
// pooler.
func statementModeError(mode pgx.QueryExecMode) error {
	return runtime.Misconfigured(fmt.Errorf("%w: the pool reaches Postgres through a connection pooler, and its "+
		"statement mode, %q, needs each client to keep its server session (pgx's default caches named prepared "+
		"statements; describe exec sends a statement's description and its execution in two round trips): "+
		"behind PgBouncer in transaction mode, set the pool's DefaultQueryExecMode to "+
		"pgx.QueryExecModeCacheDescribe (default_query_exec_mode=cache_describe in its URL), or set "+
		"Options.PoolerKeepsStatements if the pooler keeps them (PgBouncer in session mode, or 1.21 and later "+
		"with max_prepared_statements)", ErrPooler, mode))
}

// needsSession reports whether pgx's mode relies on a statement prepared,
// named or unnamed, in an earlier round trip on the same server session.
func needsSession(mode pgx.QueryExecMode) bool {
	return mode == pgx.QueryExecModeCacheStatement || mode == pgx.QueryExecModeDescribeExec
}

// connectListenConfig opens the listener's connection from
// Options.ListenConfig.
func (s *Store) connectListenConfig(ctx context.Context) (*pgx.Conn, error) {
	cc := s.listenConfig.Copy()
	nameListener(cc)
	return pgx.ConnectConfig(ctx, cc)
}

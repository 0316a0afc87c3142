package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/go-sysconfig/sysconfig/internal/backoff"
	"github.com/go-sysconfig/sysconfig/runtime"
)

// ListenerApplicationName is the application_name of the connection Listen
// opens, unless the pool's configuration already sets one, so that
// operators can tell it apart in pg_stat_activity.
const ListenerApplicationName = "sysconfig-listener"

// errNoNotify is Listen's error on a store that does not notify.
var errNoNotify = errors.New("the store is set up with Options.NoNotify: Apply sends no notification to listen to")

// Listener timing.
const (
	// listenMinBackoff and listenMaxBackoff bound the wait between two
	// connection attempts: it doubles after each failure, and starts again
	// from the minimum once a connection is listening.
	listenMinBackoff = 50 * time.Millisecond
	listenMaxBackoff = 2 * time.Second

	// listenDialTimeout bounds one attempt to connect and LISTEN, so that a
	// server that drops packets cannot hold the listener for minutes.
	listenDialTimeout = 10 * time.Second

	// defaultListenIdle is how long the listener waits for a notification
	// before it pings the server, and listenPingTimeout how long the ping
	// may take. A connection that died silently (a network partition sends
	// no reset) is thus noticed within about 35 s, not when TCP keepalives
	// give up, tens of minutes later.
	defaultListenIdle = 30 * time.Second
	listenPingTimeout = 5 * time.Second
)

var (
	_ runtime.Notifier   = (*Store)(nil)
	_ runtime.HeadReader = (*Store)(nil)
)

// Listen calls notify with the notice of every change of app that Apply
// commits, in commit order, until ctx is done; it then closes its
// connection and returns ctx.Err(). It implements runtime.Notifier. A
// notice carries the change's records when its notification did (see
// Notification).
//
// Listen holds a connection of its own, outside the pool: it is opened
// like one of the pool's (from a copy of its ConnConfig, through its
// BeforeConnect and AfterConnect hooks), or from Options.ListenConfig when
// set, but never counts against MaxConns nor waits for a free slot, and
// closing the pool does not end it. It does count against the server's
// max_connections: one per running Listen. Its application_name is
// ListenerApplicationName unless its configuration sets one. It never
// LISTENs through a connection pooler: it checks each connection first,
// and refuses one that goes through a pooler with an error matching
// ErrPooler, which it logs once (see "Behind a connection pooler" in the
// package documentation) before it tries again like after any failure.
//
// After each LISTEN succeeds, on the first connection and on every
// reconnection, Listen calls notify(runtime.Notice{}) before any
// notification of that connection: changes committed while it was not
// listening are lost, and the receiver must resynchronise from the store
// (with Since).
// Notifications of other apps, and payloads that do not parse or carry no
// positive version, are skipped.
//
// On any connection error Listen closes the connection and reconnects,
// waiting 50 ms after the first failure, doubling up to 2 s, with a little
// jitter; the wait starts again from 50 ms once a connection listens. It
// pings the server when no notification came for 30 s, to notice a
// connection that died silently. notify is called from Listen's goroutine;
// a slow notify delays the notifications after it, which Postgres queues.
//
// On a store with Options.NoNotify, Listen returns at once an error
// matching runtime.ErrMisconfigured: no notification would ever come.
func (s *Store) Listen(ctx context.Context, app string, notify func(runtime.Notice)) error {
	if !s.notify {
		return fmt.Errorf("sysconfig/pgstore: listen: %w", runtime.Misconfigured(errNoNotify))
	}
	wait := backoff.Backoff{Min: listenMinBackoff, Max: listenMaxBackoff}
	for {
		if conn, err := s.dialListener(ctx); err == nil {
			wait.Reset()
			notify(runtime.Notice{})
			s.relay(ctx, conn, app, notify)
			closeConn(ctx, conn)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err := wait.Sleep(ctx); err != nil {
			return err
		}
	}
}

// dialListener opens the listener's own connection and LISTENs on the
// store's channel, all within listenDialTimeout.
func (s *Store) dialListener(ctx context.Context) (*pgx.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, listenDialTimeout)
	defer cancel()
	conn, err := s.connect(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.checkListener(ctx, conn); err != nil {
		closeConn(ctx, conn)
		return nil, err
	}
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{s.channel}.Sanitize()); err != nil {
		closeConn(ctx, conn)
		return nil, err
	}
	return conn, nil
}

// connect opens a connection configured like the pool's, outside it, or
// as Options.ListenConfig says.
func (s *Store) connect(ctx context.Context) (*pgx.Conn, error) {
	if s.listenConfig != nil {
		return s.connectListenConfig(ctx)
	}
	cfg := s.pool.Config() // a deep copy, ConnConfig included
	nameListener(cfg.ConnConfig)
	if cfg.BeforeConnect != nil {
		if err := cfg.BeforeConnect(ctx, cfg.ConnConfig); err != nil {
			return nil, err
		}
	}
	conn, err := pgx.ConnectConfig(ctx, cfg.ConnConfig)
	if err != nil {
		return nil, err
	}
	if cfg.AfterConnect != nil {
		if err := cfg.AfterConnect(ctx, conn); err != nil {
			closeConn(ctx, conn)
			return nil, err
		}
	}
	return conn, nil
}

// nameListener sets the application_name of cc to ListenerApplicationName,
// unless it has one.
func nameListener(cc *pgx.ConnConfig) {
	if cc.RuntimeParams == nil {
		cc.RuntimeParams = map[string]string{}
	}
	if cc.RuntimeParams["application_name"] == "" {
		cc.RuntimeParams["application_name"] = ListenerApplicationName
	}
}

// relay passes the app's notifications on until the connection fails or
// ctx is done.
func (s *Store) relay(ctx context.Context, conn *pgx.Conn, app string, notify func(runtime.Notice)) {
	for {
		msg, err := s.next(ctx, conn)
		if err != nil {
			return
		}
		if msg == nil {
			continue // idle: the server answered a ping
		}
		if n, err := ParseNotification(msg.Payload); err == nil && n.App == app && n.Version > 0 {
			notify(n.Notice())
		}
	}
}

// next returns the connection's next notification, or nil once it has
// pinged the server after waiting in vain for the idle interval.
func (s *Store) next(ctx context.Context, conn *pgx.Conn) (*pgconn.Notification, error) {
	waitCtx, cancel := context.WithTimeout(ctx, s.idle())
	defer cancel()
	msg, err := conn.WaitForNotification(waitCtx)
	if err == nil || ctx.Err() != nil || waitCtx.Err() == nil {
		return msg, err
	}
	pingCtx, cancelPing := context.WithTimeout(ctx, listenPingTimeout)
	defer cancelPing()
	return nil, conn.Ping(pingCtx)
}

// idle is how long the listener waits before pinging; tests shorten it.
func (s *Store) idle() time.Duration {
	if s.listenIdle > 0 {
		return s.listenIdle
	}
	return defaultListenIdle
}

// closeConn closes conn, sending the server a Terminate so that its
// backend ends at once, even when ctx is already done.
func closeConn(ctx context.Context, conn *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
	defer cancel()
	_ = conn.Close(ctx)
}

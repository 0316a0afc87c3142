package rediscache

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/go-sysconfig/sysconfig/internal/backoff"
	"github.com/go-sysconfig/sysconfig/runtime"
)

// DefaultMaxNoticeSize is NotifierOptions.MaxNoticeSize when zero.
const DefaultMaxNoticeSize = 64 << 10

// Notifier timing.
const (
	// notifyMinBackoff and notifyMaxBackoff bound the wait between two
	// attempts to subscribe: it doubles after each failure, and starts
	// again from the minimum once subscribed.
	notifyMinBackoff = 50 * time.Millisecond
	notifyMaxBackoff = 2 * time.Second

	// defaultNotifyIdle is how long Listen waits for a message before it
	// pings the server; when the ping's answer does not come within as
	// long again, it subscribes on a new connection.
	defaultNotifyIdle = 30 * time.Second
)

// NotifierOptions configure a Notifier. The zero value is ready to use.
type NotifierOptions struct {
	// Prefix starts the name of every channel: an app's notices go to
	// Prefix+"changes:"+app. Give every store its own prefix — the
	// prefix of its Cache (Options.Prefix) is the natural choice — so
	// that apps of the same name in two stores (two Postgres schemas or
	// databases) sharing one Redis do not hear each other.
	// Default (when empty): DefaultPrefix, "sysconfig:".
	Prefix string

	// MaxNoticeSize is the largest message, in bytes, that carries a
	// change's records; a larger change is published by its versions
	// only, and receivers read it from the store. Default (zero):
	// DefaultMaxNoticeSize, 64 KiB.
	MaxNoticeSize int
}

// Notifier is a runtime.Notifier and runtime.Publisher over Redis pub/sub:
// the writer publishes each change it commits (runtime.Client does, when
// the Notifier is its Options.Notifier), and every started client
// subscribed to the app hears it. It holds no Postgres connection, and
// one Redis connection per running Listen. Create it with NewNotifier; it
// is safe for concurrent use.
//
// It works on a single node, behind Sentinel and on a Cluster (Redis 6
// or later): a plain PUBLISH reaches the subscribers of every node of a
// cluster.
//
// Messages are JSON: {"epoch":E,"prev":P,"version":V,"records":[{"path":
// ...,"value":...|null,"version":...}]}, records left out when the
// change is larger than MaxNoticeSize. Values are as the store holds them:
// a secret's is sealed, never plaintext. Pub/sub delivers at most once: a
// message published while a subscriber was disconnected, or by a writer
// that died between its commit and its publish, is lost. Receivers notice
// the gap at the next notice (its Prev), and a runtime.Client's reconcile
// catches up within its ReconcileInterval when no notice follows.
type Notifier struct {
	client  goredis.UniversalClient
	prefix  string
	maxSize int
	idle    time.Duration // zero: defaultNotifyIdle; set by tests
}

var _ runtime.Publisher = (*Notifier)(nil)

// NewNotifier returns a Notifier over client, which may be a single-node,
// Sentinel (failover) or Cluster client. The client stays the caller's.
func NewNotifier(client goredis.UniversalClient, opts NotifierOptions) *Notifier {
	n := &Notifier{client: client, prefix: opts.Prefix, maxSize: opts.MaxNoticeSize}
	if n.prefix == "" {
		n.prefix = DefaultPrefix
	}
	if n.maxSize <= 0 {
		n.maxSize = DefaultMaxNoticeSize
	}
	return n
}

// Channel returns the channel app's notices are published on.
func (n *Notifier) Channel(app string) string { return n.prefix + "changes:" + app }

// Publish implements runtime.Publisher: one PUBLISH on app's channel.
func (n *Notifier) Publish(ctx context.Context, app string, notice runtime.Notice) error {
	msg, err := n.encode(notice)
	if err == nil {
		err = n.client.Publish(ctx, n.Channel(app), msg).Err()
	}
	if err != nil {
		return fmt.Errorf("sysconfig/rediscache: publish: %w", err)
	}
	return nil
}

// Listen implements runtime.Notifier: it subscribes to app's channel and
// calls notify with every notice published there, until ctx is done; it
// then returns ctx.Err(). After every subscription, the first and each
// one after a lost connection, it calls notify(runtime.Notice{}) first,
// since what was published meanwhile is lost. It resubscribes by itself,
// waiting 50 ms after a failure, doubling up to 2 s, and pings the server
// after 30 s without a message, to notice a connection that died
// silently. Messages that do not parse are skipped.
func (n *Notifier) Listen(ctx context.Context, app string, notify func(runtime.Notice)) error {
	wait := backoff.Backoff{Min: notifyMinBackoff, Max: notifyMaxBackoff}
	for {
		ps := n.client.Subscribe(ctx, n.Channel(app))
		stop := context.AfterFunc(ctx, func() { _ = ps.Close() }) // a read in progress ignores ctx
		n.relay(ctx, ps, notify, &wait)
		stop()
		_ = ps.Close()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err := wait.Sleep(ctx); err != nil {
			return err
		}
	}
}

// relay passes the subscription's notices on until ctx is done or the
// connection seems dead. go-redis reconnects and resubscribes by itself
// after an error; relay waits between attempts.
func (n *Notifier) relay(ctx context.Context, ps *goredis.PubSub, notify func(runtime.Notice), wait *backoff.Backoff) {
	pinged := false
	for ctx.Err() == nil {
		msg, err := ps.ReceiveTimeout(ctx, n.idleTime())
		switch m := msg.(type) {
		case *goredis.Subscription:
			if m.Kind == "subscribe" {
				wait.Reset()
				notify(runtime.Notice{})
			}
		case *goredis.Message:
			if notice, err := decodeNotice(m.Payload); err == nil {
				notify(notice)
			}
		}
		switch {
		case err == nil:
			pinged = false
		case isTimeout(err) && !pinged:
			pinged = ps.Ping(ctx) == nil
			if !pinged {
				return
			}
		case isTimeout(err):
			return // the ping went unanswered: subscribe anew
		default:
			if wait.Sleep(ctx) != nil {
				return
			}
		}
	}
}

// idleTime is how long relay waits before it pings; tests shorten it.
func (n *Notifier) idleTime() time.Duration {
	if n.idle > 0 {
		return n.idle
	}
	return defaultNotifyIdle
}

// isTimeout reports whether err is a read that timed out.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// wireNotice is a notice as published.
type wireNotice struct {
	Epoch   int64        `json:"epoch"`
	Prev    int64        `json:"prev"`
	Version int64        `json:"version"`
	Records []wireRecord `json:"records,omitempty"`
}

type wireRecord struct {
	Path    string  `json:"path"`
	Value   *string `json:"value"` // nil: a reset
	Version int64   `json:"version"`
}

// encode returns the message of notice: with its records when it fits in
// maxSize, else without.
func (n *Notifier) encode(notice runtime.Notice) ([]byte, error) {
	w := wireNotice{Epoch: notice.Epoch, Prev: notice.Prev, Version: notice.Version}
	if notice.Records != nil {
		w.Records = make([]wireRecord, len(notice.Records))
		for i, r := range notice.Records {
			w.Records[i] = wireRecord{Path: r.Path, Version: r.Version}
			if r.Set {
				w.Records[i].Value = &r.Value
			}
		}
	}
	msg, err := json.Marshal(w)
	if err != nil || len(msg) <= n.maxSize || w.Records == nil {
		return msg, err
	}
	w.Records = nil
	return json.Marshal(w)
}

// decodeNotice parses a message. A notice without a version is refused:
// it would read as a resync request.
func decodeNotice(payload string) (runtime.Notice, error) {
	var w wireNotice
	if err := json.Unmarshal([]byte(payload), &w); err != nil {
		return runtime.Notice{}, err
	}
	if w.Version <= 0 {
		return runtime.Notice{}, fmt.Errorf("sysconfig/rediscache: notice without a version: %q", payload)
	}
	notice := runtime.Notice{Epoch: w.Epoch, Prev: w.Prev, Version: w.Version}
	if w.Records != nil {
		notice.Records = make([]runtime.Record, len(w.Records))
		for i, r := range w.Records {
			notice.Records[i] = runtime.Record{Path: r.Path, Set: r.Value != nil, Epoch: w.Epoch, Version: r.Version}
			if r.Value != nil {
				notice.Records[i].Value = *r.Value
			}
		}
	}
	return notice, nil
}

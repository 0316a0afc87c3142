package runtime

import (
	"context"
	"log/slog"
	"sync/atomic"
)

// publisher sends the changes a client commits to its notifier, when the
// notifier is a Publisher (the writer, not the store, tells the other
// processes). It publishes in the background, bounded by CacheTimeout,
// and logs the first failure of a run of them and the recovery after it.
// A lost notice costs the other processes at most their reconcile
// interval.
type publisher struct {
	pub     Publisher
	app     string
	opts    Options
	log     *slog.Logger
	failing atomic.Bool
}

// newPublisher returns the client's publisher, or nil when its notifier
// is not a Publisher.
func newPublisher(n Notifier, app string, opts Options) *publisher {
	p, ok := n.(Publisher)
	if !ok {
		return nil
	}
	return &publisher{pub: p, app: app, opts: opts, log: opts.Logger}
}

// announce publishes the change of applied, detached from ctx's
// cancellation: in the background when later is true (a started client,
// which goes on), else before it returns (a client without a snapshot,
// such as a command-line tool's, which may exit next), as the cache is
// filled. A change whose predecessor is unknown (see Applied.Prev) is
// published with its records all the same: receivers apply them, and
// leave their position to the store (see syncer.applyUnplaced).
func (p *publisher) announce(ctx context.Context, applied []Applied, later bool) {
	if p == nil || len(applied) == 0 {
		return
	}
	n := NoticeOf(applied)
	if later {
		go p.publish(context.WithoutCancel(ctx), n)
		return
	}
	p.publish(context.WithoutCancel(ctx), n)
}

func (p *publisher) publish(ctx context.Context, n Notice) {
	ctx, cancel := context.WithTimeout(ctx, p.opts.CacheTimeout)
	defer cancel()
	err := p.pub.Publish(ctx, p.app, n)
	switch {
	case err != nil && p.failing.CompareAndSwap(false, true):
		p.log.Warn("sysconfig: cannot publish changes; other processes see them at their next reconcile", "error", err)
	case err == nil && p.failing.CompareAndSwap(true, false):
		p.log.Info("sysconfig: publishing changes again")
	}
}

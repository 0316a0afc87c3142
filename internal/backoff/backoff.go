// Package backoff is the wait of the notifiers (Postgres LISTEN, Redis
// pub/sub, SQLite polling) between two attempts to reconnect: it doubles
// after each failure, from Min up to Max, less up to a quarter of random
// jitter, so that processes cut off together do not come back together;
// Reset starts it again from Min once a connection works.
package backoff

import (
	"context"
	"math/rand/v2"
	"time"
)

// Backoff is one reconnecting loop's wait. Its zero delay means "nothing
// failed yet": the first Sleep waits Min.
type Backoff struct {
	Min, Max time.Duration
	delay    time.Duration
}

// Reset starts the wait again from Min, after a connection worked.
func (b *Backoff) Reset() { b.delay = 0 }

// Sleep waits for the next delay: the last one doubled, within [Min, Max],
// less up to a quarter of random jitter. It returns ctx.Err() early when
// ctx is done.
func (b *Backoff) Sleep(ctx context.Context) error {
	b.delay = min(max(2*b.delay, b.Min), b.Max)
	t := time.NewTimer(b.delay - rand.N(b.delay/4+1))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

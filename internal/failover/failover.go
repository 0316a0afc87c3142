// Package failover measures how soon a client that reads through a Redis
// Cluster cache uses the cache again after masters die, for the
// integration tests and `make bench`.
//
// A round reads one field without pause (a client with the snapshot
// disabled, so that every read asks the cache first) while it kills nodes
// of a private cluster (internal/localredis), waits until every running node
// serves every slot from a running master — cluster_state:ok once the
// replicas have taken over — and then until a read that began after that
// moment is served from the cache (runtime.SourceCache). It counts the reads
// that failed and the slow ones (those that waited for the cache's timeout)
// from the kill on, then restarts the killed nodes and waits until the
// cluster is whole again, so that rounds can follow each other on one
// cluster.
package failover

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/go-sysconfig/sysconfig/internal/localredis"
	"github.com/go-sysconfig/sysconfig/runtime"
)

// Read reads the watched field, reporting where its value came from.
type Read func(ctx context.Context) (runtime.Value, error)

// Fault kills nodes of c, chosen from the master that serves key, and
// returns them.
type Fault func(ctx context.Context, c *localredis.Cluster, key string) ([]*localredis.Server, error)

// Round is what one round measured.
type Round struct {
	Serving   time.Duration // from the kill until the cluster serves every slot again
	Back      time.Duration // from then until a read begun after it was served from the cache
	Reads     int           // reads made from the kill until Back
	SlowReads int           // of them, those that took Config.Slow or longer
	Failed    int           // of them, those that returned an error
}

// Config says what a round watches.
type Config struct {
	Cluster *localredis.Cluster
	Key     string        // the watched field's Redis key, prefix included
	Read    Read          // a read of the field through the cache
	Fault   Fault         // what to do to the cluster
	Slow    time.Duration // a read this long waited for the cache: the client's CacheTimeout
	Limit   time.Duration // how long to wait for the cache to serve again
}

// Play plays one round (see the package documentation).
func Play(ctx context.Context, cfg Config) (Round, error) {
	if err := waitForCache(ctx, cfg.Read, time.Now(), cfg.Limit); err != nil {
		return Round{}, fmt.Errorf("before the fault: %w", err)
	}
	w := watch(ctx, cfg.Read, cfg.Slow)
	killedAt := time.Now()
	killed, err := cfg.Fault(ctx, cfg.Cluster, cfg.Key)
	if err == nil {
		err = cfg.Cluster.WaitServing(ctx)
	}
	serving := time.Now()
	if err == nil {
		err = w.untilCache(serving, cfg.Limit)
	}
	r := w.stop()
	r.Serving = serving.Sub(killedAt)
	r.Back = w.backAt.Sub(serving)
	if err != nil {
		return r, err
	}
	return r, restore(ctx, cfg.Cluster, killed)
}

// restore restarts the killed nodes and waits until the cluster is whole.
func restore(ctx context.Context, c *localredis.Cluster, killed []*localredis.Server) error {
	for _, s := range killed {
		if err := s.Restart(ctx); err != nil {
			return err
		}
	}
	return c.WaitHealthy(ctx)
}

// KillMaster kills the master that serves key; its replica takes over.
func KillMaster(ctx context.Context, c *localredis.Cluster, key string) ([]*localredis.Server, error) {
	m, err := c.MasterOf(ctx, key)
	if err != nil {
		return nil, err
	}
	return []*localredis.Server{m}, m.Kill()
}

// waitForCache reads until a read begun after since is served from the
// cache, for at most limit.
func waitForCache(ctx context.Context, read Read, since time.Time, limit time.Duration) error {
	w := watch(ctx, read, 0)
	err := w.untilCache(since, limit)
	w.stop()
	return err
}

// watcher reads without pause in the background and keeps count.
type watcher struct {
	slow  time.Duration
	stopc chan struct{}
	done  chan struct{}

	mu     sync.Mutex
	round  Round
	since  time.Time     // reads begun after it count for backAt
	backAt time.Time     // when the first such read served from the cache ended
	back   chan struct{} // closed at backAt
}

// watch starts reading.
func watch(ctx context.Context, read Read, slow time.Duration) *watcher {
	w := &watcher{slow: slow, stopc: make(chan struct{}), done: make(chan struct{}), back: make(chan struct{})}
	go w.loop(ctx, read)
	return w
}

func (w *watcher) loop(ctx context.Context, read Read) {
	defer close(w.done)
	for {
		select {
		case <-w.stopc:
			return
		case <-ctx.Done():
			return
		default:
		}
		began := time.Now()
		v, err := read(ctx)
		w.record(began, time.Now(), v.Source, err)
		time.Sleep(time.Millisecond)
	}
}

// record counts one read.
func (w *watcher) record(began, ended time.Time, src runtime.Source, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.backAt.IsZero() {
		return
	}
	w.round.Reads++
	if err != nil {
		w.round.Failed++
	}
	if w.slow > 0 && ended.Sub(began) >= w.slow {
		w.round.SlowReads++
	}
	if err == nil && src == runtime.SourceCache && !w.since.IsZero() && began.After(w.since) {
		w.backAt = ended
		close(w.back)
	}
}

// untilCache waits until a read begun after since is served from the
// cache, for at most limit.
func (w *watcher) untilCache(since time.Time, limit time.Duration) error {
	w.mu.Lock()
	w.since = since
	w.mu.Unlock()
	select {
	case <-w.back:
		return nil
	case <-time.After(limit):
		return fmt.Errorf("no read was served from the cache within %v", limit)
	}
}

// stop stops reading and returns the counts.
func (w *watcher) stop() Round {
	close(w.stopc)
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.round
}

// KillMajority kills the master that serves key and another master, so
// that (with three masters) the survivors are too few to elect replacements:
// every node answers CLUSTERDOWN until the killed masters are back. The
// round then measures from their return, so it restarts them itself.
func KillMajority(ctx context.Context, c *localredis.Cluster, key string) ([]*localredis.Server, error) {
	first, err := c.MasterOf(ctx, key)
	if err != nil {
		return nil, err
	}
	second, err := anotherMaster(ctx, c, first)
	if err != nil {
		return nil, err
	}
	killed := []*localredis.Server{first, second}
	for _, s := range killed {
		if err := s.Kill(); err != nil {
			return nil, err
		}
	}
	if err := c.WaitDown(ctx); err != nil {
		return nil, err
	}
	return nil, restore(ctx, c, killed)
}

// anotherMaster returns a master of c other than m.
func anotherMaster(ctx context.Context, c *localredis.Cluster, m *localredis.Server) (*localredis.Server, error) {
	masters, err := c.Masters(ctx)
	if err != nil {
		return nil, err
	}
	for _, s := range masters {
		if s != m {
			return s, nil
		}
	}
	return nil, fmt.Errorf("failover: the cluster has no master but %s", m.Addr())
}

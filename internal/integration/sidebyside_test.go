package integration

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-sysconfig/sysconfig/internal/intschema"
	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/pgstore"
	"github.com/go-sysconfig/sysconfig/runtime/rediscache"
)

// sideFields are the fields of app "side", one per writer of
// TestFollowersOfSideBySideWritersDoNotQueryPerChange.
var sideFields, sideSchema = intschema.New("side", 8)

// sinceCounter counts the Since calls made of a store.
type sinceCounter struct {
	*pgstore.Store
	since atomic.Int64
}

func (s *sinceCounter) Since(ctx context.Context, app string, from runtime.Position) (runtime.Delta, error) {
	s.since.Add(1)
	return s.Store.Since(ctx, app, from)
}

// TestFollowersOfSideBySideWritersDoNotQueryPerChange: eight writers of
// one app, each of its own field, run side by side on a store heard
// through Redis, so that many changes are published with their Prev
// unknown. Five followers serve every change from its notice, and ask
// the store next to nothing beyond their start (their reconcile is an
// hour away): each such notice is applied without moving the position,
// where it used to cost every follower a Since.
func TestFollowersOfSideBySideWritersDoNotQueryPerChange(t *testing.T) {
	const writers, each, followers = 8, 40, 5
	b := newBackends(t)
	quiet := pgstore.New(b.pool, pgstore.Options{Schema: b.schema, NoNotify: true})
	counted := &sinceCounter{Store: quiet}
	start := func(store runtime.Store) *runtime.Client {
		return startedOf(t, sideSchema, store, runtime.Options{ReconcileInterval: time.Hour, StalenessBound: 2 * time.Hour,
			Notifier: rediscache.NewNotifier(b.redis, rediscache.NotifierOptions{Prefix: b.prefix})})
	}
	writer := start(quiet)
	var fleet []*runtime.Client
	for range followers {
		fleet = append(fleet, start(counted))
	}
	time.Sleep(100 * time.Millisecond) // the resync each notifier asks for when it subscribes
	before := counted.since.Load()

	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for v := int64(1); v <= each; v++ {
				if err := sideFields[w].Set(ctx, writer, v); err != nil {
					t.Errorf("writer %d: %v", w, err)
					return
				}
			}
		})
	}
	wg.Wait()
	for i, f := range fleet {
		eventually(t, fmt.Sprintf("follower %d serves every writer's last value", i), func() bool {
			for _, field := range sideFields {
				if got, err := field.Get(ctx, f); err != nil || got != each {
					return false
				}
			}
			return true
		})
	}
	asked := counted.since.Load() - before
	t.Logf("%d followers asked Since %d times for %d changes", followers, asked, writers*each)
	if limit := int64(2 * followers); asked > limit {
		t.Errorf("%d followers asked Since %d times for %d changes of writers side by side; want at most %d",
			followers, asked, writers*each, limit)
	}
}

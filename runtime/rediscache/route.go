package rediscache

import (
	"context"
	"errors"
	"fmt"
	"strings"

	goredis "github.com/redis/go-redis/v9"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// A Cluster client keeps a map of which master serves which slot, and
// go-redis refreshes it by itself only every ClusterStateReloadInterval (a
// minute by default) or when a node answers MOVED. After a failover the
// dead master's slots would then fail until the next refresh. So the Cache
// asks for a refresh itself whenever a call fails in a way that may mean
// the map is out of date (see failed), and its Probe refreshes the map
// before checking every master.

// reloader is a client that can refresh its slot map in the background:
// *redis.ClusterClient, and whatever wraps one without hiding the method.
type reloader interface {
	ReloadState(ctx context.Context)
}

// masterWalker is a client that can call every master, after refreshing its
// slot map: *redis.ClusterClient.
type masterWalker interface {
	ForEachMaster(ctx context.Context, fn func(ctx context.Context, client *goredis.Client) error) error
}

// staleMapReplies are the replies of a node that the client's slot map may
// have sent to the wrong place, or to a cluster that has changed since.
var staleMapReplies = []string{"MOVED", "ASK", "CLUSTERDOWN", "TRYAGAIN", "READONLY", "MASTERDOWN"}

// failed returns err, after reacting to what it says about the client's
// view of the servers: a Cluster client refreshes its slot map when err is
// not an answer from Redis (the node it used may have died) or is one of
// staleMapReplies; a single-node client that meets a Cluster's redirection
// is misconfigured, and err says so. The refresh runs in the background,
// one at a time.
func (c *Cache) failed(err error) error {
	if err == nil {
		return nil
	}
	if r, ok := c.client.(reloader); ok && mayBeStaleMap(err) {
		r.ReloadState(context.Background())
	}
	if c.multi && isRedirection(err) {
		c.misrouted.Store(true)
		return errMisrouted(err)
	}
	return err
}

// mayBeStaleMap reports whether err may come from an out-of-date slot map.
func mayBeStaleMap(err error) bool {
	var reply goredis.Error
	if !errors.As(err, &reply) {
		return true
	}
	for _, p := range staleMapReplies {
		if goredis.HasErrorPrefix(err, p) {
			return true
		}
	}
	return false
}

// isRedirection reports whether err is a Cluster node's answer that the
// key is not served there, or that keys span several slots.
func isRedirection(err error) bool {
	return goredis.HasErrorPrefix(err, "MOVED") || goredis.HasErrorPrefix(err, "ASK") ||
		goredis.HasErrorPrefix(err, "CROSSSLOT")
}

// errMisrouted explains a redirection met by a single-node client.
func errMisrouted(err error) error {
	return fmt.Errorf("sysconfig/rediscache: the Redis server is a Cluster node, but the client talks to one node (%v): "+
		"make the client with rediscache.Connect, or redis.NewClusterClient: %w", err, runtime.ErrMisconfigured)
}

var _ runtime.Prober = (*Cache)(nil)

// Probe implements runtime.Prober: it reports whether every key can be
// served now. A Cluster client refreshes its slot map, then asks every
// master it lists whether it serves its slots (see masterServes): a master
// that is down and not yet replaced, or a cluster that is down, fails the
// probe, so that the client does not go back to a cache that would fail
// for part of its keys. Any other client PINGs its server. After a
// single-node client has met a Cluster's redirection, Probe fails without
// calling Redis: the client must be replaced.
func (c *Cache) Probe(ctx context.Context) error {
	if c.misrouted.Load() {
		return errMisrouted(errors.New("MOVED, ASK or CROSSSLOT seen before"))
	}
	return c.failed(c.call(ctx, func(ctx context.Context) error {
		if w, ok := c.client.(masterWalker); ok {
			return w.ForEachMaster(ctx, masterServes)
		}
		return c.client.Ping(ctx).Err()
	}))
}

// masterServes checks that a Cluster master answers and reports
// cluster_state:ok (CLUSTER INFO): a node answers PING as soon as it runs,
// but refuses keys (CLUSTERDOWN) while it sees the cluster down. A master
// that refuses CLUSTER INFO itself (an ACL) is taken at its word that it
// answers.
func masterServes(ctx context.Context, m *goredis.Client) error {
	info, err := m.ClusterInfo(ctx).Result()
	var reply goredis.Error
	switch {
	case err == nil:
	case errors.As(err, &reply) && !mayBeStaleMap(err):
		return nil
	default:
		return err
	}
	for line := range strings.Lines(info) {
		if state, ok := strings.CutPrefix(strings.TrimSpace(line), "cluster_state:"); ok && state != "ok" {
			return fmt.Errorf("sysconfig/rediscache: Cluster node %s reports cluster_state:%s", m.Options().Addr, state)
		}
	}
	return nil
}

package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/go-sysconfig/sysconfig/internal/failover"
	"github.com/go-sysconfig/sysconfig/internal/localredis"
	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/rediscache"
)

// maxCacheBack is figure 11's target: how soon after a Redis Cluster
// serves every slot again a client reads from the cache again.
const maxCacheBack = 5 * time.Second

// failoverPrefix is figure 11's key prefix on its private cluster.
const failoverPrefix = "sysconfig-bench:"

// measureFailovers is figure 11: on a private Redis Cluster of 3 masters
// with a replica each, a client without a snapshot, whose go-redis client
// rediscache.Connect made from one seed (the master that dies first),
// reads one field without pause while the master of its key is killed and
// replaced by its replica, n times in a row (see internal/failover).
func measureFailovers(ctx context.Context, r *rig, n int, progress io.Writer) ([]failover.Round, error) {
	fmt.Fprintf(progress, "cluster failovers: %d masters killed in turn\n", n)
	c, err := localredis.StartCluster(ctx, 3, 1)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	key := failoverPrefix + titleField.CacheKey()
	client, closeClient, err := clusterReader(ctx, r, c, key)
	if err != nil {
		return nil, err
	}
	defer closeClient()
	var rounds []failover.Round
	for range n {
		round, err := failover.Play(ctx, failover.Config{Cluster: c, Key: key, Fault: failover.KillMaster,
			Read:  func(ctx context.Context) (runtime.Value, error) { return titleField.Lookup(ctx, client) },
			Slow:  runtime.DefaultCacheTimeout * 9 / 10,
			Limit: 6 * maxCacheBack,
		})
		if err != nil {
			return rounds, err
		}
		rounds = append(rounds, round)
	}
	return rounds, nil
}

// clusterReader returns a client without a snapshot over the rig's store
// and a cache on c, through a client made by rediscache.Connect from the
// address of the master serving key, and a function that closes both.
func clusterReader(ctx context.Context, r *rig, c *localredis.Cluster, key string) (*runtime.Client, func(), error) {
	master, err := c.MasterOf(ctx, key)
	if err != nil {
		return nil, nil, err
	}
	rdb, err := rediscache.Connect(ctx, "redis://"+master.Addr())
	if err != nil {
		return nil, nil, err
	}
	cache := rediscache.New(rdb, rediscache.Options{Prefix: failoverPrefix})
	client, err := runtime.NewClient(benchSchema, r.store, runtime.Options{Cache: cache, DisableSnapshot: true})
	if err != nil {
		_ = rdb.Close()
		return nil, nil, err
	}
	return client, func() { client.Close(); _ = rdb.Close() }, nil
}

// failoverResult judges figure 11 by the median round; no read may fail.
func failoverResult(rounds []failover.Round) result {
	var backs, serving []time.Duration
	slow, failed := 0, 0
	for _, r := range rounds {
		backs, serving = append(backs, r.Back), append(serving, r.Serving)
		slow, failed = max(slow, r.SlowReads), failed+r.Failed
	}
	slices.Sort(backs)
	slices.Sort(serving)
	median := percentile(backs, 0.5)
	return result{
		measured: fmt.Sprintf("median %s, max %s", fmtSeconds(median), fmtSeconds(backs[len(backs)-1])),
		detail: fmt.Sprintf("%d rounds; the failover itself: median %s; reads that waited for the cache timeout: ≤ %d a round; %d failed",
			len(rounds), fmtSeconds(percentile(serving, 0.5)), slow, failed),
		verdict: judge(median <= maxCacheBack && failed == 0),
	}
}

// fmtSeconds prints d in seconds, to the hundredth.
func fmtSeconds(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

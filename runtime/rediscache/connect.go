package rediscache

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	goredis "github.com/redis/go-redis/v9"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// Connect returns a go-redis client for the Redis that rawURL names, of the
// kind that Redis needs, once it has answered:
//
//   - redis://host:port/db (or rediss://, unix://): one seed address. Connect
//     asks the server (INFO cluster). A Redis Cluster node gives a
//     *redis.ClusterClient seeded with it, which learns the other nodes from
//     it; any other server gives a *redis.Client.
//   - redis://host:port?addr=host2:port2&addr=...: several seed addresses,
//     which only a Cluster takes; a *redis.ClusterClient.
//   - redis://sentinel:port?master_name=NAME&addr=sentinel2:port: a master
//     found through Sentinel, as go-redis's ParseFailoverURL reads it
//     (the userinfo is the sentinels' credentials; username= and password=
//     the master's); a failover *redis.Client.
//
// The query may carry the go-redis options that redis.ParseURL,
// ParseClusterURL and ParseFailoverURL read (dial_timeout=, pool_size=...).
// Connect always sets ContextTimeoutEnabled, so that a call's deadline
// bounds its socket reads. A Cluster has only database 0: a URL naming
// another database is refused.
//
// Connect asks once, without go-redis's retries: when the server cannot be
// asked (it refuses the connection, or does not answer before ctx's
// deadline), the error matches runtime.ErrUnavailable at once, and nothing
// is left open: run without the cache (it is an optimisation) and try again
// later, or build the client yourself, which connects lazily. A URL that
// does not parse, or a server that refuses INFO, gives an error matching
// runtime.ErrMisconfigured. Errors never quote the URL's password.
//
// The caller owns the client and closes it; a Cache made over it never does.
func Connect(ctx context.Context, rawURL string) (goredis.UniversalClient, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, misconfigured("the Redis URL does not parse: %v", errors.Unwrap(err))
	}
	switch q := u.Query(); {
	case q.Has("master_name"):
		return connectSentinel(ctx, u)
	case q.Has("addr"):
		return connectCluster(ctx, u)
	}
	return connectOne(ctx, u)
}

// connectOne asks the one server u names whether it is a Cluster node, and
// returns a client of the kind it needs.
func connectOne(ctx context.Context, u *url.URL) (goredis.UniversalClient, error) {
	opts, err := goredis.ParseURL(u.String())
	if err != nil {
		return nil, misconfigured("Redis URL %s: %v", u.Redacted(), err)
	}
	opts.ContextTimeoutEnabled = true
	once := *opts
	once.MaxRetries, once.DialerRetries = -1, 1
	probe := goredis.NewClient(&once)
	cluster, err := clusterEnabled(ctx, probe, opts.Addr)
	_ = probe.Close()
	switch {
	case err != nil:
		return nil, err
	case cluster:
		return connectCluster(ctx, u)
	}
	return goredis.NewClient(opts), nil
}

// clusterEnabled reports whether the server client talks to says
// cluster_enabled:1 in INFO cluster.
func clusterEnabled(ctx context.Context, client *goredis.Client, addr string) (bool, error) {
	info, err := client.Info(ctx, "cluster").Result()
	var reply goredis.Error
	switch {
	case errors.As(err, &reply):
		return false, misconfigured("Redis at %s refused INFO cluster (%v), so whether it is a Cluster node cannot be told: allow INFO, or name the nodes with addr= in the URL", addr, err)
	case err != nil:
		return false, unavailable(addr, err)
	}
	for line := range strings.Lines(info) {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), ":"); ok && k == "cluster_enabled" {
			return v == "1", nil
		}
	}
	return false, nil
}

// connectCluster returns a Cluster client seeded with the addresses u
// names, once one of them has answered. A Cluster has only database 0.
func connectCluster(ctx context.Context, u *url.URL) (goredis.UniversalClient, error) {
	if db := strings.Trim(u.Path, "/"); db != "" && db != "0" {
		return nil, misconfigured("Redis URL %s names database %s, but a Redis Cluster has only database 0", u.Redacted(), db)
	}
	opts, err := goredis.ParseClusterURL(u.String())
	if err != nil {
		return nil, misconfigured("Redis Cluster URL %s: %v", u.Redacted(), err)
	}
	opts.ContextTimeoutEnabled = true
	once := *opts
	once.MaxRetries, once.DialerRetries = -1, 1
	if err := ping(ctx, goredis.NewClusterClient(&once), strings.Join(opts.Addrs, ", ")); err != nil {
		return nil, err
	}
	return goredis.NewClusterClient(opts), nil
}

// connectSentinel returns a failover client for the master the sentinels of
// u name, once it has answered.
func connectSentinel(ctx context.Context, u *url.URL) (goredis.UniversalClient, error) {
	opts, err := goredis.ParseFailoverURL(u.String())
	if err != nil {
		return nil, misconfigured("Redis Sentinel URL %s: %v", u.Redacted(), err)
	}
	opts.ContextTimeoutEnabled = true
	once := *opts
	once.MaxRetries, once.DialerRetries = -1, 1
	where := fmt.Sprintf("master %q of the sentinels at %s", opts.MasterName, strings.Join(opts.SentinelAddrs, ", "))
	if err := ping(ctx, goredis.NewFailoverClient(&once), where); err != nil {
		return nil, err
	}
	return goredis.NewFailoverClient(opts), nil
}

// ping checks, with one attempt, that client answers, then closes it; where
// names the server(s) in the error. The client connects without retries,
// so that a server that refuses connections is reported at once rather
// than after go-redis's retries and their backoff.
func ping(ctx context.Context, client goredis.UniversalClient, where string) error {
	err := client.Ping(ctx).Err()
	_ = client.Close()
	var reply goredis.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &reply):
		return misconfigured("Redis at %s refused PING: %v", where, err)
	}
	return unavailable(where, err)
}

func unavailable(where string, err error) error {
	return fmt.Errorf("sysconfig/rediscache: Redis at %s did not answer: %w (%w)", where, runtime.ErrUnavailable, err)
}

func misconfigured(format string, args ...any) error {
	return fmt.Errorf("sysconfig/rediscache: %s: %w", fmt.Sprintf(format, args...), runtime.ErrMisconfigured)
}

//go:build linux

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	goredis "github.com/redis/go-redis/v9"

	"github.com/go-sysconfig/sysconfig/internal/localpg"
	"github.com/go-sysconfig/sysconfig/internal/localredis"
	"github.com/go-sysconfig/sysconfig/internal/servercost"
	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/pgstore"
	"github.com/go-sysconfig/sysconfig/runtime/rediscache"
)

// fleetDB is the database of the fleet figures on their private server.
const fleetDB = "fleet"

// fleetServers are the fleet figures' own PostgreSQL and Redis, started
// for the run, so that the servers' counters see nothing but the fleet:
// what each write costs them is counted by them.
type fleetServers struct {
	pg     *localpg.Server
	redis  *localredis.Server
	dbURL  string
	meter  *servercost.Meter
	offset int64 // the last value written so far: each run writes above it
}

// startFleetServers starts both servers (Postgres with room for the
// connections of a fleet, and without autovacuum, whose transactions
// would be counted), creates the store, and marks the cache refilled, so
// that the one refill of an empty cache is not counted either.
func startFleetServers(ctx context.Context) (_ *fleetServers, err error) {
	s := &fleetServers{}
	defer func() {
		if err != nil {
			s.close()
		}
	}()
	s.pg, err = localpg.Start(ctx, localpg.Options{Settings: map[string]string{"max_connections": "400", "autovacuum": "off"}})
	if err != nil {
		return nil, fmt.Errorf("start a private PostgreSQL: %w", err)
	}
	if s.redis, err = localredis.StartServer(ctx, localredis.Options{}); err != nil {
		return nil, fmt.Errorf("start a private Redis: %w", err)
	}
	if s.dbURL, err = s.pg.CreateDatabase(ctx, fleetDB); err != nil {
		return nil, err
	}
	if err = s.prepare(ctx); err != nil {
		return nil, err
	}
	s.meter, err = servercost.New(ctx, s.pg.URL("postgres"), fleetDB, s.redis.Addr())
	return s, err
}

// prepare creates the store's tables and marks the cache refilled.
func (s *fleetServers) prepare(ctx context.Context) error {
	pool, err := pgxpool.New(ctx, s.dbURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	rdb := goredis.NewClient(&goredis.Options{Addr: s.redis.Addr()})
	defer rdb.Close()
	return errors.Join(pgstore.New(pool, pgstore.Options{}).EnsureSchema(ctx),
		rediscache.New(rdb, rediscache.Options{}).FinishRepopulation(ctx, propSchema.App()))
}

func (s *fleetServers) close() {
	if s.meter != nil {
		s.meter.Close()
	}
	if s.redis != nil {
		_ = s.redis.Close()
	}
	if s.pg != nil {
		_ = s.pg.Close()
	}
}

// options returns the command line of a follower hearing via, with the
// reconcile interval given (zero: the default).
func (s *fleetServers) options(via notifierKind, reconcile time.Duration) followerOptions {
	return followerOptions{databaseURL: s.dbURL, redisAddr: s.redis.Addr(), via: via, reconcile: reconcile}
}

// measureFleet measures writes writes, spaced apart, watched by n
// follower processes hearing via, with their reconcile off (so that only
// the writes make work): the propagation of each write to each follower,
// and the servers' work per write — the difference between this run and
// one with a single write, divided by writes. (The first write of each
// run is not counted: it prepares the writer's statements.)
func (s *fleetServers) measureFleet(ctx context.Context, n int, via notifierKind, writes int, spacing time.Duration,
	stderr io.Writer) (fleetResult, error) {
	o := s.options(via, time.Hour)
	base, _, err := s.fleetRun(ctx, o, n, 1, spacing, stderr)
	if err != nil {
		return fleetResult{}, err
	}
	with, prop, err := s.fleetRun(ctx, o, n, 1+writes, spacing, stderr)
	if err != nil {
		return fleetResult{}, err
	}
	d, w := with.Sub(base), float64(writes)
	return fleetResult{prop: prop, total: d, commits: float64(d.Commits) / w,
		scripts: float64(d.Scripts()) / w, calls: float64(d.Commands()) / w}, nil
}

// fleetRun starts n followers, writes values above the last run's, waits
// until every follower served the last one, stops them all and returns
// what the servers counted meanwhile, and the propagation.
func (s *fleetServers) fleetRun(ctx context.Context, o followerOptions, n, writes int, spacing time.Duration,
	stderr io.Writer) (servercost.Counts, propagation, error) {
	before, err := s.meter.Read(ctx)
	if err != nil {
		return servercost.Counts{}, propagation{}, err
	}
	fleet, err := startFleet(ctx, o, n, s.offset, int64(writes), stderr)
	var prop propagation
	if err == nil {
		prop, err = s.writeAndWatch(ctx, o.via, fleet, writes, spacing)
	}
	fleet.stop()
	s.offset += int64(writes)
	if err != nil {
		return servercost.Counts{}, propagation{}, err
	}
	after, err := s.meter.Read(ctx)
	return after.Sub(before), prop, err
}

// writeAndWatch writes the run's values through a client of its own
// (unstarted, as a command-line tool's: it holds no listener) and returns
// how long each took to reach each follower.
func (s *fleetServers) writeAndWatch(ctx context.Context, via notifierKind, fleet fleet, writes int,
	spacing time.Duration) (propagation, error) {
	pool, err := pgxpool.New(ctx, s.dbURL)
	if err != nil {
		return propagation{}, err
	}
	defer pool.Close()
	rdb := goredis.NewClient(&goredis.Options{Addr: s.redis.Addr(), ContextTimeoutEnabled: true})
	defer rdb.Close()
	store := pgstore.New(pool, pgstore.Options{})
	c, err := runtime.NewClient(propSchema, store, runtime.Options{Cache: rediscache.New(rdb, rediscache.Options{}),
		Notifier: fleetNotifier(via, store, rdb)})
	if err != nil {
		return propagation{}, err
	}
	sent, err := writeSpaced(ctx, c, s.offset, writes, spacing)
	if err != nil {
		return propagation{}, err
	}
	return fleet.watch(sent)
}

// idleCost measures what n idle followers, hearing through Redis with the
// default reconcile, cost the servers per second: the difference between
// an idle run of long and one of short, both past every follower's first
// reconcile.
func (s *fleetServers) idleCost(ctx context.Context, n int, short, long time.Duration, stderr io.Writer) (servercost.Counts, error) {
	var runs [2]servercost.Counts
	for i, d := range []time.Duration{short, long} {
		before, err := s.meter.Read(ctx)
		if err != nil {
			return servercost.Counts{}, err
		}
		fleet, err := startFleet(ctx, s.options(viaRedis, 0), n, s.offset, 0, stderr)
		if err == nil {
			time.Sleep(d)
		}
		fleet.stop()
		if err != nil {
			return servercost.Counts{}, err
		}
		after, err := s.meter.Read(ctx)
		if err != nil {
			return servercost.Counts{}, err
		}
		runs[i] = after.Sub(before)
	}
	return runs[1].Sub(runs[0]), nil
}

// fleet measures rows 6a–6d, 13a–13d and 14 on servers of their own.
// The follower processes write their errors to progress too, each from a
// goroutine of its own.
func (rep *report) fleet(ctx context.Context, progress io.Writer) {
	progress = &lockedWriter{w: progress}
	s := rep.settings
	srv, err := startFleetServers(ctx)
	if err != nil {
		for _, id := range []string{"6a", "6b", "6c", "6d", "13a", "13b", "13c", "13d", "14"} {
			rep.fail(id, err)
		}
		return
	}
	defer srv.close()
	figs := []struct {
		prop, cost string
		n          int
		via        notifierKind
	}{{"6a", "13a", 1, viaRedis}, {"6b", "13b", s.followers, viaRedis}, {"6c", "13c", 1, viaListen}, {"6d", "13d", s.followers, viaListen}}
	for _, f := range figs {
		fmt.Fprintf(progress, "fleet: %d writes watched by %d follower process(es) hearing via %s\n", s.writes, f.n, f.via)
		res, err := srv.measureFleet(ctx, f.n, f.via, s.writes, s.spacing, progress)
		if err != nil {
			rep.fail(f.prop, err)
			rep.fail(f.cost, err)
			continue
		}
		rep.set(f.prop, propagationResult(res.prop))
		rep.set(f.cost, writeCostResult(res, f.via, f.n))
	}
	fmt.Fprintf(progress, "fleet: %d idle follower processes, %v and %v\n", s.followers, s.idleShort, s.idleLong)
	d, err := srv.idleCost(ctx, s.followers, s.idleShort, s.idleLong, progress)
	if err != nil {
		rep.fail("14", err)
		return
	}
	rep.set("14", idleResult(d, s.idleLong-s.idleShort))
}

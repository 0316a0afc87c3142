//go:build linux

package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	goredis "github.com/redis/go-redis/v9"

	"github.com/go-sysconfig/sysconfig/internal/localpg"
	"github.com/go-sysconfig/sysconfig/internal/localredis"
	"github.com/go-sysconfig/sysconfig/runtime/pgstore"
)

// restartTimeout bounds a restart of either server.
const restartTimeout = time.Minute

// servers are the run's private PostgreSQL and Redis.
type servers struct {
	pg    *localpg.Server
	redis *localredis.Server
	empty string // a save of the empty Redis, to restart it empty

	mu    sync.Mutex
	saves []string // saves made by faults, oldest first
}

// startServers starts both servers, with commit timestamps on in
// Postgres, and creates the store's tables.
func startServers(ctx context.Context) (*servers, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*restartTimeout)
	defer cancel()
	pg, err := localpg.Start(ctx, localpg.Options{Settings: map[string]string{"track_commit_timestamp": "on"}})
	if err != nil {
		return nil, fmt.Errorf("start a private PostgreSQL: %w", err)
	}
	s := &servers{pg: pg}
	if s.redis, err = localredis.StartServer(ctx, localredis.Options{}); err != nil {
		s.close()
		return nil, fmt.Errorf("start a private Redis: %w", err)
	}
	if s.empty, err = s.redis.Save(ctx); err == nil {
		err = s.ensureSchema(ctx)
	}
	if err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// dbURL is the URL of the database holding the store.
func (s *servers) dbURL() string { return s.pg.URL("postgres") }

// ensureSchema creates the store's tables.
func (s *servers) ensureSchema(ctx context.Context) error {
	pool, err := s.pool(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	return pgstore.New(pool, pgstore.Options{}).EnsureSchema(ctx)
}

// pool returns a pool on the store's database, checked with a ping.
func (s *servers) pool(ctx context.Context) (*pgxpool.Pool, error) {
	pool, err := pgxpool.New(ctx, s.dbURL())
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("the private PostgreSQL does not answer: %w", err)
	}
	return pool, nil
}

// save makes Redis save its data now, and returns the save.
func (s *servers) save(ctx context.Context) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, restartTimeout)
	defer cancel()
	return s.redis.Save(ctx)
}

// keepSave records a save made by a fault and returns the save picked
// (as a fraction of those kept) to restore from: it or an older one.
func (s *servers) keepSave(save string, pick float64) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.saves = append(s.saves, save)
	return s.saves[int(pick*float64(len(s.saves)))]
}

// restore brings both servers back to running, whatever faults left
// them in.
func (s *servers) restore(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, restartTimeout)
	defer cancel()
	err := s.pg.Resume()
	if errors.Is(err, localpg.ErrNotRunning) {
		err = s.pg.Restart(ctx)
	}
	if rerr := s.redis.Resume(); rerr != nil {
		return errors.Join(err, rerr)
	}
	if !s.redisAnswers(ctx) {
		err = errors.Join(err, s.redis.Restart(ctx))
	}
	return err
}

// redisAnswers reports whether Redis answers a PING.
func (s *servers) redisAnswers(ctx context.Context) bool {
	rdb := goredis.NewClient(&goredis.Options{Addr: s.redis.Addr(), ContextTimeoutEnabled: true})
	defer rdb.Close()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return rdb.Ping(ctx).Err() == nil
}

// close kills both servers and removes their directories.
func (s *servers) close() {
	if s.redis != nil {
		_ = s.redis.Close()
	}
	_ = s.pg.Close()
}

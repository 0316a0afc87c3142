//go:build linux

package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	goredis "github.com/redis/go-redis/v9"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/pgstore"
	"github.com/go-sysconfig/sysconfig/runtime/rediscache"
)

// workerConfig is what a worker process is told on its command line.
type workerConfig struct {
	id        int  // the incarnation, unique in the run, from 1
	snapshot  bool // start the client; else DisableSnapshot
	pgURL     string
	redisAddr string
	journal   string // the journal's path
	seed      uint64 // the run's seed; the worker mixes in its id
}

// startTimeout bounds the worker's Client.Start, which returns early (and
// the client runs on) when Postgres cannot be reached.
const startTimeout = 10 * time.Second

// worker is one worker process: a client of its own, journalling what it
// does.
type worker struct {
	cfg    workerConfig
	j      *journal
	pool   *pgxpool.Pool
	rdb    *goredis.Client
	client *runtime.Client

	mu      sync.Mutex
	unknown []pendingWrite // writes of unknown outcome, to resolve at the end
}

// pendingWrite is a write of unknown outcome.
type pendingWrite struct {
	seq    int64
	change string
}

// runWorker is the -worker mode: it reads and writes until SIGTERM, then
// resolves its writes of unknown outcome and exits. Ctrl-C, which the
// terminal sends to every process of the group, is left to the leader.
func runWorker(cfg workerConfig, stderr io.Writer) int {
	signal.Ignore(os.Interrupt)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	if err := work(ctx, cfg, stderr); err != nil {
		fmt.Fprintf(stderr, "soak worker %d: %v\n", cfg.id, err)
		return 2
	}
	return 0
}

// work runs the worker until ctx ends.
func work(ctx context.Context, cfg workerConfig, stderr io.Writer) error {
	j, err := openJournal(cfg.journal)
	if err != nil {
		return err
	}
	w, err := newWorker(cfg, j, stderr)
	if err != nil {
		return err
	}
	w.start()
	w.loop(ctx)
	w.resolveAll()
	w.close()
	return j.close()
}

// newWorker connects a client of its own. Nothing is dialled yet.
func newWorker(cfg workerConfig, j *journal, stderr io.Writer) (*worker, error) {
	pool, err := pgxpool.New(context.Background(), cfg.pgURL)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL pool: %w", err)
	}
	rdb := goredis.NewClient(&goredis.Options{Addr: cfg.redisAddr, ContextTimeoutEnabled: true})
	client, err := runtime.NewClient(soakSchema, pgstore.New(pool, pgstore.Options{}), runtime.Options{
		Cache:           rediscache.New(rdb, rediscache.Options{}),
		Logger:          slog.New(slog.NewTextHandler(stderr, nil)),
		StalenessBound:  bound,
		DisableSnapshot: !cfg.snapshot,
	})
	if err != nil {
		pool.Close()
		_ = rdb.Close()
		return nil, err
	}
	return &worker{cfg: cfg, j: j, pool: pool, rdb: rdb, client: client}, nil
}

// start journals the incarnation and starts the client: a client that
// cannot reach Postgres runs on, serving what Redis holds as stale.
func (w *worker) start() {
	w.j.put(entry{Kind: kindStart, Worker: w.cfg.id, Snapshot: w.cfg.snapshot, Start: time.Now().UnixNano()})
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	_ = w.client.Start(ctx) // an error says Postgres is down: the client serves stale values until it answers
}

// close stops the client and closes its connections.
func (w *worker) close() {
	w.client.Close()
	w.pool.Close()
	_ = w.rdb.Close()
}

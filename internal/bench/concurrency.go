package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/go-sysconfig/sysconfig/internal/intschema"
	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/pgstore"
	"github.com/go-sysconfig/sysconfig/runtime/rediscache"
)

// writerCounts are the numbers of concurrent writers of row 16; the target
// is judged at the last.
var writerCounts = []int{1, 4, 16}

// minConcurrentShare is row 16's target: typed Sets reach at least this
// share of raw upsert + SET writes/s at 16 writers.
const minConcurrentShare = 0.5

// concSchema is row 16's app: one field per writer, so that writers of
// one app write different fields.
var concFields, concSchema = intschema.New("conc", slices.Max(writerCounts))

// writeMode is one column of row 16: how each writer writes.
type writeMode struct {
	name  string
	write func(ctx context.Context, writer int, i int64) error
}

// throughput is row 16's samples by mode and writer count, one per round.
type throughput map[string]map[int]*rateSamples

// rateSamples are the writes/s of each round, and the share of the
// machine's CPU time that was busy meanwhile (-1: unknown).
type rateSamples struct{ rates, busy []float64 }

// add records one round.
func (t throughput) add(mode string, n int, rate, busy float64) {
	if t[mode] == nil {
		t[mode] = map[int]*rateSamples{}
	}
	if t[mode][n] == nil {
		t[mode][n] = &rateSamples{}
	}
	t[mode][n].rates = append(t[mode][n].rates, rate)
	t[mode][n].busy = append(t[mode][n].busy, busy)
}

// writeConcurrency measures row 16: writes per second of one app by 1, 4
// and 16 concurrent writers, each writing a field of its own, in
// alternating rounds: raw upsert + SET, typed Sets on a store that does
// not notify (its clients hear through Redis, as a fleet does), and typed
// Sets on a store that notifies (LISTEN).
func (rep *report) writeConcurrency(r *rig, progress io.Writer) {
	pool, err := widePool(r.ctx, r.env)
	if err != nil {
		rep.fail("16", err)
		return
	}
	defer pool.Close()
	modes, closeModes, err := concurrencyModes(r, pool)
	if err != nil {
		rep.fail("16", err)
		return
	}
	defer closeModes()
	got := throughput{}
	rounds := max(1, rep.settings.rounds/2)
	for round := 1; round <= rounds; round++ {
		fmt.Fprintf(progress, "write concurrency: round %d of %d\n", round, rounds)
		for _, n := range writerCounts {
			for _, m := range modes {
				before, ok1 := readCPUTimes()
				rate, err := writesPerSecond(r.ctx, n, rep.settings.benchtime*2, m.write)
				after, ok2 := readCPUTimes()
				if err != nil {
					rep.fail("16", fmt.Errorf("%s, %d writers: %w", m.name, n, err))
					return
				}
				got.add(m.name, n, rate, busyShare(before, after, ok1 && ok2))
			}
		}
	}
	rep.set("16", concurrencyResult(got))
}

// widePool is a pool of the env's database and schema with room for every
// writer, so that the pool is not what limits them.
func widePool(ctx context.Context, e *env) (*pgxpool.Pool, error) {
	cfg := e.pool.Config()
	cfg.MaxConns = int32(2 * slices.Max(writerCounts))
	return pgxpool.NewWithConfig(ctx, cfg)
}

// concurrencyModes returns row 16's modes over pool, and what closes
// their clients.
func concurrencyModes(r *rig, pool *pgxpool.Pool) ([]writeMode, func(), error) {
	schema := r.env.schema
	quiet := pgstore.New(pool, pgstore.Options{Schema: schema, NoNotify: true})
	loud := pgstore.New(pool, pgstore.Options{Schema: schema})
	viaRedis, err := r.start(concSchema, quiet, runtime.Options{Cache: r.env.cache("conc-redis:"),
		Notifier: rediscache.NewNotifier(r.env.rdb, rediscache.NotifierOptions{})})
	if err != nil {
		return nil, nil, err
	}
	viaListen, err := r.start(concSchema, loud, runtime.Options{Cache: r.env.cache("conc-listen:")})
	if err != nil {
		viaRedis.Close()
		return nil, nil, err
	}
	raw := func(ctx context.Context, w int, i int64) error {
		v := strconv.FormatInt(i, 10)
		_, err := pool.Exec(ctx, `INSERT INTO raw_values VALUES ($1, $2, $3)
			ON CONFLICT (path) DO UPDATE SET value = excluded.value, version = excluded.version`,
			concFields[w].Path(), v, i)
		if err == nil {
			err = r.env.rdb.Set(ctx, r.env.prefix+"raw:conc:"+strconv.Itoa(w), v, 0).Err()
		}
		return err
	}
	typed := func(c *runtime.Client) func(context.Context, int, int64) error {
		return func(ctx context.Context, w int, i int64) error { return concFields[w].Set(ctx, c, i) }
	}
	modes := []writeMode{
		{"raw", raw},
		{"redis", typed(viaRedis)},
		{"listen", typed(viaListen)},
	}
	return modes, func() { viaRedis.Close(); viaListen.Close() }, nil
}

// writesPerSecond runs n writers, each calling write with its number and
// 1, 2, 3…, for d, and returns the writes completed per second.
func writesPerSecond(ctx context.Context, n int, d time.Duration, write func(context.Context, int, int64) error) (float64, error) {
	var done atomic.Int64
	var failure error
	var once sync.Once
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	start := time.Now()
	stop := start.Add(d)
	var wg sync.WaitGroup
	for w := range n {
		wg.Go(func() {
			for i := int64(1); time.Now().Before(stop); i++ {
				if err := write(ctx, w, i); err != nil {
					once.Do(func() { failure = err; cancel() })
					return
				}
				done.Add(1)
			}
		})
	}
	wg.Wait()
	return float64(done.Load()) / time.Since(start).Seconds(), failure
}

// concurrencyResult judges row 16: the medians of every mode and writer
// count, and the share of raw writes/s the typed Sets of a store heard
// through Redis reach at 16 writers.
func concurrencyResult(got throughput) result {
	med := func(mode string, n int) float64 { return middle(got[mode][n].rates) }
	last := writerCounts[len(writerCounts)-1]
	var parts []string
	for _, n := range writerCounts {
		parts = append(parts, fmt.Sprintf("%d writers: %s vs raw %s (%.0f %%), LISTEN store %s", n,
			fmtRate(med("redis", n)), fmtRate(med("raw", n)), 100*med("redis", n)/med("raw", n), fmtRate(med("listen", n))))
	}
	share := med("redis", last) / med("raw", last)
	detail := strings.Join(parts, "; ")
	if busy := middle(got["redis"][last].busy); busy >= 0 {
		detail += fmt.Sprintf("; machine CPU busy during the typed Sets at %d writers: %.0f %%", last, 100*busy)
	}
	return result{
		measured: fmt.Sprintf("%s at %d writers = %.0f %% of raw", fmtRate(med("redis", last)), last, 100*share),
		detail:   detail,
		verdict:  judge(share >= minConcurrentShare),
	}
}

// fmtRate prints a rate of writes per second.
func fmtRate(r float64) string { return fmtCount(int64(r+0.5)) + "/s" }

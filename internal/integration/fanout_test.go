//go:build linux

package integration

import (
	"sync"
	"testing"
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

// The targets of the follower count test: what one write may cost the
// servers, with any number of processes following the app.
const (
	maxCommitsPerWrite = 3
	maxScriptsPerWrite = 3
	costWrites         = 20                    // writes per measured run
	costSpacing        = 30 * time.Millisecond // between them, so that each is heard alone
)

// TestWriteCostIsIndependentOfFollowers counts, with the servers' own
// counters on private servers, what one write costs Postgres (committed
// transactions) and Redis (calls) while 1 and then 50 started clients
// follow the app, each with its own pool and Redis client as a process of
// its own would have. Each figure is the difference between a run with
// costWrites writes and the same run without, divided by costWrites; the
// reconcile is off (an hour), so that only the writes make work. The
// cost must stay within the targets at 50 followers, whatever notifier
// carries the changes.
func TestWriteCostIsIndependentOfFollowers(t *testing.T) {
	cs := newCostServers(t)
	for _, n := range []int{1, 50} {
		per := cs.perWrite(t, n)
		t.Logf("%d followers: per write %.2f Postgres commits, %.2f Redis scripts, %.2f Redis calls (%s over %d writes)",
			n, per.commits, per.scripts, per.calls, per.total, costWrites)
		if per.commits > maxCommitsPerWrite || per.scripts > maxScriptsPerWrite {
			t.Errorf("%d followers: a write cost %.2f Postgres transactions and %.2f Redis scripts; want at most %d and %d",
				n, per.commits, per.scripts, maxCommitsPerWrite, maxScriptsPerWrite)
		}
	}
}

// costServers are a private Postgres and Redis, so that nothing but the
// test moves their counters, and a meter of both.
type costServers struct {
	pgURL string // the store's database
	redis string // address
	meter *servercost.Meter
}

func newCostServers(t *testing.T) *costServers {
	t.Helper()
	pg, err := localpg.Start(ctx, localpg.Options{Settings: map[string]string{
		"max_connections": "300", // 50 followers with a pool and a listener each
		"autovacuum":      "off", // its transactions would be counted too
	}})
	if err != nil {
		t.Fatalf("start a private PostgreSQL server: %v", err)
	}
	t.Cleanup(func() { _ = pg.Close() })
	rd := localredis.NewServer(t, localredis.Options{})
	url, err := pg.CreateDatabase(ctx, "fanout")
	if err != nil {
		t.Fatal(err)
	}
	m, err := servercost.New(ctx, pg.URL("postgres"), "fanout", rd.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	cs := &costServers{pgURL: url, redis: rd.Addr(), meter: m}
	p := cs.process(t)
	defer p.close()
	if err := p.store.EnsureSchema(ctx); err != nil {
		t.Fatal(err)
	}
	return cs
}

// writeCost is what one write cost, on average.
type writeCost struct {
	commits, scripts, calls float64
	total                   servercost.Counts
}

// perWrite measures the cost of a write with n followers.
func (cs *costServers) perWrite(t *testing.T, n int) writeCost {
	base := cs.run(t, n, 0)
	with := cs.run(t, n, costWrites)
	d := with.Sub(base)
	w := float64(costWrites)
	return writeCost{commits: float64(d.Commits) / w, scripts: float64(d.Scripts()) / w,
		calls: float64(d.Commands()) / w, total: d}
}

// run starts n followers and a writer, makes writes writes, waits until
// every follower serves the last, closes everything and returns what the
// servers counted meanwhile.
func (cs *costServers) run(t *testing.T, n, writes int) servercost.Counts {
	t.Helper()
	before, err := cs.meter.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fleet := cs.startFleet(t, n)
	writer := fleet.start(t, cs.process(t))
	for i := 1; i <= writes; i++ {
		if err := countField.Set(ctx, writer, int64(1000*n+i)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(costSpacing)
	}
	if writes > 0 {
		fleet.await(t, int64(1000*n+writes))
	}
	fleet.close()
	after, err := cs.meter.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return after.Sub(before)
}

// costProcess is what one process of the fleet holds: its own pool and
// Redis client, as a separate OS process would.
type costProcess struct {
	pool  *pgxpool.Pool
	rdb   *goredis.Client
	store *pgstore.Store
	cache *rediscache.Cache
}

func (cs *costServers) process(t *testing.T) *costProcess {
	t.Helper()
	pool, err := pgxpool.New(ctx, cs.pgURL)
	if err != nil {
		t.Fatal(err)
	}
	rdb := goredis.NewClient(&goredis.Options{Addr: cs.redis, ContextTimeoutEnabled: true})
	return &costProcess{pool: pool, rdb: rdb, store: pgstore.New(pool, pgstore.Options{}),
		cache: rediscache.New(rdb, rediscache.Options{})}
}

func (p *costProcess) close() {
	p.pool.Close()
	_ = p.rdb.Close()
}

// costFleet is the started clients of one run, followers first.
type costFleet struct {
	procs     []*costProcess
	clients   []*runtime.Client
	followers []*runtime.Client
}

func (cs *costServers) startFleet(t *testing.T, n int) *costFleet {
	t.Helper()
	f := &costFleet{}
	for range n {
		f.followers = append(f.followers, f.start(t, cs.process(t)))
	}
	return f
}

// start starts a client of p with the reconcile off.
func (f *costFleet) start(t *testing.T, p *costProcess) *runtime.Client {
	t.Helper()
	f.procs = append(f.procs, p)
	c, err := runtime.NewClient(itSchema, p.store, runtime.Options{Cache: p.cache, Secrets: oldKeys,
		ReconcileInterval: time.Hour, StalenessBound: 2 * time.Hour})
	if err == nil {
		err = c.Start(ctx)
	}
	if err != nil {
		f.close()
		t.Fatal(err)
	}
	f.clients = append(f.clients, c)
	return c
}

// await waits until every follower serves want.
func (f *costFleet) await(t *testing.T, want int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for i, c := range f.followers {
		for !reads(c, want)() {
			if time.Now().After(deadline) {
				f.close()
				t.Fatalf("follower %d of %d does not serve %d within 10 s", i+1, len(f.followers), want)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
}

// close closes every client, then every process's connections.
func (f *costFleet) close() {
	var wg sync.WaitGroup
	for _, c := range f.clients {
		wg.Go(c.Close)
	}
	wg.Wait()
	for _, p := range f.procs {
		p.close()
	}
	f.clients, f.procs = nil, nil
}


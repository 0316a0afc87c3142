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
	"github.com/go-sysconfig/sysconfig/runtime/runtimetest"
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
// costWrites writes and the same run with none, divided by costWrites;
// the reconcile is off (an hour), so that only the writes make work.
//
// With the Redis notifier a write costs the servers the same whatever the
// number of followers: its own transaction and its cache fill, and a
// PUBLISH. With Postgres LISTEN no follower queries either, but Postgres
// counts one transaction per listening session per notification (the
// session reads the notification queue in one), so that figure is
// allowed one per follower, and no more.
func TestWriteCostIsIndependentOfFollowers(t *testing.T) {
	cs := newCostServers(t)
	for _, via := range []notifierKind{viaRedis, viaListen} {
		t.Run(string(via), func(t *testing.T) {
			for _, n := range []int{1, 50} {
				per := cs.perWrite(t, n, via)
				t.Logf("%d followers: per write %.2f Postgres commits, %.2f Redis scripts, %.2f Redis calls (%s over %d writes)",
					n, per.commits, per.scripts, per.calls, per.total, costWrites)
				allowed := float64(maxCommitsPerWrite)
				if via == viaListen {
					allowed += float64(n) // the listening sessions' reads of the queue
				}
				if per.commits > allowed || per.scripts > maxScriptsPerWrite {
					t.Errorf("%d followers: a write cost %.2f Postgres transactions and %.2f Redis scripts; want at most %.0f and %d",
						n, per.commits, per.scripts, allowed, maxScriptsPerWrite)
				}
			}
		})
	}
}

// notifierKind is how the followers of a run hear of changes.
type notifierKind string

const (
	viaRedis  notifierKind = "redis-pubsub"    // rediscache.Notifier
	viaListen notifierKind = "postgres-listen" // the store's own LISTEN
)

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
	if err := rediscache.New(rdb(rd.Addr()), rediscache.Options{}).FinishRepopulation(ctx, "it"); err != nil {
		t.Fatal(err) // the one refill of an empty cache is not what these tests count
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
func (cs *costServers) perWrite(t *testing.T, n int, via notifierKind) writeCost {
	base := cs.run(t, n, 1, via) // one write in each: the first of a connection prepares its statements
	with := cs.run(t, n, 1+costWrites, via)
	d := with.Sub(base)
	w := float64(costWrites)
	return writeCost{commits: float64(d.Commits) / w, scripts: float64(d.Scripts()) / w,
		calls: float64(d.Commands()) / w, total: d}
}

// run starts n followers and a writer, makes writes writes, waits until
// every follower serves the last, closes everything and returns what the
// servers counted meanwhile.
func (cs *costServers) run(t *testing.T, n, writes int, via notifierKind) servercost.Counts {
	t.Helper()
	before, err := cs.meter.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fleet := cs.startFleet(t, n, via)
	writer := fleet.start(t, cs.process(t), via)
	for i := 1; i <= writes; i++ {
		if err := countField.Set(ctx, writer, int64(1000*n+i)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(costSpacing)
	}
	fleet.await(t, int64(1000*n+writes))
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
	r := rdb(cs.redis)
	return &costProcess{pool: pool, rdb: r, store: pgstore.New(pool, pgstore.Options{}),
		cache: rediscache.New(r, rediscache.Options{})}
}

// rdb returns a client of the Redis server at addr.
func rdb(addr string) *goredis.Client {
	return goredis.NewClient(&goredis.Options{Addr: addr, ContextTimeoutEnabled: true})
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

func (cs *costServers) startFleet(t *testing.T, n int, via notifierKind) *costFleet {
	t.Helper()
	f := &costFleet{}
	for range n {
		f.followers = append(f.followers, f.start(t, cs.process(t), via))
	}
	return f
}

// start starts a client of p with the reconcile off, hearing of changes
// via the notifier named.
func (f *costFleet) start(t *testing.T, p *costProcess, via notifierKind) *runtime.Client {
	t.Helper()
	f.procs = append(f.procs, p)
	opts := runtime.Options{Cache: p.cache, Secrets: oldKeys, ReconcileInterval: time.Hour, StalenessBound: 2 * time.Hour}
	var subscribed <-chan struct{}
	opts.Notifier, subscribed = runtimetest.Subscribed(notifierOf(p, via))
	c, err := runtime.NewClient(itSchema, p.store, opts)
	if err == nil {
		err = c.Start(ctx)
	}
	if err != nil {
		f.close()
		t.Fatal(err)
	}
	f.clients = append(f.clients, c)
	select { // so that no write is made before every follower hears
	case <-subscribed:
	case <-time.After(10 * time.Second):
		f.close()
		t.Fatalf("a client did not subscribe via %s within 10 s", via)
	}
	return c
}

// notifierOf returns p's notifier of the kind named.
func notifierOf(p *costProcess, via notifierKind) runtime.Notifier {
	if via == viaRedis {
		return rediscache.NewNotifier(p.rdb, rediscache.NotifierOptions{})
	}
	return p.store
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

// TestIdleCost measures what 50 idle followers cost the servers per
// second, with the default reconcile (every 2 s, give or take a fifth):
// the difference between an idle run of idleLong and one of idleShort,
// both past every follower's first reconcile (which prepares its query on
// its connection). Each reconcile is one Head query (plus pgxpool's ping
// of a connection idle for over a second, which Postgres also counts as a
// transaction) and one GET of the refill state; no script runs.
func TestIdleCost(t *testing.T) {
	const n, idleShort, idleLong = 50, 3 * time.Second, 8 * time.Second
	cs := newCostServers(t)
	d := cs.idle(t, n, idleLong).Sub(cs.idle(t, n, idleShort))
	secs := (idleLong - idleShort).Seconds()
	ticks := secs / runtime.DefaultStalenessBound.Seconds() * 5 / 2 * n // reconciles of the fleet meanwhile, about
	t.Logf("%d idle followers: %.1f Postgres commits/s, %.1f Redis calls/s, %.1f Redis scripts/s (%s over %.0f s, about %.0f reconciles)",
		n, float64(d.Commits)/secs, float64(d.Commands())/secs, float64(d.Scripts())/secs, d, secs, ticks)
	if per := float64(d.Commits) / ticks; per > 2.5 {
		t.Errorf("an idle reconcile cost %.2f Postgres transactions, want at most 2 (Head and the pool's ping)", per)
	}
	if d.Scripts() > 0 {
		t.Errorf("idle followers ran %d Redis scripts, want none", d.Scripts())
	}
}

// idle starts n followers with the default reconcile and the Redis
// notifier, leaves them idle for d, closes them and returns what the
// servers counted.
func (cs *costServers) idle(t *testing.T, n int, d time.Duration) servercost.Counts {
	t.Helper()
	before, err := cs.meter.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f := &costFleet{}
	for range n {
		p := cs.process(t)
		f.procs = append(f.procs, p)
		c, err := runtime.NewClient(itSchema, p.store, runtime.Options{Cache: p.cache, Secrets: oldKeys,
			Notifier: rediscache.NewNotifier(p.rdb, rediscache.NotifierOptions{})})
		if err == nil {
			err = c.Start(ctx)
		}
		if err != nil {
			f.close()
			t.Fatal(err)
		}
		f.clients = append(f.clients, c)
	}
	time.Sleep(d)
	f.close()
	after, err := cs.meter.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return after.Sub(before)
}

// TestRedisNotifierNeedsNoPostgresConnection: started clients hearing of
// changes through Redis hold no Postgres connection of their own — only
// the one their pool opened for their queries — while clients listening
// to Postgres hold one more each, outside their pool.
func TestRedisNotifierNeedsNoPostgresConnection(t *testing.T) {
	const n = 5
	cs := newCostServers(t)
	for _, via := range []notifierKind{viaRedis, viaListen} {
		wantListeners := map[notifierKind]int{viaRedis: 0, viaListen: n}[via]
		f := cs.startFleet(t, n, via)
		var total, listeners int
		deadline := time.Now().Add(5 * time.Second) // listeners connect in the background
		for time.Now().Before(deadline) && (total != n+wantListeners || listeners != wantListeners) {
			time.Sleep(10 * time.Millisecond)
			sessions, err := cs.meter.Sessions(ctx)
			if err != nil {
				f.close()
				t.Fatal(err)
			}
			listeners, total = sessions[pgstore.ListenerApplicationName], 0
			for _, k := range sessions {
				total += k
			}
		}
		f.close()
		t.Logf("%d clients via %s: %d Postgres sessions, %d of them listeners", n, via, total, listeners)
		if listeners != wantListeners || total != n+wantListeners {
			t.Errorf("%d clients via %s hold %d sessions, %d of them listeners; want %d and %d",
				n, via, total, listeners, n+wantListeners, wantListeners)
		}
	}
}

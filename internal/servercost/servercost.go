// Package servercost reads what the servers themselves count of the work
// done for them — the transactions committed in one PostgreSQL database
// (pg_stat_database.xact_commit) and the calls of each Redis command (INFO
// commandstats) — so that a test or `make bench` can show what one config
// write, or one idle second, costs the servers with N processes running.
//
// The counts are only meaningful on private servers (internal/localpg,
// internal/localredis) where nothing else runs: a shared server's counters
// move with every other test. Turn autovacuum off on the Postgres server
// (its workers' transactions are counted too).
//
// Postgres counts a session's transactions in pg_stat_database when the
// session flushes its statistics: at most once a second while it is busy,
// within 10 s once it is idle, and always when it ends. [Meter.Read]
// therefore waits until no session is connected to the database, so a
// measurement runs its clients, closes them, then reads; the Redis counts
// are exact at any time.
package servercost

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	goredis "github.com/redis/go-redis/v9"
)

// settleTimeout bounds Read's wait for the database's sessions to end.
const settleTimeout = 30 * time.Second

// Counts are the servers' counters at one moment, or the difference of two
// readings (Sub).
type Counts struct {
	Commits int64            // transactions committed in the database
	Calls   map[string]int64 // Redis calls by command, lower case; the meter's own INFO left out
}

// Sub returns c less base: the work done between two readings.
func (c Counts) Sub(base Counts) Counts {
	d := Counts{Commits: c.Commits - base.Commits, Calls: map[string]int64{}}
	for cmd, n := range c.Calls {
		if n -= base.Calls[cmd]; n != 0 {
			d.Calls[cmd] = n
		}
	}
	return d
}

// Commands returns the number of Redis calls, of every command.
func (c Counts) Commands() int64 {
	var n int64
	for _, calls := range c.Calls {
		n += calls
	}
	return n
}

// Scripts returns the number of Lua script and function calls (EVAL,
// EVALSHA, their read-only forms, FCALL).
func (c Counts) Scripts() int64 {
	var n int64
	for _, cmd := range []string{"eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro"} {
		n += c.Calls[cmd]
	}
	return n
}

// String describes c briefly: "12 commits; redis 14 calls (evalsha 10, publish 4)".
func (c Counts) String() string {
	var parts []string
	for _, cmd := range slices.Sorted(maps.Keys(c.Calls)) {
		parts = append(parts, fmt.Sprintf("%s %d", cmd, c.Calls[cmd]))
	}
	return fmt.Sprintf("%d commits; redis %d calls (%s)", c.Commits, c.Commands(), strings.Join(parts, ", "))
}

// Meter reads the counters of one Postgres database and one Redis server.
type Meter struct {
	admin *pgx.Conn // to another database of the server, so that reading adds nothing to db's count
	db    string
	rdb   *goredis.Client
}

// New returns a meter of database db, read through adminURL — a URL of
// the same server naming another database (such as "postgres") — and of
// the Redis server at redisAddr. Close it after use.
func New(ctx context.Context, adminURL, db, redisAddr string) (*Meter, error) {
	admin, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return nil, fmt.Errorf("servercost: %w", err)
	}
	var current string
	if err := admin.QueryRow(ctx, "SELECT current_database()").Scan(&current); err != nil || current == db {
		_ = admin.Close(ctx)
		return nil, fmt.Errorf("servercost: the admin URL must name another database than %q (%v)", db, err)
	}
	rdb := goredis.NewClient(&goredis.Options{Addr: redisAddr, ContextTimeoutEnabled: true})
	return &Meter{admin: admin, db: db, rdb: rdb}, nil
}

// Close closes the meter's connections.
func (m *Meter) Close() {
	_ = m.admin.Close(context.Background())
	_ = m.rdb.Close()
}

// Read waits until no session is connected to the database, so that every
// transaction committed there is counted, then reads both servers'
// counters.
func (m *Meter) Read(ctx context.Context) (Counts, error) {
	if err := m.settle(ctx); err != nil {
		return Counts{}, err
	}
	var c Counts
	err := m.admin.QueryRow(ctx, "SELECT xact_commit FROM pg_stat_database WHERE datname = $1", m.db).Scan(&c.Commits)
	if err != nil {
		return Counts{}, fmt.Errorf("servercost: read pg_stat_database: %w", err)
	}
	info, err := m.rdb.Info(ctx, "commandstats").Result()
	if err != nil {
		return Counts{}, fmt.Errorf("servercost: INFO commandstats: %w", err)
	}
	c.Calls = ParseCommandStats(info)
	delete(c.Calls, "info")
	return c, nil
}

// Sessions returns how many sessions are connected to the database, by
// application_name ("" for those without one).
func (m *Meter) Sessions(ctx context.Context) (map[string]int, error) {
	rows, _ := m.admin.Query(ctx, `SELECT coalesce(application_name, ''), count(*) FROM pg_stat_activity
		WHERE datname = $1 GROUP BY 1`, m.db)
	byApp := map[string]int{}
	var name string
	var n int
	_, err := pgx.ForEachRow(rows, []any{&name, &n}, func() error {
		byApp[name] = n
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("servercost: read pg_stat_activity: %w", err)
	}
	return byApp, nil
}

// settle waits until no session is connected to the database.
func (m *Meter) settle(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, settleTimeout)
	defer cancel()
	for {
		var n int
		err := m.admin.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE datname = $1", m.db).Scan(&n)
		if err == nil && n == 0 {
			return nil
		}
		if err == nil {
			err = fmt.Errorf("%d sessions still connected", n)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("servercost: database %s did not settle: %w", m.db, err)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// ParseCommandStats returns the calls by command of an INFO commandstats
// reply ("cmdstat_get:calls=3,usec=..."), commands in lower case; a
// subcommand is "command|sub".
func ParseCommandStats(info string) map[string]int64 {
	calls := map[string]int64{}
	for line := range strings.Lines(info) {
		name, rest, ok := strings.Cut(strings.TrimSpace(line), ":")
		cmd, isStat := strings.CutPrefix(name, "cmdstat_")
		if !ok || !isStat {
			continue
		}
		for field := range strings.SplitSeq(rest, ",") {
			if v, ok := strings.CutPrefix(field, "calls="); ok {
				n, err := strconv.ParseInt(v, 10, 64)
				if err == nil {
					calls[strings.ToLower(cmd)] = n
				}
			}
		}
	}
	return calls
}

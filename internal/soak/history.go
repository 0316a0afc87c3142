//go:build linux

package main

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
)

// commit is one row of sysconfig_history: a version of a path, its value,
// when its transaction committed, and from when its value was surely
// current (Unix nanoseconds; 0 when Postgres does not know).
type commit struct {
	version int64
	value   int64
	at      int64 // pg_xact_commit_timestamp: when the commit record was written
	current int64 // at, or the end of the Postgres fault the commit raced
}

// raceSlack is how long before a Postgres fault a commit may still race
// it (a backend may be descheduled between its commit record and making
// the commit visible), and how long after the fault's end its commits may
// take to become visible: a server's processes are stopped and continued
// one after the other, and need time to run again.
const raceSlack = 100 * time.Millisecond

// window is the time a Postgres fault took, from before its SIGSTOP or
// SIGKILL to after its resume or restart (Unix nanoseconds).
type window struct{ begin, end int64 }

// history is what Postgres committed, for the checks.
//
// A commit's timestamp is when its commit record was written, which comes
// before the commit is visible to other sessions. A Postgres fault can
// fall between the two: paused there, the backend makes the commit visible
// only once it runs again, while other backends, stopped or continued a
// moment apart, answer without it; killed there, the commit becomes visible
// after crash recovery, with its old timestamp, although no session ever
// saw it before the crash. So the value of a commit that raced a Postgres
// fault (from raceSlack before it to its end) is only known to be current
// from raceSlack after its end.
type history struct {
	epoch  int64
	races  []window // the Postgres pauses and kills
	paths  map[string]*pathHistory
	where  map[int64]string // value → the path it was committed to
	noTime int              // rows without a commit timestamp
	raced  int              // commits that raced a Postgres fault
}

// pathHistory is one path's commits.
type pathHistory struct {
	commits  []commit // by version
	earliest []int    // earliest[i]: the index of the earliest commit of commits[i:]
}

// historySQL reads every history row of the soak's app with its
// transaction's commit time (track_commit_timestamp is on).
const historySQL = `SELECT path, version, value, pg_xact_commit_timestamp(xmin)
	FROM sysconfig_history WHERE app = 'soak'`

// loadHistory reads the store's epoch and history; races are the Postgres
// faults of the run.
func loadHistory(ctx context.Context, pool *pgxpool.Pool, races []window) (*history, error) {
	var epoch int64
	if err := pool.QueryRow(ctx, `SELECT epoch FROM sysconfig_meta`).Scan(&epoch); err != nil {
		return nil, err
	}
	h := newHistory(epoch, races)
	rows, _ := pool.Query(ctx, historySQL)
	var path string
	var c commit
	var value pgtype.Text
	var at pgtype.Timestamptz
	_, err := pgx.ForEachRow(rows, []any{&path, &c.version, &value, &at}, func() error {
		c.value, _ = strconv.ParseInt(value.String, 10, 64) // 0 for a reset: no write of the soak's
		c.at = 0
		if at.Valid {
			c.at = at.Time.UnixNano()
		}
		h.add(path, c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	h.index()
	return h, nil
}

func newHistory(epoch int64, races []window) *history {
	return &history{epoch: epoch, races: races, paths: map[string]*pathHistory{}, where: map[int64]string{}}
}

// add records one commit of path. Call index once all are added.
func (h *history) add(path string, c commit) {
	c.current = h.currentFrom(c.at)
	ph := h.paths[path]
	if ph == nil {
		ph = &pathHistory{}
		h.paths[path] = ph
	}
	ph.commits = append(ph.commits, c)
	h.where[c.value] = path
	if c.at == 0 {
		h.noTime++
	}
}

// currentFrom returns when the value of a commit at at was surely
// current: at, or the end of the Postgres fault it raced.
func (h *history) currentFrom(at int64) int64 {
	slack := int64(raceSlack)
	for _, w := range h.races {
		if at != 0 && at >= w.begin-slack && at <= w.end {
			h.raced++
			return w.end + slack
		}
	}
	return at
}

// index sorts each path's commits by version and finds, for each, the
// earliest commit of those from it on. A commit without a time counts as
// never, so it flags no read.
func (h *history) index() {
	for _, ph := range h.paths {
		slices.SortFunc(ph.commits, func(a, b commit) int { return cmp.Compare(a.version, b.version) })
		n := len(ph.commits)
		ph.earliest = make([]int, n)
		for i := n - 1; i >= 0; i-- {
			ph.earliest[i] = i
			if i+1 < n && earlier(ph.commits[ph.earliest[i+1]], ph.commits[i]) {
				ph.earliest[i] = ph.earliest[i+1]
			}
		}
	}
}

// earlier reports whether a's value was current before b's, a commit
// without a time being the latest.
func earlier(a, b commit) bool {
	return a.current != 0 && (b.current == 0 || a.current < b.current)
}

// replaced returns the first commit of path, by the time its value was
// surely current, with a version above v: its current time is when the
// value of version v had surely stopped being current. ok is false when
// nothing replaced it.
func (h *history) replaced(path string, v int64) (c commit, ok bool) {
	ph := h.paths[path]
	if ph == nil {
		return commit{}, false
	}
	i, _ := slices.BinarySearchFunc(ph.commits, v+1, func(c commit, v int64) int { return cmp.Compare(c.version, v) })
	if i == len(ph.commits) || ph.commits[ph.earliest[i]].current == 0 {
		return commit{}, false
	}
	return ph.commits[ph.earliest[i]], true
}

// committed reports whether value was committed to path.
func (h *history) committed(path string, value int64) bool {
	p, ok := h.where[value]
	return ok && p == path
}

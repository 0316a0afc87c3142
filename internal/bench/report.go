package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// verdict is a row's result against its target.
type verdict string

// The verdicts.
const (
	isBaseline verdict = "-"
	isPass     verdict = "PASS"
	isMiss     verdict = "MISS"
	isError    verdict = "ERROR"
)

// spec is one row of the table: what is measured, by how many follower
// processes (fleet: 0 none, 1 one, -1 the run's -followers), and against
// what.
type spec struct {
	id, what string
	fleet    int
	target   string
}

// The fleet column's values.
const (
	noFleet   = 0
	oneFollow = 1
	fullFleet = -1
)

// The targets of the fleet rows.
const (
	propagationTarget = "p50 ≤ 10 ms, p99 ≤ 100 ms"
	writeCostTarget   = "≤ 3 Postgres commits, ≤ 3 Redis scripts"
	listenCostTarget  = "≤ 3 Postgres commits + 1 per listening session, ≤ 3 Redis scripts"
)

// table is every row of the report, in order.
var table = []spec{
	{"1", "raw go-redis GET", noFleet, "baseline"},
	{"2", "raw pgx SELECT of one row", noFleet, "baseline"},
	{"3", "typed read, snapshot disabled (via Redis)", noFleet, "≤ 1.2× row 1"},
	{"4", "typed read from the snapshot", noFleet, "≤ 50 ns/op, 0 allocs/op"},
	{"5a", "raw upsert + Redis SET", noFleet, "baseline"},
	{"5b", "typed Set (validate, tx, history, notify, cache)", noFleet, "≤ 2× row 5a"},
	{"5c", "typed Set on the SQLite store (validate, tx, history, synced; no cache)", noFleet, "baseline"},
	{"6a", "commit → every follower process serves it (Redis pub/sub)", oneFollow, propagationTarget},
	{"6b", "commit → every follower process serves it (Redis pub/sub)", fullFleet, propagationTarget},
	{"6c", "commit → every follower process serves it (Postgres LISTEN)", oneFollow, propagationTarget},
	{"6d", "commit → every follower process serves it (Postgres LISTEN)", fullFleet, propagationTarget},
	{"7a", "race harness, version-gated fills: stale keys", noFleet, "0 in ≥ 100,000 trials"},
	{"7b", "race harness, naive fills (control): stale keys", noFleet, "≥ half (the harness bites)"},
	{"8a", "cold start, 10,000-field schema, Postgres alone", noFleet, "baseline"},
	{"8", "cold start, 10,000-field schema, warm Redis", noFleet, "≤ 100 ms"},
	{"9", "write into a paused Postgres: return after its deadline", noFleet, "p99 ≤ 100 ms, never reported failed if it commits"},
	{"10", "Redis unreachable: a client's first read, later reads, log lines", noFleet, "first ≤ 100 ms cache timeout + row 2; 1 line"},
	{"11a", "typed Set, 100-field schema, memory backends (client work only)", noFleet, "baseline"},
	{"11b", "typed Set, 100,000-field schema, memory backends", noFleet, "≤ 2× row 11a in CPU and in bytes"},
	{"11c", "typed read from the snapshot, 100,000-field schema", noFleet, "≤ 50 ns/op, 0 allocs/op"},
	{"12", "Redis Cluster master killed: cache serving again, after the cluster is", noFleet, "≤ 5 s"},
	{"13a", "servers' work per write (Redis pub/sub)", oneFollow, writeCostTarget},
	{"13b", "servers' work per write (Redis pub/sub)", fullFleet, writeCostTarget},
	{"13c", "servers' work per write (Postgres LISTEN)", oneFollow, listenCostTarget},
	{"13d", "servers' work per write (Postgres LISTEN)", fullFleet, listenCostTarget},
	{"14", "idle followers: servers' work per reconcile (every 2 s ± 20 %)", fullFleet, "≤ 2 Postgres commits (Head, pool ping), no Redis script"},
	{"15", "SQLite: commit → another process on the same file serves it (50 ms poll)", oneFollow,
		fmt.Sprintf("p99 ≤ %d ms (the poll interval + 10 ms)", maxSQLitePropagationP99.Milliseconds())},
	{"16", "writes/s of one app, 1, 4, 16 writers of different fields: typed Set (store heard through Redis) vs raw upsert + SET", noFleet,
		fmt.Sprintf("≥ %.0f %% of raw at 16 writers", 100*minConcurrentShare)},
}

// followers returns the number of follower processes of row s, or "".
func (rep *report) followers(s spec) string {
	switch s.fleet {
	case oneFollow:
		return "1"
	case fullFleet:
		return fmt.Sprint(rep.settings.followers)
	}
	return ""
}

// result is what was measured for one row.
type result struct {
	measured string // the figure: median, ratio, percentiles, count
	detail   string // how it was measured: spread of the rounds, counts
	verdict  verdict
	err      error
}

// report is the whole run: settings, machine, a result per row.
type report struct {
	settings settings
	machine  string
	results  map[string]result // by spec id
	problems []string          // errors outside any row
	elapsed  time.Duration
}

func newReport(s settings) *report {
	return &report{settings: s, results: map[string]result{}}
}

// set records the result of row id.
func (rep *report) set(id string, r result) { rep.results[id] = r }

// fail records that row id could not be measured.
func (rep *report) fail(id string, err error) {
	rep.results[id] = result{measured: "failed (see below)", verdict: isError, err: err}
}

// exitCode is 2 if anything failed, 1 if a target was missed, else 0.
func (rep *report) exitCode() int {
	code := 0
	if len(rep.problems) > 0 {
		code = 2
	}
	for _, s := range table {
		switch rep.result(s.id).verdict {
		case isError:
			code = 2
		case isMiss:
			code = max(code, 1)
		}
	}
	return code
}

// result returns row id's result; a row never measured is an error.
func (rep *report) result(id string) result {
	if r, ok := rep.results[id]; ok {
		return r
	}
	return result{measured: "not measured", verdict: isError}
}

// print writes the report: header, table, errors, summary.
func (rep *report) print(w io.Writer) {
	s := rep.settings
	fmt.Fprintf(w, "sysconfig bench: medians of %d alternating rounds of %v per figure; %s race trials; %d propagation writes %v apart\n",
		s.rounds, s.benchtime, fmtCount(s.trials), s.writes, s.spacing)
	fmt.Fprintf(w, "rows 6, 13 and 14 run follower processes on a private PostgreSQL and Redis, whose own counters count the work;\n")
	fmt.Fprintf(w, "rows 5c and 15 use an SQLite file in a temporary directory, row 15 with one follower process on it\n")
	fmt.Fprintf(w, "machine: %s\n\n", rep.machine)
	rep.printTable(w)
	rep.printErrors(w)
	fmt.Fprintf(w, "\n%s in %v\n", rep.summary(), rep.elapsed.Round(100*time.Millisecond))
}

// printTable writes one aligned line per row.
func (rep *report) printTable(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tfigure\tfollowers\tmeasured\tdetail\ttarget\tresult")
	for _, s := range table {
		r := rep.result(s.id)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.id, s.what, rep.followers(s), r.measured, r.detail, s.target, r.verdict)
	}
	_ = tw.Flush()
}

// printErrors lists why rows failed, and other problems.
func (rep *report) printErrors(w io.Writer) {
	var lines []string
	for _, s := range table {
		if err := rep.result(s.id).err; err != nil {
			lines = append(lines, fmt.Sprintf("  %s: %v", s.id, err))
		}
	}
	for _, p := range rep.problems {
		lines = append(lines, "  "+p)
	}
	if len(lines) > 0 {
		fmt.Fprintf(w, "\nerrors:\n%s\n", strings.Join(lines, "\n"))
	}
}

// summary counts the verdicts.
func (rep *report) summary() string {
	count := map[verdict]int{}
	targets := 0
	for _, s := range table {
		count[rep.result(s.id).verdict]++
		if s.target != "baseline" {
			targets++
		}
	}
	out := fmt.Sprintf("%d of %d targets met", count[isPass], targets)
	if count[isError] > 0 {
		out += fmt.Sprintf(", %d rows failed", count[isError])
	}
	return out
}

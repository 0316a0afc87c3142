package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-sysconfig/sysconfig/internal/servercost"
)

// TestMain lets the test binary serve as the propagation follower: the
// report re-executes os.Executable() with -follower, which here is this
// binary.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "-follower" {
		os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// TestQuickReport runs the whole report in -quick mode against the real
// servers and checks that it measured every row. Targets are not checked
// (a quick run under the race detector misses the timing ones); a row that
// could not be measured, or unreachable servers, fail the test.
func TestQuickReport(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run([]string{"-quick"}, strings.NewReader(""), &stdout, &stderr)
	out := stdout.String()
	t.Logf("report:\n%s", out)
	if code == 2 {
		t.Fatalf("bench -quick failed (exit status 2):\n%s%s", stderr.String(), out)
	}
	for _, s := range table {
		if !hasRow(out, s) {
			t.Errorf("no row %s (%s) with a verdict in the report", s.id, s.what)
		}
	}
	for _, want := range []string{"machine: ", "PostgreSQL ", "Redis "} {
		if !strings.Contains(out, want) {
			t.Errorf("the report does not mention %q", want)
		}
	}
}

// hasRow reports whether out has the line of s, ending with a verdict.
func hasRow(out string, s spec) bool {
	for line := range strings.Lines(out) {
		f := strings.Fields(line)
		if len(f) > 1 && f[0] == s.id && strings.Contains(line, s.what) {
			v := verdict(f[len(f)-1])
			return v == isPass || v == isMiss || v == isBaseline
		}
	}
	return false
}

func TestMedianAndSpread(t *testing.T) {
	s := series{{ns: 30, allocs: 2}, {ns: 10, allocs: 1}, {ns: 20, allocs: 1}, {ns: 1000, allocs: 9}}
	m := s.median()
	if m.ns != 25 || m.allocs != 2 {
		t.Errorf("median = %+v, want 25 ns and 2 allocs (1.5 rounded)", m)
	}
	if lo, hi := s.spread(); lo != 10 || hi != 1000 {
		t.Errorf("spread = %v, %v", lo, hi)
	}
}

// A write the follower never served counts as never, and a write it
// skipped is served when a newer value is.
func TestPropagationLatencies(t *testing.T) {
	t0 := time.Unix(100, 0)
	sent := []time.Time{{}, t0, t0.Add(10 * time.Millisecond), t0.Add(20 * time.Millisecond), t0.Add(30 * time.Millisecond)}
	recv := map[int64]int64{
		1: t0.Add(2 * time.Millisecond).UnixNano(),
		3: t0.Add(25 * time.Millisecond).UnixNano(), // 2 was skipped: served with 3
	}
	p := newPropagation(sent, recv)
	want := []time.Duration{2 * time.Millisecond, 5 * time.Millisecond, 15 * time.Millisecond, 1<<63 - 1}
	for i, d := range want {
		if p.latencies[i] != d {
			t.Errorf("latency %d = %v, want %v", i, p.latencies[i], d)
		}
	}
	if p50, ok := p.percentile(0.5); !ok || p50 != 5*time.Millisecond {
		t.Errorf("p50 = %v, %v", p50, ok)
	}
	if _, ok := p.percentile(0.99); ok || p.lost() != 1 {
		t.Errorf("p99 of a run with a write never served is ok, or lost = %d", p.lost())
	}
}

func TestQuickLowersOnlyDefaults(t *testing.T) {
	o, err := parseFlags([]string{"-quick", "-trials", "500"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if o.trials != 500 || o.rounds != 3 || o.benchtime != 20*time.Millisecond {
		t.Errorf("-quick -trials 500 gave %+v", o.settings)
	}
	if _, err := parseFlags([]string{"-follower"}, &bytes.Buffer{}); err == nil {
		t.Error("-follower without -database-url and -redis-addr, or -sqlite, was accepted")
	}
}

// A follower's command line parses back to the options it was made of,
// on either backend.
func TestFollowerArgsRoundTrip(t *testing.T) {
	for _, fo := range []followerOptions{
		{databaseURL: "postgres://h/db", redisAddr: "h:6379", via: viaListen, reconcile: time.Hour},
		{sqlite: "/tmp/x/bench.db", via: viaRedis, reconcile: time.Hour},
	} {
		o, err := parseFlags(fo.args(), &bytes.Buffer{})
		if err != nil {
			t.Fatalf("%v: %v", fo.args(), err)
		}
		if !o.follower || o.fo != fo {
			t.Errorf("%v parsed as follower=%v %+v, want %+v", fo.args(), o.follower, o.fo, fo)
		}
	}
}

func TestSQLitePropagationVerdict(t *testing.T) {
	at := func(d time.Duration) propagation {
		p := propagation{writes: 100}
		for range 100 {
			p.latencies = append(p.latencies, d)
		}
		return p
	}
	if v := sqlitePropagationResult(at(maxSQLitePropagationP99)).verdict; v != isPass {
		t.Errorf("p99 at the poll interval + 10 ms: %s, want PASS (the notifiers' 10 ms p50 does not apply)", v)
	}
	if v := sqlitePropagationResult(at(maxSQLitePropagationP99 + time.Millisecond)).verdict; v != isMiss {
		t.Errorf("p99 over the poll interval + 10 ms: %s, want MISS", v)
	}
}

func TestFmtCount(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 100000: "100,000", 1234567: "1,234,567", -1000: "-1,000"} {
		if got := fmtCount(n); got != want {
			t.Errorf("fmtCount(%d) = %q, want %q", n, got, want)
		}
	}
}

// Row 11b passes only when a Set at 100,000 fields is within twice one at
// 100 fields in CPU time and in bytes, each taken as the median of its
// rounds.
func TestChangeCostJudgesCPUAndBytes(t *testing.T) {
	small := series{{cpu: 1000, bytes: 4000}, {cpu: 900, bytes: 4000}, {cpu: 5000, bytes: 4100}}
	for _, c := range []struct {
		wide series
		want verdict
	}{
		{series{{cpu: 1500, bytes: 5000}, {cpu: 1900, bytes: 5000}, {cpu: 90_000, bytes: 5000}}, isPass},
		{series{{cpu: 1500, bytes: 9000}, {cpu: 1900, bytes: 9000}, {cpu: 1900, bytes: 9000}}, isMiss},
		{series{{cpu: 2100, bytes: 5000}, {cpu: 2500, bytes: 5000}, {cpu: 1000, bytes: 5000}}, isMiss},
	} {
		if got := changeCostResult(c.wide, small); got.verdict != c.want {
			t.Errorf("%+v against %+v: %s (%s), want %s", c.wide, small, got.verdict, got.measured, c.want)
		}
	}
}

// A write's cost is judged against 3 Postgres commits, plus one per
// listening session with LISTEN, and 3 Redis scripts.
func TestWriteCostVerdicts(t *testing.T) {
	cases := []struct {
		commits, scripts float64
		via              notifierKind
		n                int
		want             verdict
	}{
		{1, 1, viaRedis, 50, isPass},
		{3.5, 1, viaRedis, 50, isMiss},
		{1, 3.5, viaRedis, 1, isMiss},
		{52, 1, viaListen, 50, isPass},
		{54, 1, viaListen, 50, isMiss},
	}
	for _, c := range cases {
		got := writeCostResult(fleetResult{commits: c.commits, scripts: c.scripts}, c.via, c.n).verdict
		if got != c.want {
			t.Errorf("%.1f commits, %.1f scripts via %s with %d followers: %s, want %s", c.commits, c.scripts, c.via, c.n, got, c.want)
		}
	}
}

// Idle work is judged per reconcile, counted by the GET each makes.
func TestIdleVerdicts(t *testing.T) {
	calls := func(gets, scripts int64) map[string]int64 { return map[string]int64{"get": gets, "evalsha": scripts} }
	cases := []struct {
		c    servercost.Counts
		want verdict
	}{
		{servercost.Counts{Commits: 200, Calls: calls(100, 0)}, isPass},
		{servercost.Counts{Commits: 300, Calls: calls(100, 0)}, isMiss},
		{servercost.Counts{Commits: 100, Calls: calls(100, 1)}, isMiss},
		{servercost.Counts{Commits: 100, Calls: calls(0, 0)}, isMiss},
	}
	for _, c := range cases {
		if got := idleResult(c.c, 5*time.Second).verdict; got != c.want {
			t.Errorf("idle %v: %s, want %s", c.c, got, c.want)
		}
	}
}

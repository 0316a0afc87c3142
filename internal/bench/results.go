package main

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-sysconfig/sysconfig/internal/raceharness"
	"github.com/go-sysconfig/sysconfig/internal/servercost"
	"github.com/go-sysconfig/sysconfig/runtime"
)

// The targets (see the Targets table of the design brief).
const (
	maxViaRedisRatio   = 1.2
	maxSnapshotNs      = 50
	maxWriteRatio      = 2.0
	maxPropagationP50  = 10 * time.Millisecond
	maxPropagationP99  = 100 * time.Millisecond
	maxColdStart       = 100 * time.Millisecond
	minNaiveStaleShare = 0.5
	maxGiveUpP99       = 100 * time.Millisecond
	maxChangeCostRatio = 2.0
	maxCommitsPerWrite = 3
	maxScriptsPerWrite = 3
	maxIdleCommits     = 2
)

// judge returns PASS when ok, else MISS.
func judge(ok bool) verdict {
	if ok {
		return isPass
	}
	return isMiss
}

// timed describes a series: its median time and allocations, and the
// spread of its rounds.
func timed(s series) (measured, detail string) {
	m := s.median()
	lo, hi := s.spread()
	measured = fmt.Sprintf("%s/op, %s allocs", fmtNs(m.ns), fmtCount(m.allocs))
	if len(s) > 1 {
		detail = fmt.Sprintf("rounds %s – %s", fmtNs(lo), fmtNs(hi))
	}
	return measured, detail
}

// baselineResult is a row without a target.
func baselineResult(s series) result {
	measured, detail := timed(s)
	return result{measured: measured, detail: detail, verdict: isBaseline}
}

// ratioResult judges s against limit × the median of base.
func ratioResult(s, base series, limit float64) result {
	measured, detail := timed(s)
	ratio := s.median().ns / base.median().ns
	return result{measured: fmt.Sprintf("%s = %.2f×", measured, ratio), detail: detail, verdict: judge(ratio <= limit)}
}

// snapshotResult judges the snapshot read.
func snapshotResult(s series) result {
	measured, detail := timed(s)
	m := s.median()
	return result{measured: measured, detail: detail, verdict: judge(m.ns <= maxSnapshotNs && m.allocs == 0)}
}

// cpuTimed describes a series that reports the process's CPU time: its
// median CPU time and bytes allocated per operation, and its wall time.
func cpuTimed(s series) (measured, detail string) {
	m := s.median()
	return fmt.Sprintf("%s CPU/op, %s B/op", fmtNs(m.cpu), fmtCount(m.bytes)),
		fmt.Sprintf("wall %s/op, %s allocs", fmtNs(m.ns), fmtCount(m.allocs))
}

// cpuResult is a baseline row measured in CPU time and bytes.
func cpuResult(s series) result {
	measured, detail := cpuTimed(s)
	return result{measured: measured, detail: detail, verdict: isBaseline}
}

// changeCostResult judges a change at 100,000 fields against one at 100:
// within maxChangeCostRatio in CPU time and in bytes allocated.
func changeCostResult(wide, small series) result {
	measured, detail := cpuTimed(wide)
	w, s := wide.median(), small.median()
	cpu, bytes := w.cpu/s.cpu, float64(w.bytes)/float64(s.bytes)
	return result{
		measured: fmt.Sprintf("%s = %.2f× CPU, %.2f× bytes", measured, cpu, bytes),
		detail:   detail,
		verdict:  judge(cpu <= maxChangeCostRatio && bytes <= maxChangeCostRatio),
	}
}

// coldResult judges the cold start, and compares it with the start on
// Postgres alone (base). Figure 8 fails when Start calls Redis at all.
func coldResult(s, base series) result {
	measured, detail := timed(s)
	measured = fmt.Sprintf("%s = %.2f× row 8a", measured, s.median().ns/base.median().ns)
	detail = strings.TrimPrefix(detail+", no Redis call", ", ")
	return result{measured: measured, detail: detail, verdict: judge(s.median().ns <= float64(maxColdStart))}
}

// propagationResult judges the percentiles of a propagation row, over
// every write and follower.
func propagationResult(p propagation) result {
	p50, ok50 := p.percentile(0.50)
	p99, ok99 := p.percentile(0.99)
	top, _ := p.percentile(1)
	return result{
		measured: fmt.Sprintf("p50 %s, p99 %s", fmtLatency(p50, ok50), fmtLatency(p99, ok99)),
		detail: fmt.Sprintf("max %s; %d of %d (write, follower) pairs never served",
			fmtLatency(top, top != math.MaxInt64), p.lost(), p.writes),
		verdict: judge(ok50 && ok99 && p50 <= maxPropagationP50 && p99 <= maxPropagationP99),
	}
}

// sqlitePropagationResult judges row 15, on the SQLite store, against the
// poll interval rather than the notifiers' targets.
func sqlitePropagationResult(p propagation) result {
	res := propagationResult(p)
	p99, ok := p.percentile(0.99)
	res.verdict = judge(ok && p99 <= maxSQLitePropagationP99)
	return res
}

// besideResult shows s, a baseline, with its ratio to the median of
// other (row 5b), measured in the same rounds.
func besideResult(s, other series) result {
	measured, detail := timed(s)
	ratio := s.median().ns / other.median().ns
	return result{measured: fmt.Sprintf("%s = %.2f× row 5b", measured, ratio), detail: detail, verdict: isBaseline}
}

// writeCostResult judges what a write cost the servers with n followers
// hearing via: at most maxCommitsPerWrite Postgres transactions — plus,
// with LISTEN, one per listening session, each of which reads the
// notification queue in a transaction of its own — and at most
// maxScriptsPerWrite Redis scripts.
func writeCostResult(r fleetResult, via notifierKind, n int) result {
	allowed := float64(maxCommitsPerWrite)
	if via == viaListen {
		allowed += float64(n)
	}
	return result{
		measured: fmt.Sprintf("%.2f Postgres commits, %.2f Redis scripts, %.2f Redis calls", r.commits, r.scripts, r.calls),
		detail:   fmt.Sprintf("per write; in all %s", r.total),
		verdict:  judge(r.commits <= allowed && r.scripts <= maxScriptsPerWrite),
	}
}

// idleResult judges what idle followers cost the servers over d: per
// reconcile, counted by the GET of the refill state each one makes, at
// most maxIdleCommits Postgres transactions (its Head query, and pgxpool's
// ping of a connection idle for over a second) and no script.
func idleResult(c servercost.Counts, d time.Duration) result {
	reconciles := c.Calls["get"]
	if reconciles == 0 {
		return result{measured: "no reconcile counted", detail: c.String(), verdict: isMiss}
	}
	per := float64(c.Commits) / float64(reconciles)
	secs := d.Seconds()
	return result{
		measured: fmt.Sprintf("%.2f Postgres commits, %.2f Redis calls, %d scripts", per,
			float64(c.Commands())/float64(reconciles), c.Scripts()),
		detail: fmt.Sprintf("%d reconciles in %v: %.1f commits/s, %.1f Redis calls/s", reconciles, d,
			float64(c.Commits)/secs, float64(c.Commands())/secs),
		verdict: judge(per <= maxIdleCommits && c.Scripts() == 0),
	}
}

// raceResult judges the version-gated harness: no stale key in at least
// the target's number of trials.
func raceResult(res raceharness.Result) result {
	detail := fmt.Sprintf("%d workers", raceWorkers)
	if res.Trials < targetTrials {
		detail += ", fewer than " + fmtCount(targetTrials) + " trials"
	}
	return result{measured: staleShare(res), detail: detail, verdict: judge(res.Stale == 0 && res.Trials >= targetTrials)}
}

// naiveResult judges the control: naive fills must leave most keys stale.
func naiveResult(res raceharness.Result) result {
	ok := float64(res.Stale) >= minNaiveStaleShare*float64(res.Trials) && res.Trials > 0
	return result{measured: staleShare(res), detail: fmt.Sprintf("%d workers", raceWorkers), verdict: judge(ok)}
}

// staleShare prints "s of n trials (p %)".
func staleShare(res raceharness.Result) string {
	pct := 0.0
	if res.Trials > 0 {
		pct = 100 * float64(res.Stale) / float64(res.Trials)
	}
	return fmt.Sprintf("%s of %s trials (%.1f %%)", fmtCount(res.Stale), fmtCount(res.Trials), pct)
}

// fmtNs prints nanoseconds with a unit suited to their size.
func fmtNs(ns float64) string {
	switch {
	case ns < 1e3:
		return fmt.Sprintf("%.1f ns", ns)
	case ns < 1e6:
		return fmt.Sprintf("%.1f µs", ns/1e3)
	}
	return fmt.Sprintf("%.1f ms", ns/1e6)
}

// fmtLatency prints a latency, or "never" for a write never served.
func fmtLatency(d time.Duration, ok bool) string {
	if !ok {
		return "never"
	}
	return fmtNs(float64(d))
}

// fmtCount prints n with thousands separators: 100,000.
func fmtCount[T ~int | ~int64](n T) string {
	s := strconv.FormatInt(int64(n), 10)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// giveUpResult judges figure 9: how late after their deadlines writes into
// a paused Postgres returned, and that none was reported as failed (the
// paused server commits them all when it runs again).
func giveUpResult(g giveUps) result {
	p50, p99 := percentile(g.late, 0.50), percentile(g.late, 0.99)
	return result{
		measured: fmt.Sprintf("p50 %s, p99 %s", fmtLatency(p50, true), fmtLatency(p99, true)),
		detail: fmt.Sprintf("%d writes, %v deadline: %d outcome unknown (%d found committed by Resolve), %d reported failed, %d other",
			len(g.late), giveUpDeadline, g.unknown, g.resolvedCommitted, g.failed, g.reportedOK+g.others),
		verdict: judge(len(g.late) > 0 && p99 <= maxGiveUpP99 && g.failed == 0 && g.others == 0),
	}
}

// outageResult judges figure 10: the first read with Redis unreachable
// costs at most the cache timeout and a store read (with room for a noisy
// machine), and the client logs the outage once.
func outageResult(o outage) result {
	p50, p99 := percentile(o.first, 0.50), percentile(o.first, 0.99)
	lines := slices.Max(o.logLines)
	return result{
		measured: fmt.Sprintf("first p50 %s, p99 %s; later %s; %d log line(s)",
			fmtLatency(p50, true), fmtLatency(p99, true), fmtLatency(percentile(o.later, 0.5), true), lines),
		detail:  fmt.Sprintf("%d clients, Redis a closed port, reads through the cache (no snapshot)", len(o.first)),
		verdict: judge(len(o.first) > 0 && p99 <= runtime.DefaultCacheTimeout+50*time.Millisecond && lines == 1),
	}
}

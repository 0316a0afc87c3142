package main

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"
)

// collect measures every figure on e and returns the report. Progress
// goes to progress as it happens; the follower processes write their
// errors there too.
func collect(ctx context.Context, e *env, s settings, progress io.Writer) *report {
	start := time.Now()
	rep := newReport(s)
	m, err := describeMachine(ctx, e)
	rep.machine = m.String()
	rep.problem("machine", err)
	r, err := newRig(ctx, e)
	if rep.problem("setup", err) {
		return rep
	}
	defer r.close()
	rep.inProcess(r, progress)
	rep.fleet(ctx, progress)
	rep.sqlitePropagation(r, progress)
	rep.giveUps(r, progress)
	rep.outage(r, progress)
	rep.failovers(r, progress)
	rep.race(r, progress)
	rep.writeConcurrency(r, progress)
	rep.elapsed = time.Since(start)
	return rep
}

// problem records err, if any, as a problem outside the rows, and reports
// whether there was one.
func (rep *report) problem(what string, err error) bool {
	if err != nil {
		rep.problems = append(rep.problems, fmt.Sprintf("%s: %v", what, err))
	}
	return err != nil
}

// figure is an in-process figure: a table row and the benchmark body that
// measures it.
type figure struct {
	id   string
	body func(b *testing.B) error
}

// inProcess measures rows 1–5 (5c on SQLite), 8, 8a and 11 in alternating rounds, each
// baseline next to what is compared with it, and judges their medians.
func (rep *report) inProcess(r *rig, progress io.Writer) {
	cc := newChangeCost()
	figs := []figure{{"1", r.rawGet}, {"3", r.readViaRedis}, {"2", r.rawSelect}, {"4", r.readSnapshot},
		{"5a", r.rawWrite}, {"5b", r.typedWrite}, {"5c", r.sqliteWrite}, {"11a", cc.setSmall}, {"11b", cc.setWide}, {"11c", cc.readWide}}
	failed := map[string]error{}
	if cs, err := newColdStart(r); err != nil {
		failed["8"] = fmt.Errorf("fixture: %w", err)
		failed["8a"] = failed["8"]
	} else {
		figs = append(figs, figure{"8a", cs.baseline}, figure{"8", cs.body})
	}
	got := runRounds(r.ctx, figs, rep.settings.rounds, failed, progress)
	rep.judgeInProcess(got, failed)
}

// runRounds runs every figure once per round, in order, and returns their
// samples. A figure that fails is recorded in failed and skipped after.
func runRounds(ctx context.Context, figs []figure, rounds int, failed map[string]error, progress io.Writer) map[string]series {
	got := map[string]series{}
	for round := 1; round <= rounds; round++ {
		fmt.Fprintf(progress, "round %d of %d\n", round, rounds)
		for _, f := range figs {
			if failed[f.id] != nil {
				continue
			}
			if err := ctx.Err(); err != nil {
				failed[f.id] = err
				continue
			}
			s, err := measure(f.body)
			if err != nil {
				failed[f.id] = err
				continue
			}
			got[f.id] = append(got[f.id], s)
		}
	}
	return got
}

// judgeInProcess sets the results of rows 1–5, 8, 8a and 11.
func (rep *report) judgeInProcess(got map[string]series, failed map[string]error) {
	judge := func(id string, needs []string, f func() result) {
		for _, n := range append([]string{id}, needs...) {
			if err := failed[n]; err != nil || len(got[n]) == 0 {
				rep.fail(id, fmt.Errorf("row %s: %v", n, orNotMeasured(err)))
				return
			}
		}
		rep.set(id, f())
	}
	judge("1", nil, func() result { return baselineResult(got["1"]) })
	judge("2", nil, func() result { return baselineResult(got["2"]) })
	judge("3", []string{"1"}, func() result { return ratioResult(got["3"], got["1"], maxViaRedisRatio) })
	judge("4", nil, func() result { return snapshotResult(got["4"]) })
	judge("5a", nil, func() result { return baselineResult(got["5a"]) })
	judge("5b", []string{"5a"}, func() result { return ratioResult(got["5b"], got["5a"], maxWriteRatio) })
	judge("5c", []string{"5b"}, func() result { return besideResult(got["5c"], got["5b"]) })
	judge("8a", nil, func() result { return baselineResult(got["8a"]) })
	judge("8", []string{"8a"}, func() result { return coldResult(got["8"], got["8a"]) })
	judge("11a", nil, func() result { return cpuResult(got["11a"]) })
	judge("11b", []string{"11a"}, func() result { return changeCostResult(got["11b"], got["11a"]) })
	judge("11c", nil, func() result { return snapshotResult(got["11c"]) })
}

func orNotMeasured(err error) error {
	if err == nil {
		return fmt.Errorf("not measured")
	}
	return err
}

// giveUps measures row 9.
func (rep *report) giveUps(r *rig, progress io.Writer) {
	n := rep.settings.giveUps
	fmt.Fprintf(progress, "give-ups: %d writes into a paused Postgres\n", n)
	g, err := measureGiveUps(r.ctx, r, n, progress)
	if err != nil {
		rep.fail("9", err)
		return
	}
	rep.set("9", giveUpResult(g))
}

// outage measures row 10.
func (rep *report) outage(r *rig, progress io.Writer) {
	o, err := measureOutage(r.ctx, r, progress)
	if err != nil {
		rep.fail("10", err)
		return
	}
	rep.set("10", outageResult(o))
}

// failovers measures row 12.
func (rep *report) failovers(r *rig, progress io.Writer) {
	rounds, err := measureFailovers(r.ctx, r, rep.settings.failovers, progress)
	if err != nil {
		rep.fail("12", err)
		return
	}
	rep.set("12", failoverResult(rounds))
}

// race runs the race harness for rows 7a and 7b.
func (rep *report) race(r *rig, progress io.Writer) {
	s := rep.settings
	fmt.Fprintf(progress, "race harness: %d trials with version-gated fills, %d with naive ones\n", s.trials, s.naiveTrials)
	if res, err := runRace(r, s.trials, false); err != nil {
		rep.fail("7a", err)
	} else {
		rep.set("7a", raceResult(res))
	}
	if res, err := runRace(r, s.naiveTrials, true); err != nil {
		rep.fail("7b", err)
	} else {
		rep.set("7b", naiveResult(res))
	}
}

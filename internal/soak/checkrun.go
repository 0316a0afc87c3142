//go:build linux

package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/pgstore"
)

// checkTimeout bounds the leader's work with Postgres after the run.
const checkTimeout = 2 * time.Minute

// checkRun reads the run's journals, settles the writes of unknown outcome
// that workers left unresolved (they were killed), loads the history and
// checks, filling in r. It returns what kept it from checking everything.
func checkRun(ctx context.Context, srv *servers, dir string, mutateRun bool, r *results) []string {
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	pool, err := srv.pool(ctx)
	if err != nil {
		return []string{err.Error()}
	}
	defer pool.Close()
	j, err := readJournals(dir)
	if err != nil {
		return []string{fmt.Sprintf("read the journals: %v", err)}
	}
	var problems []string
	if err := resolveLeftovers(ctx, pool, j, dir); err != nil {
		problems = append(problems, fmt.Sprintf("resolve the unknown outcomes of killed workers: %v", err))
	}
	h, err := loadHistory(ctx, pool, postgresFaults(r.events))
	if err != nil {
		return append(problems, fmt.Sprintf("read sysconfig_history: %v", err))
	}
	if mutateRun {
		r.mutations = mutate(j, h)
	}
	r.verdict, r.noTime, r.raced = check(j, h, &describer{origin: r.origin.UnixNano(), snapshot: j.snapshot}), h.noTime, h.raced
	if j.torn > 0 {
		problems = append(problems, fmt.Sprintf("%d journal lines do not parse", j.torn))
	}
	return problems
}

// postgresFaults returns the time taken by each Postgres pause and kill.
func postgresFaults(events []event) []window {
	var out []window
	for _, ev := range events {
		if ev.kind == pausePostgres || ev.kind == killPostgres {
			out = append(out, window{ev.begin.UnixNano(), ev.end.UnixNano()})
		}
	}
	return out
}

// resolveLeftovers asks Postgres, through a client of the leader's, about
// every write of unknown outcome that no worker resolved, journals the
// answers in the leader's journal and records them in j.
func resolveLeftovers(ctx context.Context, pool *pgxpool.Pool, j *journals, dir string) error {
	client, err := runtime.NewClient(soakSchema, pgstore.New(pool, pgstore.Options{}), runtime.Options{})
	if err != nil {
		return err
	}
	jr, err := openJournal(filepath.Join(dir, leaderJournal))
	if err != nil {
		return err
	}
	defer jr.close()
	ctx, cancel := context.WithTimeout(ctx, resolveBudget)
	defer cancel()
	for _, w := range j.writes {
		if w.outcome != outcomeUnknown || w.resolved {
			continue
		}
		committed, err := resolveChange(ctx, client, w.change)
		if err != nil {
			return err
		}
		e := entry{Kind: kindResolve, Worker: w.worker, Seq: w.seq, Change: w.change, Committed: committed,
			By: "leader", End: time.Now().UnixNano()}
		jr.put(e)
		w.settle(e)
	}
	return nil
}

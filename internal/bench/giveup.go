package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/go-sysconfig/sysconfig/internal/faultproxy"
	"github.com/go-sysconfig/sysconfig/internal/testenv"
	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/pgstore"
)

// giveUpDeadline is the deadline of each write of figure 9.
const giveUpDeadline = 100 * time.Millisecond

// giveUps is the outcome of figure 9: how long after its deadline each
// write into a paused Postgres returned, sorted, and how each was reported.
type giveUps struct {
	late               []time.Duration
	unknown, failed    int // outcome unknown; reported failed
	resolvedCommitted  int // of the unknown, found committed once Postgres ran again
	reportedOK, others int
}

// measureGiveUps writes n times to a Postgres that a fault proxy pauses
// (every byte held, as a SIGSTOPped server holds them) just before each
// write, with a deadline, and resumes after it returns.
func measureGiveUps(ctx context.Context, r *rig, n int, progress io.Writer) (giveUps, error) {
	px, pool, err := pausablePool(ctx, r.env.schema)
	if err != nil {
		return giveUps{}, err
	}
	defer px.Close()
	defer pool.Close()
	c, err := runtime.NewClient(giveUpSchema, pgstore.New(pool, pgstore.Options{Schema: r.env.schema}), runtime.Options{})
	if err != nil {
		return giveUps{}, err
	}
	if err := giveUpField.Set(ctx, c, 0); err != nil { // connects and prepares
		return giveUps{}, err
	}
	var g giveUps
	for i := 1; i <= n && ctx.Err() == nil; i++ {
		px.Pause()
		deadline := time.Now().Add(giveUpDeadline)
		writeCtx, cancel := context.WithDeadline(ctx, deadline)
		err := giveUpField.Set(writeCtx, c, int64(i))
		g.late = append(g.late, time.Since(deadline))
		cancel()
		px.Resume()
		g.classify(ctx, c, err)
	}
	slices.Sort(g.late)
	fmt.Fprintf(progress, "give-ups: %d unknown (%d found committed later), %d failed\n", g.unknown, g.resolvedCommitted, g.failed)
	return g, ctx.Err()
}

// classify counts how a write was reported, and resolves the unknown ones.
func (g *giveUps) classify(ctx context.Context, c *runtime.Client, err error) {
	var unknown *runtime.OutcomeUnknownError
	switch {
	case err == nil:
		g.reportedOK++
	case errors.As(err, &unknown):
		g.unknown++
		resolveCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if committed, err := c.Resolve(resolveCtx, unknown.ChangeID); err == nil && committed {
			g.resolvedCommitted++
		}
	case errors.Is(err, runtime.ErrUnavailable):
		g.failed++
	default:
		g.others++
	}
}

// pausablePool returns a pool reaching the bench's Postgres through a
// fault proxy, and the proxy.
func pausablePool(ctx context.Context, schema string) (*faultproxy.Proxy, *pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(testenv.DatabaseURL())
	if err != nil {
		return nil, nil, err
	}
	px, err := faultproxy.Start(net.JoinHostPort(cfg.ConnConfig.Host, strconv.Itoa(int(cfg.ConnConfig.Port))))
	if err != nil {
		return nil, nil, err
	}
	host, port, _ := net.SplitHostPort(px.Addr())
	p, _ := strconv.Atoi(port)
	cfg.ConnConfig.Host, cfg.ConnConfig.Port = host, uint16(p)
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		_ = px.Close()
		return nil, nil, err
	}
	return px, pool, nil
}

// percentile returns the nearest-rank q-quantile (0 < q ≤ 1) of sorted.
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[max(int(float64(len(sorted))*q+0.999999)-1, 0)]
}

package raceharness

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-sysconfig/sysconfig/internal/intschema"
	"github.com/go-sysconfig/sysconfig/runtime"
)

// DefaultWorkers is how many fields are raced in parallel when
// Config.Workers is zero.
const DefaultWorkers = 8

// DefaultStepTimeout is how long a trial waits for the other side of the
// choreography when Config.StepTimeout is zero.
const DefaultStepTimeout = 5 * time.Second

// Config says what to race and how hard.
type Config struct {
	// Store is the source of truth; it should hold nothing of app "race"
	// that another user changes meanwhile.
	Store runtime.Store
	// Cache is the shared cache under test, unwrapped.
	Cache runtime.Cache
	// Trials is how many adversarial rounds to play in total.
	Trials int
	// Workers is how many fields are raced in parallel, each by its own
	// reader and a shared writer. Zero means DefaultWorkers.
	Workers int
	// Naive replaces the reader's version-gated fills by unconditional
	// writes (delete, then fill), as plain cache-aside does.
	Naive bool
	// StepTimeout bounds each wait of the choreography, so that a broken
	// backend fails the run instead of hanging it. Zero means
	// DefaultStepTimeout.
	StepTimeout time.Duration
}

// Result is what a run found.
type Result struct {
	Trials int64 // trials played
	Stale  int64 // trials that left the cache behind the store
}

// Run plays cfg.Trials adversarial trials spread over cfg.Workers fields
// and returns how many left a stale cache entry. It stops at the first
// error, or when ctx is done.
func Run(ctx context.Context, cfg Config) (Result, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return Result{}, err
	}
	fields, schema := intschema.New("race", cfg.Workers) // a field belongs to one schema: one per run
	writer, err := newClient(schema, cfg.Store, cfg.Cache, cfg.StepTimeout)
	if err != nil {
		return Result{}, err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var res counters
	var wg sync.WaitGroup
	for w := range cfg.Workers {
		wg.Go(func() {
			if err := runWorker(ctx, cfg, schema, writer, fields[w], w, &res); err != nil {
				cancel(err)
			}
		})
	}
	wg.Wait()
	return res.result(), context.Cause(ctx)
}

// withDefaults checks cfg and fills in its zero values.
func (cfg Config) withDefaults() (Config, error) {
	if cfg.Store == nil || cfg.Cache == nil {
		return cfg, errors.New("raceharness: Config needs a Store and a Cache")
	}
	if cfg.Trials < 0 || cfg.Workers < 0 {
		return cfg, fmt.Errorf("raceharness: negative Trials (%d) or Workers (%d)", cfg.Trials, cfg.Workers)
	}
	if cfg.Workers == 0 {
		cfg.Workers = DefaultWorkers
	}
	if cfg.StepTimeout <= 0 {
		cfg.StepTimeout = DefaultStepTimeout
	}
	return cfg, nil
}

// runWorker plays trials w, w+Workers, w+2·Workers… on one field.
func runWorker(ctx context.Context, cfg Config, schema *runtime.Schema, writer *runtime.Client,
	f *runtime.Field[int64], w int, res *counters) error {
	wk, err := newWorker(cfg, schema, writer, f)
	if err != nil {
		return err
	}
	for i := w; i < cfg.Trials && ctx.Err() == nil; i += cfg.Workers {
		stale, err := wk.trial(ctx, int64(i))
		if err != nil {
			return fmt.Errorf("raceharness: trial %d on %s: %w", i, f.Path(), err)
		}
		res.add(stale)
	}
	return nil
}

// counters accumulates the outcome of trials from every worker.
type counters struct{ trials, stale atomic.Int64 }

func (c *counters) add(stale bool) {
	c.trials.Add(1)
	if stale {
		c.stale.Add(1)
	}
}

func (c *counters) result() Result {
	return Result{Trials: c.trials.Load(), Stale: c.stale.Load()}
}

// newClient builds a client without a snapshot: every read goes through the
// cache and, on a miss, the store, which is the path under test. Its cache
// calls may last a whole step, since the reader's fill is held on purpose.
func newClient(schema *runtime.Schema, store runtime.Store, cache runtime.Cache, step time.Duration) (*runtime.Client, error) {
	return runtime.NewClient(schema, store, runtime.Options{Cache: cache, CacheTimeout: step})
}

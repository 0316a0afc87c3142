package raceharness_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/go-sysconfig/sysconfig/internal/raceharness"
	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/memory"
)

// The harness over the in-memory backends, whose Fill is version-gated:
// no trial may leave a stale entry. The real servers are covered by
// internal/integration and internal/bench.
func TestGatedFillsLeaveNothingStale(t *testing.T) {
	res, err := raceharness.Run(t.Context(), raceharness.Config{
		Store: memory.NewStore(), Cache: memory.NewCache(), Trials: 500, Workers: 4,
	})
	if err != nil || res.Trials != 500 || res.Stale != 0 {
		t.Errorf("Run = %+v, %v; want 500 trials, 0 stale", res, err)
	}
}

func TestNaiveFillsAreCaught(t *testing.T) {
	res, err := raceharness.Run(t.Context(), raceharness.Config{
		Store: memory.NewStore(), Cache: memory.NewCache(), Trials: 100, Naive: true,
	})
	if err != nil || res.Stale < 50 {
		t.Errorf("naive Run = %+v, %v; want most trials stale", res, err)
	}
}

// brokenCache refuses every fill.
type brokenCache struct{ runtime.Cache }

func (brokenCache) Fill(context.Context, []runtime.Entry) error { return errors.New("fill refused") }

// A run whose fills never land must fail rather than report 0 stale keys.
func TestFailedFillIsAnErrorNotAPass(t *testing.T) {
	_, err := raceharness.Run(t.Context(), raceharness.Config{
		Store: memory.NewStore(), Cache: brokenCache{memory.NewCache()}, Trials: 10,
	})
	if err == nil || !strings.Contains(err.Error(), "fill refused") {
		t.Errorf("Run over a cache refusing fills = %v, want the fill error", err)
	}
}

func TestConfigIsChecked(t *testing.T) {
	for _, cfg := range []raceharness.Config{
		{Cache: memory.NewCache(), Trials: 1},
		{Store: memory.NewStore(), Cache: memory.NewCache(), Trials: -1},
	} {
		if _, err := raceharness.Run(t.Context(), cfg); err == nil {
			t.Errorf("Run(%+v) succeeded", cfg)
		}
	}
}

func TestCancelledContextStopsTheRun(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	res, err := raceharness.Run(ctx, raceharness.Config{
		Store: memory.NewStore(), Cache: memory.NewCache(), Trials: 1000,
	})
	if !errors.Is(err, context.Canceled) || res.Trials != 0 {
		t.Errorf("Run with a cancelled context = %+v, %v", res, err)
	}
}

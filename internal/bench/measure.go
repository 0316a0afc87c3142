package main

import (
	"errors"
	"flag"
	"slices"
	"sync"
	"testing"
	"time"
)

// sample is one testing.Benchmark run, reduced to what the report prints.
type sample struct {
	ns     float64 // nanoseconds per operation
	allocs int64   // allocations per operation
	bytes  int64   // bytes allocated per operation
	cpu    float64 // the process's CPU nanoseconds per operation, for figures that report cpuMetric
	n      int     // operations timed
}

// setBenchtime makes every later testing.Benchmark run for about d: the
// testing package reads its -test.benchtime flag, registered by
// testing.Init, which is a no-op when the flags already exist (go test).
func setBenchtime(d time.Duration) error {
	testing.Init()
	return flag.Set("test.benchtime", d.String())
}

// measure runs body under testing.Benchmark. body prepares what it needs,
// times its operation with b.Loop and returns an error instead of calling
// b.Fatal, whose message testing.Benchmark would swallow.
func measure(body func(b *testing.B) error) (sample, error) {
	var mu sync.Mutex
	var failure error
	res := testing.Benchmark(func(b *testing.B) {
		if err := body(b); err != nil {
			mu.Lock()
			failure = errors.Join(failure, err)
			mu.Unlock()
			b.FailNow()
		}
	})
	if failure != nil {
		return sample{}, failure
	}
	if res.N == 0 {
		return sample{}, errors.New("the benchmark did not run")
	}
	return sample{ns: float64(res.T.Nanoseconds()) / float64(res.N), allocs: res.AllocsPerOp(),
		bytes: res.AllocedBytesPerOp(), cpu: res.Extra[cpuMetric], n: res.N}, nil
}

// series is the samples of one figure, one per round.
type series []sample

// median returns the median time, CPU time, allocation count and bytes
// allocated (each the middle one, or the mean of the two middle ones, of
// its own order).
func (s series) median() sample {
	of := func(field func(sample) float64) float64 {
		xs := make([]float64, len(s))
		for i, x := range s {
			xs[i] = field(x)
		}
		return middle(xs)
	}
	return sample{
		ns:     of(func(x sample) float64 { return x.ns }),
		allocs: int64(of(func(x sample) float64 { return float64(x.allocs) }) + 0.5),
		bytes:  int64(of(func(x sample) float64 { return float64(x.bytes) }) + 0.5),
		cpu:    of(func(x sample) float64 { return x.cpu }),
	}
}

// spread returns the fastest and the slowest round.
func (s series) spread() (lo, hi float64) {
	lo, hi = s[0].ns, s[0].ns
	for _, x := range s[1:] {
		lo, hi = min(lo, x.ns), max(hi, x.ns)
	}
	return lo, hi
}

// middle returns the median of xs, which it sorts.
func middle(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

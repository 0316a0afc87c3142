package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/rediscache"
)

// outageTrials is how many clients figure 10 starts with Redis unreachable.
const outageTrials = 20

// outage is the outcome of figure 10: with Redis unreachable (a closed
// port), how long a client's first read through the cache takes, how long
// the reads after it take, and how many lines the client logs.
type outage struct {
	first    []time.Duration // one per client, sorted
	later    []time.Duration // medians of each client's later reads, sorted
	logLines []int           // lines each client logged
}

// measureOutage starts clients without a snapshot whose Redis is a closed
// port, and times their reads.
func measureOutage(ctx context.Context, r *rig, progress io.Writer) (outage, error) {
	rdb := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:1", ContextTimeoutEnabled: true})
	defer rdb.Close()
	var o outage
	for range outageTrials {
		if err := o.trial(ctx, r, rdb); err != nil {
			return o, err
		}
	}
	slices.Sort(o.first)
	slices.Sort(o.later)
	fmt.Fprintf(progress, "outage: %d clients with Redis unreachable\n", outageTrials)
	return o, nil
}

// trial times one client's first read and 50 reads after it.
func (o *outage) trial(ctx context.Context, r *rig, rdb *goredis.Client) error {
	logs := &lockedBuffer{}
	c, err := runtime.NewClient(benchSchema, r.store, runtime.Options{
		Cache: rediscache.New(rdb, rediscache.Options{}), Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		return err
	}
	start := time.Now()
	if _, err := titleField.Get(ctx, c); err != nil {
		return err
	}
	o.first = append(o.first, time.Since(start))
	later := make([]time.Duration, 50)
	for i := range later {
		start := time.Now()
		if _, err := titleField.Get(ctx, c); err != nil {
			return err
		}
		later[i] = time.Since(start)
	}
	slices.Sort(later)
	o.later = append(o.later, later[len(later)/2])
	o.logLines = append(o.logLines, logs.lines())
	return nil
}

// lockedBuffer collects a client's log output.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) lines() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Count(b.buf.String(), "\n")
}

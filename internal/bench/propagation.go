package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-sysconfig/sysconfig/internal/servercost"
	"github.com/go-sysconfig/sysconfig/runtime"
)

// followerTimeout bounds a follower's start and, after the last write,
// the wait for it to serve that write.
const followerTimeout = 10 * time.Second

// propagation is the outcome of a fleet figure: one latency per write and
// follower, from just before the leader's Set to the moment the follower
// served the value (or a newer one). A write a follower never served has
// none.
type propagation struct {
	writes    int             // writes × followers
	latencies []time.Duration // sorted; math.MaxInt64 for a write never served
}

// fleetResult is what one fleet figure measured: propagation to every
// follower, and what a write cost the servers.
type fleetResult struct {
	prop                    propagation
	commits, scripts, calls float64 // per write
	total                   servercost.Counts
}

// merge adds q's latencies to p's.
func (p *propagation) merge(q propagation) {
	p.writes += q.writes
	p.latencies = append(p.latencies, q.latencies...)
	slices.Sort(p.latencies)
}

// newPropagation computes each write's latency: the first time the
// follower served that value or a newer one, less the time of the write.
func newPropagation(sent []time.Time, recv map[int64]int64) propagation {
	p := propagation{writes: len(sent) - 1}
	first := int64(math.MaxInt64)
	for i := p.writes; i >= 1; i-- {
		if t, ok := recv[int64(i)]; ok {
			first = min(first, t)
		}
		lat := time.Duration(math.MaxInt64)
		if first != math.MaxInt64 {
			lat = time.Duration(first - sent[i].UnixNano())
		}
		p.latencies = append(p.latencies, lat)
	}
	slices.Sort(p.latencies)
	return p
}

// percentile returns the nearest-rank q-quantile (0 < q ≤ 1); ok is false
// when it falls on a write that was never served.
func (p propagation) percentile(q float64) (d time.Duration, ok bool) {
	if len(p.latencies) == 0 {
		return 0, false
	}
	i := max(int(math.Ceil(q*float64(len(p.latencies))))-1, 0)
	d = p.latencies[i]
	return d, d != math.MaxInt64
}

// lost returns how many writes the follower never served.
func (p propagation) lost() int {
	n := 0
	for _, d := range p.latencies {
		if d == math.MaxInt64 {
			n++
		}
	}
	return n
}

// follower is the leader's handle on one follower process.
type follower struct {
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	ready   chan struct{} // closed on "ready"
	reached chan struct{} // closed once the follower served the last value
	eof     chan struct{} // closed when its output ends
	offset  int64         // the values of this run are offset+1…offset+writes
	target  int64         // the last of them

	mu   sync.Mutex
	recv map[int64]int64 // write index → unix nanoseconds it was first served
	bad  error           // an output line that does not parse
}

// startFollower re-executes this program as a follower with o.
func startFollower(ctx context.Context, o followerOptions, offset, writes int64, stderr io.Writer) (*follower, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, exe, o.args()...)
	cmd.Stderr = stderr
	f := &follower{cmd: cmd, offset: offset, target: offset + writes, recv: map[int64]int64{},
		ready: make(chan struct{}), reached: make(chan struct{}), eof: make(chan struct{})}
	out, err := cmd.StdoutPipe()
	if err == nil {
		f.stdin, err = cmd.StdinPipe()
	}
	if err == nil {
		err = cmd.Start()
	}
	if err != nil {
		return nil, fmt.Errorf("start a follower process: %w", err)
	}
	go f.read(out)
	return f, nil
}

// read records the follower's output until it ends.
func (f *follower) read(out io.Reader) {
	defer close(f.eof)
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if sc.Text() == "ready" {
			close(f.ready)
			continue
		}
		f.record(sc.Text())
	}
}

// record notes one "<n> <unix-nanos>" line.
func (f *follower) record(line string) {
	nStr, tStr, _ := strings.Cut(line, " ")
	n, err1 := strconv.ParseInt(nStr, 10, 64)
	t, err2 := strconv.ParseInt(tStr, 10, 64)
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := errors.Join(err1, err2); err != nil {
		f.bad = errors.Join(f.bad, fmt.Errorf("follower printed %q", line))
		return
	}
	if _, seen := f.recv[n-f.offset]; seen || n <= f.offset {
		return
	}
	f.recv[n-f.offset] = t
	if n == f.target {
		close(f.reached)
	}
}

// received returns what the follower reported, or an error if it printed
// something else.
func (f *follower) received() (map[int64]int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.recv, f.bad
}

// await waits for ch, failing if the follower exits or takes too long.
func (f *follower) await(ch chan struct{}, what string) error {
	select {
	case <-ch:
		return nil
	case <-f.eof:
		return fmt.Errorf("the follower process exited before %s", strings.TrimPrefix(what, "to "))
	case <-time.After(followerTimeout):
		return fmt.Errorf("timed out after %v waiting for the follower %s", followerTimeout, what)
	}
}

// stop closes the follower's input, which ends it, and kills it if it
// has not exited a moment later.
func (f *follower) stop() {
	_ = f.stdin.Close()
	select {
	case <-f.eof:
	case <-time.After(3 * time.Second):
		_ = f.cmd.Process.Kill()
	}
	_ = f.cmd.Wait()
}

// writeSpaced writes the values offset+1…offset+n, one every spacing, and
// returns the time taken just before each Set (index i for value
// offset+i).
func writeSpaced(ctx context.Context, c *runtime.Client, offset int64, n int, spacing time.Duration) ([]time.Time, error) {
	sent := make([]time.Time, n+1)
	tick := time.NewTicker(spacing)
	defer tick.Stop()
	for i := 1; i <= n; i++ {
		sent[i] = time.Now()
		if err := propField.Set(ctx, c, offset+int64(i)); err != nil {
			return nil, err
		}
		<-tick.C
	}
	return sent, nil
}

// fleet is the follower processes of one run.
type fleet []*follower

// startFleet starts n followers, and waits until all are ready.
func startFleet(ctx context.Context, o followerOptions, n int, offset, writes int64, stderr io.Writer) (fleet, error) {
	var f fleet
	for range n {
		p, err := startFollower(ctx, o, offset, writes, stderr)
		if err != nil {
			return f, err
		}
		f = append(f, p)
	}
	for _, p := range f {
		if err := p.await(p.ready, "to be ready"); err != nil {
			return f, err
		}
	}
	return f, nil
}

// watch waits until every follower served the last write and returns the
// propagation of every write to every follower.
func (f fleet) watch(sent []time.Time) (propagation, error) {
	var all propagation
	for _, p := range f {
		if err := p.await(p.reached, fmt.Sprintf("to serve value %d", p.target)); err != nil {
			return all, err
		}
		recv, err := p.received()
		if err != nil {
			return all, err
		}
		all.merge(newPropagation(sent, recv))
	}
	return all, nil
}

// stop ends every follower, in parallel.
func (f fleet) stop() {
	var wg sync.WaitGroup
	for _, p := range f {
		wg.Go(p.stop)
	}
	wg.Wait()
}

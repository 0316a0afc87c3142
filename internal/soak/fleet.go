//go:build linux

package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// maxWorkers bounds -workers.
const maxWorkers = 64

// stopTimeout bounds how long a worker may take to exit after SIGTERM:
// its operations in flight, then resolving its unknown writes.
const stopTimeout = resolveBudget + 15*time.Second

// fleet is the leader's handle on the worker processes: one slot per
// worker, each holding its current incarnation. Even slots start their
// client (a snapshot), odd ones read through Redis.
type fleet struct {
	exe  string // this program
	dir  string // the run directory
	seed uint64
	pg   string // Postgres URL
	rd   string // Redis address

	mu    sync.Mutex
	slots []*proc
	all   []*proc // every incarnation, in order
}

// proc is one worker incarnation.
type proc struct {
	id, slot int
	snapshot bool
	cmd      *exec.Cmd
	exited   chan struct{} // closed once reaped
	err      error         // cmd.Wait's, once exited
	ended    atomic.Bool   // the leader killed or stopped it
}

// newFleet returns a fleet of n slots, none started.
func newFleet(exe, dir string, seed uint64, srv *servers, n int) *fleet {
	return &fleet{exe: exe, dir: dir, seed: seed, pg: srv.dbURL(), rd: srv.redis.Addr(), slots: make([]*proc, n)}
}

// startAll starts a worker in every slot.
func (f *fleet) startAll() error {
	for slot := range f.slots {
		if err := f.spawn(slot); err != nil {
			return err
		}
	}
	return nil
}

// spawn starts a new incarnation in slot. Its output goes to a file in
// the run directory, and it is killed if the leader dies.
func (f *fleet) spawn(slot int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	p := &proc{id: len(f.all) + 1, slot: slot, snapshot: slot%2 == 0, exited: make(chan struct{})}
	out, err := os.Create(filepath.Join(f.dir, fmt.Sprintf("worker-%d.log", p.id)))
	if err != nil {
		return err
	}
	defer out.Close() // the child has its own descriptor
	p.cmd = exec.Command(f.exe, "-worker", "-id", strconv.Itoa(p.id), "-snapshot="+strconv.FormatBool(p.snapshot),
		"-pg", f.pg, "-redis", f.rd, "-journal", journalPath(f.dir, p.id), "-seed", strconv.FormatUint(f.seed, 10))
	p.cmd.Stdout, p.cmd.Stderr = out, out
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := p.cmd.Start(); err != nil {
		return fmt.Errorf("start worker %d: %w", p.id, err)
	}
	go p.reap()
	f.slots[slot], f.all = p, append(f.all, p)
	return nil
}

// journalPath is the journal of incarnation id.
func journalPath(dir string, id int) string {
	return filepath.Join(dir, fmt.Sprintf("worker-%d.jsonl", id))
}

func (p *proc) reap() {
	p.err = p.cmd.Wait()
	close(p.exited)
}

// current returns the incarnation in slot.
func (f *fleet) current(slot int) *proc {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.slots[slot]
}

// kill ends p with SIGKILL (stopped or not) and waits until it is reaped.
func (p *proc) kill() {
	p.ended.Store(true)
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
}

// signal sends sig to slot's worker.
func (f *fleet) signal(slot int, sig syscall.Signal) error {
	return f.current(slot).cmd.Process.Signal(sig)
}

// stop asks every worker to finish (SIGCONT, then SIGTERM) and waits for
// them, killing those that do not exit within stopTimeout, and all of them
// when ctx ends. It returns the ones that had to be killed.
func (f *fleet) stop(ctx context.Context) []string {
	var slow []string
	var mu sync.Mutex
	var wg sync.WaitGroup
	for slot := range f.slots {
		p := f.current(slot)
		p.ended.Store(true)
		_ = p.cmd.Process.Signal(syscall.SIGCONT)
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		wg.Go(func() {
			select {
			case <-p.exited:
			case <-ctx.Done():
				p.kill()
			case <-time.After(stopTimeout):
				p.kill()
				mu.Lock()
				slow = append(slow, fmt.Sprintf("worker %d did not exit within %v of SIGTERM; killed", p.id, stopTimeout))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return slow
}

// killAll kills every worker still running.
func (f *fleet) killAll() {
	f.mu.Lock()
	all := append([]*proc(nil), f.all...)
	f.mu.Unlock()
	for _, p := range all {
		p.kill()
	}
}

// failures describes the incarnations that exited on their own, or
// with an error when stopped.
func (f *fleet) failures() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, p := range f.all {
		select {
		case <-p.exited:
		default:
			continue
		}
		if !p.ended.Load() || p.err != nil && !p.killedByUs() {
			out = append(out, fmt.Sprintf("worker %d exited: %v (see worker-%d.log)", p.id, p.err, p.id))
		}
	}
	return out
}

// killedByUs reports whether p died of the SIGKILL the leader sent.
func (p *proc) killedByUs() bool {
	ws, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus)
	return p.ended.Load() && ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

// incarnations returns how many worker processes were started.
func (f *fleet) incarnations() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.all)
}

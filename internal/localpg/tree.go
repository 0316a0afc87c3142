//go:build linux

package localpg

import (
	"errors"
	"fmt"
	"syscall"
)

// stopTree stops root with SIGSTOP, waits until it has stopped (so that it
// can start no more processes), then stops its descendants, scanning again
// until a scan finds no new one. guard is told of each process once it has
// stopped. It returns the stopped processes, root first and parents before
// children, including those it stopped before an error.
func stopTree(root proc, guard func(proc) error) ([]proc, error) {
	if err := root.signal(syscall.SIGSTOP); err != nil {
		return nil, err
	}
	if ok, err := root.awaitStop(); !ok {
		return nil, errors.Join(fmt.Errorf("the postmaster (process %d) has exited", root.pid), err)
	}
	stopped := []proc{root}
	seen := map[proc]bool{root: true}
	for {
		fresh, err := unseen(root.pid, seen)
		if err != nil || len(fresh) == 0 {
			return stopped, err
		}
		for _, p := range fresh {
			if err := p.signal(syscall.SIGSTOP); err != nil {
				return stopped, err
			}
		}
		for _, p := range fresh {
			ok, err := p.awaitStop()
			if ok {
				stopped = append(stopped, p)
				err = errors.Join(err, guard(p))
			}
			if err != nil {
				return stopped, err
			}
		}
	}
}

// unseen returns the descendants of root not in seen, and adds them to it.
func unseen(root int, seen map[proc]bool) ([]proc, error) {
	all, err := descendants(root)
	if err != nil {
		return nil, fmt.Errorf("list the postmaster's processes: %w", err)
	}
	var fresh []proc
	for _, p := range all {
		if !seen[p] {
			seen[p] = true
			fresh = append(fresh, p)
		}
	}
	return fresh, nil
}

// signalAll sends sig to every process of ps, the last first.
func signalAll(ps []proc, sig syscall.Signal) error {
	var errs []error
	for i := len(ps) - 1; i >= 0; i-- {
		errs = append(errs, ps[i].signal(sig))
	}
	return errors.Join(errs...)
}

//go:build linux

package localpg

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"
)

// stopWait bounds how long a process may take to stop after SIGSTOP (one in
// uninterruptible I/O stops when the I/O ends).
const stopWait = 5 * time.Second

// proc identifies a process: its PID, and its start time (clock ticks after
// boot), which tells it from a later process given the same PID.
type proc struct {
	pid   int
	start uint64
}

// status is what /proc/PID/stat says about a process.
type status struct {
	proc
	ppid  int
	state byte // R, S, D, T (stopped), t, Z (zombie), X, ...
}

// readStatus reads /proc/pid/stat.
func readStatus(pid int) (status, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return status{}, err
	}
	return parseStatus(pid, b)
}

// parseStatus parses a /proc/PID/stat line: "PID (COMM) STATE PPID ..."
// with the start time as the 22nd field. COMM may hold spaces and
// parentheses, so the fields are counted from the last ')'.
func parseStatus(pid int, b []byte) (status, error) {
	end := bytes.LastIndexByte(b, ')')
	if end < 0 {
		return status{}, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	f := bytes.Fields(b[end+1:]) // f[0] is field 3, the state
	if len(f) < 20 || len(f[0]) != 1 {
		return status{}, fmt.Errorf("/proc/%d/stat: %d fields after the command name, want at least 20", pid, len(f))
	}
	ppid, err1 := strconv.Atoi(string(f[1]))
	start, err2 := strconv.ParseUint(string(f[19]), 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return status{}, fmt.Errorf("/proc/%d/stat: %w", pid, err)
	}
	return status{proc: proc{pid: pid, start: start}, ppid: ppid, state: f[0][0]}, nil
}

// identify returns the proc of the running process pid.
func identify(pid int) (proc, error) {
	st, err := readStatus(pid)
	return st.proc, err
}

// gone reports whether p has exited. A zombie counts as gone: it holds
// nothing but its PID.
func (p proc) gone() bool {
	st, err := readStatus(p.pid)
	return err != nil || st.start != p.start || st.state == 'Z' || st.state == 'X'
}

// signal sends sig to p unless p has exited.
func (p proc) signal(sig syscall.Signal) error {
	if p.gone() {
		return nil
	}
	if err := syscall.Kill(p.pid, sig); err != nil && err != syscall.ESRCH {
		return fmt.Errorf("%v to process %d: %w", sig, p.pid, err)
	}
	return nil
}

// awaitStop waits until p is stopped and reports whether it is; false with
// no error means p has exited.
func (p proc) awaitStop() (bool, error) {
	deadline := time.Now().Add(stopWait)
	for {
		st, err := readStatus(p.pid)
		switch {
		case err != nil || st.start != p.start || st.state == 'Z' || st.state == 'X':
			return false, nil
		case st.state == 'T' || st.state == 't':
			return true, nil
		case time.Now().After(deadline):
			return false, fmt.Errorf("process %d did not stop within %v of SIGSTOP (state %c)", p.pid, stopWait, st.state)
		}
		time.Sleep(200 * time.Microsecond)
	}
}

// awaitGone waits until every process of ps has exited.
func awaitGone(ps []proc, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	for _, p := range ps {
		for !p.gone() {
			if time.Now().After(deadline) {
				return fmt.Errorf("process %d still runs %v after SIGKILL", p.pid, wait)
			}
			time.Sleep(time.Millisecond)
		}
	}
	return nil
}

// descendants returns every live process descended from root, parents
// before children, by scanning /proc (each backend makes itself a session
// leader, so the postmaster's process group does not hold them).
func descendants(root int) ([]proc, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	children := make(map[int][]proc)
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if st, err := readStatus(pid); err == nil && st.state != 'Z' && st.state != 'X' {
			children[st.ppid] = append(children[st.ppid], st.proc)
		}
	}
	var out []proc
	for queue := []int{root}; len(queue) > 0; queue = queue[1:] {
		for _, c := range children[queue[0]] {
			out = append(out, c)
			queue = append(queue, c.pid)
		}
	}
	return out, nil
}

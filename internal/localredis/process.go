package localredis

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
)

// process is one run of redis-server, from start until it has been reaped.
type process struct {
	cmd    *exec.Cmd
	exited chan struct{} // closed once cmd.Wait has returned
	err    error         // cmd.Wait's result, readable once exited is closed
	killed bool          // ended by kill rather than by itself
}

// spawn starts bin with args in dir, its stdout and stderr appended to
// logPath (where Redis also writes its own log), and reaps it in the
// background. The process is killed if its parent dies (see sysProcAttr).
func spawn(bin string, args []string, dir, logPath string) (*process, error) {
	log, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("localredis: open log: %w", err)
	}
	defer log.Close() // the child has its own descriptor
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("localredis: start %s: %w", bin, err)
	}
	p := &process{cmd: cmd, exited: make(chan struct{})}
	go p.reap()
	return p, nil
}

func (p *process) reap() {
	p.err = p.cmd.Wait()
	close(p.exited)
}

// hasExited reports whether the process has ended and been reaped.
func (p *process) hasExited() bool {
	select {
	case <-p.exited:
		return true
	default:
		return false
	}
}

// signal sends sig unless the process has already been reaped.
func (p *process) signal(sig syscall.Signal) error {
	if p.hasExited() {
		return fmt.Errorf("process %d has exited (%v)", p.cmd.Process.Pid, p.err)
	}
	return p.cmd.Process.Signal(sig)
}

// kill sends SIGKILL, which also ends a stopped process, and waits until the
// process has been reaped. It is not safe for concurrent use.
func (p *process) kill() {
	if !p.hasExited() {
		p.killed = true
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
	}
	<-p.exited
}

// logLines is how much of a log errors quote.
const logLines = 8

// logTail returns the last lines of the log at path, indented for quoting
// in an error, or a note saying why there are none.
func logTail(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return "  (no log: " + err.Error() + ")"
	}
	defer f.Close()
	if info, err := f.Stat(); err == nil && info.Size() > 4096 {
		_, _ = f.Seek(-4096, io.SeekEnd)
	}
	data, _ := io.ReadAll(f)
	lines := strings.Split(string(bytes.TrimSpace(data)), "\n")
	if len(lines) > logLines {
		lines = lines[len(lines)-logLines:]
	}
	return "  " + strings.Join(lines, "\n  ")
}

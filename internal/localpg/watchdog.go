//go:build linux

package localpg

import (
	"fmt"
	"io"
	"os/exec"
	"syscall"
)

// watchdogScript reads PIDs, one a line, until a line "disarm" (then it
// exits) or the end of its input, which comes when the process holding the
// pipe's other end dies: then it kills them.
const watchdogScript = `pids=
while read -r line; do
	case $line in
	disarm) exit 0 ;;
	*) pids="$pids $line" ;;
	esac
done
[ -z "$pids" ] || kill -KILL $pids 2>/dev/null
`

// watchdog kills the processes it guards if this process dies first. A
// stopped backend would never learn that its postmaster died with us.
type watchdog struct {
	cmd *exec.Cmd
	in  io.WriteCloser
}

// startWatchdog starts a watchdog guarding nothing yet. It runs in its own
// session, so that a signal for this process's terminal (Ctrl-C) spares it.
func startWatchdog() (*watchdog, error) {
	cmd := exec.Command("/bin/sh", "-c", watchdogScript)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("watchdog: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("watchdog: start /bin/sh: %w", err)
	}
	return &watchdog{cmd: cmd, in: in}, nil
}

// guard adds p to the processes killed should this process die.
func (w *watchdog) guard(p proc) error {
	if _, err := fmt.Fprintf(w.in, "%d\n", p.pid); err != nil {
		return fmt.Errorf("watchdog: %w", err)
	}
	return nil
}

// disarm tells the watchdog to exit without killing anything, and waits
// for it.
func (w *watchdog) disarm() error {
	_, err := io.WriteString(w.in, "disarm\n")
	_ = w.in.Close()
	if werr := w.cmd.Wait(); err == nil && werr != nil {
		err = werr
	}
	if err != nil {
		return fmt.Errorf("watchdog: %w", err)
	}
	return nil
}

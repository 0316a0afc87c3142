//go:build linux

package localpg

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// readyTimeout bounds the wait for a started server to accept connections.
const readyTimeout = time.Minute

// errPortTaken reports a server that could not bind its port.
var errPortTaken = errors.New("port taken")

// defaultSettings are the server settings every server gets, before
// Options.Settings. See the package documentation for why
// synchronous_commit and full_page_writes stay on.
var defaultSettings = map[string]string{
	"fsync":                      "off",
	"synchronous_commit":         "on",
	"full_page_writes":           "on",
	"shared_buffers":             "16MB",
	"max_connections":            "100",
	"dynamic_shared_memory_type": "mmap", // in the data directory, not /dev/shm: nothing outlives Close
	"logging_collector":          "off",  // the log is the postmaster's stderr
	"log_destination":            "stderr",
}

// postmaster is a started server's main process.
type postmaster struct {
	cmd    *exec.Cmd
	proc   proc
	exited chan struct{} // closed once it has exited and been reaped
	err    error         // how it exited; read after exited is closed
}

// start launches the postmaster on s.port and waits, at most readyTimeout,
// until the server accepts connections; if it does not, start kills what
// it launched.
func (s *Server) start(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	pm, err := s.launch()
	if err != nil {
		return err
	}
	s.pm = pm
	if err := s.awaitReady(ctx, pm); err != nil {
		return errors.Join(err, s.kill())
	}
	return nil
}

// launch starts the postmaster, appending its output to the log. It dies
// with this process (with the thread that started it, strictly; Go does
// not end threads while they run goroutines, unless one is locked to a
// thread and returns).
func (s *Server) launch() (*postmaster, error) {
	log, err := os.OpenFile(s.logPath(), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	defer log.Close() // the postmaster has its own descriptor
	if err := s.owner.chown(s.logPath()); err != nil {
		return nil, err
	}
	cmd := s.owner.command(context.Background(), s.dir, filepath.Join(s.bin, "postgres"), s.args()...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	cmd.SysProcAttr.Setpgid = true // Ctrl-C is for the test binary
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", cmd.Path, err)
	}
	pm := &postmaster{cmd: cmd, proc: proc{pid: cmd.Process.Pid}, exited: make(chan struct{})}
	if p, err := identify(pm.proc.pid); err == nil {
		pm.proc = p // else it has exited already, and Wait tells why
	}
	go func() {
		pm.err = cmd.Wait()
		close(pm.exited)
	}()
	return pm, nil
}

// args returns the postmaster's command line.
func (s *Server) args() []string {
	settings := maps.Clone(defaultSettings)
	maps.Copy(settings, s.extra)
	settings["listen_addresses"] = "127.0.0.1"
	settings["port"] = strconv.Itoa(s.port)
	settings["unix_socket_directories"] = s.dir
	args := []string{"-D", s.dataDir()}
	for _, name := range slices.Sorted(maps.Keys(settings)) {
		args = append(args, "-c", name+"="+settings[name])
	}
	return args
}

// awaitReady waits until the server answers SELECT 1, ctx ends or the
// postmaster exits.
func (s *Server) awaitReady(ctx context.Context, pm *postmaster) error {
	for {
		err := s.ping(ctx)
		if err == nil {
			return nil
		}
		select {
		case <-pm.exited:
			return s.exitedEarly(pm)
		case <-ctx.Done():
			return fmt.Errorf("the server did not accept connections on %s: %w (last attempt: %v)%s", s.Addr(), ctx.Err(), err, s.logTail())
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// ping connects and runs SELECT 1.
func (s *Server) ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.URL("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var one int
	return conn.QueryRow(ctx, "SELECT 1").Scan(&one)
}

// exitedEarly explains why the postmaster exited while starting.
func (s *Server) exitedEarly(pm *postmaster) error {
	tail := s.logTail()
	err := fmt.Errorf("postgres exited while starting (%v)%s", pm.err, tail)
	if strings.Contains(tail, "could not bind") || strings.Contains(tail, "Address already in use") {
		return fmt.Errorf("%w: %w", errPortTaken, err)
	}
	return err
}

// logTail returns the end of the server's log, set off for an error
// message.
func (s *Server) logTail() string {
	const tailBytes = 4 << 10
	f, err := os.Open(s.logPath())
	if err != nil {
		return ""
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() > tailBytes {
		_, _ = f.Seek(-tailBytes, io.SeekEnd)
	}
	b, _ := io.ReadAll(f)
	if len(b) == 0 {
		return ""
	}
	return "\nend of " + s.logPath() + ":\n" + string(b)
}

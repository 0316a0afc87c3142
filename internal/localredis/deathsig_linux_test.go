package localredis_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-sysconfig/sysconfig/internal/localredis"
)

// helperEnv makes the test binary act as the parent in
// TestServersDieWithTheirParent.
const helperEnv = "LOCALREDIS_DEATHSIG_HELPER"

// TestServersDieWithTheirParent kills a process that runs a server, without
// giving it a chance to clean up, and checks that the server dies too.
func TestServersDieWithTheirParent(t *testing.T) {
	if os.Getenv(helperEnv) != "" {
		runDeathsigHelper(t)
		return
	}
	t.Parallel()
	helper := exec.Command(os.Args[0], "-test.run=^TestServersDieWithTheirParent$", "-test.count=1")
	// The helper's server directory is made in TMPDIR, here removed by t.
	helper.Env = append(os.Environ(), helperEnv+"=1", "TMPDIR="+t.TempDir())
	helper.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := helper.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := helper.Start(); err != nil {
		t.Fatal(err)
	}
	addr, pid, err := readHelperLine(out)
	if err != nil {
		_ = helper.Process.Kill()
		_ = helper.Wait()
		t.Fatalf("the helper did not report its server: %v", err)
	}
	_ = helper.Process.Kill()
	_ = helper.Wait()

	deadline := time.Now().Add(10 * time.Second)
	for answers(addr) {
		if time.Now().After(deadline) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("redis-server (pid %d) on %s still answers 10s after its parent was killed", pid, addr)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// runDeathsigHelper starts a server, reports its address and process ID on
// stdout, and waits to be killed.
func runDeathsigHelper(t *testing.T) {
	s, err := localredis.StartServer(t.Context(), localredis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	info, err := newClient(t, s.Addr()).InfoMap(t.Context(), "server").Result()
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("SERVER %s %s\n", s.Addr(), info["Server"]["process_id"])
	time.Sleep(time.Minute) // killed long before
}

// readHelperLine scans the helper's output for its SERVER line.
func readHelperLine(out io.Reader) (addr string, pid int, err error) {
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if line, ok := strings.CutPrefix(sc.Text(), "SERVER "); ok {
			_, err := fmt.Sscan(line, &addr, &pid)
			return addr, pid, err
		}
	}
	return "", 0, fmt.Errorf("no SERVER line in its output (%v)", sc.Err())
}

// answers reports whether something accepts connections on addr.
func answers(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	_ = c.Close()
	return true
}

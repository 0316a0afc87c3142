//go:build linux

package localpg

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestParseStatus(t *testing.T) {
	line := "4242 (postgres: a (b) c) S 17 4242 4242 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 1 0 987654 1 2 3\n"
	got, err := parseStatus(4242, []byte(line))
	want := status{proc: proc{pid: 4242, start: 987654}, ppid: 17, state: 'S'}
	if err != nil || got != want {
		t.Fatalf("parseStatus = %+v, %v; want %+v", got, err, want)
	}
	if _, err := parseStatus(1, []byte("1 (x) S 0")); err == nil {
		t.Error("parseStatus of a short line succeeded")
	}
}

// sessions opens n connections to s, so that it runs n backends, closed
// when t ends.
func sessions(t *testing.T, s *Server, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for range n {
		conn, err := pgx.Connect(ctx, s.URL("postgres"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = conn.Close(context.Background()) })
	}
}

// states returns the state of every process of s's postmaster's tree,
// postmaster first, and how many there are.
func states(t *testing.T, s *Server) string {
	t.Helper()
	all, err := descendants(s.pm.proc.pid)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, p := range append([]proc{s.pm.proc}, all...) {
		if st, err := readStatus(p.pid); err == nil {
			b.WriteByte(st.state)
		}
	}
	return b.String()
}

func TestPauseStopsEveryProcessAndResumeContinuesThem(t *testing.T) {
	s := New(t)
	sessions(t, s, 3)
	if err := s.Pause(); err != nil {
		t.Fatal(err)
	}
	got := states(t, s)
	if len(got) < 1+5+3 || strings.Trim(got, "T") != "" {
		t.Fatalf("states after Pause = %s; want the postmaster, its 5 workers and 3 backends, all T", got)
	}
	if err := s.Resume(); err != nil {
		t.Fatal(err)
	}
	if got := states(t, s); strings.ContainsRune(got, 'T') {
		t.Fatalf("states after Resume = %s; want none stopped", got)
	}
}

func TestCloseLeavesNothingBehind(t *testing.T) {
	s, err := Start(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	sessions(t, s, 2)
	if err := s.Pause(); err != nil { // the hardest case: stopped processes
		t.Fatal(err)
	}
	tree := append([]proc{s.pm.proc}, s.paused[1:]...)
	key, id := segment(t, s.dataDir())
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, p := range tree {
		if !p.gone() {
			t.Errorf("process %d survived Close", p.pid)
		}
	}
	if _, err := os.Stat(s.dir); !os.IsNotExist(err) {
		t.Errorf("stat %s after Close: %v; want it removed", s.dir, err)
	}
	if !portFree(s.port) {
		t.Errorf("port %d still taken after Close", s.port)
	}
	if k, ok := segmentKey(id); ok && k == key {
		t.Errorf("shared memory segment %d (key %d) survived Close", id, key)
	}
}

// segment returns the System V shared memory segment recorded in
// dataDir's postmaster.pid.
func segment(t *testing.T, dataDir string) (key uint32, id int) {
	t.Helper()
	b, err := os.ReadFile(dataDir + "/postmaster.pid")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	if len(lines) < 7 {
		t.Fatalf("postmaster.pid has %d lines, want 7 or more", len(lines))
	}
	if _, err := fmt.Sscan(lines[6], &key, &id); err != nil {
		t.Fatalf("postmaster.pid line 7 %q: %v", lines[6], err)
	}
	return key, id
}

// ownerEnv makes the test binary run TestHelperOwner as a server's owner
// that dies: "paused" to pause the server first, "running" not to.
const ownerEnv = "LOCALPG_TEST_OWNER"

// TestHelperOwner is not a test: run by TestServerDiesWithItsOwner in a
// child process, it starts a server with two sessions, pauses it or not,
// prints "dir PID:START..." for the server's directory and processes, and
// waits to be killed.
func TestHelperOwner(t *testing.T) {
	mode := os.Getenv(ownerEnv)
	if mode == "" {
		return
	}
	s, err := Start(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	sessions(t, s, 2)
	if mode == "paused" {
		if err := s.Pause(); err != nil {
			t.Fatal(err)
		}
	}
	tree, err := descendants(s.pm.proc.pid)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Print(s.dir)
	for _, p := range append([]proc{s.pm.proc}, tree...) {
		fmt.Printf(" %d:%d", p.pid, p.start)
	}
	fmt.Println()
	time.Sleep(time.Hour) // until the parent kills this process
}

func TestServerDiesWithItsOwner(t *testing.T) {
	for _, mode := range []string{"running", "paused"} {
		t.Run(mode, func(t *testing.T) {
			dir, tree := ownerDies(t, mode)
			defer func() { // what a dying owner leaves behind
				removeSharedMemory(dir + "/data")
				_ = os.RemoveAll(dir)
			}()
			deadline := time.Now().Add(10 * time.Second)
			for _, p := range tree {
				for !p.gone() {
					if time.Now().After(deadline) {
						t.Fatalf("process %d of the server outlived its owner by 10 s", p.pid)
					}
					time.Sleep(10 * time.Millisecond)
				}
			}
		})
	}
}

// ownerDies runs TestHelperOwner in a child process, kills the child with
// SIGKILL once its server runs, and returns the server's directory and
// processes.
func ownerDies(t *testing.T, mode string) (string, []proc) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperOwner$", "-test.v=false")
	cmd.Env = append(os.Environ(), ownerEnv+"="+mode)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	fields := strings.Fields(line)
	if err != nil || len(fields) < 1+1+5+2 {
		t.Fatalf("the owner printed %q (%v); want its server's directory and at least 8 processes", line, err)
	}
	var tree []proc
	for _, f := range fields[1:] {
		var p proc
		if _, err := fmt.Sscanf(f, "%d:%d", &p.pid, &p.start); err != nil {
			t.Fatalf("the owner printed %q: %v", f, err)
		}
		tree = append(tree, p)
	}
	return fields[0], tree
}

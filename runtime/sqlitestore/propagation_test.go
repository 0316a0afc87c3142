package sqlitestore_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/sqlitestore"
)

// childEnv names the file a child process follows (see TestMain).
const childEnv = "SQLITESTORE_TEST_FOLLOW"

// The schema both processes use: app "app", one int field.
var (
	nField    = runtime.IntField("n", 0, runtime.Meta{})
	appSchema = runtime.NewSchema("app", runtime.NewSection("s", "S", "", nField))
)

// TestMain lets the test binary run as the other process of
// TestTwoProcessPropagation.
func TestMain(m *testing.M) {
	if path := os.Getenv(childEnv); path != "" {
		if err := follow(path, os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "follower:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// follow serves the file from a started client, prints "ready", then each
// new value of app.s.n as it reaches its snapshot, until stdin closes.
func follow(path string, stdin io.Reader, stdout io.Writer) error {
	s, err := sqlitestore.Open(path, sqlitestore.Options{MustExist: true})
	if err != nil {
		return err
	}
	defer s.Close()
	c, err := runtime.NewClient(appSchema, s, runtime.Options{ReconcileInterval: time.Hour})
	if err != nil {
		return err
	}
	values := make(chan int64, 1000)
	_ = nField.OnChange(c, func(_ context.Context, _, n int64) error {
		values <- n
		return nil
	})
	if err := c.Start(context.Background()); err != nil {
		return err
	}
	defer c.Close()
	fmt.Fprintln(stdout, "ready")
	go func() {
		for n := range values {
			fmt.Fprintln(stdout, n)
		}
	}()
	_, _ = io.Copy(io.Discard, stdin)
	return nil
}

// TestTwoProcessPropagation writes values in this process and checks that
// a client in another process, on the same file, serves them: by the
// notifier, since its reconcile is an hour away. The latency is measured
// by make bench, not here.
func TestTwoProcessPropagation(t *testing.T) {
	path := newFile(t)
	s := open(t, path, sqlitestore.Options{})
	heard := startChild(t, path)
	writer, err := runtime.NewClient(appSchema, s, runtime.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const last = 20
	for i := int64(1); i <= last; i++ {
		if err := nField.Set(ctx, writer, i); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	deadline := time.After(10 * time.Second)
	for prev := int64(0); prev != last; {
		select {
		case n, ok := <-heard:
			if !ok {
				t.Fatalf("the other process ended before it served %d", last)
			}
			if n <= prev {
				t.Errorf("the other process served %d after %d", n, prev)
			}
			prev = n
		case <-deadline:
			t.Fatalf("the other process did not serve %d within 10 s", last)
		}
	}
}

// startChild runs this test binary as a follower of path and returns the
// values it serves; it stops when the test ends.
func startChild(t *testing.T, path string) <-chan int64 {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+path)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = stdin.Close(); _ = cmd.Wait() })
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() || lines.Text() != "ready" {
		t.Fatalf("the other process did not start: %q", lines.Text())
	}
	heard := make(chan int64, 1000)
	go func() {
		defer close(heard)
		for lines.Scan() {
			n, err := strconv.ParseInt(lines.Text(), 10, 64)
			if err != nil {
				t.Errorf("the other process printed %q", lines.Text())
				return
			}
			heard <- n
		}
	}()
	return heard
}

// TestStalenessBoundWithoutPolls: a client whose notifier never polls
// again after it connects still serves another store's write within its
// staleness bound, by its reconcile.
func TestStalenessBoundWithoutPolls(t *testing.T) {
	path := newFile(t)
	writer := open(t, path, sqlitestore.Options{})
	reader, err := runtime.NewClient(appSchema, open(t, path, sqlitestore.Options{PollInterval: time.Hour}),
		runtime.Options{StalenessBound: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := reader.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	time.Sleep(50 * time.Millisecond) // the notifier has connected, and will not poll for an hour
	mustApply(t, writer, set("app.s.n", "42"))
	start := time.Now()
	for n, _ := nField.Get(ctx, reader); n != 42; n, _ = nField.Get(ctx, reader) {
		if time.Since(start) > 10*time.Second {
			t.Fatalf("the reader still serves %d 10 s after the write; its staleness bound is 300 ms", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("served after %v", time.Since(start))
}

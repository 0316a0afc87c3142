// Package configtest gives an app's own tests a sysconfig client in one
// call, and typed overrides that undo themselves.
//
// A test of code that reads configuration through a generated package
// (here called config) needs three lines:
//
//	client := configtest.New(t, config.Schema)
//	configtest.Override(t, client, config.SiteTitleField, "Test shop")
//	cfg := config.New(client)
//
// Every client of [New] has its own in-memory store and cache
// (runtime/memory), so tests running in parallel never see each other's
// values; nothing is kept in package variables. Secret fields work without
// set-up: the client seals them with a keyring made for the test. The
// client's log goes to the test's log, shown when the test fails or runs
// with -v.
//
// An override goes through the same checks as any write: a value that the
// field's kind or validators refuse fails the test at once, with the
// validator's message, so a test cannot run against configuration that
// production would never accept.
package configtest

import (
	"context"
	"crypto/rand"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/keyring"
	"github.com/go-sysconfig/sysconfig/runtime/memory"
)

// New returns a started client for schema on a fresh in-memory store and
// cache, sealing secrets with a keyring of its own, and closes it when the
// test and its subtests end. It fails the test if the client cannot start.
func New(t testing.TB, schema *runtime.Schema) *runtime.Client {
	t.Helper()
	log := &testLog{t: t}
	client, err := runtime.NewClient(schema, memory.NewStore(), runtime.Options{
		Cache:   memory.NewCache(),
		Secrets: testKeyring(t),
		Logger:  slog.New(slog.NewTextHandler(log, nil)),
	})
	if err != nil {
		t.Fatalf("configtest: %v", err)
	}
	if err := client.Start(context.Background()); err != nil {
		t.Fatalf("configtest: %v", err)
	}
	t.Cleanup(func() {
		client.Close()
		log.stop()
	})
	return client
}

// Override stores v as f's value in client until the test ends, then puts
// back what was there before: the earlier override, or none. It fails the
// test, with the message of the check that refused it, if v is not a valid
// value of f. Overrides of one field nest: each one's cleanup restores the
// value the previous one set.
func Override[T any](t testing.TB, client *runtime.Client, f *runtime.Field[T], v T) {
	t.Helper()
	ctx := context.Background()
	before, err := f.Lookup(ctx, client)
	if err != nil {
		t.Fatalf("configtest: override of %s: %v", f.Path(), err)
	}
	if err := f.Set(ctx, client, v); err != nil {
		t.Fatalf("configtest: override of %s: %v", f.Path(), err)
	}
	t.Cleanup(func() { restore(t, client, f, before) })
}

// restore puts back the value a field had before an override.
func restore[T any](t testing.TB, client *runtime.Client, f *runtime.Field[T], before runtime.Value) {
	ctx := context.Background()
	var err error
	if before.Set {
		err = f.Set(ctx, client, before.Value.(T))
	} else {
		err = f.Reset(ctx, client)
	}
	if err != nil {
		t.Errorf("configtest: restoring %s after the test: %v", f.Path(), err)
	}
}

// testKeyring returns a keyring with one random key, for one test.
func testKeyring(t testing.TB) *keyring.Keyring {
	key := make([]byte, 32)
	_, _ = rand.Read(key) // never fails (crypto/rand documents it)
	k, err := keyring.New("test", map[string][]byte{"test": key})
	if err != nil {
		t.Fatalf("configtest: %v", err)
	}
	return k
}

// testLog writes log lines to the test's log until the test has ended:
// testing panics on a Log call after that, and a client's goroutines may
// still be logging while it closes.
type testLog struct {
	mu      sync.Mutex
	t       testing.TB
	stopped bool
}

// Write logs one line (slog writes whole records).
func (l *testLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.stopped {
		l.t.Log(strings.TrimSuffix(string(p), "\n"))
	}
	return len(p), nil
}

// stop drops every later line.
func (l *testLog) stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stopped = true
}

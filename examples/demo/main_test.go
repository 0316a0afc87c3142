package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemo runs the demo as make demo does, on the local servers, and
// checks that every step of its tour ran, the CLI's included.
func TestDemo(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatalf("the demo failed: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"Backends: PostgreSQL",
		"1. Read a default:", "3. Reject a bad value:", "5. Secrets print redacted:",
		"$ sysconfig set shop.limits.page_size 48",
		"demo-operator  cli     shop.limits.page_size  (default)  48",
		"revert  shop.limits.page_size  48   (default)",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the demo's output lacks %q (is PostgreSQL running? make services starts it):\n%s", want, out.String())
		}
	}
}

// TestDemoKeepsValuesInSQLite runs the demo twice with PostgreSQL
// unreachable (a closed port), as make demo does on a machine without
// servers: it uses the SQLite file under $XDG_STATE_HOME, says so, runs
// the whole tour (the CLI's steps included), and the second run finds the
// title the first one set.
func TestDemoKeepsValuesInSQLite(t *testing.T) {
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	t.Setenv("SYSCONFIG_DATABASE_URL", "postgres://postgres@127.0.0.1:1/postgres?sslmode=disable&connect_timeout=1")
	file := filepath.Join(state, "sysconfig-demo", "demo.db")
	first := runDemo(t)
	second := runDemo(t)
	for _, want := range []string{
		"Backends: SQLite file " + file + ", no cache (PostgreSQL unreachable at ",
		"sqlite:PATH for another file",
		"5. Secrets print redacted:",
		"demo-operator  cli     shop.limits.page_size  (default)  48",
	} {
		for i, out := range []string{first, second} {
			if !strings.Contains(out, want) {
				t.Errorf("run %d's output lacks %q:\n%s", i+1, want, out)
			}
		}
	}
	if want := "0. Kept from the last run: nothing, this store is new."; !strings.Contains(first, want) {
		t.Errorf("the first run's output lacks %q:\n%s", want, first)
	}
	if want := `0. Kept from the last run: cfg.Site.Title(ctx) = "Demo Shop"; the store's last change: version `; !strings.Contains(second, want) {
		t.Errorf("the second run's output lacks %q:\n%s", want, second)
	}
}

// runDemo runs the demo and returns its output.
func runDemo(t *testing.T) string {
	t.Helper()
	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatalf("the demo failed: %v\n%s", err, out.String())
	}
	return out.String()
}

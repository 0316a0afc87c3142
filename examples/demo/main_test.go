package main

import (
	"bytes"
	"context"
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

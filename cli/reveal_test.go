package cli_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// TestEveryRevealIsRecorded: each command that can show a stored secret in
// plaintext (get, set, list, history, export) records, with --reveal, who
// was shown which secrets, and why; without --reveal, or with no stored
// secret among what it prints, it records nothing.
func TestEveryRevealIsRecorded(t *testing.T) {
	o := newOperator(t)
	const pw = "shop.email.smtp_password"
	o.step(0, "hunter2", "set", pw, "-", "--actor", "alice")
	steps := []struct {
		args   []string
		reveal bool // a reveal is recorded
	}{
		{[]string{"get", pw}, false},
		{[]string{"get", "shop.site.title", "--reveal"}, false}, // not a secret
		{[]string{"get", pw, "--reveal", "--actor", "carol", "--reason", "get"}, true},
		{[]string{"list", "--reveal", "--actor", "carol", "--reason", "list"}, true},
		{[]string{"list", "site", "--reveal"}, false}, // no secret in the section
		{[]string{"export", "--reveal", "--actor", "carol", "--reason", "export"}, true},
		{[]string{"export"}, false},
		{[]string{"history", pw, "--reveal", "--reason", "history"}, true},
	}
	before := len(o.changes(runtime.ChangeQuery{}))
	for _, s := range steps {
		out := o.step(0, "", s.args...).stdout
		sets := o.changes(runtime.ChangeQuery{})
		recorded := len(sets) > before
		before = len(sets)
		if recorded != s.reveal {
			t.Errorf("sysconfig %s: recorded a reveal: %v, want %v", strings.Join(s.args, " "), recorded, s.reveal)
			continue
		}
		if shown := strings.Contains(out, "hunter2"); shown != s.reveal {
			t.Errorf("sysconfig %s: printed the plaintext: %v, want %v", strings.Join(s.args, " "), shown, s.reveal)
		}
		if !recorded {
			continue
		}
		r := sets[0]
		reason := s.args[len(s.args)-1]
		if !slices.Equal(r.Revealed, []string{pw}) || len(r.Writes) != 0 || r.Source != runtime.FromCLI || r.Reason != reason {
			t.Errorf("sysconfig %s recorded %+v, want a change set revealing %s with reason %q, source cli",
				strings.Join(s.args, " "), r, pw, reason)
		}
	}
	if got := o.changes(runtime.ChangeQuery{Actor: "carol"}); len(got) != 3 {
		t.Errorf("change sets by carol: %d, want her 3 reveals", len(got))
	}
	if got := o.changes(runtime.ChangeQuery{Path: pw}); len(got) != 5 {
		t.Errorf("history of %s: %d change sets, want its write and 4 reveals", pw, len(got))
	}
}

// TestNoPlaintextWithoutATrace: when the reveal cannot be recorded — the
// store refuses it, or the attribution is not fit to record — the command
// fails and prints nothing, and nothing is recorded.
func TestNoPlaintextWithoutATrace(t *testing.T) {
	o := newOperator(t)
	const pw = "shop.email.smtp_password"
	o.step(0, "hunter2", "set", pw, "-", "--actor", "alice")
	// (A NUL byte cannot reach a command line.)
	for _, reason := range []string{"bad \xff reason", strings.Repeat("r", runtime.MaxReasonSize+1)} {
		if r := o.step(1, "", "get", pw, "--reveal", "--reason", reason); r.stdout != "" || strings.Contains(r.stderr, "hunter2") {
			t.Errorf("a reveal with an unfit reason printed %q / %q", r.stdout, r.stderr)
		}
	}
	// The store refuses every reveal from now on.
	if _, err := o.pool.Exec(context.Background(),
		"ALTER TABLE sysconfig_changes ADD CONSTRAINT no_reveals CHECK (revealed IS NULL)"); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"get", pw, "--reveal"}, {"list", "--reveal"}, {"export", "--reveal"}, {"history", "--reveal"},
	} {
		r := o.step(1, "", args...)
		if r.stdout != "" || strings.Contains(r.stderr, "hunter2") || !strings.Contains(r.stderr, "could not be recorded") {
			t.Errorf("sysconfig %s with the reveal refused: stdout %q, stderr %q; want nothing shown and why",
				strings.Join(args, " "), r.stdout, r.stderr)
		}
	}
	if got := o.changes(runtime.ChangeQuery{}); len(got) != 1 {
		t.Errorf("%d change sets, want only the write", len(got))
	}
}

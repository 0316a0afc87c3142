package main

// Tests of the breaking command.
//
// Golden tests: each directory testdata/breaking/<case> (at the repository
// root) holds old.yaml, new.yaml (either may be missing, to test a missing
// file), an optional args file with extra flags (appended to
// "breaking -against old.yaml -schema new.yaml", so a repeated flag
// overrides), and want.txt: the exact standard output, then, if anything
// was written to standard error, a line "-- stderr --" and that output,
// and finally a line "exit N" with the exit status. The command runs
// inside the case's directory, so positions read "new.yaml:line:col".
//
// After a deliberate change to the command or to internal/breaking, rewrite
// the expected files with
//
//	go test ./cmd/sysconfig-gen -run Breaking -update
//
// and review the changes with git diff before committing them.

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-sysconfig/sysconfig/internal/breaking"
)

// breakingRoot holds the golden cases of the breaking command.
const breakingRoot = "../../testdata/breaking"

func TestBreakingGolden(t *testing.T) {
	for _, dir := range caseDirs(t, breakingRoot) {
		t.Run(filepath.Base(dir), func(t *testing.T) { checkBreakingCase(t, dir) })
	}
}

// checkBreakingCase runs the command inside dir and compares its output
// and exit status with want.txt.
func checkBreakingCase(t *testing.T, dir string) {
	t.Chdir(dir)
	args := []string{"breaking", "-against", "old.yaml", "-schema", "new.yaml"}
	if extra, err := os.ReadFile("args"); err == nil {
		args = append(args, strings.Fields(string(extra))...)
	}
	compareGolden(t, "want.txt", breakingTranscript(runGen(args...)))
}

// breakingTranscript formats a run as want.txt holds it.
func breakingTranscript(code int, stdout, stderr string) string {
	if stderr != "" {
		stdout += "-- stderr --\n" + stderr
	}
	return stdout + fmt.Sprintf("exit %d\n", code)
}

// breakingOld and breakingNew are a schema and its next version, which
// removes site.tagline without deprecating it first and changes a default.
const (
	breakingOld = `app: shop
sections:
  site:
    fields:
      title: {type: string, default: My Shop}
      tagline: {type: text}
`
	breakingNew = `app: shop
sections:
  site:
    fields:
      title: {type: string, default: Our Shop}
`
)

// gitRepo creates a git repository in a temporary directory, commits
// files (name → content) in it, makes it the current directory and
// returns it. It skips the test when git is not installed.
func gitRepo(t *testing.T, files map[string]string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	t.Setenv("GIT_CONFIG_GLOBAL", os.DevNull)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	dir := t.TempDir()
	t.Chdir(dir)
	git(t, "init", "-q")
	git(t, "config", "user.email", "test@example.com")
	git(t, "config", "user.name", "Test")
	for name, content := range files {
		mustWrite(t, name, content)
	}
	git(t, "add", ".")
	git(t, "commit", "-q", "-m", "old schema")
	return dir
}

// git runs git in the current directory and fails the test on error.
func git(t *testing.T, args ...string) {
	t.Helper()
	var stderr bytes.Buffer
	cmd := exec.Command("git", args...)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
}

func TestBreakingAgainstGit(t *testing.T) {
	gitRepo(t, map[string]string{"sysconfig.yaml": breakingOld})
	mustWrite(t, "sysconfig.yaml", breakingNew)
	stdout, stderr := mustRun(t, exitAccessor, "breaking", "--against", "git:HEAD:sysconfig.yaml")
	want := []string{
		"sysconfig.yaml:5:7: WARNING DEFAULT_CHANGED: ",
		"HEAD:sysconfig.yaml:6:7: ACCESSOR FIELD_REMOVED_WITHOUT_DEPRECATION: field site.tagline was removed",
		"1 accessor-breaking, 0 data-breaking, 1 warning",
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) != len(want) || stderr != "" {
		t.Fatalf("stdout:\n%s\nstderr:\n%s\nwant %d lines", stdout, stderr, len(want))
	}
	for i, prefix := range want {
		if !strings.HasPrefix(lines[i], prefix) {
			t.Errorf("line %d: %q, want it to start with %q", i+1, lines[i], prefix)
		}
	}
}

func TestBreakingAgainstGitErrors(t *testing.T) {
	gitRepo(t, map[string]string{"sysconfig.yaml": breakingNew, "broken.yaml": "app: shop\nsections:\n  site: {}\n"})
	tests := []struct{ name, against, want string }{
		{"bad ref", "git:nosuch:sysconfig.yaml", "sysconfig-gen: git show nosuch:sysconfig.yaml: fatal: "},
		{"missing path", "git:HEAD:missing.yaml", "sysconfig-gen: git show HEAD:missing.yaml: fatal: "},
		{"malformed schema", "git:HEAD:broken.yaml", `HEAD:broken.yaml:3:3: missing "fields" in section site`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr := mustRun(t, exitFail, "breaking", "-against", tt.against)
			if stdout != "" || !strings.HasPrefix(stderr, tt.want) {
				t.Errorf("stdout %q\nstderr %q\nwant stderr starting with %q", stdout, stderr, tt.want)
			}
		})
	}
}

func TestBreakingUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"help", []string{"-h"}, exitOK, "Exit status (a bit set"},
		{"no -against", nil, exitUsage, "-against is required"},
		{"bad -fail-on", []string{"-against", "x.yaml", "-fail-on", "all"}, exitUsage, `-fail-on is "all"`},
		{"git spec without a path", []string{"-against", "git:HEAD"}, exitUsage, "needs a ref and a path"},
		{"git ref like a flag", []string{"-against", "git:--output=x:sysconfig.yaml"}, exitUsage, `starts with "-"`},
		{"extra argument", []string{"-against", "x.yaml", "new.yaml"}, exitUsage, `unexpected argument "new.yaml"`},
		{"unknown flag", []string{"-agianst", "x.yaml"}, exitUsage, "flag provided but not defined: -agianst"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr := mustRun(t, tt.code, append([]string{"breaking"}, tt.args...)...)
			if stdout != "" || !strings.Contains(stderr, tt.want) {
				t.Errorf("stdout %q\nstderr %q\nwant stderr containing %q", stdout, stderr, tt.want)
			}
		})
	}
}

func TestBreakingStatus(t *testing.T) {
	tests := []struct {
		accessor, data int
		failOn         string
		want           int
	}{
		{0, 0, "any", 0}, {1, 0, "any", 4}, {0, 1, "any", 8}, {2, 3, "any", 12},
		{2, 3, "accessor", 4}, {0, 3, "accessor", 0}, {2, 3, "data", 8}, {2, 0, "data", 0}, {2, 3, "none", 0},
	}
	for _, tt := range tests {
		n := breaking.Counts{Accessor: tt.accessor, Data: tt.data, Warning: 1}
		if got := breakingStatus(n, tt.failOn); got != tt.want {
			t.Errorf("%d accessor, %d data, -fail-on %s: exit %d, want %d", tt.accessor, tt.data, tt.failOn, got, tt.want)
		}
	}
}

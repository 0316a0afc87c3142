package main

// Golden tests of the lint command. Each directory testdata/lint/<case>
// (at the repository root) holds a schema.yaml, an optional args file and
// want.txt. The test runs "sysconfig-gen lint -schema schema.yaml" inside
// the directory, so that positions read "schema.yaml:line:col" and a
// -config file can sit beside the schema, with the arguments of args
// appended: one flag per line, split at spaces ("-rule naming=error";
// values holding spaces are not supported). want.txt is the exact standard
// output followed by a last line "exit N" giving the exit code. After a
// deliberate change to the rules or their messages, rewrite every want.txt
// with
//
//	go test ./cmd/sysconfig-gen -run LintGolden -update
//
// and review the changes with git diff before committing them.

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-sysconfig/sysconfig/internal/lint"
)

// lintRoot holds the lint golden cases, relative to this package.
const lintRoot = "../../testdata/lint"

func TestLintGolden(t *testing.T) {
	for _, dir := range caseDirs(t, lintRoot) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Chdir(dir)
			code, stdout, _ := runGen(append([]string{"lint", "-schema", "schema.yaml"}, caseArgs(t)...)...)
			compareGolden(t, "want.txt", fmt.Sprintf("%sexit %d\n", stdout, code))
		})
	}
}

// caseArgs reads the args file of the current directory, if any.
func caseArgs(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("args")
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Fields(string(b))
}

func TestLintUsageErrors(t *testing.T) {
	schemaFile, _ := setup(t, twoSections)
	dir := filepath.Dir(schemaFile)
	badConfig := filepath.Join(dir, "lint.yaml")
	mustWrite(t, badConfig, "rules:\n  nameing: off\n  naming: loud\n")
	for _, c := range []struct {
		code int
		args []string
		want string
	}{
		{2, []string{"-rule", "nope=off"}, `sysconfig-gen lint: -rule nope=off: unknown rule "nope"; known rules: ` +
			"description-required, label-length, secret-not-required, numeric-bounds, naming, deprecated-without-note\n"},
		{2, []string{"-rule", "naming=loud"}, `-rule naming=loud: severity must be off, warning or error, not "loud"`},
		{2, []string{"-rule", "naming"}, "write the rule and its severity as NAME=off|warning|error"},
		{2, []string{"-config", badConfig}, badConfig + `:2:3: unknown rule "nameing"; known rules: description-required, ` +
			"label-length, secret-not-required, numeric-bounds, naming, deprecated-without-note\n" +
			badConfig + ":3:11: rule naming: severity must be off, warning or error\n"},
		{1, []string{"-config", filepath.Join(dir, "missing.yaml")}, "sysconfig-gen: open "},
		{2, []string{"extra"}, `sysconfig-gen lint: unexpected argument "extra"`},
	} {
		stdout, stderr := mustRun(t, c.code, append([]string{"lint", "-schema", schemaFile}, c.args...)...)
		if !strings.Contains(stderr, c.want) || stdout != "" {
			t.Errorf("lint %s:\nstdout: %s\nstderr: %s\nwant stderr to contain %q",
				strings.Join(c.args, " "), stdout, stderr, c.want)
		}
	}
}

// TestLintHelp checks that -h lists every rule with its default severity.
func TestLintHelp(t *testing.T) {
	_, stderr := mustRun(t, 0, "lint", "-h")
	for _, r := range lint.Rules() {
		if !strings.Contains(stderr, fmt.Sprintf("  %-23s  %-7s  %s\n", r.ID, r.Default, r.Doc)) {
			t.Errorf("-h does not list rule %s:\n%s", r.ID, stderr)
		}
	}
}

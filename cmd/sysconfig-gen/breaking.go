package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os/exec"
	"strings"

	"github.com/go-sysconfig/sysconfig/internal/breaking"
	"github.com/go-sysconfig/sysconfig/schema"
)

// Exit status bits of the breaking command; see internal/breaking.
const (
	exitAccessor = 4 // accessor-breaking changes
	exitData     = 8 // data-breaking changes
)

// breakingUsage is printed after a usage error and for -h.
const breakingUsage = `usage: sysconfig-gen breaking -against OLD [-schema FILE] [-fail-on any|accessor|data|none]

Compares the schema FILE (default sysconfig.yaml) with an older version,
OLD, and reports every change that breaks code using the generated package
(ACCESSOR), breaks values already stored (DATA), or changes what running
code sees on deploy (WARNING), one per line as

    file:line:col: CATEGORY RULE: message

sorted by position, then a summary line. Labels, descriptions and order are
never reported. OLD is a file, or git:REF:PATH for PATH as of REF, read with
"git show REF:PATH" in the current directory: PATH is relative to the
repository's root (write ./PATH for one relative to the current directory),
as in git:origin/main:sysconfig.yaml.

Exit status (a bit set, so CI can gate on either kind of break):
  0   nothing breaks (warnings never fail)
  1   a schema cannot be read or has errors, or git failed
  2   usage error
  4   accessor-breaking changes
  8   data-breaking changes
  12  both
-fail-on chooses which categories set their bit; the report is the same.

Flags:
`

// breakingConfig holds the parsed flags of the breaking command.
type breakingConfig struct {
	against, schema, failOn string
}

// runBreaking is the breaking command.
func runBreaking(args []string, stdout, stderr io.Writer) int {
	cfg, code, ok := parseBreakingFlags(args, stderr)
	if !ok {
		return code
	}
	old, cur, ok := loadBoth(cfg, stderr)
	if !ok {
		return exitFail
	}
	changes := breaking.Compare(old, cur)
	for _, c := range changes {
		fmt.Fprintln(stdout, c)
	}
	n := breaking.Count(changes)
	fmt.Fprintln(stdout, n)
	return breakingStatus(n, cfg.failOn)
}

// parseBreakingFlags reads the flags. When ok is false the command ends
// with code.
func parseBreakingFlags(args []string, stderr io.Writer) (cfg breakingConfig, code int, ok bool) {
	fs := flag.NewFlagSet("sysconfig-gen breaking", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, breakingUsage); fs.PrintDefaults() }
	fs.StringVar(&cfg.against, "against", "", "the old schema, `OLD`: a file or git:REF:PATH (required)")
	fs.StringVar(&cfg.schema, "schema", "sysconfig.yaml", "the new schema `file`")
	fs.StringVar(&cfg.failOn, "fail-on", "any", "the `categories` that fail: accessor, data, any or none")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cfg, exitOK, false
		}
		return cfg, exitUsage, false
	}
	if err := cfg.check(fs.Args()); err != nil {
		fmt.Fprintf(stderr, "sysconfig-gen breaking: %v\n", err)
		return cfg, exitUsage, false
	}
	return cfg, exitOK, true
}

// check reports a missing or malformed flag value.
func (cfg *breakingConfig) check(rest []string) error {
	switch {
	case len(rest) > 0:
		return fmt.Errorf("unexpected argument %q; every option is a flag", rest[0])
	case cfg.against == "":
		return errors.New("-against is required: the old schema, as a file or git:REF:PATH such as git:main:sysconfig.yaml")
	case cfg.failOn != "any" && cfg.failOn != "accessor" && cfg.failOn != "data" && cfg.failOn != "none":
		return fmt.Errorf("-fail-on is %q; use accessor, data, any or none", cfg.failOn)
	}
	if strings.HasPrefix(cfg.against, "git:") {
		_, _, err := gitSpec(cfg.against)
		return err
	}
	return nil
}

// gitSpec splits git:REF:PATH.
func gitSpec(spec string) (ref, path string, err error) {
	ref, path, _ = strings.Cut(strings.TrimPrefix(spec, "git:"), ":")
	switch {
	case ref == "" || path == "":
		return "", "", fmt.Errorf("-against %s needs a ref and a path, as in git:main:sysconfig.yaml", spec)
	case strings.HasPrefix(ref, "-"):
		return "", "", fmt.Errorf("-against %s: the ref %q starts with \"-\"; name a branch, tag or commit", spec, ref)
	}
	return ref, path, nil
}

// loadBoth loads the old and the new schema, printing the problems of
// both before giving up.
func loadBoth(cfg breakingConfig, stderr io.Writer) (old, cur *schema.Schema, ok bool) {
	old, errOld := loadAgainst(cfg.against)
	cur, errNew := schema.Load(cfg.schema)
	for _, err := range []error{errOld, errNew} {
		if err != nil {
			schemaError(stderr, err)
		}
	}
	return old, cur, errOld == nil && errNew == nil
}

// loadAgainst loads the old schema from a file or from git.
func loadAgainst(spec string) (*schema.Schema, error) {
	if !strings.HasPrefix(spec, "git:") {
		return schema.Load(spec)
	}
	ref, path, err := gitSpec(spec)
	if err != nil {
		return nil, err
	}
	data, err := gitShow(ref + ":" + path)
	if err != nil {
		return nil, err
	}
	return schema.Parse(ref+":"+path, data)
}

// gitShow returns the content of object (REF:PATH), read with git show in
// the current directory.
func gitShow(object string) ([]byte, error) {
	cmd := exec.Command("git", "show", object)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return nil, fmt.Errorf("git show %s: %s", object, msg)
		}
		return nil, fmt.Errorf("git show %s: %v", object, err)
	}
	return out, nil
}

// breakingStatus returns the exit status: the bits of the categories that
// failOn selects and that have changes.
func breakingStatus(n breaking.Counts, failOn string) int {
	code := exitOK
	if n.Accessor > 0 && (failOn == "any" || failOn == "accessor") {
		code |= exitAccessor
	}
	if n.Data > 0 && (failOn == "any" || failOn == "data") {
		code |= exitData
	}
	return code
}

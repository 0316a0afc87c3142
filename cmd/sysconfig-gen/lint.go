package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/go-sysconfig/sysconfig/internal/lint"
	"github.com/go-sysconfig/sysconfig/schema"
)

// lintUsage is printed for lint -h, before the flags and the rules.
const lintUsage = `usage: sysconfig-gen lint [-schema FILE] [-config FILE] [-rule NAME=off|warning|error ...]

Reports style problems in a schema that loads, one per line as
"file:line:col: severity rule: message" sorted by position, then a
summary line. Exits 1 if a finding has the error severity or the schema
does not load, 2 on usage errors, 0 otherwise.

Each rule starts at its default severity, then takes the one set by the
-config file, a YAML file such as
  rules: {description-required: off, numeric-bounds: error}
then the ones set by the -rule flags, in order.

`

// lintConfig holds the parsed flags of the lint command.
type lintConfig struct {
	schema, config string
	rules          []string // -rule arguments, in order
}

// runLint is the lint command.
func runLint(args []string, stdout, stderr io.Writer) int {
	opts, code, ok := parseLintFlags(args, stderr)
	if !ok {
		return code
	}
	cfg, code, ok := lintSeverities(opts, stderr)
	if !ok {
		return code
	}
	s, err := schema.Load(opts.schema)
	if err != nil {
		return schemaError(stderr, err)
	}
	return printFindings(stdout, lint.Run(s, cfg))
}

// printFindings prints the findings and their summary, and returns
// exitFail if one has the error severity.
func printFindings(stdout io.Writer, findings []lint.Finding) int {
	for _, f := range findings {
		fmt.Fprintln(stdout, f)
	}
	fmt.Fprintln(stdout, lint.Summary(findings))
	if lint.HasErrors(findings) {
		return exitFail
	}
	return exitOK
}

// parseLintFlags reads the flags of the lint command. When ok is false
// the command ends with code.
func parseLintFlags(args []string, stderr io.Writer) (opts lintConfig, code int, ok bool) {
	fs := newFlagSet("lint", lintUsage, stderr)
	fs.Usage = func() { fmt.Fprint(stderr, lintUsage); fs.PrintDefaults(); printRules(stderr) }
	fs.StringVar(&opts.schema, "schema", "sysconfig.yaml", "the schema `file`")
	fs.StringVar(&opts.config, "config", "", "a YAML `file` setting the severity of rules")
	fs.Func("rule", "set the severity of rule NAME, as `NAME=off|warning|error`; repeat for several rules",
		func(arg string) error { opts.rules = append(opts.rules, arg); return nil })
	code, ok = parseCommand(fs, args, stderr)
	return opts, code, ok
}

// printRules lists the rules with their default severities, for -h.
func printRules(w io.Writer) {
	fmt.Fprintln(w, "\nRules, with their default severity:")
	width := 0
	for _, r := range lint.Rules() {
		width = max(width, len(r.ID))
	}
	for _, r := range lint.Rules() {
		fmt.Fprintf(w, "  %-*s  %-7s  %s\n", width, r.ID, r.Default, r.Doc)
	}
}

// lintSeverities builds the rules' severities from the -config file, then
// the -rule flags. When ok is false the command ends with code: 2 for an
// unknown rule or severity, 1 when the file cannot be read.
func lintSeverities(opts lintConfig, stderr io.Writer) (cfg lint.Config, code int, ok bool) {
	cfg = lint.Config{}
	if opts.config != "" {
		data, err := os.ReadFile(opts.config)
		if err != nil {
			return nil, failf(stderr, "%v", err), false
		}
		if err := cfg.Parse(opts.config, data); err != nil {
			return nil, configError(stderr, err), false
		}
	}
	for _, arg := range opts.rules {
		if err := cfg.SetFlag(arg); err != nil {
			fmt.Fprintf(stderr, "sysconfig-gen lint: %v\n", err)
			return nil, exitUsage, false
		}
	}
	return cfg, exitOK, true
}

// configError prints the problems of a -config file and returns
// exitUsage: positioned ones one per line, as schema errors are printed.
func configError(stderr io.Writer, err error) int {
	var list schema.ErrorList
	if errors.As(err, &list) {
		fmt.Fprintln(stderr, list.Error())
	} else {
		fmt.Fprintf(stderr, "sysconfig-gen lint: %v\n", err)
	}
	return exitUsage
}

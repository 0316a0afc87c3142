package main

import (
	"errors"
	"flag"
	"fmt"
	"go/token"
	"io"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/go-sysconfig/sysconfig/internal/emit"
	"github.com/go-sysconfig/sysconfig/schema"
)

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1 // schema errors, stale files under -check, I/O failures
	exitUsage = 2
)

// usage is printed after a usage error and for -h.
const usage = `usage: sysconfig-gen [-schema FILE] -out DIR [-package NAME] [-check]
       sysconfig-gen COMMAND [flags]   (COMMAND -h for its flags)

Generates a typed Go package from a sysconfig schema file, and reviews
schema changes. Commands:
  generate   write the Go package (the default when the first argument is a flag)
  check      write nothing; exit 1 with a diff if the generated files are stale or edited
  breaking   report changes against an older schema that break code or stored values
  docs       print a Markdown reference of the schema
  lint       report style problems in the schema

`

// command is one subcommand.
type command struct {
	name string
	run  func(args []string, stdout, stderr io.Writer) int
}

// commands lists the subcommands, each in its own file.
var commands = []command{
	{"generate", generate},
	{"check", runCheck},
	{"breaking", runBreaking},
	{"docs", runDocs},
	{"lint", runLint},
}

// run is the whole command: main only passes it the arguments and exits
// with its result. Without a command name it generates.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return generate(args, stdout, stderr)
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "sysconfig-gen: unknown command %q\n%s", args[0], usage)
	return exitUsage
}

// runCheck is "generate -check": it writes nothing and exits 1 with a
// unified diff when the files on disk differ from what the schema
// generates — stale, missing, or edited by hand.
func runCheck(args []string, stdout, stderr io.Writer) int {
	return generate(append(args, "-check"), stdout, stderr)
}

// config holds the parsed flags of the generate command.
type config struct {
	schema, out, pkg string
	check            bool
}

// generate runs the flag form: generate, then write or -check.
func generate(args []string, stdout, stderr io.Writer) int {
	cfg, code, ok := parseFlags(args, stderr)
	if !ok {
		return code
	}
	s, err := schema.Load(cfg.schema)
	if err != nil {
		return schemaError(stderr, err)
	}
	files, err := emit.Generate(s, emit.Options{Package: cfg.pkg, Source: sourcePath(cfg.schema, cfg.out)})
	if err != nil {
		return failf(stderr, "%v", err)
	}
	if cfg.check {
		return check(cfg, files, stdout, stderr)
	}
	return write(cfg, files, stderr)
}

// parseFlags reads the flags. When ok is false the command ends with code.
func parseFlags(args []string, stderr io.Writer) (cfg config, code int, ok bool) {
	fs := flag.NewFlagSet("sysconfig-gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	fs.StringVar(&cfg.schema, "schema", "sysconfig.yaml", "the schema `file`")
	fs.StringVar(&cfg.out, "out", "", "the output `directory` (required)")
	fs.StringVar(&cfg.pkg, "package", "", "the package `name` (default: the base name of -out)")
	fs.BoolVar(&cfg.check, "check", false, "write nothing; print a diff and exit 1 if the output is out of date")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cfg, exitOK, false
		}
		return cfg, exitUsage, false
	}
	if err := cfg.complete(fs.Args()); err != nil {
		fmt.Fprintf(stderr, "sysconfig-gen: %v\n", err)
		return cfg, exitUsage, false
	}
	return cfg, exitOK, true
}

// complete checks the flags and fills in the package name.
func (cfg *config) complete(rest []string) error {
	switch {
	case len(rest) > 0:
		return fmt.Errorf("unexpected argument %q; every option is a flag", rest[0])
	case cfg.out == "":
		return errors.New("-out is required: the directory to generate into")
	case cfg.pkg != "":
		return checkPackageName(cfg.pkg, "-package")
	}
	cfg.pkg = defaultPackage(cfg.out)
	return checkPackageName(cfg.pkg, fmt.Sprintf("the package name derived from -out %s", cfg.out))
}

// defaultPackage derives a package name from the output directory: its
// base name, lower-cased, without the characters an identifier cannot hold.
func defaultPackage(out string) string {
	if abs, err := filepath.Abs(out); err == nil {
		out = abs
	}
	keep := func(r rune) rune {
		if r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}
	return strings.Map(keep, filepath.Base(out))
}

// checkPackageName reports a name that cannot be a package name.
func checkPackageName(name, what string) error {
	switch {
	case token.IsKeyword(name):
		return fmt.Errorf("%s is %q, a Go keyword; pass another with -package NAME", what, name)
	case !token.IsIdentifier(name) || name == "_":
		return fmt.Errorf("%s is %q, not a valid Go identifier; pass one with -package NAME", what, name)
	}
	return nil
}

// sourcePath names the schema file in the generated header: its path
// relative to the output directory, slash-separated, so that running the
// generator from another directory produces the same bytes.
func sourcePath(schemaFile, out string) string {
	absSchema, err1 := filepath.Abs(schemaFile)
	absOut, err2 := filepath.Abs(out)
	if err1 != nil || err2 != nil {
		return filepath.ToSlash(schemaFile)
	}
	rel, err := filepath.Rel(absOut, absSchema)
	if err != nil {
		return filepath.ToSlash(schemaFile)
	}
	return filepath.ToSlash(rel)
}

// schemaError prints the problems found in the schema file, one per line,
// exactly as the schema package formats them.
func schemaError(stderr io.Writer, err error) int {
	var list schema.ErrorList
	if errors.As(err, &list) {
		fmt.Fprintln(stderr, list.Error())
		return exitFail
	}
	return failf(stderr, "%v", err)
}

// failf prints an error and returns exitFail.
func failf(stderr io.Writer, format string, args ...any) int {
	fmt.Fprintf(stderr, "sysconfig-gen: "+format+"\n", args...)
	return exitFail
}

package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// The exit codes of Main.
const (
	ExitOK    = 0  // the command did what it was asked
	ExitError = 1  // it failed: a refused value, a conflict, a backend error; nothing was written
	ExitFound = 2  // plan: there are changes to apply; check: stored values the schema refuses
	ExitUsage = 64 // it was called wrongly: an unknown command or flag, a missing argument (sysexits' EX_USAGE)
)

// Options configures Main. The zero value runs the CLI as cmd/sysconfig does:
// the schema from the file --schema names, the process's environment and
// standard streams.
type Options struct {
	// Schema, when set, is served instead of the file --schema names: an
	// app that builds the CLI into its own binary passes its generated
	// package's Schema.
	Schema *runtime.Schema
	// Getenv reads the environment: SYSCONFIG_DATABASE_URL and the other
	// variables of the README's CLI section. Nil means os.Getenv.
	Getenv func(name string) string
	// Stdin, Stdout and Stderr are the streams; nil means the process's.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
}

// withDefaults returns o with every nil field set to its default.
func (o Options) withDefaults() Options {
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.Stdin == nil {
		o.Stdin = os.Stdin
	}
	if o.Stdout == nil {
		o.Stdout = os.Stdout
	}
	if o.Stderr == nil {
		o.Stderr = os.Stderr
	}
	return o
}

// Main runs the command line args (without the program name) and returns
// the exit code: ExitOK, ExitError or ExitUsage. Errors go to Stderr,
// results to Stdout. An interrupt (Ctrl-C) cancels the command's context.
func Main(args []string, opts Options) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return run(ctx, args, opts.withDefaults())
}

// run dispatches args to their command and maps its error to an exit code.
func run(ctx context.Context, args []string, opts Options) int {
	if len(args) == 0 || isHelp(args[0]) {
		return usage(opts, args)
	}
	cmd, ok := lookup(args[0])
	if !ok {
		fmt.Fprintf(opts.Stderr, "sysconfig: unknown command %q; run \"sysconfig help\" for the commands\n", args[0])
		return ExitUsage
	}
	inv := newInvocation(opts)
	err := inv.parse(cmd, args[1:])
	if err == nil {
		err = cmd.run(ctx, inv)
	}
	return exitCode(opts.Stderr, cmd, err)
}

// usage answers "sysconfig", "sysconfig help" and "sysconfig help COMMAND".
func usage(opts Options, args []string) int {
	if len(args) > 1 {
		if cmd, ok := lookup(args[1]); ok {
			writeCommandUsage(opts.Stdout, cmd, newInvocation(opts).flagSet(cmd))
			return ExitOK
		}
	}
	if len(args) == 0 {
		writeUsage(opts.Stderr)
		return ExitUsage
	}
	writeUsage(opts.Stdout)
	return ExitOK
}

// isHelp reports whether arg asks for help.
func isHelp(arg string) bool {
	return arg == "help" || arg == "-h" || arg == "-help" || arg == "--help"
}

// exitCode reports err on stderr and returns its exit code.
func exitCode(stderr io.Writer, cmd *command, err error) int {
	var u *usageError
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, flag.ErrHelp):
		return ExitOK
	case errors.Is(err, errFound):
		return ExitFound
	case errors.As(err, &u):
		fmt.Fprintf(stderr, "sysconfig %s: %s\nusage: sysconfig %s\nrun \"sysconfig help %s\" for its flags\n",
			cmd.name, u.msg, cmd.synopsis, cmd.name)
		return ExitUsage
	}
	writeError(stderr, err)
	return ExitError
}

// usageError is a command called wrongly; Main exits with ExitUsage.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// usagef returns a *usageError.
func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

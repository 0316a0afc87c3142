package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
)

// command is one subcommand of the CLI.
type command struct {
	name     string
	synopsis string // the arguments and own flags, after "sysconfig "
	summary  string
	minArgs  int
	maxArgs  int
	connects bool // takes the connection flags (--schema, --database-url, ...) and -o
	writes   bool // takes --actor and --reason
	flags    func(fs *flag.FlagSet, inv *invocation)
	run      func(ctx context.Context, inv *invocation) error
}

// commands lists the commands in the order help shows them.
var commands = []*command{
	{name: "migrate", synopsis: "migrate [--print]", summary: "create or upgrade the store's tables; --print shows the SQL instead",
		connects: true, flags: migrateFlags, run: runMigrate},
	{name: "get", synopsis: "get PATH", summary: "show a field's value",
		minArgs: 1, maxArgs: 1, connects: true, flags: revealerFlags, run: runGet},
	{name: "list", synopsis: "list [SECTION] [--changed]", summary: "show every field's value, or a section's",
		maxArgs: 1, connects: true, flags: listFlags, run: runList},
	{name: "set", synopsis: "set PATH VALUE|- [--if-version N] [--dry-run]", summary: "validate and store a value (- reads it from stdin)",
		minArgs: 2, maxArgs: 2, connects: true, writes: true, flags: setFlags, run: runSet},
	{name: "reset", synopsis: "reset PATH [--if-version N]", summary: "remove a field's override, so that it reads as its default",
		minArgs: 1, maxArgs: 1, connects: true, writes: true, flags: resetFlags, run: runReset},
	{name: "history", synopsis: "history [PATH] [--actor A] [--since T]", summary: "list change sets, newest first, each write old → new",
		maxArgs: 1, connects: true, flags: historyFlags, run: runHistory},
	{name: "export", synopsis: "export [--sealed | --reveal]", summary: "write the overrides as a config file (YAML), secrets left out unless sealed or revealed",
		connects: true, flags: exportFlags, run: runExport},
	{name: "plan", synopsis: "plan FILE [--prune] [--out PLANFILE]", summary: "show what applying a config file would change (exit 2 when something)",
		minArgs: 1, maxArgs: 1, connects: true, flags: planFlags, run: runPlan},
	{name: "apply", synopsis: "apply FILE|PLANFILE [--prune] [--yes]", summary: "apply a config file in one transaction, all or nothing",
		minArgs: 1, maxArgs: 1, connects: true, writes: true, flags: applyFlags, run: runApply},
	{name: "check", synopsis: "check", summary: "check every stored override against the schema file (exit 2 when some fail)",
		connects: true, run: runCheck},
	{name: "serve", synopsis: "serve [--listen ADDR] [--allow-host HOST] [--read-only]", summary: "serve the admin page for one operator, behind a token login",
		connects: true, writes: true, flags: serveFlags, run: runServe},
	{name: "revert", synopsis: "revert PATH@VERSION | CHANGE-ID [--force PATH...]", summary: "put a path back to its value at a version, or undo a change set",
		minArgs: 1, maxArgs: 1, connects: true, writes: true, flags: revertFlags, run: runRevert},
}

// lookup returns the command named name.
func lookup(name string) (*command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return nil, false
}

// writeUsage writes the CLI's help: its commands and environment.
func writeUsage(w io.Writer) {
	fmt.Fprint(w, "sysconfig changes an app's runtime configuration: validated, audited, propagated.\n\nusage: sysconfig COMMAND [flags] [arguments]\n\ncommands:\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range commands {
		fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.summary)
	}
	_ = tw.Flush()
	fmt.Fprintf(w, `
environment (each also a flag):
  %s   the Postgres URL (--database-url)
  %s      the Postgres schema holding the tables (--pg-schema)
  %s      the Redis URL; without it, Postgres alone (--redis-url)
  %s   the Redis key prefix of the app's cache (--redis-prefix)
  %s         the schema file (--schema; default sysconfig.yaml)
  %s          the actor the audit trail records (--actor; default: the OS user)
  SYSCONFIG_KEYS           the keyring, needed for secrets

exit codes: 0 success, 1 error (nothing written), 64 usage
run "sysconfig help COMMAND" for a command's flags
`, envDatabaseURL, envPGSchema, envRedisURL, envRedisPrefix, envSchema, envActor)
}

// writeCommandUsage writes one command's help, with its flags.
func writeCommandUsage(w io.Writer, cmd *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: sysconfig %s\n\n%s\n\nflags:\n", cmd.synopsis, cmd.summary)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

func migrateFlags(fs *flag.FlagSet, inv *invocation) {
	fs.BoolVar(&inv.print, "print", false, "print the SQL of every migration, then of the functions, for your own migration tool")
}

// revealFlag adds --reveal, and --reason, which the audit trail records
// with the reveal. Commands that write have --reason already.
func revealFlag(fs *flag.FlagSet, inv *invocation) {
	fs.BoolVar(&inv.reveal, "reveal", false, "show secrets in plaintext (needs SYSCONFIG_KEYS); recorded in the audit trail")
	if fs.Lookup("reason") == nil {
		fs.StringVar(&inv.reason, "reason", "", "why secrets are revealed, recorded in the audit trail with --reveal")
	}
}

// revealerFlags adds --reveal and --reason, and --actor: who is shown the
// secrets, recorded in the audit trail.
func revealerFlags(fs *flag.FlagSet, inv *invocation) {
	revealFlag(fs, inv)
	actorFlag(fs, inv, "who is shown the secrets with --reveal, recorded in the audit trail")
}

func listFlags(fs *flag.FlagSet, inv *invocation) {
	revealerFlags(fs, inv)
	fs.BoolVar(&inv.changed, "changed", false, "only fields with an override")
}

func resetFlags(fs *flag.FlagSet, inv *invocation) {
	fs.Func("if-version", "write only if the field's version is still `N` (0: never written)", int64Flag(&inv.ifVersion))
}

func setFlags(fs *flag.FlagSet, inv *invocation) {
	resetFlags(fs, inv)
	fs.BoolVar(&inv.dryRun, "dry-run", false, "validate and show the result, write nothing")
	revealFlag(fs, inv)
}

func historyFlags(fs *flag.FlagSet, inv *invocation) {
	revealFlag(fs, inv)
	fs.StringVar(&inv.historyActor, "actor", "", "only change sets by this actor")
	fs.StringVar(&inv.since, "since", "", "only change sets at or after `T`: RFC 3339 (2026-05-01T10:00:00Z) or a duration ago (2h)")
	fs.IntVar(&inv.limit, "limit", 0, "at most `N` change sets (default 50)")
	fs.Func("before", "only change sets older than `VERSION`, to page", int64Flag(&inv.before))
}

func exportFlags(fs *flag.FlagSet, inv *invocation) {
	revealerFlags(fs, inv)
	fs.BoolVar(&inv.sealed, "sealed", false, "export secrets as the store keeps them, sealed: apply reads them back with the keyring")
}

func planFlags(fs *flag.FlagSet, inv *invocation) {
	fs.BoolVar(&inv.prune, "prune", false, "also reset every override the file leaves out")
	fs.StringVar(&inv.planOut, "out", "", "save the plan to `file`, for apply to carry out only if nothing changed since")
}

func applyFlags(fs *flag.FlagSet, inv *invocation) {
	fs.BoolVar(&inv.prune, "prune", false, "also reset every override the file leaves out")
	fs.BoolVar(&inv.yes, "yes", false, "apply without asking (otherwise stdin must answer yes)")
}

func serveFlags(fs *flag.FlagSet, inv *invocation) {
	fs.StringVar(&inv.listen, "listen", "127.0.0.1:8080", "the `address` to listen on (loopback by default)")
	fs.Func("allow-host", "also answer as this `host` (name or name:port; repeatable), e.g. behind a proxy", func(h string) error {
		inv.allowHosts = append(inv.allowHosts, h)
		return nil
	})
	fs.BoolVar(&inv.readOnly, "read-only", false, "show the values and history; change nothing")
}

func revertFlags(fs *flag.FlagSet, inv *invocation) {
	fs.Func("force", "revert `PATH` too although it changed since (repeat, or separate with commas)", listFlag(&inv.force))
}

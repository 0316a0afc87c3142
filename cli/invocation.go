package cli

import (
	"flag"
	"io"
	"os/user"
	"strconv"
	"strings"

	"github.com/go-sysconfig/sysconfig/runtime/rediscache"
)

// The environment variables the CLI reads; each has the flag of the same
// name (SYSCONFIG_DATABASE_URL is --database-url). The keys are read from
// keyring.DefaultEnv, SYSCONFIG_KEYS.
const (
	envSchema      = "SYSCONFIG_SCHEMA"
	envDatabaseURL = "SYSCONFIG_DATABASE_URL"
	envPGSchema    = "SYSCONFIG_PG_SCHEMA"
	envRedisURL    = "SYSCONFIG_REDIS_URL"
	envRedisPrefix = "SYSCONFIG_REDIS_PREFIX"
	envActor       = "SYSCONFIG_ACTOR"
)

// invocation is one run of a command: the settings every command shares,
// the flags of the command, and its arguments.
type invocation struct {
	opts Options

	schemaFile, databaseURL, pgSchema string
	redisURL, redisPrefix             string
	actor, reason, output             string
	reveal                            bool

	print, changed, dryRun bool
	ifVersion              int64 // -1: not given
	historyActor, since    string
	limit                  int
	before                 int64
	force                  []string
	prune, yes, sealed     bool
	planOut                string
	listen                 string
	allowHosts             []string
	readOnly               bool

	args []string
}

// newInvocation returns an invocation with the defaults of opts' environment.
func newInvocation(opts Options) *invocation {
	return &invocation{opts: opts, ifVersion: -1}
}

// flagSet returns the flags of cmd: the shared ones, then its own.
func (inv *invocation) flagSet(cmd *command) *flag.FlagSet {
	fs := flag.NewFlagSet("sysconfig "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if cmd.connects {
		fs.StringVar(&inv.schemaFile, "schema", "", "the schema `file` ($"+envSchema+"; default sysconfig.yaml)")
		fs.StringVar(&inv.databaseURL, "database-url", "", "the Postgres `URL` (its search_path is honoured), or sqlite:PATH for an SQLite file ($"+envDatabaseURL+")")
		fs.StringVar(&inv.pgSchema, "pg-schema", "", "the Postgres `schema` holding the tables; empty: the search_path ($"+envPGSchema+")")
		fs.StringVar(&inv.redisURL, "redis-url", "", "the Redis `URL`; empty: Postgres alone ($"+envRedisURL+")")
		fs.StringVar(&inv.redisPrefix, "redis-prefix", "", "the Redis key `prefix` the app's cache uses ($"+envRedisPrefix+"; default "+rediscache.DefaultPrefix+")")
		fs.StringVar(&inv.output, "o", "table", "the output `format`: table or json")
	}
	if cmd.writes {
		actorFlag(fs, inv, "who makes the change, recorded in the audit trail")
		fs.StringVar(&inv.reason, "reason", "", "why, recorded in the audit trail")
	}
	if cmd.flags != nil {
		cmd.flags(fs, inv)
	}
	return fs
}

// parse reads args, flags and arguments in any order ("--" ends the flags,
// so that a value such as -5 can follow it), then checks the number of
// arguments.
func (inv *invocation) parse(cmd *command, args []string) error {
	fs := inv.flagSet(cmd)
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return inv.flagError(cmd, fs, err)
		}
		rest := fs.Args()
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			inv.args = append(inv.args, rest...)
			break
		}
		if len(rest) == 0 {
			break
		}
		inv.args, args = append(inv.args, rest[0]), rest[1:]
	}
	inv.fromEnvironment()
	if len(inv.args) < cmd.minArgs || len(inv.args) > cmd.maxArgs {
		return usagef("wrong number of arguments")
	}
	if inv.output != "table" && inv.output != "json" && cmd.connects {
		return usagef("-o %s: the formats are table and json", inv.output)
	}
	return nil
}

// fromEnvironment fills in the settings no flag gave: from the
// environment, else their defaults. A flag wins over its variable.
func (inv *invocation) fromEnvironment() {
	env := inv.opts.Getenv
	inv.schemaFile = or(inv.schemaFile, or(env(envSchema), "sysconfig.yaml"))
	inv.databaseURL = or(inv.databaseURL, env(envDatabaseURL))
	inv.pgSchema = or(inv.pgSchema, env(envPGSchema))
	inv.redisURL = or(inv.redisURL, env(envRedisURL))
	inv.redisPrefix = or(inv.redisPrefix, or(env(envRedisPrefix), rediscache.DefaultPrefix))
	if inv.actor == "" {
		inv.actor = or(env(envActor), currentUser())
	}
}

// flagError turns a flag parsing error into a usage error, or prints the
// command's usage when help was asked for.
func (inv *invocation) flagError(cmd *command, fs *flag.FlagSet, err error) error {
	if err == flag.ErrHelp {
		writeCommandUsage(inv.opts.Stdout, cmd, fs)
		return err
	}
	return usagef("%v", err)
}

// json reports whether the output format is JSON.
func (inv *invocation) json() bool { return inv.output == "json" }

// int64Flag returns a flag.Value that parses into *p.
func int64Flag(p *int64) func(string) error {
	return func(s string) error {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return errNotVersion
		}
		*p = n
		return nil
	}
}

// errNotVersion is the message of a version flag that does not parse.
var errNotVersion = usagef("a version is a whole number >= 0")

// listFlag returns a flag function that appends its value, split at
// commas, to *p.
func listFlag(p *[]string) func(string) error {
	return func(s string) error {
		*p = append(*p, strings.Split(s, ",")...)
		return nil
	}
}

// actorFlag adds --actor, described by usage, to fs.
func actorFlag(fs *flag.FlagSet, inv *invocation, usage string) {
	fs.StringVar(&inv.actor, "actor", "", usage+" (default: $"+envActor+", else the operating system's user)")
}

// currentUser returns the operating system's user name, the default actor.
func currentUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return ""
}

// or returns s, or def when s is empty.
func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

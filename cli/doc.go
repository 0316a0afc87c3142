// Package cli is the operator CLI of sysconfig, the program cmd/sysconfig
// runs, as a library: an app that registers custom validators
// (value.RegisterValidator) builds it into a binary of its own, so that
// writes to fields declaring them are checked as the app checks them:
//
//	func main() {
//		value.RegisterValidator("sku", checkSKU)
//		os.Exit(cli.Main(os.Args[1:], cli.Options{Schema: config.Schema}))
//	}
//
// Built from the schema file alone, as cmd/sysconfig is, the CLI cannot run
// such validators, and refuses to write those fields.
//
// # Commands
//
//	migrate [--print]                                  create or upgrade the store's tables, or print their SQL
//	get PATH                                           a field's value
//	list [SECTION] [--changed]                         every field's value, or a section's, or the overrides only
//	set PATH VALUE|- [--if-version N] [--dry-run]      validate and store a value; "-" reads it from stdin
//	reset PATH [--if-version N]                        remove an override
//	history [PATH] [--actor A] [--since T]             change sets, newest first, each write old → new
//	revert PATH@VERSION | CHANGE-ID [--force PATH...]  put a path back to its value at a version, or undo a change set
//
// Flags may come before or after the arguments; "--" ends them, so that a
// value starting with "-" can follow. The connection comes from flags or
// the environment: --schema (SYSCONFIG_SCHEMA, default sysconfig.yaml),
// --database-url (SYSCONFIG_DATABASE_URL: a Postgres URL, whose search_path
// is honoured, or sqlite:PATH for the SQLite file of runtime/sqlitestore,
// which only migrate creates), --pg-schema (SYSCONFIG_PG_SCHEMA),
// --redis-url (SYSCONFIG_REDIS_URL; without it, the store alone; read by
// rediscache.Connect, so one node of a Redis Cluster or a Sentinel URL
// will do) and --redis-prefix (SYSCONFIG_REDIS_PREFIX, the app's
// rediscache.Options.Prefix); the keyring from SYSCONFIG_KEYS. A write
// whose Redis does not answer goes to the store alone, with a warning on
// stderr.
//
// # Writes
//
// Every write goes through a runtime.Client, so it is parsed and validated
// as every write is (every problem of every field is printed, and nothing is
// written), versioned, recorded in the audit trail with --actor (default: the
// operating system's user), --reason and the source cli, written to Redis
// when a Redis URL is given, and heard by running processes: through
// Postgres NOTIFY (or the SQLite store's polling), and through Redis
// pub/sub when a Redis URL is given (rediscache.Notifier, under
// --redis-prefix). Reads ask the store, the truth.
//
// # Output
//
// Results go to stdout as aligned tables, or with -o json as JSON of a
// stable shape: a value is {"path", "kind", "value", "set", "version"},
// with the value in its kind's text form; a change set is {"id", "version",
// "at", "actor", "reason", "source", "reverts", "writes", "revealed"}, each
// write {"path", "version", "old_version", "old", "new"}, null for "no
// override"; "revealed" lists the secrets a --reveal showed (such a change
// set has no writes). Secrets print as [redacted] unless --reveal is given
// with a keyring, and every --reveal that shows a stored secret is first
// recorded in the audit trail (with --actor, SYSCONFIG_ACTOR or the
// operating system's user, and --reason); if it cannot be, nothing is
// printed.
// Errors go to stderr. The exit code is ExitOK (0), ExitError (1) or
// ExitUsage (64).
package cli

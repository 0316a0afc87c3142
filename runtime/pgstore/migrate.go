package pgstore

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// migrationFiles holds the store's DDL: the numbered migrations and
// functions.sql (see migrations/README.md).
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migration is one numbered step of the store's DDL, as shipped in
// runtime/postgres/migrations/NNNN_name.sql.
//
// Every migration is idempotent: it may run on a database where it, or
// any later one, has already run, and then changes nothing.
type Migration struct {
	// Version is the migration's number. Versions start at 1, have no
	// gaps, and migrations run in their order.
	Version int

	// Name is the file's name without its number and extension:
	// "initial" for 0001_initial.sql.
	Name string

	// SQL is the file's content. Its names are unqualified: run it with
	// the search_path set to the store's schema (see migrations/README.md).
	SQL string
}

// migrations and functionsSQL are the embedded files, read once.
var migrations, functionsSQL = mustLoadMigrations(migrationFiles)

// Migrations returns the store's migrations in the order they run, for
// teams that apply them with their own migration tool: run each in order,
// then [FunctionsSQL], each with the search_path set to the store's schema.
// [Store.EnsureSchema] does all this itself.
func Migrations() []Migration { return slices.Clone(migrations) }

// FunctionsSQL returns the CREATE OR REPLACE statements of the functions
// Apply calls (migrations/functions.sql). It is not a migration: run it
// after the migrations, and again after every upgrade of this package, as
// the role that owns the functions.
func FunctionsSQL() string { return functionsSQL }

// SchemaTooNewError is the error of EnsureSchema when the database records
// a migration this package does not know: a newer version of sysconfig
// has upgraded the store. EnsureSchema then changes nothing, not even the
// functions, since this program's SQL may not match the newer tables.
//
// Only EnsureSchema checks: a program that never calls it is not stopped.
type SchemaTooNewError struct {
	// Database is the newest version recorded in sysconfig_migrations.
	Database int

	// Known is the newest version this package knows.
	Known int
}

func (e *SchemaTooNewError) Error() string {
	return fmt.Sprintf("the store's schema is at migration %d, newer than this program knows (%d): "+
		"a newer version of github.com/go-sysconfig/sysconfig has upgraded it; "+
		"run this program with that version or a later one (a store is never migrated down)",
		e.Database, e.Known)
}

// EnsureSchema brings the store's tables up to date, and is how a store
// is set up. In one transaction, under an advisory lock, with the
// search_path set to Options.Schema (which it creates if missing), it:
//
//   - creates sysconfig_migrations, the record of the migrations run, if
//     missing, and fails with a [*SchemaTooNewError] if it records a
//     version newer than [Migrations] knows;
//   - runs, in order, every migration not recorded there, and records it;
//   - runs [FunctionsSQL], replacing the functions Apply calls;
//   - starts the store's first epoch if it has none, or a new one if
//     sysconfig_values is not the table the epoch began with (see
//     [Store.Epoch]).
//
// It is idempotent, and safe to call from several processes at once: they
// run one after the other, and all but the first find nothing to migrate.
// A database set up by the former schema.sql records no migration: the
// first migration, all IF NOT EXISTS, changes nothing on it, and the
// later ones upgrade it.
//
// It first refuses a pool that goes through a connection pooler with a
// statement mode the pooler may break, with an error matching ErrPooler
// and runtime.ErrMisconfigured (see "Behind a connection pooler" in the
// package documentation; Options.PoolerKeepsStatements lifts it).
//
// It then checks, reading only, whether there is anything to do; on a
// store that is current it changes nothing and needs no privilege beyond
// reading sysconfig_migrations and sysconfig_meta, so that every process
// may call it at start-up under a role that cannot create tables (see the
// grants in the package documentation).
func (s *Store) EnsureSchema(ctx context.Context) error {
	err := s.checkStatementMode(ctx)
	if err == nil {
		err = s.ensureSchema(ctx)
	}
	if err != nil {
		return fmt.Errorf("sysconfig/pgstore: ensure schema: %w", classify(err))
	}
	return nil
}

// ensureSchema migrates the store unless it is current.
func (s *Store) ensureSchema(ctx context.Context) error {
	current, err := s.isCurrent(ctx)
	if err == nil && !current {
		err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return s.migrate(ctx, tx) })
	}
	return err
}

// isCurrent reports, reading only, whether the store needs nothing from
// EnsureSchema: every migration recorded (or a *SchemaTooNewError if a
// newer one is), the functions tagged as this package's, and the epoch
// begun with the current sysconfig_values.
func (s *Store) isCurrent(ctx context.Context) (bool, error) {
	var exists bool
	if err := s.pool.QueryRow(ctx, s.m.migrationsExist, s.m.migrationsName).Scan(&exists); err != nil || !exists {
		return false, err
	}
	rows, _ := s.pool.Query(ctx, s.m.listMigrations)
	versions, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		return false, err
	}
	known := migrations[len(migrations)-1].Version
	if newest := slices.Max(append(versions, 0)); newest > known {
		return false, &SchemaTooNewError{Database: newest, Known: known}
	}
	if len(versions) != known {
		return false, nil
	}
	var tag *string
	var epochOK *bool
	err = s.pool.QueryRow(ctx, s.m.currentState, s.m.conflictSignature, s.m.valuesName).Scan(&tag, &epochOK)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "42P01" { // sysconfig_meta dropped: migrate explains
		return false, nil
	}
	return err == nil && tag != nil && *tag == functionsTag && epochOK != nil && *epochOK, err
}

// migrate does EnsureSchema's work in tx.
func (s *Store) migrate(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1::int8)", ddlLockKey); err != nil {
		return err
	}
	if s.schema != "" {
		if err := s.useSchema(ctx, tx); err != nil {
			return err
		}
	}
	done, err := s.recordedMigrations(ctx, tx)
	if err != nil {
		return err
	}
	if err := s.runMigrations(ctx, tx, done); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, functionsSQL); err != nil {
		return fmt.Errorf("functions.sql: %w", err)
	}
	if _, err := tx.Exec(ctx, s.m.tagFunctions); err != nil {
		return fmt.Errorf("functions.sql: %w", err)
	}
	if _, err := tx.Exec(ctx, s.m.ensureEpoch, s.m.valuesName); err != nil {
		return fmt.Errorf("epoch: %w", explainMissingTable(err))
	}
	return nil
}

// explainMissingTable adds a remedy to an undefined_table error: after the
// migrations, a table can only be missing if it was dropped while
// sysconfig_migrations still records the migration that created it.
func explainMissingTable(err error) error {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "42P01" { // undefined_table
		return err
	}
	return fmt.Errorf("%w; the store's tables were dropped but not %s, which records the migrations "+
		"that created them as done: drop it too, and EnsureSchema will run them again", err, migrationsTable)
}

// useSchema creates the schema unless it exists (CREATE SCHEMA IF NOT EXISTS
// would need the CREATE privilege on the database even when it does), and
// makes it the transaction's search_path.
func (s *Store) useSchema(ctx context.Context, tx pgx.Tx) error {
	name := pgx.Identifier{s.schema}.Sanitize()
	var exists bool
	err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT FROM pg_namespace WHERE nspname = $1)", s.schema).Scan(&exists)
	if err == nil && !exists {
		_, err = tx.Exec(ctx, "CREATE SCHEMA "+name)
	}
	if err == nil {
		_, err = tx.Exec(ctx, "SELECT set_config('search_path', $1, true)", name)
	}
	return err
}

// recordedMigrations creates sysconfig_migrations if missing and returns
// the versions it records, or a *SchemaTooNewError.
func (s *Store) recordedMigrations(ctx context.Context, tx pgx.Tx) (map[int]bool, error) {
	if _, err := tx.Exec(ctx, s.m.createMigrations); err != nil {
		return nil, err
	}
	rows, _ := tx.Query(ctx, s.m.listMigrations)
	versions, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		return nil, err
	}
	known := migrations[len(migrations)-1].Version
	done := make(map[int]bool, len(versions))
	for _, v := range versions {
		if v > known {
			return nil, &SchemaTooNewError{Database: slices.Max(versions), Known: known}
		}
		done[v] = true
	}
	return done, nil
}

// runMigrations runs and records, in order, the migrations not in done.
func (s *Store) runMigrations(ctx context.Context, tx pgx.Tx, done map[int]bool) error {
	for _, m := range migrations {
		if done[m.Version] {
			continue
		}
		if _, err := tx.Exec(ctx, m.SQL); err != nil {
			return fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
		}
		if _, err := tx.Exec(ctx, s.m.recordMigration, m.Version, m.Name); err != nil {
			return fmt.Errorf("record migration %d: %w", m.Version, err)
		}
	}
	return nil
}

// Epoch returns the store's epoch: when its current incarnation began, in
// microseconds since 1970-01-01 UTC (the server's clock). Versions are
// only ordered within one epoch: a store that was recreated, restored or
// failed over may give out again versions it gave out before, and starts
// a new, greater epoch when it does, so that whoever remembers versions
// (a cache, a reader resuming with Since) can tell and start over.
//
// EnsureSchema starts the first epoch, and a new one when it finds that
// sysconfig_values is not the table the epoch began with (the tables were
// recreated, or restored by pg_restore); after a restore that keeps the
// tables, call [Store.NewEpoch]. An epoch only grows.
func (s *Store) Epoch(ctx context.Context) (int64, error) {
	var epoch int64
	err := s.pool.QueryRow(ctx, s.m.epoch).Scan(&epoch)
	if errors.Is(err, pgx.ErrNoRows) {
		err = fmt.Errorf("the store has no epoch yet; run EnsureSchema: %w", err)
	}
	if err != nil {
		return 0, fmt.Errorf("sysconfig/pgstore: epoch: %w", err)
	}
	return epoch, nil
}

// NewEpoch starts a new epoch and returns it: the current time in
// microseconds, or the previous epoch plus one if that is greater. It is
// for operators, after events that may make the store give out versions
// again but that EnsureSchema cannot see: a point-in-time restore into the
// same tables, or a failover to a replica that may have lost commits.
func (s *Store) NewEpoch(ctx context.Context) (int64, error) {
	var epoch int64
	if err := s.pool.QueryRow(ctx, s.m.newEpoch, s.m.valuesName).Scan(&epoch); err != nil {
		return 0, fmt.Errorf("sysconfig/pgstore: new epoch: %w", err)
	}
	return epoch, nil
}

// migrationQueries holds the SQL of EnsureSchema and of the epoch, with
// the table names qualified (see qualify).
type migrationQueries struct {
	createMigrations, listMigrations, recordMigration string
	epoch, ensureEpoch, newEpoch                      string
	migrationsExist, currentState, tagFunctions       string

	// Qualified names as text, for ::regclass and to_regprocedure, which
	// read them as SQL would: sysconfig_values, sysconfig_migrations, and
	// sysconfig_conflict with its argument types.
	valuesName, migrationsName, conflictSignature string
}

func newMigrationQueries(schema string) migrationQueries {
	r := namer(schema)
	return migrationQueries{
		createMigrations:  r.Replace(createMigrationsSQL),
		listMigrations:    r.Replace(listMigrationsSQL),
		recordMigration:   r.Replace(recordMigrationSQL),
		epoch:             r.Replace(epochSQL),
		ensureEpoch:       r.Replace(ensureEpochSQL),
		newEpoch:          r.Replace(newEpochSQL),
		migrationsExist:   migrationsExistSQL,
		currentState:      r.Replace(currentStateSQL),
		tagFunctions:      strings.ReplaceAll(r.Replace(tagFunctionsSQL), "{functions_tag}", functionsTag),
		valuesName:        qualify(schema, valuesTable),
		migrationsName:    qualify(schema, migrationsTable),
		conflictSignature: qualify(schema, conflictFunc) + conflictArgs,
	}
}

// conflictArgs are sysconfig_conflict's argument types, which name it.
const conflictArgs = "(text, bigint, bigint)"

// functionsTag is the comment EnsureSchema puts on sysconfig_conflict once
// it has run functions.sql: a digest of that file, so that the next
// EnsureSchema can tell, reading only, that the functions are this
// package's.
var functionsTag = "sysconfig functions " + digest(functionsSQL)

// digest returns the first 16 hex digits of s's SHA-256.
func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}

const (
	// createMigrationsSQL creates the record of the migrations run: one
	// row per migration, with its name and when it ran. It is not itself
	// a migration, since it must exist before any can be recorded.
	createMigrationsSQL = `CREATE TABLE IF NOT EXISTS {migrations} (
		version    int PRIMARY KEY,
		name       text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now()
	)`
	listMigrationsSQL  = `SELECT version FROM {migrations}`
	recordMigrationSQL = `INSERT INTO {migrations} (version, name) VALUES ($1, $2)`

	epochSQL = `SELECT epoch FROM {meta}`

	// migrationsExistSQL tells whether sysconfig_migrations exists ($1: its
	// qualified name), without failing when it does not.
	migrationsExistSQL = `SELECT to_regclass($1) IS NOT NULL`

	// currentStateSQL reads what else EnsureSchema would change: the
	// functions' tag ($1: sysconfig_conflict's signature) and whether the
	// epoch began with the current sysconfig_values ($2).
	currentStateSQL = `SELECT obj_description(to_regprocedure($1), 'pg_proc'),
		(SELECT values_oid = to_regclass($2) FROM {meta})`

	// tagFunctionsSQL marks the functions as this package's (see
	// functionsTag); the tag is a literal, as COMMENT takes no parameter.
	tagFunctionsSQL = `COMMENT ON FUNCTION {conflict}` + conflictArgs + ` IS '` + "{functions_tag}" + `'`

	// startEpochSQL inserts the meta row ($1: sysconfig_values' name) with
	// a new epoch, now in microseconds, or, if the row exists, moves it to
	// a new epoch, which is now or the old epoch plus one, whichever is
	// greater, so that epochs grow even if the clock goes back.
	startEpochSQL = `INSERT INTO {meta} AS m (epoch, values_oid)
		VALUES ((extract(epoch FROM clock_timestamp()) * 1000000)::bigint, $1::text::regclass)
		ON CONFLICT (singleton) DO UPDATE
		SET epoch = greatest(m.epoch + 1, excluded.epoch), values_oid = excluded.values_oid`

	// ensureEpochSQL starts the first epoch, or a new one only if
	// sysconfig_values' oid has changed since the current one began.
	ensureEpochSQL = startEpochSQL + `
		WHERE m.values_oid <> excluded.values_oid`

	// newEpochSQL starts a new epoch unconditionally and returns it.
	newEpochSQL = startEpochSQL + `
		RETURNING m.epoch`
)

// mustLoadMigrations reads the migrations, in version order, and
// functions.sql from files. They are embedded at build time, so a
// misnamed or missing file is a bug of this package, and it panics.
func mustLoadMigrations(files fs.FS) ([]Migration, string) {
	names, err := fs.Glob(files, "migrations/[0-9]*.sql")
	if err != nil || len(names) == 0 {
		panic(fmt.Sprintf("sysconfig/pgstore: no embedded migrations: %v", err))
	}
	list := make([]Migration, 0, len(names))
	for i, name := range names { // fs.Glob sorts
		m := mustReadMigration(files, name)
		if m.Version != i+1 {
			panic(fmt.Sprintf("sysconfig/pgstore: migration %s: want version %d: versions start at 1, with no gaps", name, i+1))
		}
		list = append(list, m)
	}
	functions, err := fs.ReadFile(files, "migrations/functions.sql")
	if err != nil {
		panic("sysconfig/pgstore: " + err.Error())
	}
	return list, string(functions)
}

// mustReadMigration reads one NNNN_name.sql file.
func mustReadMigration(files fs.FS, name string) Migration {
	num, rest, ok := strings.Cut(strings.TrimSuffix(path.Base(name), ".sql"), "_")
	version, err := strconv.Atoi(num)
	if !ok || err != nil || len(num) != 4 || rest == "" {
		panic(fmt.Sprintf("sysconfig/pgstore: migration %s: want a name like 0001_name.sql", name))
	}
	sql, err := fs.ReadFile(files, name)
	if err != nil {
		panic("sysconfig/pgstore: " + err.Error())
	}
	return Migration{Version: version, Name: rest, SQL: string(sql)}
}

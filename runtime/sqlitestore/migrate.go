package sqlitestore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// migrationFiles holds the store's DDL: the numbered migrations.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migration is one numbered step of the store's DDL, as shipped in
// runtime/sqlitestore/migrations/NNNN_name.sql.
type Migration struct {
	// Version is the migration's number. Versions start at 1, have no
	// gaps, and migrations run in their order.
	Version int

	// Name is the file's name without its number and extension:
	// "initial" for 0001_initial.sql.
	Name string

	// SQL is the file's content.
	SQL string
}

// migrations are the embedded files, read once.
var migrations = mustLoadMigrations(migrationFiles)

// Migrations returns the store's migrations in the order they run.
// [Store.EnsureSchema] runs them itself.
func Migrations() []Migration { return slices.Clone(migrations) }

// SchemaTooNewError is the error of EnsureSchema when the file records a
// migration this package does not know: a newer version of sysconfig has
// upgraded it. EnsureSchema then changes nothing.
type SchemaTooNewError struct {
	File  int // the newest version recorded in sysconfig_migrations
	Known int // the newest version this package knows
}

func (e *SchemaTooNewError) Error() string {
	return fmt.Sprintf("the store's file is at migration %d, newer than this program knows (%d): "+
		"a newer version of github.com/go-sysconfig/sysconfig has upgraded it; "+
		"run this program with that version or a later one (a store is never migrated down)",
		e.File, e.Known)
}

// EnsureSchema sets the store's file up, or upgrades it, and is how a
// store is set up: it creates the file if missing (unless
// Options.MustExist), puts it in WAL mode (which lets readers read while
// a writer writes, and other processes share the file), and, unless every
// migration is recorded already, in one write transaction:
//
//   - creates sysconfig_migrations, the record of the migrations run, if
//     missing, and fails with a [*SchemaTooNewError] if it records a
//     version newer than [Migrations] knows;
//   - runs, in order, every migration not recorded there, and records it;
//   - makes sure the meta row is there: the first migration inserts it,
//     starting the file's first epoch; if it was deleted since, a new
//     epoch starts, with the version counter above every version in the
//     file.
//
// It is idempotent, and safe to call from several processes at once:
// SQLite runs their transactions one after the other, and all but the
// first find nothing to do. On a current file it only reads.
func (s *Store) EnsureSchema(ctx context.Context) error {
	giveUp := time.Now().Add(s.busyTimeout)
	for {
		err := s.walMode(ctx)
		if err == nil {
			err = s.ensureSchema(ctx)
		}
		if err == nil {
			return nil
		}
		// Processes creating the file together meet SQLite locks that its
		// busy handler does not wait for (the switch to WAL, a read lock
		// that must become a write lock): the work is idempotent, so try
		// again until the busy timeout is spent.
		if !isBusy(err) || ctx.Err() != nil || time.Now().After(giveUp) {
			return fmt.Errorf("sysconfig/sqlitestore: ensure schema: %w", classify(err))
		}
		time.Sleep(ensureRetryPause)
	}
}

// ensureRetryPause is how long EnsureSchema waits before it tries again
// after meeting another process's lock.
const ensureRetryPause = 10 * time.Millisecond

// walMode puts the file in WAL mode, once for good (the mode is kept in
// the file), and fails if SQLite refuses (a file system without shared
// memory, say).
func (s *Store) walMode(ctx context.Context) error {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := waitBusy(ctx, conn, s.busyTimeout); err != nil { // not the last write's
		return err
	}
	var mode string
	if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode = WAL").Scan(&mode); err != nil {
		return err
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("SQLite kept the journal mode %q instead of WAL", mode)
	}
	return nil
}

// ensureSchema migrates the store unless it is current.
func (s *Store) ensureSchema(ctx context.Context) error {
	current, err := s.isCurrent(ctx)
	if err != nil || current {
		return err
	}
	epoch := nextEpoch(0, s.mark.get().epoch)
	return s.inTx(ctx, s.busyTimeout, func(tx *sql.Tx) error { return migrate(ctx, tx, epoch) })
}

// isCurrent reports, reading only, whether every migration is recorded
// and the meta row is there (or a *SchemaTooNewError).
func (s *Store) isCurrent(ctx context.Context) (bool, error) {
	var tables int
	if err := s.r.QueryRowContext(ctx, tablesExistSQL).Scan(&tables); err != nil || tables < 2 {
		return false, err
	}
	versions, err := recorded(ctx, s.r)
	if err != nil || len(versions) != len(migrations) {
		return false, err
	}
	var rows int
	err = s.r.QueryRowContext(ctx, "SELECT count(*) FROM "+metaTable).Scan(&rows)
	return rows == 1, err
}

// querier is what reads the migrations: the store's reader or a transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// recorded returns the versions sysconfig_migrations records, or a
// *SchemaTooNewError if one is newer than this package knows.
func recorded(ctx context.Context, q querier) (map[int]bool, error) {
	rows, err := q.QueryContext(ctx, "SELECT version FROM "+migrationsTable)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	known := migrations[len(migrations)-1].Version
	done := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		if v > known {
			return nil, &SchemaTooNewError{File: v, Known: known}
		}
		done[v] = true
	}
	return done, rows.Err()
}

// migrate does EnsureSchema's work in tx; epoch is the one to start if
// the meta row is missing after the migrations.
func migrate(ctx context.Context, tx *sql.Tx, epoch int64) error {
	if _, err := tx.ExecContext(ctx, createMigrationsSQL); err != nil {
		return err
	}
	done, err := recorded(ctx, tx)
	if err != nil {
		return err
	}
	for _, m := range migrations {
		if done[m.Version] {
			continue
		}
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			return fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
		}
		if _, err := tx.ExecContext(ctx, recordMigrationSQL, m.Version, m.Name, micros(time.Now())); err != nil {
			return fmt.Errorf("record migration %d: %w", m.Version, err)
		}
	}
	_, err = tx.ExecContext(ctx, ensureMetaSQL, epoch)
	return err
}

const (
	// tablesExistSQL counts the tables isCurrent reads.
	tablesExistSQL = `SELECT count(*) FROM sqlite_schema
		WHERE type = 'table' AND name IN ('sysconfig_migrations', 'sysconfig_meta')`

	// createMigrationsSQL creates the record of the migrations run. It is
	// not itself a migration, since it must exist before any can be
	// recorded.
	createMigrationsSQL = `CREATE TABLE IF NOT EXISTS sysconfig_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at INTEGER NOT NULL
	)`

	recordMigrationSQL = `INSERT INTO sysconfig_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)`

	// ensureMetaSQL inserts the meta row if it is missing, with a new
	// epoch ($1) and the counter above every version in the file.
	ensureMetaSQL = `INSERT INTO sysconfig_meta (singleton, epoch, version)
		SELECT 1, ?1, max(coalesce((SELECT max(version) FROM sysconfig_history), 0),
			coalesce((SELECT max(version) FROM sysconfig_changes), 0),
			coalesce((SELECT max(version) FROM sysconfig_values), 0))
		WHERE NOT EXISTS (SELECT 1 FROM sysconfig_meta)`
)

// mustLoadMigrations reads the numbered migrations of files, in order,
// and panics if they are misnamed or numbered with gaps: a bug of this
// package, caught by its tests.
func mustLoadMigrations(files fs.FS) []Migration {
	names, err := fs.Glob(files, "migrations/*.sql")
	if err != nil {
		panic("sysconfig/sqlitestore: " + err.Error())
	}
	slices.Sort(names)
	var out []Migration
	for i, name := range names {
		m := parseMigration(files, name)
		if m.Version != i+1 {
			panic(fmt.Sprintf("sysconfig/sqlitestore: migration %s: want number %04d", name, i+1))
		}
		out = append(out, m)
	}
	return out
}

// parseMigration reads one migration file named NNNN_name.sql.
func parseMigration(files fs.FS, name string) Migration {
	num, rest, ok := strings.Cut(strings.TrimSuffix(path.Base(name), ".sql"), "_")
	version, err := strconv.Atoi(num)
	if !ok || err != nil || len(num) != 4 || rest == "" {
		panic(fmt.Sprintf("sysconfig/sqlitestore: migration %s: want a name like 0001_name.sql", name))
	}
	sql, err := fs.ReadFile(files, name)
	if err != nil {
		panic("sysconfig/sqlitestore: " + err.Error())
	}
	return Migration{Version: version, Name: rest, SQL: string(sql)}
}

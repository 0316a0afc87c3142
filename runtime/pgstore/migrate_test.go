package pgstore_test

import (
	"context"
	"errors"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/go-sysconfig/sysconfig/internal/testenv"
	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/pgstore"
)

// schemaV0 is a frozen copy of schema.sql as it was before migrations were
// versioned: the DDL of every store set up until then. Never change it.
const schemaV0 = "testdata/schema_v0.sql"

// TestMigrationFiles checks the embedded migrations: numbered from 1 with
// no gaps, and, together with the beginning of functions.sql, the same
// DDL as schema_v0.sql up to comments and layout, plus the later
// migrations and functions.
func TestMigrationFiles(t *testing.T) {
	ms := pgstore.Migrations()
	for i, m := range ms {
		if m.Version != i+1 || m.Name == "" || m.SQL == "" {
			t.Errorf("Migrations()[%d] = %d %q (%d bytes of SQL)", i, m.Version, m.Name, len(m.SQL))
		}
	}
	if len(ms) < 3 || ms[0].Name != "initial" || ms[1].Name != "epoch_and_changes" || ms[2].Name != "audit" {
		t.Fatalf("Migrations() = %+v", ms)
	}
	ms[0].SQL = "changed"
	if pgstore.Migrations()[0].SQL == "changed" {
		t.Error("Migrations() returns the package's own slice")
	}
	v0, err := os.ReadFile(schemaV0)
	if err != nil {
		t.Fatal(err)
	}
	tables, functions, _ := strings.Cut(normalizeSQL(string(v0)), "CREATE OR REPLACE FUNCTION")
	if got := normalizeSQL(pgstore.Migrations()[0].SQL); got != strings.TrimSpace(tables) {
		t.Errorf("0001_initial.sql is not schema_v0.sql's DDL:\n%s\nwant:\n%s", got, tables)
	}
	if got := normalizeSQL(pgstore.FunctionsSQL()); !strings.HasPrefix(got, "CREATE OR REPLACE FUNCTION"+functions) {
		t.Errorf("functions.sql does not begin with schema_v0.sql's functions:\n%s", got)
	}
}

// normalizeSQL drops comments and collapses white space.
func normalizeSQL(sql string) string {
	sql = regexp.MustCompile(`(?m)--.*$`).ReplaceAllString(sql, "")
	return strings.TrimSpace(strings.Join(strings.Fields(sql), " "))
}

// TestUpgradeFromSchemaV0 sets a store up with the frozen schema_v0.sql,
// writes to it as the store did then, and upgrades it with EnsureSchema:
// the data and the sequence are kept, every migration runs and is
// recorded, the old writes read as history without a change set or an
// attribution, new writes record theirs, and a second EnsureSchema
// changes nothing.
func TestUpgradeFromSchemaV0(t *testing.T) {
	pool, schema := testenv.Postgres(t)
	v0, err := os.ReadFile(schemaV0)
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, pool, string(v0))
	writeV0(t, pool, "app.a.x", "1")
	writeV0(t, pool, "app.a.y", "2")
	writeV0(t, pool, "app.a.x", "3")
	writeV0(t, pool, "app.a.y", nil) // a reset
	mustExec(t, pool, "SELECT setval('sysconfig_version', 100)")
	values, history := dumpData(t, pool), dumpHistory(t, pool)

	before := time.Now()
	s := pgstore.New(pool, pgstore.Options{Schema: schema})
	if err := s.EnsureSchema(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if got := dumpData(t, pool); got != values {
		t.Errorf("values after the upgrade:\n%s\nwant:\n%s", got, values)
	}
	if got := dumpHistory(t, pool); got != history {
		t.Errorf("history after the upgrade:\n%s\nwant:\n%s", got, history)
	}
	assertMigrations(t, pool)
	assertEpochTables(t, pool, schema)
	assertAuditColumns(t, pool, schema)
	assertUnattributed(t, s, "app.a.x", 2)
	epoch := mustEpoch(t, s)
	assertPlausibleEpoch(t, epoch, before)
	if v := mustApply(t, s, "app", set("app.a.z", "4"))[0].New.Version; v <= 100 {
		t.Errorf("version after the upgrade = %d, want > 100: the sequence was reset", v)
	}
	assertAttributed(t, s, "app.a.x")
	assertSecondRunChangesNothing(t, schema, epoch)
}

// TestUpgradeFromMigration2 migrates a store by hand to migration 2 (the
// files of a release are frozen), writes change sets to it as the store
// did then, and upgrades it with EnsureSchema: values, history and change
// sets are kept, migration 3 runs, the old change sets read without an
// attribution, and new ones record theirs.
func TestUpgradeFromMigration2(t *testing.T) {
	pool, schema := testenv.Postgres(t)
	for _, m := range pgstore.Migrations()[:2] {
		mustExec(t, pool, m.SQL)
	}
	mustExec(t, pool, pgstore.FunctionsSQL())
	writeV2(t, pool, "app.a.x", "1")
	writeV2(t, pool, "app.a.x", nil)
	writeV2(t, pool, "app.a.x", "2")
	values, history := dumpData(t, pool), dumpHistory(t, pool)
	const dumpChanges = `SELECT json_agg(json_build_array(id, app, version, changed_at) ORDER BY version)::text
		FROM sysconfig_changes`
	changes := queryString(t, pool, dumpChanges)

	s := pgstore.New(pool, pgstore.Options{Schema: schema})
	if err := s.EnsureSchema(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if dumpData(t, pool) != values || dumpHistory(t, pool) != history {
		t.Error("the upgrade changed sysconfig_values or sysconfig_history")
	}
	if got := queryString(t, pool, dumpChanges); got != changes {
		t.Errorf("change sets after the upgrade:\n%s\nwant:\n%s", got, changes)
	}
	assertMigrations(t, pool)
	assertAuditColumns(t, pool, schema)
	hist := assertUnattributed(t, s, "app.a.x", 3)
	for _, h := range hist {
		if len(h.ChangeID) != 36 {
			t.Errorf("entry %+v lost its change set", h)
		}
	}
	if hist[0].OldVersion != hist[1].Version || hist[0].Set != true || hist[1].Set {
		t.Errorf("history after the upgrade = %+v, want 1, reset, 2 with their old versions", hist)
	}
	assertAttributed(t, s, "app.a.x")
}

// writeV2 writes a value (nil: a reset) as one change set, as the store
// did with migration 2: a history row naming the change and the old
// version, and the change's row without attribution.
func writeV2(t *testing.T, pool *pgxpool.Pool, path string, value any) {
	t.Helper()
	mustExec(t, pool, `WITH prev AS (
		SELECT value, version FROM sysconfig_values WHERE path = $1
	), upserted AS (
		INSERT INTO sysconfig_values AS t (path, app, value) VALUES ($1, 'app', $2)
		ON CONFLICT (path) DO UPDATE
		SET value = excluded.value, version = excluded.version, updated_at = now()
		RETURNING t.version
	), logged AS (
		INSERT INTO sysconfig_history (path, app, version, value, old_value, old_version, change_id)
		SELECT $1, 'app', upserted.version, $2, (SELECT value FROM prev), (SELECT version FROM prev), $3::uuid
		FROM upserted
	)
	INSERT INTO sysconfig_changes (id, app, version) SELECT $3::uuid, 'app', version FROM upserted`,
		path, value, runtime.NewChangeID())
}

// assertAuditColumns checks that migration 3 ran: sysconfig_changes has
// its columns, and its index exists.
func assertAuditColumns(t *testing.T, pool *pgxpool.Pool, schema string) {
	t.Helper()
	var columns, indexes int
	err := pool.QueryRow(testCtx(t), `SELECT
		(SELECT count(*) FROM information_schema.columns WHERE table_schema = $1
			AND table_name = 'sysconfig_changes' AND column_name IN ('actor', 'reason', 'source', 'reverts')),
		(SELECT count(*) FROM pg_indexes WHERE schemaname = $1 AND indexname = 'sysconfig_changes_app_version')`,
		schema).Scan(&columns, &indexes)
	if err != nil || columns != 4 || indexes != 1 {
		t.Errorf("migration 3: %d of 4 columns, %d of 1 index (%v)", columns, indexes, err)
	}
}

// assertUnattributed checks that path's history, read through the store,
// has n entries recorded before attribution existed, and returns them.
func assertUnattributed(t *testing.T, s *pgstore.Store, path string, n int) []runtime.HistoryEntry {
	t.Helper()
	hist, err := s.History(testCtx(t), path, 10)
	if err != nil || len(hist) != n {
		t.Fatalf("History(%s) after the upgrade = %+v, %v; want %d entries", path, hist, err, n)
	}
	for _, h := range hist {
		if h.ChangeInfo != (runtime.ChangeInfo{}) {
			t.Errorf("an entry written before the upgrade has an attribution: %+v", h)
		}
	}
	return hist
}

// assertAttributed writes path with an attribution and finds it in the
// path's history.
func assertAttributed(t *testing.T, s *pgstore.Store, path string) {
	t.Helper()
	ch := change("app", set(path, "after"))
	ch.ChangeInfo = runtime.ChangeInfo{Actor: "ops", Reason: "after the upgrade", Source: runtime.FromAdmin}
	if _, err := s.Apply(testCtx(t), ch); err != nil {
		t.Fatal(err)
	}
	hist, err := s.History(testCtx(t), path, 1)
	if err != nil || len(hist) != 1 || hist[0].ChangeID != ch.ID || hist[0].ChangeInfo != ch.ChangeInfo {
		t.Errorf("History(%s) after an attributed write = %+v, %v; want change %s with %+v", path, hist, err, ch.ID, ch.ChangeInfo)
	}
}

// writeV0 writes a value (nil: a reset) as the store did with schema_v0:
// the row takes the sequence's next version, and a history row records
// the old value.
func writeV0(t *testing.T, pool *pgxpool.Pool, path string, value any) {
	t.Helper()
	mustExec(t, pool, `WITH prev AS (
		SELECT value FROM sysconfig_values WHERE path = $1
	), upserted AS (
		INSERT INTO sysconfig_values AS t (path, app, value) VALUES ($1, 'app', $2)
		ON CONFLICT (path) DO UPDATE
		SET value = excluded.value, version = excluded.version, updated_at = now()
		RETURNING t.version
	)
	INSERT INTO sysconfig_history (path, app, version, value, old_value)
	SELECT $1, 'app', upserted.version, $2, (SELECT value FROM prev) FROM upserted`, path, value)
}

// dumpData returns sysconfig_values as JSON, in path order.
func dumpData(t *testing.T, pool *pgxpool.Pool) string {
	t.Helper()
	return queryString(t, pool, `SELECT json_agg(v ORDER BY path)::text FROM sysconfig_values AS v`)
}

// dumpHistory returns schema_v0's columns of sysconfig_history as JSON.
func dumpHistory(t *testing.T, pool *pgxpool.Pool) string {
	t.Helper()
	return queryString(t, pool, `SELECT json_agg(json_build_array(
		id, path, app, version, value, old_value, changed_at) ORDER BY id)::text
		FROM sysconfig_history`)
}

// assertMigrations checks that sysconfig_migrations records every
// migration, once each.
func assertMigrations(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	rows, _ := pool.Query(testCtx(t), `SELECT version || ' ' || name FROM sysconfig_migrations ORDER BY version`)
	got, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if want := []string{"1 initial", "2 epoch_and_changes", "3 audit", "4 reveals"}; err != nil || !slices.Equal(got, want) {
		t.Errorf("sysconfig_migrations = %q, %v; want %q", got, err, want)
	}
}

// assertEpochTables checks that migration 2 ran: its tables, columns and
// index exist, and the meta row names sysconfig_values.
func assertEpochTables(t *testing.T, pool *pgxpool.Pool, schema string) {
	t.Helper()
	var tables, columns int
	var oidOK bool
	err := pool.QueryRow(testCtx(t), `SELECT
		(SELECT count(*) FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
			WHERE n.nspname = $1 AND c.relname IN ('sysconfig_meta', 'sysconfig_changes', 'sysconfig_history_change')),
		(SELECT count(*) FROM information_schema.columns WHERE table_schema = $1
			AND table_name = 'sysconfig_history' AND column_name IN ('change_id', 'old_version')),
		(SELECT values_oid = 'sysconfig_values'::regclass FROM sysconfig_meta)`, schema).Scan(&tables, &columns, &oidOK)
	if err != nil || tables != 3 || columns != 2 || !oidOK {
		t.Errorf("migration 2: %d of 3 relations, %d of 2 columns, meta row names sysconfig_values: %v (%v)",
			tables, columns, oidOK, err)
	}
}

// assertSecondRunChangesNothing runs EnsureSchema again, on a pool that
// records its statements: it must run no migration, record nothing and
// keep the epoch.
func assertSecondRunChangesNothing(t *testing.T, schema string, epoch int64) {
	t.Helper()
	tracer := &sqlTracer{}
	pool := tracedPool(t, schema, tracer)
	recorded := queryString(t, pool, `SELECT json_agg(m ORDER BY version)::text FROM sysconfig_migrations AS m`)
	s := pgstore.New(pool, pgstore.Options{Schema: schema})
	if err := s.EnsureSchema(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if len(tracer.statements()) == 0 {
		t.Error("the tracer saw nothing")
	}
	for _, stmt := range tracer.statements() { // a current store is checked, not migrated
		if !strings.HasPrefix(strings.TrimSpace(stmt), "SELECT") {
			t.Errorf("the second EnsureSchema ran more than reads: %.80q", stmt)
		}
	}
	if got := queryString(t, pool, `SELECT json_agg(m ORDER BY version)::text FROM sysconfig_migrations AS m`); got != recorded {
		t.Errorf("sysconfig_migrations after a second EnsureSchema:\n%s\nwant:\n%s", got, recorded)
	}
	if got := mustEpoch(t, s); got != epoch {
		t.Errorf("epoch after a second EnsureSchema = %d, want %d", got, epoch)
	}
}

// TestFreshInstall: EnsureSchema on an empty schema runs and records every
// migration and starts the first epoch.
func TestFreshInstall(t *testing.T) {
	before := time.Now()
	s, pool := newStore(t)
	assertMigrations(t, pool)
	assertPlausibleEpoch(t, mustEpoch(t, s), before)
}

// TestMigrateByHand follows migrations/README.md: a store migrated with
// Migrations and FunctionsSQL works, and a later EnsureSchema records the
// migrations without starting a new epoch.
func TestMigrateByHand(t *testing.T) {
	pool, schema := testenv.Postgres(t) // its search_path is the schema
	for _, m := range pgstore.Migrations() {
		mustExec(t, pool, m.SQL)
	}
	mustExec(t, pool, pgstore.FunctionsSQL())
	s := pgstore.New(pool, pgstore.Options{Schema: schema})
	mustApply(t, s, "app", set("app.a.b", "1"))
	epoch := mustEpoch(t, s)
	if err := s.EnsureSchema(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	assertMigrations(t, pool)
	if got := mustEpoch(t, s); got != epoch {
		t.Errorf("epoch after EnsureSchema = %d, want %d", got, epoch)
	}
}

// TestSchemaTooNew: a database that records a migration this package does
// not know makes EnsureSchema fail with a *SchemaTooNewError, and change
// nothing.
func TestSchemaTooNew(t *testing.T) {
	known := len(pgstore.Migrations())
	t.Run("empty", func(t *testing.T) {
		pool, schema := testenv.Postgres(t)
		mustExec(t, pool, `CREATE TABLE sysconfig_migrations (
			version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`)
		mustExec(t, pool, `INSERT INTO sysconfig_migrations (version, name) VALUES (9999, 'from_the_future')`)
		assertTooNew(t, pgstore.New(pool, pgstore.Options{Schema: schema}), 9999, known)
		if got := queryString(t, pool, `SELECT coalesce(to_regclass('sysconfig_values')::text, 'none')`); got != "none" {
			t.Errorf("a failed EnsureSchema created sysconfig_values")
		}
	})
	t.Run("migrated", func(t *testing.T) {
		s, pool := newStore(t)
		mustExec(t, pool, `INSERT INTO sysconfig_migrations (version, name) VALUES (9999, 'from_the_future')`)
		assertTooNew(t, s, 9999, known)
	})
}

func assertTooNew(t *testing.T, s *pgstore.Store, database, known int) {
	t.Helper()
	err := s.EnsureSchema(testCtx(t))
	var tooNew *pgstore.SchemaTooNewError
	if !errors.As(err, &tooNew) || *tooNew != (pgstore.SchemaTooNewError{Database: database, Known: known}) {
		t.Fatalf("EnsureSchema = %v, want a *SchemaTooNewError{%d, %d}", err, database, known)
	}
	t.Logf("EnsureSchema: %v", err)
}

// TestEpochAfterRestore simulates a pg_dump and pg_restore: the restored
// sysconfig_values is a new table, with the same rows, so EnsureSchema
// starts a new epoch.
func TestEpochAfterRestore(t *testing.T) {
	s, pool := newStore(t)
	written := mustApply(t, s, "app", set("app.a.b", "1"))[0].New
	epoch := mustEpoch(t, s)
	mustExec(t, pool, `ALTER TABLE sysconfig_values RENAME TO sysconfig_values_dumped`)
	mustExec(t, pool, `CREATE TABLE sysconfig_values (LIKE sysconfig_values_dumped INCLUDING ALL)`)
	mustExec(t, pool, `INSERT INTO sysconfig_values SELECT * FROM sysconfig_values_dumped`)
	mustExec(t, pool, `DROP TABLE sysconfig_values_dumped`)
	if err := s.EnsureSchema(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	restored := mustEpoch(t, s)
	if restored <= epoch {
		t.Errorf("epoch after a restore = %d, want > %d", restored, epoch)
	}
	written.Epoch = restored // the same record, in the new epoch
	assertRecords(t, mustLoad(t, s, "app.a.b"), []runtime.Record{written})
	if err := s.EnsureSchema(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if got := mustEpoch(t, s); got != restored {
		t.Errorf("epoch after another EnsureSchema = %d, want %d", got, restored)
	}
}

// TestEpochAfterRecreate: dropping every table but sysconfig_meta (and so
// the record of migrations) makes EnsureSchema recreate them, record the
// migrations again and start a new epoch.
func TestEpochAfterRecreate(t *testing.T) {
	s, pool := newStore(t)
	mustApply(t, s, "app", set("app.a.b", "1"))
	epoch := mustEpoch(t, s)
	mustExec(t, pool, `DROP TABLE sysconfig_values, sysconfig_history, sysconfig_changes, sysconfig_migrations`)
	mustExec(t, pool, `DROP SEQUENCE sysconfig_version`)
	if err := s.EnsureSchema(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if got := mustEpoch(t, s); got <= epoch {
		t.Errorf("epoch after recreating the tables = %d, want > %d", got, epoch)
	}
	assertMigrations(t, pool)
	mustApply(t, s, "app", set("app.a.b", "2"))
}

// TestDroppedTableIsExplained: a table dropped while sysconfig_migrations
// still records the migration that created it is not recreated, and
// EnsureSchema says what to do.
func TestDroppedTableIsExplained(t *testing.T) {
	s, pool := newStore(t)
	mustExec(t, pool, `DROP TABLE sysconfig_values`)
	err := s.EnsureSchema(testCtx(t))
	t.Logf("EnsureSchema: %v", err)
	if err == nil || !strings.Contains(err.Error(), "drop it too") {
		t.Fatalf("EnsureSchema = %v, want an error that explains the remedy", err)
	}
	mustExec(t, pool, `DROP TABLE sysconfig_migrations`)
	if err := s.EnsureSchema(testCtx(t)); err != nil {
		t.Fatalf("EnsureSchema after following the remedy: %v", err)
	}
	mustApply(t, s, "app", set("app.a.b", "1"))
}

// TestNewEpoch: NewEpoch starts a greater epoch every time, even when the
// current one is ahead of the clock, and EnsureSchema keeps it.
func TestNewEpoch(t *testing.T) {
	s, pool := newStore(t)
	epoch := mustEpoch(t, s)
	next, err := s.NewEpoch(testCtx(t))
	if err != nil || next <= epoch {
		t.Fatalf("NewEpoch = %d, %v; want > %d", next, err, epoch)
	}
	if got := mustEpoch(t, s); got != next {
		t.Errorf("Epoch = %d after NewEpoch returned %d", got, next)
	}
	ahead := time.Now().Add(time.Hour).UnixMicro() // as if the clock went back
	mustExec(t, pool, `UPDATE sysconfig_meta SET epoch = $1`, ahead)
	if got, err := s.NewEpoch(testCtx(t)); err != nil || got != ahead+1 {
		t.Errorf("NewEpoch after %d = %d, %v; want %d", ahead, got, err, ahead+1)
	}
	if err := s.EnsureSchema(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if got := mustEpoch(t, s); got != ahead+1 {
		t.Errorf("epoch after EnsureSchema = %d, want %d", got, ahead+1)
	}
}

// TestEpochBeforeEnsureSchema: a store without its tables has no epoch.
func TestEpochBeforeEnsureSchema(t *testing.T) {
	pool, schema := testenv.Postgres(t)
	s := pgstore.New(pool, pgstore.Options{Schema: schema})
	if got, err := s.Epoch(testCtx(t)); err == nil {
		t.Errorf("Epoch = %d before EnsureSchema, want an error", got)
	}
}

func mustEpoch(t *testing.T, s *pgstore.Store) int64 {
	t.Helper()
	epoch, err := s.Epoch(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	return epoch
}

// assertPlausibleEpoch checks that an epoch that began after before is a
// time in microseconds between before and now (give or take a minute of
// clock difference with the server).
func assertPlausibleEpoch(t *testing.T, epoch int64, before time.Time) {
	t.Helper()
	low, high := before.Add(-time.Minute).UnixMicro(), time.Now().Add(time.Minute).UnixMicro()
	if epoch < low || epoch > high {
		t.Errorf("epoch = %d (%v), want a time in microseconds near %v", epoch, time.UnixMicro(epoch), before)
	}
}

func mustExec(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) {
	t.Helper()
	if _, err := pool.Exec(testCtx(t), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func queryString(t *testing.T, pool *pgxpool.Pool, sql string) string {
	t.Helper()
	var s string
	if err := pool.QueryRow(testCtx(t), sql).Scan(&s); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return s
}

// tracedPool returns a pool on schema whose statements tracer records.
func tracedPool(t *testing.T, schema string, tracer pgx.QueryTracer) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(testenv.DatabaseURL())
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.Tracer = tracer
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	pool, err := pgxpool.NewWithConfig(testCtx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// sqlTracer records the SQL of every query.
type sqlTracer struct {
	mu  sync.Mutex
	sql []string
}

func (r *sqlTracer) statements() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.sql)
}

func (r *sqlTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sql = append(r.sql, data.SQL)
	return ctx
}

func (r *sqlTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

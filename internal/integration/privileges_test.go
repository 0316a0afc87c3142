package integration

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/go-sysconfig/sysconfig/internal/testenv"
	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/pgstore"
)

// runtimeGrants are the grants the package documentation gives a runtime
// role: %[1]s is the schema, %[2]s the role.
var runtimeGrants = []string{
	`GRANT USAGE ON SCHEMA %[1]s TO %[2]s`,
	`GRANT SELECT, INSERT, UPDATE ON %[1]s.sysconfig_values TO %[2]s`,
	`GRANT SELECT, INSERT ON %[1]s.sysconfig_history, %[1]s.sysconfig_changes TO %[2]s`,
	`GRANT SELECT ON %[1]s.sysconfig_meta, %[1]s.sysconfig_migrations TO %[2]s`,
	`GRANT USAGE ON SEQUENCE %[1]s.sysconfig_version, %[1]s.sysconfig_history_id_seq TO %[2]s`,
}

// TestRuntimeRoleNeedsOnlyTheDocumentedGrants: the owner sets the store
// up; a role with only the documented grants (no CREATE) then calls
// EnsureSchema, which finds the store current and changes nothing, and
// reads, writes, resolves, reads the history and the change sets, and
// hears changes.
func TestRuntimeRoleNeedsOnlyTheDocumentedGrants(t *testing.T) {
	b := newBackends(t)
	role := newRole(t, b, runtimeGrants)
	store := pgstore.New(poolAs(t, b.schema, role), pgstore.Options{Schema: b.schema})
	if err := store.EnsureSchema(ctx); err != nil {
		t.Fatalf("EnsureSchema as the runtime role: %v", err)
	}
	writer := started(t, store, b.cache, runtime.Options{})
	reader := started(t, store, b.cache, runtime.Options{ReconcileInterval: time.Hour})
	if err := countField.Set(ctx, writer, 42); err != nil {
		t.Fatalf("Set as the runtime role: %v", err)
	}
	eventually(t, "a change heard through LISTEN as the runtime role", reads(reader, 42))
	if _, err := writer.History(ctx, countField.Path(), 10); err != nil {
		t.Errorf("History as the runtime role: %v", err)
	}
	if sets, err := writer.Changes(ctx, runtime.ChangeQuery{Section: "main"}); err != nil || len(sets) != 1 {
		t.Errorf("Changes as the runtime role = %d change sets, %v", len(sets), err)
	}
	if committed, err := writer.Resolve(ctx, runtime.NewChangeID()); err != nil || committed {
		t.Errorf("Resolve as the runtime role = %v, %v", committed, err)
	}
}

// TestMisconfigurationIsNotAnOutage: a store that answers but cannot serve
// the program as it is set up — a missing privilege, missing tables, a
// missing database — is ErrMisconfigured, never ErrUnavailable, and Start
// refuses to start on it rather than serve defaults.
func TestMisconfigurationIsNotAnOutage(t *testing.T) {
	b := newBackends(t)
	noSequence := newRole(t, b, runtimeGrants[:4]) // no USAGE on the sequences
	cases := map[string]*pgstore.Store{
		"privilege missing": pgstore.New(poolAs(t, b.schema, noSequence), pgstore.Options{Schema: b.schema}),
		"tables missing":    pgstore.New(emptySchema(t), pgstore.Options{}),
		"no such database":  pgstore.New(poolOn(t, "sysconfig_no_such_database"), pgstore.Options{}),
	}
	for name, store := range cases {
		t.Run(name, func(t *testing.T) {
			c, err := runtime.NewClient(itSchema, store, runtime.Options{Secrets: oldKeys})
			if err != nil {
				t.Fatal(err)
			}
			if name == "privilege missing" { // it can read, but not write
				err = countField.Set(ctx, c, 1)
			} else {
				err = c.Start(ctx)
				if c.Ready() {
					t.Error("a client that failed to start is ready")
				}
			}
			if !errors.Is(err, runtime.ErrMisconfigured) || errors.Is(err, runtime.ErrUnavailable) {
				t.Errorf("error = %v, want ErrMisconfigured and not ErrUnavailable", err)
			}
			c.Close()
		})
	}
}

// newRole creates a role with grants (formatted with the schema and the
// role), dropped when t ends.
func newRole(t *testing.T, b *backends, grants []string) string {
	t.Helper()
	role := "sysconfig_rt_" + testenv.Unique()
	schema := pgx.Identifier{b.schema}.Sanitize()
	stmts := append([]string{"CREATE ROLE %[2]s"}, grants...)
	for _, stmt := range stmts {
		if _, err := b.pool.Exec(ctx, fmt.Sprintf(stmt, schema, role)); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), testenv.DatabaseURL())
		if err == nil {
			_, _ = c.Exec(context.Background(), "DROP OWNED BY "+role+"; DROP ROLE "+role)
			_ = c.Close(context.Background())
		}
	})
	return role
}

// poolAs returns a pool whose connections act as role, on schema.
func poolAs(t *testing.T, schema, role string) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(testenv.DatabaseURL())
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	cfg.AfterConnect = func(ctx context.Context, conn *pgx.Conn) error {
		_, err := conn.Exec(ctx, "SET ROLE "+role)
		return err
	}
	return newPool(t, cfg)
}

// emptySchema returns a pool on a schema where EnsureSchema never ran.
func emptySchema(t *testing.T) *pgxpool.Pool {
	pool, _ := testenv.Postgres(t)
	return pool
}

// poolOn returns a pool on another database of the test server.
func poolOn(t *testing.T, database string) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(testenv.DatabaseURL())
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.Database = database
	return newPool(t, cfg)
}

func newPool(t *testing.T, cfg *pgxpool.Config) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

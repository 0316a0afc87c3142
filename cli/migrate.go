package cli

import (
	"context"
	"fmt"

	"github.com/go-sysconfig/sysconfig/runtime/pgstore"
	"github.com/go-sysconfig/sysconfig/runtime/sqlitestore"
)

// runMigrate applies the store's migrations (EnsureSchema), creating an
// SQLite file if missing, or prints them.
func runMigrate(ctx context.Context, inv *invocation) error {
	if inv.print {
		return inv.printMigrations()
	}
	s := &session{}
	defer s.close()
	store, err := inv.store(ctx, s, true)
	if err != nil {
		return err
	}
	if err := store.EnsureSchema(ctx); err != nil {
		return err
	}
	last := inv.migrations()[len(inv.migrations())-1]
	if inv.json() {
		return writeJSONTo(inv.opts.Stdout, map[string]any{"migration": last.version, "name": last.name})
	}
	_, err = fmt.Fprintf(inv.opts.Stdout, "the store is current: migration %04d_%s\n", last.version, last.name)
	return err
}

// printMigrations writes the SQL of every migration, in order, then, for
// Postgres, of the functions, as a team running its own migration tool
// applies them.
func (inv *invocation) printMigrations() error {
	w := inv.opts.Stdout
	_, sqlite := sqliteFile(inv.databaseURL)
	for _, m := range inv.migrations() {
		how := "run with the search_path set to the store's schema"
		if sqlite {
			how = "run in one transaction, with PRAGMA journal_mode = WAL before"
		}
		fmt.Fprintf(w, "-- migration %04d_%s.sql (%s)\n%s\n", m.version, m.name, how, m.sql)
	}
	if sqlite {
		return nil
	}
	_, err := fmt.Fprintf(w, "-- functions.sql (run after the migrations, and after every upgrade of sysconfig)\n%s", pgstore.FunctionsSQL())
	return err
}

// migration is one migration of either store.
type migration struct {
	version   int
	name, sql string
}

// migrations are the migrations of the store --database-url names, in
// order: SQLite's for sqlite:PATH, else Postgres's.
func (inv *invocation) migrations() []migration {
	var out []migration
	if _, ok := sqliteFile(inv.databaseURL); ok {
		for _, m := range sqlitestore.Migrations() {
			out = append(out, migration{m.Version, m.Name, m.SQL})
		}
		return out
	}
	for _, m := range pgstore.Migrations() {
		out = append(out, migration{m.Version, m.Name, m.SQL})
	}
	return out
}

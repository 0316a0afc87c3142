package cli

import (
	"context"
	"fmt"

	"github.com/go-sysconfig/sysconfig/runtime/pgstore"
)

// runMigrate applies the store's migrations (EnsureSchema), or prints them.
func runMigrate(ctx context.Context, inv *invocation) error {
	if inv.print {
		return inv.printMigrations()
	}
	s := &session{}
	defer s.close()
	store, err := inv.store(ctx, s)
	if err != nil {
		return err
	}
	if err := store.EnsureSchema(ctx); err != nil {
		return err
	}
	last := lastMigration()
	if inv.json() {
		return writeJSONTo(inv.opts.Stdout, map[string]any{"migration": last.Version, "name": last.Name})
	}
	_, err = fmt.Fprintf(inv.opts.Stdout, "the store is current: migration %04d_%s\n", last.Version, last.Name)
	return err
}

// printMigrations writes the SQL of every migration, in order, then of the
// functions, as a team running its own migration tool applies them.
func (inv *invocation) printMigrations() error {
	w := inv.opts.Stdout
	for _, m := range pgstore.Migrations() {
		fmt.Fprintf(w, "-- migration %04d_%s.sql (run with the search_path set to the store's schema)\n%s\n", m.Version, m.Name, m.SQL)
	}
	_, err := fmt.Fprintf(w, "-- functions.sql (run after the migrations, and after every upgrade of sysconfig)\n%s", pgstore.FunctionsSQL())
	return err
}

// lastMigration is the newest migration this build knows.
func lastMigration() pgstore.Migration {
	all := pgstore.Migrations()
	return all[len(all)-1]
}

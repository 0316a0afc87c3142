package storecheck_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/go-sysconfig/sysconfig/internal/storecheck"
	"github.com/go-sysconfig/sysconfig/internal/testenv"
	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/keyring"
	"github.com/go-sysconfig/sysconfig/runtime/memory"
	"github.com/go-sysconfig/sysconfig/runtime/pgstore"
	"github.com/go-sysconfig/sysconfig/runtime/value"
)

type color string

// oldSchema is what is deployed: the overrides are written with it.
func oldSchema() (*runtime.Schema, []runtime.Update) {
	title := runtime.StringField("title", "", runtime.Meta{})
	size := runtime.IntField("size", 10, runtime.Meta{})
	theme := runtime.SelectField("theme", color("light"), []color{"light", "dark", "blue"}, runtime.Meta{})
	gone := runtime.StringField("gone", "", runtime.Meta{})
	token := runtime.SecretField("token", runtime.Meta{})
	ok := runtime.StringField("ok", "", runtime.Meta{})
	reset := runtime.StringField("reset", "", runtime.Meta{})
	s := runtime.NewSchema("shop", runtime.NewSection("site", "Site", "", title, size, theme, gone, token, ok, reset))
	return s, []runtime.Update{title.Assign("a very long title"), size.Assign(500), theme.Assign("blue"),
		gone.Assign("left behind"), token.Assign(value.NewSecret("short")), ok.Assign("fine"),
		reset.Assign("x"), reset.Unassign()}
}

// newSchema is the change under review: max_length on title, a range on
// size, blue removed, gone removed, a longer secret required, reset
// tightened (but it has no override).
func newSchema() *runtime.Schema {
	return runtime.NewSchema("shop", runtime.NewSection("site", "Site", "",
		runtime.StringField("title", "", runtime.Meta{Validators: []value.Validator{value.MaxLength(5)}}),
		runtime.IntField("size", 10, runtime.Meta{Validators: []value.Validator{value.Range(int64(1), int64(100))}}),
		runtime.SelectField("theme", color("light"), []color{"light", "dark"}, runtime.Meta{}),
		runtime.SecretField("token", runtime.Meta{Validators: []value.Validator{value.MinLength(8)}}),
		runtime.StringField("ok", "", runtime.Meta{}),
		runtime.StringField("reset", "", runtime.Meta{Validators: []value.Validator{value.MinLength(3)}}),
	))
}

func TestCheckFindsWhatTheNewSchemaRefuses(t *testing.T) {
	keys, err := keyring.Parse("k1:" + strings.Repeat("A", 43) + "=")
	if err != nil {
		t.Fatal(err)
	}
	pool, pgSchema := testenv.Postgres(t)
	pg := pgstore.New(pool, pgstore.Options{Schema: pgSchema})
	if err := pg.EnsureSchema(context.Background()); err != nil {
		t.Fatal(err)
	}
	for name, store := range map[string]runtime.Store{"memory": memory.NewStore(), "postgres": pg} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			old, updates := oldSchema()
			writer, err := runtime.NewClient(old, store, runtime.Options{Secrets: keys})
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range updates {
				if err := writer.SetMany(ctx, u); err != nil {
					t.Fatal(err)
				}
			}
			got, err := storecheck.Check(ctx, store, newSchema(), keys)
			if err != nil {
				t.Fatal(err)
			}
			want := []string{
				"shop.site.gone orphaned [the schema declares no field shop.site.gone]",
				"shop.site.size invalid [must be between 1 and 100]",
				"shop.site.theme invalid [must be one of light, dark]",
				"shop.site.title invalid [must be at most 5 characters]",
				"shop.site.token invalid [must be at least 8 characters]",
			}
			if lines := describe(got); strings.Join(lines, "\n") != strings.Join(want, "\n") {
				t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
			}
			for _, f := range got {
				if f.Version == 0 || strings.Contains(fmt.Sprint(f.Details), "short") {
					t.Errorf("%s: version %d, details %q (no version, or the value quoted)", f.Path, f.Version, f.Details)
				}
			}

			withoutKeys, err := storecheck.Check(ctx, store, newSchema(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if lines := describe(withoutKeys); !strings.Contains(strings.Join(lines, "\n"), "shop.site.token unchecked") {
				t.Errorf("without the keyring, the secret is not reported unchecked:\n%s", strings.Join(lines, "\n"))
			}
		})
	}
}

// describe writes findings one per line.
func describe(fs []storecheck.Finding) []string {
	lines := make([]string, len(fs))
	for i, f := range fs {
		lines[i] = fmt.Sprintf("%s %s %v", f.Path, f.Problem, f.Details)
	}
	return lines
}

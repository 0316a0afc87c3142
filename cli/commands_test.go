package cli_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/pgstore"
	"github.com/go-sysconfig/sysconfig/runtime/rediscache"
	"github.com/go-sysconfig/sysconfig/schema"
)

// TestCommands runs every command, as tables and as JSON, and every exit
// code, against the golden transcript commands.txt.
func TestCommands(t *testing.T) {
	o := newOperator(t)
	o.step(0, "", "migrate")
	o.step(0, "", "list")
	o.step(0, "", "set", "shop.site.title", "Black Friday", "--actor", "alice", "--reason", "promo week")
	o.step(0, "", "set", "shop.site.page_size", "48", "--actor", "bob")
	o.step(0, "", "get", "shop.site.title", "-o", "json")
	o.step(0, "", "list", "site", "--changed")
	o.step(0, "", "list", "--changed", "-o", "json")
	o.step(0, "", "set", "shop.site.theme", "dark", "--dry-run", "--actor", "alice")
	o.step(1, "", "set", "shop.site.title", "Sale", "--if-version", "2", "--actor", "alice")
	o.step(0, "", "reset", "shop.site.page_size", "--actor", "bob", "--reason", "back to normal")
	o.step(0, "", "history")
	o.step(0, "", "history", "shop.site.title", "--actor", "alice", "--since", "1h", "-o", "json")
	o.step(1, "", "get", "shop.site.subtitle")
	o.step(64, "", "history", "--since", "yesterday")
	o.step(64, "", "get")
	o.step(64, "", "frobnicate")
	o.step(64, "", "list", "--color")
	o.step(0, "", "help", "set")
	o.golden("commands")
	if cs := o.changes(runtime.ChangeQuery{}); len(cs) != 3 || cs[2].Source != runtime.FromCLI || cs[2].Actor != "alice" {
		t.Errorf("the store recorded %+v, want three change sets from the CLI", cs)
	}
}

// TestMigratePrint checks that migrate --print prints every migration and
// the functions, and needs no database.
func TestMigratePrint(t *testing.T) {
	o := &operator{t: t, env: map[string]string{}}
	r := o.run("", "migrate", "--print")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, m := range pgstore.Migrations() {
		if !strings.Contains(r.stdout, m.SQL) {
			t.Errorf("migration %d is missing from the output", m.Version)
		}
	}
	if !strings.HasSuffix(r.stdout, pgstore.FunctionsSQL()) {
		t.Error("the output does not end with the functions")
	}
}

// TestSecretRoundTrip stores a secret read from stdin, reads it back
// redacted and revealed, and checks that Postgres holds no plaintext and
// that a CLI without the keyring can neither write nor reveal it.
func TestSecretRoundTrip(t *testing.T) {
	const secret = "hunter2 with spaces\tand a tab"
	o := newOperator(t)
	o.step(0, secret, "set", "shop.email.smtp_password", "-", "--actor", "alice")
	o.step(0, "", "get", "shop.email.smtp_password")
	r := o.step(0, "", "get", "shop.email.smtp_password", "--reveal", "-o", "json", "--actor", "carol", "--reason", "ticket 42")
	o.step(0, "", "history", "shop.email.smtp_password")
	o.env["SYSCONFIG_ACTOR"] = "dave"
	o.step(0, "", "history", "shop.email.smtp_password", "--reveal")
	o.step(0, "", "history", "shop.email.smtp_password", "-o", "json", "--limit", "1")
	var v struct{ Value string }
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil || v.Value != secret {
		t.Errorf("revealed %q (%v), want the secret", v.Value, err)
	}
	var stored string
	if err := o.pool.QueryRow(context.Background(), "SELECT value FROM sysconfig_values WHERE path = $1",
		"shop.email.smtp_password").Scan(&stored); err != nil || strings.Contains(stored, "hunter2") {
		t.Errorf("Postgres holds %q (%v): not sealed", stored, err)
	}
	delete(o.env, "SYSCONFIG_KEYS")
	o.step(1, "", "get", "shop.email.smtp_password", "--reveal")
	o.step(1, "other", "set", "shop.email.smtp_password", "-", "--actor", "alice")
	o.golden("secrets")
}

// TestValidationFailure sets a value that fails several validators: every
// message is printed, the exit code is 1 and nothing is written.
func TestValidationFailure(t *testing.T) {
	o := newOperator(t)
	o.step(1, "", "set", "shop.site.title", "much too long and lower case", "--actor", "alice")
	o.step(1, "", "set", "shop.site.page_size", "1.5", "--actor", "alice")
	o.step(1, "line\n", "set", "shop.site.title", "-", "--actor", "alice")
	o.step(1, "", "set", "shop.email.sku_prefix", "AB", "--actor", "alice")
	o.golden("invalid")
	if cs := o.changes(runtime.ChangeQuery{}); len(cs) != 0 {
		t.Errorf("refused writes left %d change sets", len(cs))
	}
	o.checkNoCacheEntries()
}

// TestRevert reverts a change set written by the app (two fields in one
// SetMany), then one path to a version, and is refused a change set whose
// path changed since until --force names it.
func TestRevert(t *testing.T) {
	o := newOperator(t)
	app := o.client("testdata/shop.yaml", runtime.Options{Cache: o.cache()})
	ctx := runtime.WithChangeInfo(context.Background(), runtime.ChangeInfo{Actor: "deploy-bot"})
	if err := app.SetMany(ctx, runtime.AssignText("shop.site.title", "Summer"), runtime.AssignText("shop.site.page_size", "12")); err != nil {
		t.Fatal(err)
	}
	batch := o.changes(runtime.ChangeQuery{})[0].ID
	o.step(0, "", "revert", batch, "--actor", "alice", "--reason", "wrong season")
	o.step(0, "", "set", "shop.site.title", "Autumn", "--actor", "alice")
	o.step(0, "", "revert", "shop.site.title@1", "--actor", "alice")
	o.step(1, "", "revert", batch, "--actor", "alice")
	o.step(0, "", "revert", batch, "--actor", "alice", "--force", "shop.site.title,shop.site.page_size")
	o.step(1, "", "revert", "00000000-0000-4000-8000-000000000099", "--actor", "alice")
	o.step(64, "", "revert", "shop.site.title@x")
	o.step(0, "", "list", "--changed")
	o.golden("revert")
}

// TestRevertRefusedByTightenedValidator writes values that a later schema
// refuses; reverting to them under that schema prints every problem of
// every field and writes nothing.
func TestRevertRefusedByTightenedValidator(t *testing.T) {
	o := newOperator(t)
	o.step(0, "", "set", "shop.site.title", "Black Friday", "--actor", "alice")
	o.step(0, "", "set", "shop.site.page_size", "50", "--actor", "alice")
	app := o.client("testdata/shop.yaml", runtime.Options{Cache: o.cache()})
	ctx := context.Background()
	if err := app.SetMany(ctx, runtime.Unassign("shop.site.title"), runtime.Unassign("shop.site.page_size")); err != nil {
		t.Fatal(err)
	}
	reset := o.changes(runtime.ChangeQuery{})[0].ID
	o.env["SYSCONFIG_SCHEMA"] = "testdata/shop_tight.yaml"
	o.step(1, "", "revert", "shop.site.title@1", "--actor", "alice")
	o.step(1, "", "revert", reset, "--actor", "alice")
	o.golden("revert_tightened")
	if cs := o.changes(runtime.ChangeQuery{}); len(cs) != 3 {
		t.Errorf("%d change sets, want the 3 written before the refused reverts", len(cs))
	}
}

// client returns a runtime.Client on the operator's backends serving the
// schema file, with the keyring, as a running app would.
func (o *operator) client(file string, opts runtime.Options) *runtime.Client {
	o.t.Helper()
	s, err := schema.Load(file)
	if err != nil {
		o.t.Fatal(err)
	}
	opts.Secrets = o.keys
	c, err := runtime.NewClient(s.Runtime(), pgstore.New(o.pool, pgstore.Options{}), opts)
	if err != nil {
		o.t.Fatal(err)
	}
	o.t.Cleanup(c.Close)
	return c
}

// cache returns the app's Redis cache.
func (o *operator) cache() runtime.Cache {
	return rediscache.New(o.rdb, rediscache.Options{Prefix: o.prefix})
}

// changes returns the change sets the store holds.
func (o *operator) changes(q runtime.ChangeQuery) []runtime.ChangeSet {
	o.t.Helper()
	cs, err := o.client("testdata/shop.yaml", runtime.Options{}).Changes(context.Background(), q)
	if err != nil {
		o.t.Fatal(err)
	}
	return cs
}

// checkNoCacheEntries fails the test if the CLI left anything in Redis.
func (o *operator) checkNoCacheEntries() {
	o.t.Helper()
	keys, err := o.rdb.Keys(context.Background(), o.prefix+"*").Result()
	if err != nil || len(keys) != 0 {
		o.t.Errorf("Redis holds %v (%v), want nothing", keys, err)
	}
}

package cli_test

import (
	"context"
	"errors"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/keyring"
	"github.com/go-sysconfig/sysconfig/runtime/sqlitestore"
)

// TestSQLiteStore runs the CLI on an SQLite file, with no server at all: a
// command before the file exists fails, saying how to create it; migrate
// creates it; set, get, history and revert work on it, and the file holds
// what they did. The transcript is testdata/golden/sqlite.txt, with the
// test's directory written $DIR.
func TestSQLiteStore(t *testing.T) {
	o, dir, file := sqliteOperator(t)
	o.step(1, "", "get", "shop.site.title")
	o.step(0, "", "migrate")
	o.step(0, "", "set", "shop.site.title", "Black Friday", "--actor", "alice", "--reason", "promo week")
	o.step(0, "", "set", "shop.site.title", "Cyber Monday", "--actor", "bob")
	o.step(0, "", "get", "shop.site.title")
	o.step(0, "", "history", "shop.site.title")
	o.step(0, "", "revert", "shop.site.title@1", "--actor", "alice", "--reason", "one more day")
	o.step(0, "", "get", "shop.site.title", "-o", "json")
	text := strings.ReplaceAll(o.transcript.String(), dir, "$DIR")
	o.transcript.Reset()
	o.transcript.WriteString(text)
	o.golden("sqlite")

	store, err := sqlitestore.Open(file, sqlitestore.Options{MustExist: true})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	hist, err := store.History(context.Background(), "shop.site.title", 10)
	if err != nil || len(hist) != 3 || hist[0].Value != "Black Friday" || hist[0].Source != runtime.FromRevert {
		t.Errorf("the file's history of shop.site.title = %+v, %v; want 3 writes, the last a revert to Black Friday", hist, err)
	}
}

// sqliteOperator returns an operator whose --database-url names the file
// shop.db, not yet made, in a fresh directory, which it returns too.
func sqliteOperator(t *testing.T) (o *operator, dir, file string) {
	dir = t.TempDir()
	file = filepath.Join(dir, "shop.db")
	line, err := keyring.Generate("k1")
	if err != nil {
		t.Fatal(err)
	}
	o = &operator{t: t, env: map[string]string{
		"SYSCONFIG_DATABASE_URL": "sqlite:" + file,
		"SYSCONFIG_KEYS":         line,
		"SYSCONFIG_SCHEMA":       "testdata/shop.yaml",
	}}
	return o, dir, file
}

// TestServeOnSQLite serves the admin page over an SQLite file: it shows
// the value the CLI stored there.
func TestServeOnSQLite(t *testing.T) {
	o, _, _ := sqliteOperator(t)
	o.step(0, "", "migrate")
	o.step(0, "", "set", "shop.site.title", "Served from SQLite", "--actor", "alice")
	addr, token := o.serving("--actor", "ops")
	c := browser(t)
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/login", strings.NewReader(url.Values{"token": {token}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if code, _, _ := fetch(t, c, req); code != http.StatusSeeOther {
		t.Fatalf("login: %d, want a redirect", code)
	}
	req, _ = http.NewRequest(http.MethodGet, "http://"+addr+"/s/site", nil)
	if code, body, _ := fetch(t, c, req); code != http.StatusOK || !strings.Contains(body, "Served from SQLite") {
		t.Errorf("the section page: %d, without the stored title:\n%s", code, body)
	}
}

// TestMigratePrintSQLite: with a sqlite: URL, migrate --print prints the
// SQLite migrations and no Postgres functions, and needs no file.
func TestMigratePrintSQLite(t *testing.T) {
	o, _, file := sqliteOperator(t)
	r := o.run("", "migrate", "--print")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, m := range sqlitestore.Migrations() {
		if !strings.Contains(r.stdout, m.SQL) {
			t.Errorf("migration %d is missing from the output", m.Version)
		}
	}
	if strings.Contains(r.stdout, "functions.sql") {
		t.Error("the output has Postgres's functions")
	}
	if _, err := os.Stat(file); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("migrate --print made the file (%v)", err)
	}
}

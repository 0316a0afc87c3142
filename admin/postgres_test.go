package admin_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/go-sysconfig/sysconfig/admin"
	"github.com/go-sysconfig/sysconfig/internal/testenv"
	"github.com/go-sysconfig/sysconfig/runtime/pgstore"
)

// TestOnPostgres: a save, a conflict and the history over the real
// Postgres store.
func TestOnPostgres(t *testing.T) {
	pool, schema := testenv.Postgres(t)
	store := pgstore.New(pool, pgstore.Options{Schema: schema})
	if err := store.EnsureSchema(t.Context()); err != nil {
		t.Fatal(err)
	}
	rg := newRigOn(t, store, admin.Options{})
	stale := rg.sectionForm("alice", "site")
	form := rg.sectionForm("alice", "site")
	form.Set("v:"+title, "Saved in Postgres")
	form.Set("reason", "pg")
	if resp, body := rg.do("alice", http.MethodPost, prefix+"/s/site", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", resp.StatusCode, body)
	}
	stale.Set("v:"+title, "Stale")
	if resp, _ := rg.do("alice", http.MethodPost, prefix+"/s/site", stale); resp.StatusCode != http.StatusConflict {
		t.Errorf("stale save: %d", resp.StatusCode)
	}
	if got := rg.value(title).Value; got != "Saved in Postgres" {
		t.Errorf("title %v", got)
	}
	if h := rg.get(prefix + "/history/" + title); !strings.Contains(h, "Saved in Postgres") || !strings.Contains(h, "admin") {
		t.Error("history lacks the save")
	}
}

package admin_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/go-sysconfig/sysconfig/admin"
	"github.com/go-sysconfig/sysconfig/generated"
	"github.com/go-sysconfig/sysconfig/runtime"
)

// TestHistoryShowsChanges: the app's and a field's history show actor,
// reason, source and old → new.
func TestHistoryShowsChanges(t *testing.T) {
	rg := newRig(t, admin.Options{})
	rg.set(title, "First <b>title</b>")
	rg.set(pageSize, "48")
	app := rg.get(prefix + "/history")
	for _, want := range []string{"bob", "by hand", "api", "<code class=\"value\">(default)</code>", "First &lt;b&gt;title&lt;/b&gt;", pageSize} {
		if !strings.Contains(app, want) {
			t.Errorf("app history lacks %s", want)
		}
	}
	field := rg.get(prefix + "/history/" + title)
	if !strings.Contains(field, title) || strings.Contains(field, pageSize) {
		t.Error("a field's history shows other fields")
	}
}

// TestRevertBehindConfirmation: the revert links lead to a confirmation
// page that changes nothing; its post reverts, attributed to the actor.
func TestRevertBehindConfirmation(t *testing.T) {
	rg := newRig(t, admin.Options{})
	rg.set(title, "Second")
	sets, _ := rg.client.Changes(t.Context(), runtime.ChangeQuery{})
	for name, c := range map[string]struct{ query, want string }{
		"path":   {"path=" + title + "&version=" + itoa(sets[0].Version), "Second"},
		"change": {"change=" + sets[0].ID, "My Shop"},
	} {
		t.Run(name, func(t *testing.T) {
			rg.set(title, "Third")
			before := rg.changes()
			page := rg.get(prefix + "/revert?" + c.query)
			if rg.changes() != before {
				t.Fatal("the confirmation page wrote")
			}
			form := formOf(page)
			form.Set("reason", "undo "+name)
			resp, body := rg.do("alice", http.MethodPost, prefix+"/revert", form)
			if name == "change" && resp.StatusCode == http.StatusConflict {
				resp, body = rg.do("alice", http.MethodPost, prefix+"/revert", formOf(body))
			}
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("revert: %d\n%s", resp.StatusCode, body)
			}
			latest, _ := rg.client.Changes(t.Context(), runtime.ChangeQuery{Limit: 1})
			if c := latest[0]; c.Source != runtime.FromRevert || c.Actor != "alice" {
				t.Errorf("recorded %+v", c.ChangeInfo)
			}
			if rg.value(title).Value != c.want {
				t.Errorf("title %v after revert", rg.value(title).Value)
			}
		})
	}
}

// TestRevertRefusals: a viewer sees no revert link and cannot post one;
// a GET never reverts.
func TestRevertRefusals(t *testing.T) {
	rg := newRig(t, admin.Options{})
	rg.set(title, "Changed")
	_, body := rg.do("victor", http.MethodGet, prefix+"/history", nil)
	if strings.Contains(body, "revert?") {
		t.Error("a viewer is offered a revert")
	}
	form := url.Values{"path": {title}, "version": {"1"}}
	if resp, _ := rg.do("victor", http.MethodPost, prefix+"/revert", form); resp.StatusCode != http.StatusForbidden {
		t.Errorf("viewer's revert: %d", resp.StatusCode)
	}
	if rg.value(title).Value != "Changed" {
		t.Error("reverted")
	}
}

// TestHistoryShowsReveals: a reveal recorded by an operator tool is in the
// history, to those who may see the secret, with no revert link; a user
// who may not see the field does not see that it was revealed.
func TestHistoryShowsReveals(t *testing.T) {
	rg := newRig(t, admin.Options{})
	pw := generated.EmailSMTPPasswordField.Path()
	rg.set(pw, plaintext)
	ctx := runtime.WithChangeInfo(t.Context(), runtime.ChangeInfo{Actor: "carol", Reason: "ticket 42", Source: runtime.FromCLI})
	id, err := rg.client.RecordReveal(ctx, pw)
	if err != nil {
		t.Fatal(err)
	}
	_, body := rg.do("alice", http.MethodGet, prefix+"/history/"+pw, nil)
	if !strings.Contains(body, "carol") {
		t.Fatalf("the field's history lacks the reveal:\n%s", body)
	}
	article := body[strings.Index(body, "carol"):]
	article = article[:strings.Index(article, "</article>")]
	if !strings.Contains(article, "Shown in plaintext") || !strings.Contains(article, pw) || !strings.Contains(article, "ticket 42") {
		t.Errorf("the reveal in the field's history:\n%s", article)
	}
	if strings.Contains(article, "revert?") || strings.Contains(body, "change="+id) {
		t.Error("a reveal is offered for revert")
	}
	if _, body := rg.do("sam", http.MethodGet, prefix+"/history", nil); strings.Contains(body, "carol") {
		t.Error("a user who may not see the secret sees that it was revealed")
	}
}

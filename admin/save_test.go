package admin_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/go-sysconfig/sysconfig/admin"
	"github.com/go-sysconfig/sysconfig/generated"
	"github.com/go-sysconfig/sysconfig/runtime"
)

var (
	title    = generated.SiteTitleField.Path()
	tagline  = generated.SiteTaglineField.Path()
	langs    = generated.SiteLanguagesField.Path()
	maint    = generated.SiteMaintenanceModeField.Path()
	theme    = generated.SiteThemeField.Path()
	pageSize = generated.LimitsPageSizeField.Path()
)

// TestSaveWritesOnlyChangedFieldsAsOneChange: a save of a section is one
// change, by the actor with the reason and source admin, of only the
// fields the user changed, each conditional on its rendered version.
func TestSaveWritesOnlyChangedFieldsAsOneChange(t *testing.T) {
	rg := newRig(t, admin.Options{})
	form := rg.sectionForm("alice", "site")
	form.Set("v:"+title, "New title")
	form.Set("v:"+tagline, "line one\r\nline two")
	form.Set("v:"+langs, "en\r\n\r\nde\r\n")
	form.Set("v:"+maint, "true")
	form.Set("reason", "rebrand")
	resp, body := rg.do("alice", http.MethodPost, prefix+"/s/site", form)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "site?saved=1" {
		t.Fatalf("save: %d %q\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	sets, err := rg.client.Changes(t.Context(), runtime.ChangeQuery{})
	if err != nil || len(sets) != 1 {
		t.Fatalf("changes: %v %d", err, len(sets))
	}
	cs := sets[0]
	if cs.Actor != "alice" || cs.Reason != "rebrand" || cs.Source != runtime.FromAdmin {
		t.Errorf("attribution: %+v", cs.ChangeInfo)
	}
	var paths []string
	for _, w := range cs.Writes {
		paths = append(paths, w.New.Path)
	}
	if got, want := strings.Join(paths, " "), strings.Join([]string{title, tagline, langs, maint}, " "); got != want {
		t.Errorf("wrote %s, want %s", got, want)
	}
	if got := rg.value(tagline).Value; got != "line one\nline two" {
		t.Errorf("tagline %q", got)
	}
	if got := rg.value(langs).Text(); got != `["en","de"]` {
		t.Errorf("languages %s", got)
	}
	if !strings.Contains(rg.get(prefix+"/s/site?saved=1"), "Saved.") {
		t.Error("no saved banner")
	}
}

// TestSaveUnchangedWritesNothing: posting the page as rendered writes
// nothing.
func TestSaveUnchangedWritesNothing(t *testing.T) {
	rg := newRig(t, admin.Options{})
	rg.set(langs, `["en","fr","de"]`)
	for _, s := range generated.Schema.Sections() {
		resp, body := rg.do("alice", http.MethodPost, prefix+"/s/"+s.Name(), rg.sectionForm("alice", s.Name()))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d\n%s", s.Name(), resp.StatusCode, body)
		}
	}
	if n := rg.changes(); n != 1 {
		t.Errorf("%d changes, want only the rig's", n)
	}
}

// TestSaveResetToDefault: the reset box removes the override.
func TestSaveResetToDefault(t *testing.T) {
	rg := newRig(t, admin.Options{})
	rg.set(pageSize, "48")
	form := rg.sectionForm("alice", "limits")
	form.Set("reset:"+pageSize, "1")
	if resp, body := rg.do("alice", http.MethodPost, prefix+"/s/limits", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("%d\n%s", resp.StatusCode, body)
	}
	if rg.value(pageSize).Set {
		t.Error("still set")
	}
}

// TestSaveEveryErrorAtOnceWritesNothing: every problem of every field is
// shown beside it with what the user typed, and nothing is written.
func TestSaveEveryErrorAtOnceWritesNothing(t *testing.T) {
	rg := newRig(t, admin.Options{})
	form := rg.sectionForm("alice", "site")
	form.Set("v:"+title, "x")
	form.Set("v:"+theme, "purple")
	form.Set("v:"+tagline, "fine\nchange")
	before := rg.changes()
	resp, body := rg.do("alice", http.MethodPost, prefix+"/s/site", form)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("%d", resp.StatusCode)
	}
	if rg.changes() != before {
		t.Error("something was written")
	}
	for path, typed := range map[string]string{title: `value="x"`, theme: `purple`} {
		box := fieldBox(t, body, path)
		if !strings.Contains(box, `class="error"`) {
			t.Errorf("%s: no error beside it:\n%s", path, box)
		}
		if path == title && !strings.Contains(box, typed) {
			t.Errorf("%s: typed value not kept", path)
		}
	}
	if !strings.Contains(fieldBox(t, body, tagline), "fine\nchange") {
		t.Error("a valid field's typed value was not kept")
	}
}

// fieldBox returns the fieldset of path in a section page.
func fieldBox(t *testing.T, body, path string) string {
	t.Helper()
	start := strings.Index(body, `id="f-`+path+`-box"`)
	if start < 0 {
		t.Fatalf("no field %s in the page", path)
	}
	end := strings.Index(body[start:], "</fieldset>")
	return body[start : start+end]
}

package admin_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/go-sysconfig/sysconfig/admin"
	"github.com/go-sysconfig/sysconfig/generated"
	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/memory"
)

// TestConflict: a save over a value someone changed since the page was
// rendered writes nothing, shows theirs beside yours, and a second save
// writes yours over theirs. Fields only the other changed are no conflict.
func TestConflict(t *testing.T) {
	rg := newRig(t, admin.Options{})
	form := rg.sectionForm("alice", "site")
	rg.set(title, "Bob's title")
	rg.set(tagline, "Bob's tagline")
	form.Set("v:"+title, "Alice's title")
	form.Set("v:"+maint, "true")
	resp, body := rg.do("alice", http.MethodPost, prefix+"/s/site", form)
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("%d", resp.StatusCode)
	}
	if rg.changes() != 2 || rg.value(maint).Set {
		t.Fatal("something was written")
	}
	box := fieldBox(t, body, title)
	for _, want := range []string{"Changed by bob", "Bob&#39;s title", `value="Alice&#39;s title"`} {
		if !strings.Contains(box, want) {
			t.Errorf("conflict box lacks %s:\n%s", want, box)
		}
	}
	if strings.Contains(fieldBox(t, body, tagline), "Changed by") {
		t.Error("a field only bob changed is reported as a conflict")
	}
	again := formOf(body)
	if resp, body := rg.do("alice", http.MethodPost, prefix+"/s/site", again); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("second save: %d\n%s", resp.StatusCode, body)
	}
	if rg.value(title).Value != "Alice's title" || rg.value(tagline).Value != "Bob's tagline" || rg.value(maint).Value != true {
		t.Errorf("after the second save: %v %v %v", rg.value(title).Value, rg.value(tagline).Value, rg.value(maint).Value)
	}
}

// TestTwoPrefixes: the same handler works mounted at two prefixes; every
// link it writes resolves under the prefix it was reached through.
func TestTwoPrefixes(t *testing.T) {
	rg := newRig(t, admin.Options{}, "/ops/settings")
	rg.set(title, "Set once")
	for _, p := range []string{prefix, "/ops/settings"} {
		for _, page := range []string{"/", "/s/site", "/history", "/history/" + title} {
			body := rg.get(p + page)
			for _, link := range links(body) {
				target := resolve(p+page, link)
				if !strings.HasPrefix(target, p+"/") {
					t.Errorf("%s%s: link %s leaves the prefix (%s)", p, page, link, target)
					continue
				}
				if resp, _ := rg.do("alice", http.MethodGet, target, nil); resp.StatusCode != http.StatusOK {
					t.Errorf("%s%s: link %s → %s: %d", p, page, link, target, resp.StatusCode)
				}
			}
		}
		resp, _ := rg.do("alice", http.MethodPost, p+"/s/site", rg.sectionForm("alice", "site"))
		if loc := resolve(p+"/s/site", resp.Header.Get("Location")); loc != p+"/s/site?saved=1" {
			t.Errorf("redirect under %s: %s", p, loc)
		}
	}
}

// TestPinnedFieldLocked: a field pinned by the environment is shown
// locked, with its variable, and a post changing it is refused beside it.
func TestPinnedFieldLocked(t *testing.T) {
	rg := newRig(t, admin.Options{})
	path := generated.LimitsExportDirField.Path()
	body := rg.get(prefix + "/s/limits")
	box := fieldBox(t, body, path)
	if !strings.Contains(box, pinnedVar) || !strings.Contains(box, "disabled") || strings.Contains(box, `name="ver:`) {
		t.Errorf("pinned field not locked:\n%s", box)
	}
	form := rg.sectionForm("alice", "limits")
	form.Set("ver:"+path, "0")
	form.Set("was:"+path, "/srv/exports")
	form.Set("v:"+path, "/tmp")
	resp, body := rg.do("alice", http.MethodPost, prefix+"/s/limits", form)
	if resp.StatusCode != http.StatusForbidden || rg.changes() != 0 || !strings.Contains(fieldBox(t, body, path), "Pinned by "+pinnedVar) {
		t.Errorf("post to a pinned field: %d, %d changes", resp.StatusCode, rg.changes())
	}
}

// TestControls: each kind gets its control, with the hints of its
// validators, and descriptions are escaped.
func TestControls(t *testing.T) {
	rg := newRig(t, admin.Options{})
	site, limits := rg.get(prefix+"/s/site"), rg.get(prefix+"/s/limits")
	checkout := rg.get(prefix + "/s/checkout")
	for _, c := range []struct{ page, path, want string }{
		{site, title, `<input type="text" id="f-shop.site.title" name="v:shop.site.title" value="My Shop" minlength="3" maxlength="80" required>`},
		{site, tagline, `<textarea id="f-shop.site.tagline"`},
		{site, maint, `<input type="checkbox" id="f-shop.site.maintenance_mode" name="v:shop.site.maintenance_mode" value="true">`},
		{site, theme, `<option value="light" selected>Light</option><option value="dark">Dark</option><option value="high-contrast">High contrast</option>`},
		{site, langs, "(one item per line)</label>\n<textarea id=\"f-shop.site.languages\" name=\"v:shop.site.languages\" rows=\"4\">en\nfr</textarea>"},
		{limits, pageSize, `type="number"`},
		{limits, generated.LimitsMaxCartItemsField.Path(), `step="1" min="1" max="1000"`},
		{limits, generated.LimitsRequestTimeoutField.Path(), "(a duration such as 1h30m)"},
		{checkout, generated.CheckoutFlatShippingFeeField.Path(), `inputmode="decimal"`},
	} {
		if box := fieldBox(t, c.page, c.path); !strings.Contains(box, c.want) {
			t.Errorf("%s lacks %s:\n%s", c.path, c.want, box)
		}
	}
}

// TestOverviewCountsAndSearch: the overview counts changed fields per
// section and searches paths, labels and descriptions.
func TestOverviewCountsAndSearch(t *testing.T) {
	rg := newRig(t, admin.Options{})
	rg.set(title, "Changed")
	rg.set(tagline, "Changed")
	body := rg.get(prefix + "/")
	if !strings.Contains(body, `<a href="./s/site">Site</a><p>Public-facing settings of the shop&#39;s web site.</p></td><td>9</td><td>2</td>`) {
		t.Errorf("no count of site's changed fields:\n%s", body)
	}
	for q, want := range map[string]string{"smtp_port": "shop.email.smtp_port", "browser tab": title, "SITE TITLE": title} {
		body := rg.get(prefix + "/?q=" + strings.ReplaceAll(q, " ", "+"))
		if !strings.Contains(body, `<a href="./s/`+strings.Split(want, ".")[1]+"#f-"+want+`"`) {
			t.Errorf("search %q does not find %s", q, want)
		}
	}
	if body := rg.get(prefix + "/?q=zzzz"); !strings.Contains(body, "No field matches.") {
		t.Error("a search finding nothing says nothing")
	}
}

// racingStore applies a rival change just before the next Apply, as a
// writer that wins the race after the page checked the versions.
type racingStore struct {
	runtime.Store
	rival *runtime.Change
}

// Apply implements runtime.Store.
func (s *racingStore) Apply(ctx context.Context, c runtime.Change) ([]runtime.Applied, error) {
	if r := s.rival; r != nil {
		s.rival = nil
		if _, err := s.Store.Apply(ctx, *r); err != nil {
			return nil, err
		}
	}
	return s.Store.Apply(ctx, c)
}

// TestConflictInTheWrite: a rival write that lands after the page checked
// the versions, just before its write, still makes the save write nothing
// (each update is conditional on its rendered version).
func TestConflictInTheWrite(t *testing.T) {
	store := &racingStore{Store: memory.NewStore()}
	rg := newRigOn(t, store, admin.Options{})
	form := rg.sectionForm("alice", "site")
	form.Set("v:"+title, "Alice's title")
	store.rival = &runtime.Change{ID: runtime.NewChangeID(), App: "shop",
		ChangeInfo: runtime.ChangeInfo{Actor: "racer"}, Writes: []runtime.Write{{Path: title, Value: "Racer's title"}}}
	resp, body := rg.do("alice", http.MethodPost, prefix+"/s/site", form)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(fieldBox(t, body, title), "Changed by racer") {
		t.Fatalf("%d", resp.StatusCode)
	}
	if h, _ := rg.client.History(t.Context(), title, 5); len(h) != 1 {
		t.Errorf("%d writes of the title, want the rival's only", len(h))
	}
}

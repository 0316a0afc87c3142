package admin_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/go-sysconfig/sysconfig/admin"
	"github.com/go-sysconfig/sysconfig/generated"
	"github.com/go-sysconfig/sysconfig/runtime/configtest"
)

// TestNewRequiresAuthorize: there is no anonymous default.
func TestNewRequiresAuthorize(t *testing.T) {
	client := configtest.New(t, generated.Schema)
	if _, err := admin.New(client, admin.Options{}); !errors.Is(err, admin.ErrNoAuthorize) {
		t.Fatalf("New without Authorize: %v", err)
	}
}

// TestRefusedWithoutGrant: an error from the hook, or a grant without an
// actor, refuses every page.
func TestRefusedWithoutGrant(t *testing.T) {
	rg := newRig(t, admin.Options{Authorize: func(r *http.Request) (admin.Grant, error) {
		if r.Header.Get("X-User") == "nameless" {
			return admin.Grant{Access: admin.Everything(admin.Edit)}, nil
		}
		return authorize(r)
	}})
	for _, user := range []string{"", "mallory", "nameless"} {
		if resp, _ := rg.do(user, http.MethodGet, prefix+"/", nil); resp.StatusCode != http.StatusForbidden {
			t.Errorf("user %q: %d", user, resp.StatusCode)
		}
	}
}

// TestSecurityHeaders are on every response, error pages and the
// stylesheet included.
func TestSecurityHeaders(t *testing.T) {
	rg := newRig(t, admin.Options{})
	for _, target := range []string{"/", "/s/site", "/nowhere", "/static/admin.css"} {
		for _, user := range []string{"alice", "mallory"} {
			resp, _ := rg.do(user, http.MethodGet, prefix+target, nil)
			h := resp.Header
			if h.Get("Content-Security-Policy") != "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'" ||
				h.Get("X-Frame-Options") != "DENY" || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" {
				t.Errorf("%s as %s: headers %v", target, user, h)
			}
		}
	}
}

// TestCrossSitePostRefused: a cross-site form post writes nothing.
func TestCrossSitePostRefused(t *testing.T) {
	rg := newRig(t, admin.Options{})
	form := rg.sectionForm("alice", "site")
	form.Set("v:"+title, "Hijacked")
	req := httptest.NewRequest(http.MethodPost, prefix+"/s/site", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-User", "alice")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	rec := httptest.NewRecorder()
	rg.mux.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden || rg.changes() != 0 {
		t.Fatalf("cross-site post: %d, %d changes", rec.Code, rg.changes())
	}
}

// TestViewerPostRefused: a viewer's post, and any post in read-only mode,
// is refused and writes nothing; their pages show no save button.
func TestViewerPostRefused(t *testing.T) {
	for name, c := range map[string]struct {
		user string
		opts admin.Options
	}{"viewer": {"victor", admin.Options{}}, "read-only": {"alice", admin.Options{ReadOnly: true}}} {
		t.Run(name, func(t *testing.T) {
			rg := newRig(t, c.opts)
			form := rg.sectionForm("alice", "site")
			form.Set("v:"+title, "Viewer's title")
			if resp, _ := rg.do(c.user, http.MethodPost, prefix+"/s/site", form); resp.StatusCode != http.StatusForbidden {
				t.Errorf("post: %d", resp.StatusCode)
			}
			if rg.changes() != 0 {
				t.Error("something was written")
			}
			_, body := rg.do(c.user, http.MethodGet, prefix+"/s/site", nil)
			if strings.Contains(body, `type="submit"`) || !strings.Contains(body, "disabled") {
				t.Error("the page offers to save")
			}
		})
	}
}

// TestPerFieldAuthorization: a field the user may only view is refused
// beside it, whole save unwritten; a field they may not see is left out.
func TestPerFieldAuthorization(t *testing.T) {
	rg := newRig(t, admin.Options{})
	_, body := rg.do("sam", http.MethodGet, prefix+"/s/email", nil)
	if strings.Contains(body, generated.EmailSMTPPasswordField.Path()) {
		t.Error("a field sam may not see is shown")
	}
	sec := rg.sectionForm("alice", "security")
	sec.Set("v:"+generated.SecurityTrustedProxyField.Path(), "10.0.0.2")
	sec.Set("v:"+generated.SecuritySessionLifetimeField.Path(), "1h")
	// sam views security: the section is refused as a whole.
	if resp, _ := rg.do("sam", http.MethodPost, prefix+"/s/security", sec); resp.StatusCode != http.StatusForbidden {
		t.Errorf("security as sam: %d", resp.StatusCode)
	}
	// A mixed grant: one field refused beside it, nothing written.
	mixed := newRig(t, admin.Options{Authorize: func(r *http.Request) (admin.Grant, error) {
		return admin.Grant{Actor: "pat", Access: func(p string) admin.Access {
			if p == generated.SecurityTrustedProxyField.Path() {
				return admin.View
			}
			return admin.Edit
		}}, nil
	}})
	resp, body := mixed.do("pat", http.MethodPost, prefix+"/s/security", sec)
	if resp.StatusCode != http.StatusForbidden || mixed.changes() != 0 {
		t.Fatalf("mixed: %d, %d changes", resp.StatusCode, mixed.changes())
	}
	if !strings.Contains(fieldBox(t, body, generated.SecurityTrustedProxyField.Path()), "You may not change this field.") {
		t.Error("no refusal beside the field")
	}
	if resp, _ := rg.do("sam", http.MethodGet, prefix+"/history/"+generated.EmailSMTPPasswordField.Path(), nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("history of a hidden field: %d", resp.StatusCode)
	}
}

// TestEveryControlHasALabel: every input, select and textarea of every
// page has a <label for> naming its id.
func TestEveryControlHasALabel(t *testing.T) {
	rg := newRig(t, admin.Options{})
	rg.set(apiKeyPath, strings.Repeat("k", 40))
	control := regexp.MustCompile(`<(input|select|textarea)\b[^>]*>`)
	id := regexp.MustCompile(`\bid="([^"]+)"`)
	pages := []string{"/", "/?q=smtp", "/history"}
	for _, s := range generated.Schema.Sections() {
		pages = append(pages, "/s/"+s.Name())
	}
	for _, p := range pages {
		body := rg.get(prefix + p)
		for _, c := range control.FindAllString(body, -1) {
			if strings.Contains(c, `type="hidden"`) {
				continue
			}
			m := id.FindStringSubmatch(c)
			if m == nil || !strings.Contains(body, `<label for="`+m[1]+`"`) {
				t.Errorf("%s: control without a label: %s", p, c)
			}
		}
	}
}

var apiKeyPath = generated.SecurityPaymentAPIKeyField.Path()

package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/go-sysconfig/sysconfig/admin"
	"github.com/go-sysconfig/sysconfig/generated"
	"github.com/go-sysconfig/sysconfig/runtime"
)

// plaintext is the secret the tests set.
const plaintext = "s3cret-PLAINTEXT-0123456789abcdefghijklmnop"

// TestSecretWriteOnly: a secret's control never shows its value; replace
// and clear write it, leave does not.
func TestSecretWriteOnly(t *testing.T) {
	rg := newRig(t, admin.Options{})
	form := rg.sectionForm("alice", "security")
	form.Set("action:"+apiKeyPath, "replace")
	form.Set("v:"+apiKeyPath, plaintext)
	if resp, body := rg.do("alice", http.MethodPost, prefix+"/s/security", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("replace: %d\n%s", resp.StatusCode, body)
	}
	if v := rg.value(apiKeyPath); v.Value.(interface{ Reveal() string }).Reveal() != plaintext {
		t.Fatal("not replaced")
	}
	box := fieldBox(t, rg.get(prefix+"/s/security"), apiKeyPath)
	if !strings.Contains(box, "A value is set.") || !strings.Contains(box, `value=""`) {
		t.Errorf("secret control:\n%s", box)
	}
	form = rg.sectionForm("alice", "security")
	form.Set("action:"+apiKeyPath, "clear")
	if resp, _ := rg.do("alice", http.MethodPost, prefix+"/s/security", form); resp.StatusCode != http.StatusSeeOther || rg.value(apiKeyPath).Set {
		t.Fatalf("clear: %d", resp.StatusCode)
	}
}

// TestNoSecretOnAnyRoute: no page of any route the router serves, error
// pages, refusals and the log included, holds a set secret's plaintext or
// its ciphertext.
func TestNoSecretOnAnyRoute(t *testing.T) {
	rg := newRig(t, admin.Options{})
	rg.set(apiKeyPath, plaintext)
	sealed, err := rg.store.Load(context.Background(), []string{apiKeyPath})
	if err != nil || !sealed[0].Set {
		t.Fatal(err)
	}
	cipher := sealed[0].Value
	sets, err := rg.client.Changes(context.Background(), runtime.ChangeQuery{Path: apiKeyPath})
	if err != nil {
		t.Fatal(err)
	}
	id, version := sets[0].ID, itoa(sets[0].Version)
	badForm := rg.sectionForm("alice", "security")
	badForm.Set("action:"+apiKeyPath, "replace")
	badForm.Set("v:"+apiKeyPath, plaintext+"\x00")
	badForm.Set("v:"+generated.SecuritySessionLifetimeField.Path(), "forever")
	conflictForm := rg.sectionForm("alice", "security")
	conflictForm.Set("action:"+apiKeyPath, "replace")
	conflictForm.Set("v:"+apiKeyPath, "another-"+plaintext)
	rg.set(apiKeyPath, plaintext+"-2")
	type req struct {
		user, method, target string
		form                 url.Values
	}
	samples := map[string][]req{
		"GET /static/admin.css": {{"alice", "GET", "/static/admin.css", nil}},
		"GET /{$}":              {{"alice", "GET", "/", nil}, {"alice", "GET", "/?q=payment", nil}, {"mallory", "GET", "/", nil}},
		"GET /s/{section}":      {{"alice", "GET", "/s/security", nil}, {"victor", "GET", "/s/security", nil}, {"alice", "GET", "/s/nope", nil}},
		"POST /s/{section}": {{"alice", "POST", "/s/security", badForm}, {"alice", "POST", "/s/security", conflictForm},
			{"victor", "POST", "/s/security", badForm}},
		"GET /history":        {{"alice", "GET", "/history", nil}},
		"GET /history/{path}": {{"alice", "GET", "/history/" + apiKeyPath, nil}, {"alice", "GET", "/history/" + plaintext, nil}},
		"GET /revert": {{"alice", "GET", "/revert?change=" + id, nil}, {"alice", "GET", "/revert?path=" + apiKeyPath + "&version=" + version, nil},
			{"alice", "GET", "/revert?change=" + plaintext, nil}},
		"POST /revert": {{"alice", "POST", "/revert", url.Values{"change": {id}}}, {"alice", "POST", "/revert", url.Values{"path": {apiKeyPath}, "version": {plaintext}}}},
		"/":            {{"alice", "GET", "/" + cipher, nil}, {"alice", "DELETE", "/s/security", nil}},
	}
	for _, pattern := range admin.RoutePatterns() {
		if len(samples[pattern]) == 0 {
			t.Errorf("route %s has no sample request: add one", pattern)
		}
		for _, s := range samples[pattern] {
			resp, body := rg.do(s.user, s.method, prefix+s.target, s.form)
			whole := body + resp.Header.Get("Location")
			if leaks(whole, cipher) {
				t.Errorf("%s %s (%d) shows the secret", s.method, s.target, resp.StatusCode)
			}
		}
	}
	if leaks(rg.logs.String(), cipher) {
		t.Error("the log holds the secret")
	}
}

// leaks reports whether text holds the plaintext or part of the
// ciphertext's payload.
func leaks(text, cipher string) bool {
	payload := cipher[strings.LastIndex(cipher, ":")+1:]
	return strings.Contains(text, plaintext[:12]) || strings.Contains(text, payload[:16])
}

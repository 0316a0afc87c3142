package admin_test

import (
	"bytes"
	"context"
	"errors"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/go-sysconfig/sysconfig/admin"
	"github.com/go-sysconfig/sysconfig/generated"
	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/keyring"
	"github.com/go-sysconfig/sysconfig/runtime/memory"
	"github.com/go-sysconfig/sysconfig/runtime/value"
)

func init() {
	value.RegisterValidator("coupon_code", func(any) error { return nil })
}

// prefix is where the tests mount the handler, unless they say otherwise.
const prefix = "/admin/config"

// pinnedVar pins shop.limits.export_dir in the tests' clients.
const pinnedVar = "SHOP__LIMITS__EXPORT_DIR"

// rig is a handler over a real client on the memory backends, with the
// store and the log at hand.
type rig struct {
	t      *testing.T
	client *runtime.Client
	store  runtime.Store
	mux    *http.ServeMux
	logs   *bytes.Buffer
}

// users are the tests' grants, by the X-User header: alice edits
// everything, victor views everything, sam edits all but the security
// section, which he only views, and cannot see the email password.
var users = map[string]admin.Grant{
	"alice":  {Actor: "alice", Access: admin.Everything(admin.Edit)},
	"victor": {Actor: "victor", Access: admin.Everything(admin.View)},
	"sam": {Actor: "sam", Access: func(path string) admin.Access {
		switch {
		case path == generated.EmailSMTPPasswordField.Path():
			return admin.NoAccess
		case strings.HasPrefix(path, "shop.security."):
			return admin.View
		}
		return admin.Edit
	}},
}

// authorize is the tests' hook: the grant of the X-User header.
func authorize(r *http.Request) (admin.Grant, error) {
	g, ok := users[r.Header.Get("X-User")]
	if !ok {
		return admin.Grant{}, errors.New("unknown user")
	}
	return g, nil
}

// newRig returns a rig on the memory store with the handler mounted at
// prefix and at each of more.
func newRig(t *testing.T, opts admin.Options, more ...string) *rig {
	t.Helper()
	return newRigOn(t, memory.NewStore(), opts, more...)
}

// newRigOn returns a rig on store with the handler mounted at prefix and
// at each of more.
func newRigOn(t *testing.T, store runtime.Store, opts admin.Options, more ...string) *rig {
	t.Helper()
	keys, err := keyring.New("k1", map[string][]byte{"k1": bytes.Repeat([]byte{7}, keyring.KeySize)})
	if err != nil {
		t.Fatal(err)
	}
	rg := &rig{t: t, store: store, mux: http.NewServeMux(), logs: &bytes.Buffer{}}
	logger := slog.New(slog.NewTextHandler(rg.logs, nil))
	env := map[string]string{pinnedVar: "/srv/exports"}
	rg.client, err = runtime.NewClient(generated.Schema, rg.store, runtime.Options{
		Cache: memory.NewCache(), Secrets: keys, Logger: logger,
		Env: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := rg.client.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rg.client.Close)
	if opts.Authorize == nil {
		opts.Authorize = authorize
	}
	opts.Logger = logger
	h, err := admin.New(rg.client, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range append([]string{prefix}, more...) {
		rg.mux.Handle(p+"/", http.StripPrefix(p, h))
	}
	return rg
}

// do serves a request as user and returns the response with its body.
func (rg *rig) do(user, method, target string, form url.Values) (*http.Response, string) {
	rg.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, target, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if user != "" {
		req.Header.Set("X-User", user)
	}
	rec := httptest.NewRecorder()
	rg.mux.ServeHTTP(rec, req)
	return rec.Result(), rec.Body.String()
}

// get serves a GET as alice and fails unless it answers 200.
func (rg *rig) get(target string) string {
	rg.t.Helper()
	resp, body := rg.do("alice", http.MethodGet, target, nil)
	if resp.StatusCode != http.StatusOK {
		rg.t.Fatalf("GET %s: %d\n%s", target, resp.StatusCode, body)
	}
	return body
}

// set stores text at path as someone else would, through the client.
func (rg *rig) set(path, text string) {
	rg.t.Helper()
	ctx := runtime.WithChangeInfo(context.Background(), runtime.ChangeInfo{Actor: "bob", Reason: "by hand"})
	if err := rg.client.Set(ctx, path, text); err != nil {
		rg.t.Fatal(err)
	}
}

// value returns the value at path.
func (rg *rig) value(path string) runtime.Value {
	rg.t.Helper()
	v, err := rg.client.Get(context.Background(), path)
	if err != nil {
		rg.t.Fatal(err)
	}
	return v
}

// changes returns how many change sets the app has.
func (rg *rig) changes() int {
	rg.t.Helper()
	sets, err := rg.client.Changes(context.Background(), runtime.ChangeQuery{Limit: 1000})
	if err != nil {
		rg.t.Fatal(err)
	}
	return len(sets)
}

// sectionForm returns what a browser posts when the user saves the
// section's page unchanged.
func (rg *rig) sectionForm(user, section string) url.Values {
	rg.t.Helper()
	resp, body := rg.do(user, http.MethodGet, prefix+"/s/"+section, nil)
	if resp.StatusCode != http.StatusOK {
		rg.t.Fatalf("GET section %s: %d", section, resp.StatusCode)
	}
	return formOf(body)
}

// href finds the links of a page.
var href = regexp.MustCompile(`(?:href|action)="([^"]*)"`)

// links returns the targets of a page's links and forms.
func links(body string) []string {
	var out []string
	for _, m := range href.FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// resolve returns ref resolved against the URL path base, as a browser does.
func resolve(base, ref string) string {
	b, _ := url.Parse(base)
	r, err := url.Parse(ref)
	if err != nil {
		return ref
	}
	return b.ResolveReference(r).String()
}

// The parts of a form that formOf reads.
var (
	control  = regexp.MustCompile(`(?s)<(input)\b([^>]*)>|<(textarea)\b([^>]*)>([^<]*)</textarea>|<(select)\b([^>]*)>(.*?)</select>`)
	attr     = regexp.MustCompile(`\b([a-z-]+)(?:="([^"]*)")?`)
	selected = regexp.MustCompile(`<option value="([^"]*)" selected>`)
)

// formOf returns what a browser posts for a page's form as it is shown:
// every control that is not disabled, a checkbox or radio only when
// checked, a select's selected option, a text area's text.
func formOf(body string) url.Values {
	form := url.Values{}
	for _, m := range control.FindAllStringSubmatch(body, -1) {
		tag, attrText := m[1]+m[3]+m[6], m[2]+m[4]+m[7]
		attrs := map[string]string{}
		for _, a := range attr.FindAllStringSubmatch(attrText, -1) {
			attrs[a[1]] = html.UnescapeString(a[2])
		}
		_, disabled := attrs["disabled"]
		_, checked := attrs["checked"]
		name, typ, val := attrs["name"], attrs["type"], attrs["value"]
		switch {
		case name == "" || name == "q" || disabled || (typ == "checkbox" || typ == "radio") && !checked:
			continue
		case tag == "textarea":
			val = html.UnescapeString(m[5])
		case tag == "select":
			if s := selected.FindStringSubmatch(m[8]); s != nil {
				val = html.UnescapeString(s[1])
			}
		}
		form.Add(name, val)
	}
	return form
}

// itoa returns n in decimal.
func itoa(n int64) string { return strconv.FormatInt(n, 10) }

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
	store  *memory.Store
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

// newRig returns a rig with the handler mounted at prefix and at each of
// more.
func newRig(t *testing.T, opts admin.Options, more ...string) *rig {
	t.Helper()
	keys, err := keyring.New("k1", map[string][]byte{"k1": bytes.Repeat([]byte{7}, keyring.KeySize)})
	if err != nil {
		t.Fatal(err)
	}
	rg := &rig{t: t, store: memory.NewStore(), mux: http.NewServeMux(), logs: &bytes.Buffer{}}
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

// hidden finds the hidden inputs of a page.
var hidden = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// sectionForm returns what a browser posts when the user saves the
// section's page unchanged: its hidden inputs, and each control holding
// what the page showed (a checkbox sent only when ticked).
func (rg *rig) sectionForm(user, section string) url.Values {
	rg.t.Helper()
	resp, body := rg.do(user, http.MethodGet, prefix+"/s/"+section, nil)
	if resp.StatusCode != http.StatusOK {
		rg.t.Fatalf("GET section %s: %d", section, resp.StatusCode)
	}
	form := url.Values{}
	for _, m := range hidden.FindAllStringSubmatch(body, -1) {
		name, val := html.UnescapeString(m[1]), html.UnescapeString(m[2])
		form.Set(name, val)
		path, ok := strings.CutPrefix(name, "was:")
		if !ok {
			continue
		}
		d, _ := generated.Schema.Field(path)
		switch {
		case d.Kind() == value.KindSecret:
			form.Set("action:"+path, "leave")
		case d.Kind() != value.KindBool || val == "true":
			form.Set("v:"+path, val)
		}
	}
	return form
}

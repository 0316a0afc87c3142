package cli

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-sysconfig/sysconfig/admin"
)

// sessionCookie names the cookie a login sets.
const sessionCookie = "sysconfig_session"

// runServe serves the admin page (package admin) for one operator until
// interrupted. Nobody is let in anonymously: it prints a token, which the
// login form exchanges once per browser for an HttpOnly, SameSite=Strict
// session cookie, so the token never travels in a URL; and it answers only
// requests whose Host is one it serves, since loopback alone is no
// boundary (other local users, DNS rebinding).
func runServe(ctx context.Context, inv *invocation) error {
	return inv.withSession(ctx, true, func(s *session) error {
		ln, err := net.Listen("tcp", inv.listen)
		if err != nil {
			return err
		}
		g, err := newGate(inv.actor, ln.Addr().String(), inv.allowHosts)
		if err != nil {
			ln.Close()
			return err
		}
		page, err := admin.New(s.client, admin.Options{Authorize: g.authorize, ReadOnly: inv.readOnly})
		if err != nil {
			ln.Close()
			return err
		}
		srv := &http.Server{Handler: g.guard(page), ReadHeaderTimeout: 10 * time.Second}
		fmt.Fprintf(inv.opts.Stdout, "admin page: http://%s/\nlog in with the token %s\n", ln.Addr(), g.token)
		go func() {
			<-ctx.Done()
			shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = srv.Shutdown(shutdown)
		}()
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	})
}

// gate lets in the operator who holds the token, on the hosts it serves.
type gate struct {
	token string
	actor string
	hosts map[string]bool // the Host headers served
	cop   *http.CrossOriginProtection

	mu       sync.Mutex
	sessions map[string]bool
}

// newGate returns a gate with a fresh token for the server at addr, which
// answers as that address, as localhost, 127.0.0.1 and [::1] on its port,
// and as each of extra (host or host:port).
func newGate(actor, addr string, extra []string) (*gate, error) {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	g := &gate{token: randomText(), actor: actor, hosts: map[string]bool{addr: true},
		cop: http.NewCrossOriginProtection(), sessions: map[string]bool{}}
	for _, h := range append([]string{"localhost", "127.0.0.1", "::1"}, extra...) {
		if _, _, err := net.SplitHostPort(h); err != nil { // no port: the server's
			h = net.JoinHostPort(strings.Trim(h, "[]"), port)
		}
		g.hosts[h] = true
	}
	return g, nil
}

// randomText returns 32 random bytes, URL-safe base64.
func randomText() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand documents it)
	return base64.RawURLEncoding.EncodeToString(b)
}

// guard answers the login form itself and passes every other request of a
// logged-in browser to next.
func (g *gate) guard(next http.Handler) http.Handler {
	return g.cop.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		w.Header().Set("Cache-Control", "no-store")
		switch {
		case !g.hosts[r.Host]:
			http.Error(w, "this server does not answer as "+r.Host, http.StatusMisdirectedRequest)
		case r.URL.Path == "/login":
			g.login(w, r)
		case g.loggedIn(r):
			next.ServeHTTP(w, r)
		case r.Method == http.MethodGet || r.Method == http.MethodHead:
			http.Redirect(w, r, "/login", http.StatusSeeOther)
		default:
			http.Error(w, "log in first", http.StatusForbidden)
		}
	}))
}

// loginPage is the login form.
var loginPage = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Log in: sysconfig</title></head>
<body><main><h1>Log in</h1>{{if .}}<p role="alert">{{.}}</p>{{end}}
<form method="post" action="/login"><label for="token">Token printed by sysconfig serve</label>
<input id="token" name="token" type="password" autocomplete="off" required autofocus>
<button type="submit">Log in</button></form></main></body></html>
`))

// login shows the form, or exchanges the token for a session cookie.
func (g *gate) login(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		_ = loginPage.Execute(w, "")
	case http.MethodPost:
		r.Body = http.MaxBytesReader(w, r.Body, 4096)
		if subtle.ConstantTimeCompare([]byte(r.PostFormValue("token")), []byte(g.token)) != 1 {
			w.WriteHeader(http.StatusForbidden)
			_ = loginPage.Execute(w, "That is not the token.")
			return
		}
		http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: g.newSession(), Path: "/",
			HttpOnly: true, SameSite: http.SameSiteStrictMode})
		http.Redirect(w, r, "/", http.StatusSeeOther)
	default:
		w.Header().Set("Allow", "GET, HEAD, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// newSession records and returns a new session ID.
func (g *gate) newSession() string {
	id := randomText()
	g.mu.Lock()
	defer g.mu.Unlock()
	g.sessions[id] = true
	return id
}

// loggedIn reports whether r carries a session cookie of this server.
func (g *gate) loggedIn(r *http.Request) bool {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return false
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.sessions[c.Value]
}

// authorize is the admin page's hook: a logged-in browser is the operator,
// who may edit every field.
func (g *gate) authorize(r *http.Request) (admin.Grant, error) {
	if !g.loggedIn(r) {
		return admin.Grant{}, errors.New("not logged in")
	}
	return admin.Grant{Actor: g.actor, Access: admin.Everything(admin.Edit)}, nil
}

package cli_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// serving starts sysconfig serve on a free loopback port and returns its
// address and login token; it stops when the test ends.
func (o *operator) serving(args ...string) (addr, token string) {
	o.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, binary, append([]string{"serve", "--listen", "127.0.0.1:0"}, args...)...)
	for k, v := range o.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		o.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		o.t.Fatal(err)
	}
	o.t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	lines := bufio.NewScanner(out)
	addrRE, tokenRE := regexp.MustCompile(`^admin page: http://(\S+)/$`), regexp.MustCompile(`^log in with the token (\S+)$`)
	for (addr == "" || token == "") && lines.Scan() {
		if m := addrRE.FindStringSubmatch(lines.Text()); m != nil {
			addr = m[1]
		}
		if m := tokenRE.FindStringSubmatch(lines.Text()); m != nil {
			token = m[1]
		}
	}
	if addr == "" || token == "" {
		o.t.Fatal("sysconfig serve did not print its address and token")
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	return addr, token
}

// browser is an HTTP client that keeps cookies and does not follow
// redirects, so that a test sees them.
func browser(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// fetch does a request and returns its status and body.
func fetch(t *testing.T, c *http.Client, req *http.Request) (int, string, http.Header) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header
}

func TestServeLetsInOnlyTheTokenHolder(t *testing.T) {
	o := newOperator(t)
	o.step(0, "", "set", "shop.site.title", "Served", "--actor", "alice")
	addr, token := o.serving("--actor", "ops")
	base := "http://" + addr
	c := browser(t)
	get := func(path string) (int, string, http.Header) {
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		return fetch(t, c, req)
	}
	login := func(tok string, origin string) (int, http.Header) {
		req, _ := http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(url.Values{"token": {tok}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if origin != "" {
			req.Header.Set("Origin", origin)
			req.Header.Set("Sec-Fetch-Site", "cross-site")
		}
		code, _, h := fetch(t, c, req)
		return code, h
	}

	if code, _, h := get("/"); code != http.StatusSeeOther || h.Get("Location") != "/login" {
		t.Errorf("an anonymous GET: %d to %q, want a redirect to the login form", code, h.Get("Location"))
	}
	if code, body, _ := get("/login"); code != http.StatusOK || !strings.Contains(body, `<label for="token"`) {
		t.Errorf("the login form: %d\n%s", code, body)
	}
	if code, _ := login("wrong", ""); code != http.StatusForbidden {
		t.Errorf("a wrong token: %d, want 403", code)
	}
	if code, _ := login(token, "https://evil.example"); code != http.StatusForbidden {
		t.Errorf("a cross-site login: %d, want 403", code)
	}
	code, h := login(token, "")
	cookie := h.Get("Set-Cookie")
	if code != http.StatusSeeOther || !strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Strict") {
		t.Fatalf("login: %d, cookie %q; want a redirect and an HttpOnly, SameSite=Strict cookie", code, cookie)
	}
	if code, body, _ := get("/s/site"); code != http.StatusOK || !strings.Contains(body, "Served") {
		t.Errorf("after login, the section page: %d", code)
	}

	// Another Host (DNS rebinding) is refused, logged in or not.
	req, _ := http.NewRequest(http.MethodGet, base+"/s/site", nil)
	req.Host = "rebound.example:80"
	if code, _, _ := fetch(t, c, req); code != http.StatusMisdirectedRequest {
		t.Errorf("a request for another host: %d, want 421", code)
	}
	if strings.Contains(base, token) {
		t.Error("the token is in a URL")
	}
}

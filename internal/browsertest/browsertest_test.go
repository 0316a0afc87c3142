package browsertest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/go-sysconfig/sysconfig/internal/browsertest"
)

// recorder is a testing.TB that keeps what Fatalf says instead of
// stopping the test.
type recorder struct {
	testing.TB
	failed string
}

func (r *recorder) Helper() {}

func (r *recorder) Fatalf(format string, args ...any) { r.failed = fmt.Sprintf(format, args...) }

// TestFindSaysHowToInstall: without a browser, Find fails saying how to
// get one, whether none is on PATH or the variable names none.
func TestFindSaysHowToInstall(t *testing.T) {
	cases := map[string]func(t *testing.T){
		"empty PATH":       func(t *testing.T) { t.Setenv(browsertest.EnvVar, ""); t.Setenv("PATH", t.TempDir()) },
		"variable missing": func(t *testing.T) { t.Setenv(browsertest.EnvVar, "/nonexistent/chromium") },
	}
	for name, setup := range cases {
		t.Run(name, func(t *testing.T) {
			setup(t)
			rec := &recorder{TB: t}
			if got := browsertest.Find(rec); got != "" {
				t.Fatalf("found %q", got)
			}
			if !strings.Contains(rec.failed, "install Debian's chromium (make test does it)") {
				t.Errorf("the failure does not say how to install it: %q", rec.failed)
			}
		})
	}
}

// TestStartLoadsALocalPage: the browser starts with the tests' flags and
// loads a page from a local server.
func TestStartLoadsALocalPage(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "<!doctype html><title>local</title><p>hello")
	}))
	defer srv.Close()
	tab := browsertest.Start(t, 800, 600)
	if err := chromedp.Do(tab, chromedp.Navigate(srv.URL)); err != nil {
		t.Fatal(err)
	}
	title, err := chromedp.Run(tab, chromedp.Title())
	if err != nil || title != "local" {
		t.Errorf("title %q, %v", title, err)
	}
}

package admin_test

// The tests in this file drive the admin page in headless Chromium, as an
// operator would: typing, clicking and pressing Tab. They need Debian's
// chromium (make test installs it; see internal/browsertest) and fail,
// saying so, without it.
//
// TestBrowserScreenshot makes the README's picture of the page; run
//
//	go test ./admin -run TestBrowserScreenshot -update-screenshot
//
// to rewrite docs/admin.png.

import (
	"bytes"
	"context"
	"flag"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/go-sysconfig/sysconfig/admin"
	"github.com/go-sysconfig/sysconfig/generated"
	"github.com/go-sysconfig/sysconfig/internal/browsertest"
	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/memory"
)

// updateScreenshot makes TestBrowserScreenshot rewrite screenshotFile.
var updateScreenshot = flag.Bool("update-screenshot", false, "rewrite docs/admin.png from TestBrowserScreenshot")

// screenshotFile is the README's picture of a section page.
var screenshotFile = filepath.Join("..", "docs", "admin.png")

// The browser's window: wide enough for the page's column and its header.
const winWidth, winHeight = 1000, 1100

// session is one browser tab on a rig's handler, served over HTTP.
type session struct {
	*rig
	tab  context.Context
	base string // the URL of the handler's root, with its trailing slash
}

// newSession serves a new rig, where alice is the user of every request,
// and opens a browser on it.
func newSession(t *testing.T) *session {
	t.Helper()
	rg := newRig(t, admin.Options{Authorize: func(*http.Request) (admin.Grant, error) {
		return users["alice"], nil
	}})
	srv := httptest.NewServer(rg.mux)
	t.Cleanup(srv.Close)
	return &session{rig: rg, tab: browsertest.Start(t, winWidth, winHeight), base: srv.URL + prefix + "/"}
}

// run runs steps in the tab and fails the test on an error, naming what.
func (s *session) run(what string, steps ...chromedp.Action[chromedp.Void]) {
	s.t.Helper()
	if err := chromedp.Do(s.tab, steps...); err != nil {
		s.t.Fatalf("%s: %v", what, err)
	}
}

// open navigates to page, relative to the handler's root, and waits for
// its heading.
func (s *session) open(page string) {
	s.t.Helper()
	s.run("open "+page, chromedp.Navigate(s.base+page), chromedp.WaitVisible(chromedp.CSS("h1")))
}

// read runs an action that reads from the page and returns what it read,
// failing the test on an error, naming what.
func read[T any](s *session, what string, a chromedp.Action[T]) T {
	s.t.Helper()
	got, err := chromedp.Run(s.tab, a)
	if err != nil {
		s.t.Fatalf("%s: %v", what, err)
	}
	return got
}

// text returns the visible text of the first element sel matches.
func (s *session) text(sel chromedp.CSS) string {
	s.t.Helper()
	return read(s, "text of "+string(sel), chromedp.Text(sel))
}

// valueOf returns the value of the form control sel matches.
func (s *session) valueOf(sel chromedp.CSS) string {
	s.t.Helper()
	return read(s, "value of "+string(sel), chromedp.Value(sel))
}

// eval returns what the JavaScript expression js evaluates to.
func eval[T any](s *session, js string) T {
	s.t.Helper()
	return read(s, js, chromedp.Evaluate[T](js))
}

// fieldControl selects the form control of the field at path.
func fieldControl(path string) chromedp.CSS { return byID("f-" + path) }

// box selects the fieldset of the field at path.
func box(path string) chromedp.CSS { return byID("f-" + path + "-box") }

// byID selects the element with id, which may hold dots.
func byID(id string) chromedp.CSS { return chromedp.CSS(`[id="` + id + `"]`) }

// submit is the section form's save button.
const submit = chromedp.CSS(`form.section button[type=submit]`)

// typeInto replaces what the control at path holds with text, typed key by
// key.
func typeInto(path, text string) chromedp.Action[chromedp.Void] {
	return typeIntoID("f-"+path, text)
}

// typeIntoID empties the control with id, then types text into it key by
// key. (chromedp.Clear fails on an empty text area.)
func typeIntoID(id, text string) chromedp.Action[chromedp.Void] {
	empty := chromedp.Evaluate[chromedp.Void](`document.getElementById(` + strconv.Quote(id) + `).value = ""`)
	return chromedp.Steps(empty, chromedp.SendKeys(byID(id), text))
}

// save types reason, clicks the save button and waits for the page that
// answers to show what done selects.
func (s *session) save(reason string, done chromedp.CSS) {
	s.t.Helper()
	s.run("save", typeIntoID("reason", reason), chromedp.Click(submit), chromedp.WaitVisible(done))
}

// secondClient starts another client over the rig's store, with a cache of
// its own, as another process of the app would be, and returns its typed
// configuration.
func secondClient(t *testing.T, store runtime.Store) *generated.Config {
	t.Helper()
	client, err := runtime.NewClient(generated.Schema, store, runtime.Options{
		Cache: memory.NewCache(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(client.Close)
	return generated.New(client)
}

// eventually polls read until it returns want, failing after 10 s.
func eventually(t *testing.T, what string, want string, read func() (string, error)) {
	t.Helper()
	var got string
	var err error
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if got, err = read(); err == nil && got == want {
			return
		}
	}
	t.Fatalf("%s: %q (%v), want %q", what, got, err, want)
}

// TestBrowserSaveReachesAnotherClient: a title typed and saved in the
// browser is read by another running client of the same store.
func TestBrowserSaveReachesAnotherClient(t *testing.T) {
	s := newSession(t)
	other := secondClient(t, s.store)
	s.open("s/site")
	s.run("type the title", typeInto(title, "Typed in Chromium"))
	s.save("from the browser", chromedp.CSS(".saved"))
	if got := s.text(chromedp.CSS(`[id="f-` + title + `-box"] .changed`)); got != "changed" {
		t.Errorf("changed marker %q", got)
	}
	eventually(t, "the other client's title", "Typed in Chromium", func() (string, error) {
		return other.Site.Title(t.Context())
	})
	sets, err := s.client.Changes(t.Context(), runtime.ChangeQuery{Limit: 1})
	if err != nil || len(sets) != 1 || sets[0].Actor != "alice" || sets[0].Reason != "from the browser" {
		t.Errorf("change: %v %+v", err, sets)
	}
}

// TestBrowserValidationErrorsBesideFields: two invalid values are both
// shown beside their fields, with what was typed kept, and nothing is
// written.
func TestBrowserValidationErrorsBesideFields(t *testing.T) {
	s := newSession(t)
	domain, home := generated.SiteCanonicalDomainField.Path(), generated.SiteHomepageURLField.Path()
	s.open("s/site")
	s.run("type invalid values", typeInto(domain, "not a domain"), typeInto(home, "http://shop.example.com/"))
	s.save("bad", chromedp.CSS("fieldset.invalid"))
	for path, typed := range map[string]string{domain: "not a domain", home: "http://shop.example.com/"} {
		if msg := s.text(box(path) + " p.error"); msg == "" {
			t.Errorf("%s: no error beside the field", path)
		}
		if got := s.valueOf(fieldControl(path)); got != typed {
			t.Errorf("%s: the control holds %q, want what was typed, %q", path, got, typed)
		}
	}
	if got := eval[int](s, `document.querySelectorAll("fieldset.invalid").length`); got != 2 {
		t.Errorf("%d invalid fields shown, want 2", got)
	}
	if n := s.changes(); n != 0 {
		t.Errorf("%d changes written, want none", n)
	}
}

// TestBrowserConflict: a title someone else saved after the page was
// opened is shown beside the user's, nothing is written, and saving again
// writes the user's.
func TestBrowserConflict(t *testing.T) {
	s := newSession(t)
	s.open("s/site")
	s.set(title, "Bob's title")
	s.run("type the title", typeInto(title, "Alice's title"))
	s.save("mine", chromedp.CSS(".theirs"))
	if msg := s.text(box(title) + " .theirs"); !strings.Contains(msg, "bob") || !strings.Contains(msg, "Bob's title") {
		t.Errorf("conflict message %q, want bob's value", msg)
	}
	if got := s.valueOf(fieldControl(title)); got != "Alice's title" {
		t.Errorf("the control holds %q, want the user's", got)
	}
	if got := s.value(title).Value; got != "Bob's title" {
		t.Fatalf("after the conflict the title is %v, want bob's", got)
	}
	s.save("mine, over bob's", chromedp.CSS(".saved"))
	if got := s.value(title).Value; got != "Alice's title" {
		t.Errorf("after saving again the title is %v, want alice's", got)
	}
}

// TestBrowserRevertFromHistory: a field's history offers to restore an
// older value; nothing changes until the confirmation is submitted.
func TestBrowserRevertFromHistory(t *testing.T) {
	s := newSession(t)
	s.set(title, "First")
	s.set(title, "Second")
	s.open("history/" + title)
	s.run("restore version 1", chromedp.Click(chromedp.CSS(`a[href$="version=1"]`)), chromedp.WaitVisible(byID("reason")))
	if got := s.value(title).Value; got != "Second" {
		t.Fatalf("before the confirmation the title is %v", got)
	}
	s.run("confirm", chromedp.SendKeys(byID("reason"), "back to the first"),
		chromedp.Click(chromedp.CSS(`form button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS("article.change")))
	if got := s.value(title).Value; got != "First" {
		t.Errorf("after the revert the title is %v, want First", got)
	}
	if got := s.text(chromedp.CSS("article.change .reason")); got != "back to the first" {
		t.Errorf("newest change's reason %q", got)
	}
}

// focusables lists, in document order, what Tab should stop at in the
// section form: its links and every enabled control but the hidden ones,
// a radio only when checked. Each is described by its id, or by its tag
// and its target or text.
const focusables = `Array.from(document.querySelectorAll(
	"form.section a[href], form.section input:not([type=hidden]):not([disabled]), form.section select:not([disabled]), " +
	"form.section textarea:not([disabled]), form.section button:not([disabled])"))
	.filter(e => e.type !== "radio" || e.checked).map(describe)`

// describe is the JavaScript function that names an element for the walk.
const describe = `function describe(e) {
	return e.id || e.tagName.toLowerCase() + " " + (e.getAttribute("href") || e.textContent.trim());
}`

// unlabelled lists the form's controls that have no <label for> with
// text, or that the browser does not associate with a label.
const unlabelled = `Array.from(document.querySelectorAll(
	"form.section input:not([type=hidden]), form.section select, form.section textarea"))
	.filter(e => {
		const l = e.id && document.querySelector('label[for="' + CSS.escape(e.id) + '"]');
		return !l || !l.textContent.trim() || e.labels.length === 0;
	}).map(e => e.name)`

// focused describes the element that has the focus.
const focused = `(` + describe + `)(document.activeElement)`

// pressTab presses Tab and returns the description of the element focused then.
func (s *session) pressTab() string {
	s.t.Helper()
	s.run("press Tab", chromedp.KeyEvent("\t"))
	return eval[string](s, focused)
}

// TestBrowserTabWalksSectionForm: from the top of the page, Tab reaches
// every control of the section form, in order, and each has a label.
func TestBrowserTabWalksSectionForm(t *testing.T) {
	s := newSession(t)
	s.set(title, "Changed, so that it has a reset box")
	s.open("s/site")
	want := eval[[]string](s, describe+";"+focusables)
	if len(want) < 10 {
		t.Fatalf("only %d focusable elements in the form: %q", len(want), want)
	}
	got := []string{s.pressTab()}
	for i := 0; got[0] != want[0] && i < 10; i++ {
		got[0] = s.pressTab() // through the header's links
	}
	for len(got) < len(want) {
		got = append(got, s.pressTab())
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Tab went through\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if missing := eval[[]string](s, unlabelled); len(missing) > 0 {
		t.Errorf("controls without a <label for>: %q", missing)
	}
}

// TestBrowserScreenshot takes the README's picture of a section page, just
// saved, with a changed field; -update-screenshot writes it to
// docs/admin.png.
func TestBrowserScreenshot(t *testing.T) {
	s := newSession(t)
	s.open("s/site")
	s.run("edit", typeInto(title, "Corner Shop"))
	s.save("spring rebrand", chromedp.CSS(".saved"))
	shot := read(s, "screenshot", chromedp.CaptureScreenshot())
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil || img.Bounds().Dx() != winWidth {
		t.Fatalf("screenshot: %v, %v", err, img)
	}
	if *updateScreenshot {
		if err := os.WriteFile(screenshotFile, shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

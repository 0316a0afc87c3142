// Package browsertest starts the system's Chromium, headless, for tests that
// drive a page in a real browser with chromedp. Nothing is downloaded at test
// time: the browser is Debian's chromium, which "make test" installs when it
// is missing (scripts/chromium.sh), or the one SYSCONFIG_TEST_CHROMIUM names.
// A test that asks for the browser when there is none fails, saying how to
// get it: it never skips.
//
// Each call starts its own Chromium with a fresh profile, offline-friendly
// flags (no background networking, component updates, sync or QUIC: this
// machine's closed network refuses those connections) and no sandbox, so
// that it also runs as root in a container.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// EnvVar names the variable that points the tests at another Chromium.
const EnvVar = "SYSCONFIG_TEST_CHROMIUM"

// howToGet is the remedy every failure to find the browser states.
const howToGet = `install Debian's chromium (make test does it), with "make chromium" or
"apt-get install -y chromium", or set ` + EnvVar + ` to a Chromium executable`

// Timeout bounds each browser a test starts, from start to close.
const Timeout = 60 * time.Second

// names are the executables looked up on PATH, in order.
var names = []string{"chromium", "chromium-browser"}

// Find returns the path of the Chromium the tests use, or fails t saying
// how to install it.
func Find(t testing.TB) string {
	t.Helper()
	if p := os.Getenv(EnvVar); p != "" {
		if _, err := exec.LookPath(p); err != nil {
			t.Fatalf("%s=%s is not an executable: %v\n%s", EnvVar, p, err, howToGet)
			return ""
		}
		return p
	}
	for _, name := range names {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatalf("no Chromium on PATH (looked for %v)\n%s", names, howToGet)
	return ""
}

// flags are the switches every browser starts with, besides its profile
// directory and window size.
func flags(exe, profile string, width, height int) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(width, height),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	}
}

// Start starts a headless Chromium with a window of width×height pixels
// and returns the context of its first tab, for chromedp.Run. The browser
// is closed, and its profile removed, when t ends; it is killed after
// Timeout.
func Start(t testing.TB, width, height int) context.Context {
	t.Helper()
	exe := Find(t)
	profile := t.TempDir()
	ctx, cancelTimeout := context.WithTimeout(context.Background(), Timeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, flags(exe, profile, width, height)...)
	tab, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithErrorf(t.Logf))
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
		cancelTimeout()
	})
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("starting %s: %v\n%s", exe, err, howToGet)
	}
	return tab
}

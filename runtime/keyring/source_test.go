package keyring_test

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-sysconfig/sysconfig/runtime/keyring"
)

// goodTexts are key texts and the primary and IDs they must give.
var goodTexts = []struct {
	name, text, primary string
	ids                 []string
}{
	{"one line", line("k1", "k1"), "k1", []string{"k1"}},
	{"lines, first is primary", line("k2", "k2") + "\n" + line("k1", "k1"), "k2", []string{"k1", "k2"}},
	{"comma-separated", line("new", "new") + "," + line("old", "old"), "new", []string{"new", "old"}},
	{"spaces and CRLF", "  " + line("k1", "k1") + " ,  " + line("k2", "k2") + "\r\n", "k1", []string{"k1", "k2"}},
	{"spaces around colon", "k1 : " + b64("k1"), "k1", []string{"k1"}},
	{"comments and blank lines", "# keys\n\n  # newest first\n" + line("k3", "k3") + "\n\n" + line("k1", "k1") + "\n", "k3", []string{"k1", "k3"}},
	{"no padding", "k1:" + strings.TrimRight(b64("k1"), "="), "k1", []string{"k1"}},
	{"trailing comma", line("k1", "k1") + ",", "k1", []string{"k1"}},
	{"mixed", line("a", "a") + "," + line("b", "b") + "\n" + line("k1", "k1"), "a", []string{"a", "b", "k1"}},
}

func TestParse(t *testing.T) {
	for _, tc := range goodTexts {
		t.Run(tc.name, func(t *testing.T) {
			kr := mustParse(t, tc.text)
			if kr.Primary() != tc.primary || !slices.Equal(kr.IDs(), tc.ids) {
				t.Fatalf("Primary %q, IDs %v; want %q, %v", kr.Primary(), kr.IDs(), tc.primary, tc.ids)
			}
		})
	}
}

func TestParseUsesTheKeys(t *testing.T) {
	sealed := mustSeal(t, mustParse(t, line("k2", "k2")), path, secretText)
	kr := mustParse(t, line("k1", "k1")+","+line("k2", "k2"))
	if got, err := kr.Open(path, sealed); err != nil || got != secretText {
		t.Fatalf("Open = %q, %v", got, err)
	}
	got, err := mustParse(t, line("k2", "k1")).Open(path, sealed)
	wantDecryptError(t, got, err, path, "k2", reasonAuth)
}

// badTexts are key texts Parse must refuse, and what the error must say.
var badTexts = []struct {
	name, text string
	want       []string
}{
	{"empty", "", []string{"no keys"}},
	{"only comments", "# nothing\n\n   \n", []string{"no keys"}},
	{"only commas", " , ,", []string{"no keys"}},
	{"no colon", b64("k1"), []string{"line 1: expected ID:BASE64KEY"}},
	{"short key", "k1:" + base64.StdEncoding.EncodeToString(testKey("k1")[:31]), []string{`line 1: key "k1" is 31 bytes`, "exactly 32"}},
	{"long key", "k1:" + base64.StdEncoding.EncodeToString(append(testKey("k1"), 7)), []string{`key "k1" is 33 bytes`}},
	{"empty key", "k1:", []string{`key "k1" is 0 bytes`}},
	{"bad base64", "k1:" + b64("k1")[:20] + "!" + b64("k1")[21:], []string{`key "k1" is not valid standard base64`}},
	{"URL-safe base64", "k1:" + base64.URLEncoding.EncodeToString(urlSafeKey()), []string{"not valid standard base64", "looks URL-safe"}},
	{"bad padding", "k1:" + b64("k1") + "==", []string{"not valid standard base64"}},
	{"inline comment", line("k1", "k1") + " # primary", []string{"not valid standard base64"}},
	{"duplicate ID", line("k1", "k1") + "\n" + line("k2", "k2") + "\n" + line("k1", "k3"), []string{`line 3: key ID "k1" is listed twice (first on line 1)`}},
	{"duplicate ID, one line", line("k1", "k1") + "," + line("k1", "k2"), []string{`line 1, entry 2: key ID "k1" is listed twice (first on line 1, entry 1)`}},
	{"bad ID", "k 1:" + b64("k1"), []string{"line 1: the key ID is not valid"}},
	{"empty ID", ":" + b64("k1"), []string{"the key ID is not valid"}},
	{"long ID", strings.Repeat("k", 33) + ":" + b64("k1"), []string{"the key ID is not valid"}},
	{"swapped", b64("k1") + ":k1", []string{"the key ID is not valid"}},
	{"entry numbers", line("k1", "k1") + ",k2:short,k3", []string{`line 1, entry 2: key "k2"`, "line 1, entry 3: expected ID:BASE64KEY"}},
	{"every problem", "# header\n" + line("k1", "k1") + "\nk2:AAAA\nk3\n" + line("k1", "k2"), []string{"line 3:", "line 4:", "line 5:"}},
}

// urlSafeKey is a 32-byte key whose base64 has '-' or '_'.
func urlSafeKey() []byte {
	key := testKey("k2")
	key[0] = 0xfb // base64 "+"/"-" first
	return key
}

func TestParseErrors(t *testing.T) {
	for _, tc := range badTexts {
		t.Run(tc.name, func(t *testing.T) {
			kr, err := keyring.Parse(tc.text)
			wantError(t, kr, err, tc.want...)
		})
	}
}

// wantError checks that a constructor failed, without leaking, saying want.
func wantError(t testing.TB, kr *keyring.Keyring, err error, want ...string) {
	t.Helper()
	if err == nil || kr != nil {
		t.Fatalf("got %v, %v; want an error", kr, err)
	}
	assertNoLeak(t, err)
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
}

func TestFromEnv(t *testing.T) {
	t.Setenv("TEST_SYSCONFIG_KEYS", line("env", "env")+","+line("k1", "k1"))
	kr, err := keyring.FromEnv("TEST_SYSCONFIG_KEYS")
	if err != nil || kr.Primary() != "env" {
		t.Fatalf("FromEnv = %v, %v; want primary env", kr, err)
	}
	if keyring.DefaultEnv != "SYSCONFIG_KEYS" {
		t.Fatalf("DefaultEnv = %q", keyring.DefaultEnv)
	}
}

func TestFromEnvErrors(t *testing.T) {
	kr, err := keyring.FromEnv("TEST_SYSCONFIG_KEYS_UNSET")
	wantError(t, kr, err, "TEST_SYSCONFIG_KEYS_UNSET is not set or is empty")

	t.Setenv("TEST_SYSCONFIG_KEYS", "  ")
	kr, err = keyring.FromEnv("TEST_SYSCONFIG_KEYS")
	wantError(t, kr, err, "TEST_SYSCONFIG_KEYS is not set or is empty")

	for _, tc := range badTexts {
		if strings.TrimSpace(tc.text) == "" {
			continue // covered above
		}
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("TEST_SYSCONFIG_KEYS", tc.text)
			kr, err := keyring.FromEnv("TEST_SYSCONFIG_KEYS")
			wantError(t, kr, err, append([]string{"$TEST_SYSCONFIG_KEYS: "}, tc.want...)...)
		})
	}
}

// writeKeys writes text to a new file of mode perm and returns its path.
func writeKeys(t testing.TB, text string, perm os.FileMode) string {
	t.Helper()
	name := filepath.Join(t.TempDir(), "keys")
	if err := os.WriteFile(name, []byte(text), perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(name, perm); err != nil { // WriteFile's mode is subject to umask
		t.Fatal(err)
	}
	return name
}

func TestFromFile(t *testing.T) {
	for _, tc := range goodTexts {
		t.Run(tc.name, func(t *testing.T) {
			kr, err := keyring.FromFile(writeKeys(t, tc.text, 0o600))
			if err != nil || kr.Primary() != tc.primary || !slices.Equal(kr.IDs(), tc.ids) {
				t.Fatalf("FromFile = %v, %v; want primary %q, IDs %v", kr, err, tc.primary, tc.ids)
			}
		})
	}
}

func TestFromFileErrors(t *testing.T) {
	for _, tc := range badTexts {
		t.Run(tc.name, func(t *testing.T) {
			name := writeKeys(t, tc.text, 0o600)
			kr, err := keyring.FromFile(name)
			wantError(t, kr, err, append([]string{name + ": "}, tc.want...)...)
		})
	}
	missing := filepath.Join(t.TempDir(), "missing")
	kr, err := keyring.FromFile(missing)
	wantError(t, kr, err, missing, "no such file")

	dir := t.TempDir()
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	kr, err = keyring.FromFile(dir)
	wantError(t, kr, err, dir)
}

func TestGenerate(t *testing.T) {
	line1, err := keyring.Generate("2025-06")
	if err != nil {
		t.Fatal(err)
	}
	line2, err := keyring.Generate("2025-06")
	if err != nil || line1 == line2 {
		t.Fatalf("two keys generated: %v, equal %v", err, line1 == line2)
	}
	id, key, _ := strings.Cut(line1, ":")
	raw, err := base64.StdEncoding.DecodeString(key)
	if id != "2025-06" || err != nil || len(raw) != 32 {
		t.Fatalf("Generate = ID %q, key of %d bytes (%v); want 2025-06 and 32 bytes", id, len(raw), err)
	}
	kr := mustParse(t, line1)
	if got, err := kr.Open(path, mustSeal(t, kr, path, secretText)); err != nil || got != secretText {
		t.Fatalf("round trip with a generated key = %q, %v", got, err)
	}
	for _, bad := range []string{"", "a b", strings.Repeat("x", 33), "k:1"} {
		if l, err := keyring.Generate(bad); err == nil || l != "" {
			t.Errorf("Generate(%q) = %q, %v; want an error", bad, l, err)
		}
	}
}

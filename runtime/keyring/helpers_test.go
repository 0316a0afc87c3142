package keyring_test

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/keyring"
)

// Reasons that Open reports, as the package documents them.
const (
	reasonMalformed  = "malformed value"
	reasonUnknownKey = "unknown key (not in the keyring)"
	reasonAuth       = "authentication failed: wrong key, tampered value, or a value moved from another field"
)

// Plaintexts that tests seal; no error may contain them.
const (
	secretText = "hunter2"
	otherText  = "correct horse battery staple"
)

// keyNames are the names of every test key; no error may contain any of them.
var keyNames = []string{"k1", "k2", "k3", "old", "new", "a", "b", "dup", "env", "file"}

// testKey returns a fixed 32-byte key that looks random.
func testKey(name string) []byte {
	sum := sha256.Sum256([]byte("keyring test key " + name))
	return sum[:]
}

// b64 is the standard base64 of the test key name.
func b64(name string) string { return base64.StdEncoding.EncodeToString(testKey(name)) }

// line is the key line "id:<base64 of test key name>".
func line(id, name string) string { return id + ":" + b64(name) }

// forbidden lists text no error may contain: every 12-character window of
// every encoding of every test key, the raw keys and the plaintexts.
func forbidden() []string {
	out := []string{secretText, otherText}
	encs := []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding}
	for _, name := range keyNames {
		out = append(out, string(testKey(name)))
		for _, enc := range encs {
			out = append(out, windows(enc.EncodeToString(testKey(name)), 12)...)
		}
	}
	return out
}

func windows(s string, n int) []string {
	var out []string
	for i := 0; i+n <= len(s); i++ {
		out = append(out, s[i:i+n])
	}
	return out
}

// assertNoLeak fails if err's message contains key material or a plaintext.
func assertNoLeak(t testing.TB, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if f := leaked(err.Error()); f != "" {
		t.Fatalf("error leaks secret material %q: %s", f, err)
	}
}

// leaked returns the first forbidden text msg contains, or "".
func leaked(msg string) string {
	for _, f := range forbidden() {
		if strings.Contains(msg, f) {
			return f
		}
	}
	return ""
}

// mustParse parses text or fails.
func mustParse(t testing.TB, text string) *keyring.Keyring {
	t.Helper()
	kr, err := keyring.Parse(text)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return kr
}

// mustSeal seals or fails.
func mustSeal(t testing.TB, kr *keyring.Keyring, path, plaintext string) string {
	t.Helper()
	sealed, err := kr.Seal(path, plaintext)
	if err != nil {
		t.Fatalf("Seal(%s): %v", path, err)
	}
	return sealed
}

// wantDecryptError checks that Open failed with the given details.
func wantDecryptError(t testing.TB, got string, err error, path, keyID, reason string) {
	t.Helper()
	assertNoLeak(t, err)
	if got != "" {
		t.Fatalf("Open returned %q with error %v; want empty", got, err)
	}
	var de *runtime.DecryptError
	if !errors.As(err, &de) {
		t.Fatalf("Open error = %v (%T); want *runtime.DecryptError", err, err)
	}
	if !errors.Is(err, runtime.ErrSecret) {
		t.Fatalf("errors.Is(%v, runtime.ErrSecret) = false", err)
	}
	if de.Path != path || de.KeyID != keyID || de.Reason != reason {
		t.Fatalf("DecryptError = {Path %q, KeyID %q, Reason %q}; want {%q, %q, %q}",
			de.Path, de.KeyID, de.Reason, path, keyID, reason)
	}
}

// payload splits a sealed value into its "v1:id:" prefix and decoded payload.
func payload(t testing.TB, sealed string) (prefix string, box []byte) {
	t.Helper()
	i := strings.LastIndexByte(sealed, ':')
	box, err := base64.RawURLEncoding.DecodeString(sealed[i+1:])
	if err != nil {
		t.Fatalf("sealed payload is not unpadded base64url: %v", err)
	}
	return sealed[:i+1], box
}

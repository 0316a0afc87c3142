package keyring_test

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/keyring"
)

const path = "billing.stripe.api_key"

var sealedFormat = regexp.MustCompile(`^v1:[A-Za-z0-9_-]{1,32}:[A-Za-z0-9_-]+$`)

func TestRoundTrip(t *testing.T) {
	kr := mustParse(t, line("k1", "k1"))
	for _, plain := range []string{"", secretText, otherText, "ünïcödé ✓", "a:b:c\n\x00", strings.Repeat("x", 1<<16)} {
		sealed := mustSeal(t, kr, path, plain)
		if !sealedFormat.MatchString(sealed) || !strings.HasPrefix(sealed, "v1:k1:") {
			t.Fatalf("sealed value %q does not have the v1:<id>:<base64url> form", sealed)
		}
		if plain != "" && strings.Contains(sealed, plain) {
			t.Fatalf("sealed value contains the plaintext")
		}
		got, err := kr.Open(path, sealed)
		if err != nil || got != plain {
			t.Fatalf("Open = %q, %v; want %q", got, err, plain)
		}
		if !kr.Current(sealed) {
			t.Fatalf("Current(freshly sealed) = false")
		}
	}
}

func TestSealedLength(t *testing.T) {
	kr := mustParse(t, line("k1", "k1"))
	_, box := payload(t, mustSeal(t, kr, path, secretText))
	if want := 12 + len(secretText) + 16; len(box) != want {
		t.Fatalf("payload is %d bytes; want nonce+ciphertext+tag = %d", len(box), want)
	}
}

func TestRotation(t *testing.T) {
	before := mustParse(t, line("old", "old"))
	oldSealed := mustSeal(t, before, path, secretText)

	after := mustParse(t, line("new", "new")+"\n"+line("old", "old"))
	if after.Primary() != "new" {
		t.Fatalf("Primary = %q; want the first key listed, %q", after.Primary(), "new")
	}
	got, err := after.Open(path, oldSealed)
	if err != nil || got != secretText {
		t.Fatalf("Open(old value) with rotated keyring = %q, %v", got, err)
	}
	if after.Current(oldSealed) {
		t.Fatalf("Current(value sealed with old key) = true")
	}
	newSealed := mustSeal(t, after, path, secretText)
	if !strings.HasPrefix(newSealed, "v1:new:") || !after.Current(newSealed) {
		t.Fatalf("value sealed after rotation = %q, Current %v; want key new, Current true",
			newSealed, after.Current(newSealed))
	}
	got, err = before.Open(path, newSealed)
	wantDecryptError(t, got, err, path, "new", reasonUnknownKey)
}

func TestNew(t *testing.T) {
	keys := map[string][]byte{"b": testKey("b"), "a": testKey("a")}
	kr, err := keyring.New("b", keys)
	if err != nil {
		t.Fatal(err)
	}
	if kr.Primary() != "b" || !slices.Equal(kr.IDs(), []string{"a", "b"}) {
		t.Fatalf("Primary %q, IDs %v; want b, [a b]", kr.Primary(), kr.IDs())
	}
	kr.IDs()[0] = "changed"
	clear(keys["a"])
	clear(keys["b"])
	if kr.IDs()[0] != "a" {
		t.Fatalf("IDs shares its slice with the keyring")
	}
	// The keyring keeps its own ciphers: clearing the caller's keys changes nothing.
	other := mustParse(t, line("b", "b"))
	if got, err := kr.Open(path, mustSeal(t, other, path, secretText)); err != nil || got != secretText {
		t.Fatalf("Open after the caller cleared its keys = %q, %v", got, err)
	}
}

// newErrorCases are bad arguments to New and what the error must say.
var newErrorCases = []struct {
	name    string
	primary string
	keys    map[string][]byte
	want    []string
}{
	{"no keys", "k1", nil, []string{"no keys"}},
	{"short key", "k1", map[string][]byte{"k1": testKey("k1")[:31]}, []string{`key "k1" is 31 bytes`, "exactly 32"}},
	{"long key", "k1", map[string][]byte{"k1": append(testKey("k1"), 0)}, []string{`key "k1" is 33 bytes`}},
	{"empty ID", "k1", map[string][]byte{"k1": testKey("k1"), "": testKey("k2")}, []string{"key ID is not valid (0 bytes)"}},
	{"ID too long", "k1", map[string][]byte{"k1": testKey("k1"), strings.Repeat("x", 33): testKey("k2")}, []string{"(33 bytes)"}},
	{"ID with colon", "k1", map[string][]byte{"k1": testKey("k1"), "a:b": testKey("k2")}, []string{"not valid"}},
	{"key as ID", "k1", map[string][]byte{"k1": testKey("k1"), b64("k2"): testKey("k2")}, []string{"not valid (44 bytes)"}},
	{"missing primary", "k3", map[string][]byte{"k1": testKey("k1"), "k2": testKey("k2")}, []string{`primary key "k3" is not among the keys (have "k1", "k2")`}},
	{"bad primary", "", map[string][]byte{"k1": testKey("k1")}, []string{"primary key ID is not valid"}},
	{"every problem", "k3", map[string][]byte{"k1": testKey("k1")[:5], "k2": nil}, []string{`"k1" is 5 bytes`, `"k2" is 0 bytes`, `"k3" is not among`}},
}

func TestNewErrors(t *testing.T) {
	for _, tc := range newErrorCases {
		t.Run(tc.name, func(t *testing.T) {
			kr, err := keyring.New(tc.primary, tc.keys)
			if err == nil || kr != nil {
				t.Fatalf("New = %v, %v; want an error", kr, err)
			}
			assertNoLeak(t, err)
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestValidIDs(t *testing.T) {
	for _, id := range []string{"a", "Z", "0", "_", "-", "2025-06_key", strings.Repeat("x", 32)} {
		if _, err := keyring.New(id, map[string][]byte{id: testKey("k1")}); err != nil {
			t.Errorf("New with ID %q: %v", id, err)
		}
	}
	for _, id := range []string{"", " ", "a b", "a:b", "a.b", "a/b", "é", strings.Repeat("x", 33)} {
		if _, err := keyring.New(id, map[string][]byte{id: testKey("k1")}); err == nil {
			t.Errorf("New accepted the ID %q", id)
		}
	}
}

func TestTamperPrefixAndKeyID(t *testing.T) {
	kr := mustParse(t, line("k1", "k1")+","+line("k2", "k2"))
	sealed := mustSeal(t, kr, path, secretText)
	rest := strings.TrimPrefix(sealed, "v1:k1:")
	cases := []struct {
		name, sealed, keyID, reason string
	}{
		{"version", "v2:k1:" + rest, "", reasonMalformed},
		{"version letter", "V1:k1:" + rest, "", reasonMalformed},
		{"first separator", "v1;k1:" + rest, "", reasonMalformed},
		{"second separator", "v1:k1;" + rest, "", reasonMalformed},
		{"key ID to an unknown key", "v1:k3:" + rest, "k3", reasonUnknownKey},
		{"key ID to another key of the keyring", "v1:k2:" + rest, "k2", reasonAuth},
		{"key ID to an invalid ID", "v1:k.:" + rest, "", reasonMalformed},
		{"key ID removed", "v1::" + rest, "", reasonMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := kr.Open(path, tc.sealed)
			wantDecryptError(t, got, err, path, tc.keyID, tc.reason)
		})
	}
}

func TestTamperPayload(t *testing.T) {
	kr := mustParse(t, line("k1", "k1"))
	prefix, box := payload(t, mustSeal(t, kr, path, secretText))
	for i := range box {
		for _, bit := range []byte{0x01, 0x80} {
			t.Run(fmt.Sprintf("%s byte %d bit %#x", region(i, len(box)), i, bit), func(t *testing.T) {
				bad := slices.Clone(box)
				bad[i] ^= bit
				got, err := kr.Open(path, prefix+base64.RawURLEncoding.EncodeToString(bad))
				wantDecryptError(t, got, err, path, "k1", reasonAuth)
			})
		}
	}
}

// region names the part of nonce||ciphertext||tag that byte i is in.
func region(i, n int) string {
	switch {
	case i < 12:
		return "nonce"
	case i >= n-16:
		return "tag"
	}
	return "ciphertext"
}

func TestTamperEveryCharacter(t *testing.T) {
	kr := mustParse(t, line("k1", "k1"))
	sealed := mustSeal(t, kr, path, secretText)
	for i := range len(sealed) {
		for _, c := range []byte{'A', 'z', '0', '-', '_', ':', '=', '\n', ' '} {
			if sealed[i] == c {
				continue
			}
			bad := sealed[:i] + string(c) + sealed[i+1:]
			if got, err := kr.Open(path, bad); !isDecryptError(err) || got != "" {
				t.Fatalf("Open(%q) = %q, %v; want a *runtime.DecryptError", bad, got, err)
			}
		}
	}
}

func TestTruncatedAndExtended(t *testing.T) {
	kr := mustParse(t, line("k1", "k1"))
	sealed := mustSeal(t, kr, path, secretText)
	for i := range len(sealed) {
		if got, err := kr.Open(path, sealed[:i]); !isDecryptError(err) || got != "" {
			t.Fatalf("Open(truncated to %d) = %q, %v; want a *runtime.DecryptError", i, got, err)
		}
	}
	for _, suffix := range []string{"A", "AA", "=", "==", "\n", " ", ":"} {
		got, err := kr.Open(path, sealed+suffix)
		if !isDecryptError(err) || got != "" {
			t.Fatalf("Open(sealed+%q) = %q, %v; want a *runtime.DecryptError", suffix, got, err)
		}
	}
}

func isDecryptError(err error) bool {
	var de *runtime.DecryptError
	return errors.As(err, &de) && errors.Is(err, runtime.ErrSecret) && de.Path == path && de.Reason != ""
}

func TestMovedValue(t *testing.T) {
	kr := mustParse(t, line("k1", "k1"))
	sealed := mustSeal(t, kr, path, secretText)
	for _, other := range []string{"billing.stripe.api_key2", "billing.stripe", "", "billing.stripe.api_key\x00", "BILLING.STRIPE.API_KEY"} {
		got, err := kr.Open(other, sealed)
		wantDecryptError(t, got, err, other, "k1", reasonAuth)
	}
}

func TestWrongKey(t *testing.T) {
	sealed := mustSeal(t, mustParse(t, line("k1", "k1")), path, secretText)

	got, err := mustParse(t, line("k2", "k2")).Open(path, sealed)
	wantDecryptError(t, got, err, path, "k1", reasonUnknownKey)

	// Same ID, different bytes: the ID was reused for a new key.
	got, err = mustParse(t, line("k1", "k2")).Open(path, sealed)
	wantDecryptError(t, got, err, path, "k1", reasonAuth)
}

// malformedCases are values that are not sealed values at all.
var malformedCases = []struct {
	name, sealed, keyID string
}{
	{"empty", "", ""},
	{"plaintext", secretText, ""},
	{"version only", "v1", ""},
	{"version and colon", "v1:", ""},
	{"no payload separator", "v1:k1", ""},
	{"empty payload", "v1:k1:", "k1"},
	{"short payload", "v1:k1:AAAA", "k1"},
	{"27 bytes", "v1:k1:" + base64.RawURLEncoding.EncodeToString(make([]byte, 27)), "k1"},
	{"padded", "v1:k1:" + base64.URLEncoding.EncodeToString(make([]byte, 29)), "k1"},
	{"standard alphabet", "v1:k1:" + strings.Repeat("+/", 20), "k1"},
	{"not base64", "v1:k1:" + strings.Repeat("!", 40), "k1"},
	{"line break", "v1:k1:" + strings.Repeat("A", 20) + "\n" + strings.Repeat("A", 20), "k1"},
	{"extra field", "v1:k1:" + strings.Repeat("A", 40) + ":x", "k1"},
	{"unknown version", "v9:k1:" + strings.Repeat("A", 40), ""},
	{"no version", ":k1:" + strings.Repeat("A", 40), ""},
	{"leading space", " v1:k1:" + strings.Repeat("A", 40), ""},
	{"bad key ID", "v1:k 1:" + strings.Repeat("A", 40), ""},
	{"long key ID", "v1:" + strings.Repeat("k", 33) + ":" + strings.Repeat("A", 40), ""},
	{"key as key ID", "v1:" + b64("k1") + ":" + strings.Repeat("A", 40), ""},
}

func TestMalformed(t *testing.T) {
	kr := mustParse(t, line("k1", "k1"))
	for _, tc := range malformedCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := kr.Open(path, tc.sealed)
			wantDecryptError(t, got, err, path, tc.keyID, reasonMalformed)
			if kr.Current(tc.sealed) {
				t.Fatalf("Current(%q) = true", tc.sealed)
			}
		})
	}
}

func TestNoncesDiffer(t *testing.T) {
	kr := mustParse(t, line("k1", "k1"))
	seen := map[string]bool{}
	for range 1000 {
		_, box := payload(t, mustSeal(t, kr, path, secretText))
		nonce := string(box[:12])
		if seen[nonce] {
			t.Fatalf("nonce repeated after %d seals", len(seen))
		}
		seen[nonce] = true
	}
}

func TestZeroKeyring(t *testing.T) {
	for _, kr := range []*keyring.Keyring{nil, {}} {
		sealed, err := kr.Seal(path, secretText)
		if err == nil || sealed != "" || !errors.Is(err, runtime.ErrSecret) {
			t.Fatalf("Seal on an empty keyring = %q, %v; want an error matching ErrSecret", sealed, err)
		}
		assertNoLeak(t, err)
		got, err := kr.Open(path, "v1:k1:"+strings.Repeat("A", 40))
		wantDecryptError(t, got, err, path, "k1", reasonUnknownKey)
		if kr.Current("v1:k1:" + strings.Repeat("A", 40)) {
			t.Fatal("Current on an empty keyring = true")
		}
	}
}

func TestConcurrent(t *testing.T) {
	kr := mustParse(t, line("k1", "k1")+"\n"+line("k2", "k2"))
	old := mustSeal(t, mustParse(t, line("k2", "k2")), path, otherText)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				p, plain := fmt.Sprintf("app.s%d.f%d", g, i), fmt.Sprintf("secret %d/%d", g, i)
				sealed, err := kr.Seal(p, plain)
				if err != nil {
					t.Errorf("Seal: %v", err)
					return
				}
				got, err := kr.Open(p, sealed)
				if err != nil || got != plain || !kr.Current(sealed) {
					t.Errorf("Open = %q, %v; want %q", got, err, plain)
					return
				}
				if got, err := kr.Open(path, old); err != nil || got != otherText || kr.Current(old) {
					t.Errorf("Open(old) = %q, %v", got, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestFormatIsDocumented opens a sealed value with crypto/cipher directly,
// following the package documentation, so the format is a contract.
func TestFormatIsDocumented(t *testing.T) {
	sealed := mustSeal(t, mustParse(t, line("k1", "k1")), path, secretText)
	_, box := payload(t, sealed)
	block, err := aes.NewCipher(testKey("k1"))
	if err != nil {
		t.Fatal(err)
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := gcm.Open(nil, box[:12], box[12:], []byte("sysconfig/v1\x00"+path))
	if err != nil || string(plain) != secretText {
		t.Fatalf("documented format does not open: %q, %v", plain, err)
	}
	if _, err := gcm.Open(nil, box[:12], box[12:], []byte(path)); err == nil {
		t.Fatal("value opens without the documented additional-data prefix")
	}
}

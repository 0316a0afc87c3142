package keyring_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-sysconfig/sysconfig/runtime/keyring"
)

// TestErrorsNeverLeak gathers the error of every bad input of every
// function in one place and checks that none contains key material or a
// plaintext. (The other tests check each error as they go, too.)
func TestErrorsNeverLeak(t *testing.T) {
	var errs []error
	for _, tc := range newErrorCases {
		_, err := keyring.New(tc.primary, tc.keys)
		errs = append(errs, err)
	}
	dir := t.TempDir()
	for i, tc := range badTexts {
		_, err := keyring.Parse(tc.text)
		errs = append(errs, err)
		t.Setenv(keyring.DefaultEnv, tc.text)
		_, err = keyring.FromEnv(keyring.DefaultEnv)
		errs = append(errs, err)
		name := filepath.Join(dir, strings.Repeat("k", i+1))
		if err := os.WriteFile(name, []byte(tc.text), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err = keyring.FromFile(name)
		errs = append(errs, err)
	}
	errs = append(errs, openErrors(t)...)
	for _, err := range errs {
		if err == nil {
			t.Fatal("a bad input gave no error")
		}
		assertNoLeak(t, err)
	}
}

// openErrors returns Open's errors for malformed, tampered, moved and
// foreign values that hold secretText.
func openErrors(t *testing.T) []error {
	kr := mustParse(t, line("k1", "k1"))
	sealed := mustSeal(t, kr, path, secretText)
	inputs := []string{sealed[:len(sealed)-2], "v1:k9" + sealed[5:], secretText, "v1:k1:" + secretText}
	for _, tc := range malformedCases {
		inputs = append(inputs, tc.sealed)
	}
	var errs []error
	for _, s := range inputs {
		_, err := kr.Open(path, s)
		errs = append(errs, err)
	}
	_, err := kr.Open("other.path", sealed)
	errs = append(errs, err)
	_, err = mustParse(t, line("k1", "k2")).Open(path, sealed)
	return append(errs, err)
}

// TestLeakCheck makes sure the leak check itself finds what it looks for.
func TestLeakCheck(t *testing.T) {
	for _, msg := range []string{
		"bad key " + b64("k1"),
		"bad key " + b64("k2")[10:30],
		"bad value " + secretText,
		"bad key " + strings.TrimRight(b64("file"), "="),
	} {
		if leaked(msg) == "" {
			t.Errorf("leak check missed %q", msg)
		}
	}
	if f := leaked(`keyring: line 3: key "k1" is 31 bytes`); f != "" {
		t.Errorf("leak check flags a clean message (%q)", f)
	}
}

package runtime_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/go-sysconfig/sysconfig/runtime/value"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/keyring"
	"github.com/go-sysconfig/sysconfig/runtime/memory"
)

// Fixed test keys: "old" is 32 bytes of 0x01, "new" 32 bytes of 0x02.
const (
	oldKey = "old:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="
	newKey = "new:AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI="
)

var testKeys = mustKeyring(oldKey)

func mustKeyring(lines ...string) *keyring.Keyring {
	k, err := keyring.Parse(strings.Join(lines, "\n"))
	if err != nil {
		panic(err)
	}
	return k
}

func TestSecretsAreCachedOnlyAsCiphertext(t *testing.T) {
	e := newEnv(t, nil)
	if err := apiKeyField.Set(ctx, e.client, value.NewSecret("s3cr3t-value")); err != nil {
		t.Fatal(err)
	}
	got, err := apiKeyField.Get(ctx, e.client)
	if err != nil || got.Reveal() != "s3cr3t-value" {
		t.Fatalf("secret round trip = %v, %v", got.Reveal(), err)
	}
	res, _ := e.cache.Get(ctx, []string{apiKeyField.CacheKey()})
	stored, _ := e.store.Load(ctx, []string{apiKeyField.Path()})
	for where, text := range map[string]string{"cache": res[0].Value, "store": stored[0].Value} {
		if !strings.HasPrefix(text, "v1:old:") || strings.Contains(text, "s3cr3t") {
			t.Errorf("%s holds %q, want only ciphertext", where, text)
		}
	}
	v, _ := e.client.Get(ctx, apiKeyField.Path())
	if v.Text() != value.Redacted || fmt.Sprint(v.Value) != value.Redacted || fmt.Sprintf("%#v", v.Value) == "s3cr3t-value" {
		t.Errorf("secret shown as %q / %v", v.Text(), v.Value)
	}
}

func TestSecretsWithoutAKeyringFailClearly(t *testing.T) {
	store := memory.NewStore()
	logs := &syncWriter{}
	with, _ := runtime.NewClient(testSchema, store, runtime.Options{Secrets: testKeys})
	if err := apiKeyField.Set(ctx, with, value.NewSecret("x")); err != nil {
		t.Fatal(err)
	}
	without, _ := runtime.NewClient(testSchema, store, runtime.Options{Logger: slogTo(logs)})
	if !strings.Contains(logs.String(), "t.site.api_key") || !strings.Contains(logs.String(), "no keyring") {
		t.Errorf("construction did not warn about the secret fields: %s", logs)
	}
	if err := apiKeyField.Set(ctx, without, value.NewSecret("y")); !errors.Is(err, runtime.ErrNoKeyring) {
		t.Errorf("writing a secret without a keyring = %v, want ErrNoKeyring", err)
	}
	got, err := apiKeyField.Get(ctx, without)
	var de *runtime.DecryptError
	if !errors.As(err, &de) || de.Path != apiKeyField.Path() || got.Reveal() != "" {
		t.Errorf("reading a set secret without a keyring = %q, %v; want a *DecryptError", got.Reveal(), err)
	}
	if _, err := titleField.Get(ctx, without); err != nil {
		t.Errorf("plain fields must keep working without a keyring: %v", err)
	}
}

func TestTamperedSecretIsAnErrorNotEmpty(t *testing.T) {
	e := newEnv(t, nil)
	if err := apiKeyField.Set(ctx, e.client, value.NewSecret("s3cr3t")); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the write reaches the cache", func() bool { // before the entry is dropped below
		res, _ := e.cache.Get(ctx, []string{apiKeyField.CacheKey()})
		return res[0].Found
	})
	stored, _ := e.store.Load(ctx, []string{apiKeyField.Path()})
	sealed := []byte(stored[0].Value)
	sealed[len(sealed)-3] ^= 'A' ^ 'B' // stays base64, breaks the tag
	if _, err := e.store.Apply(ctx, change(runtime.Write{Path: apiKeyField.Path(), Value: string(sealed)})); err != nil {
		t.Fatal(err)
	}
	_ = e.cache.Delete(ctx, []string{apiKeyField.CacheKey()})
	got, err := apiKeyField.Get(ctx, e.client)
	var de *runtime.DecryptError
	if !errors.As(err, &de) || !errors.Is(err, runtime.ErrSecret) || de.KeyID != "old" || got.Reveal() != "" {
		t.Errorf("tampered secret = %q, %v; want a *DecryptError naming key old", got.Reveal(), err)
	}
}

func TestRotateSecretsReencryptsUnderThePrimaryKey(t *testing.T) {
	store := memory.NewStore()
	before, _ := runtime.NewClient(testSchema, store, runtime.Options{Secrets: mustKeyring(oldKey)})
	if err := apiKeyField.Set(ctx, before, value.NewSecret("api-key-1")); err != nil {
		t.Fatal(err)
	}
	rotating, _ := runtime.NewClient(testSchema, store, runtime.Options{Secrets: mustKeyring(newKey, oldKey)})
	report, err := rotating.RotateSecrets(ctx)
	if err != nil || report != (runtime.RotationReport{Secrets: 1, Rotated: 1}) {
		t.Fatalf("RotateSecrets = %+v, %v; want one secret rotated", report, err)
	}
	again, err := rotating.RotateSecrets(ctx)
	if err != nil || again != (runtime.RotationReport{Secrets: 1, Unchanged: 1}) {
		t.Errorf("second RotateSecrets = %+v, %v; want nothing left to do", again, err)
	}
	after, _ := runtime.NewClient(testSchema, store, runtime.Options{Secrets: mustKeyring(newKey)})
	if got, err := apiKeyField.Get(ctx, after); err != nil || got.Reveal() != "api-key-1" {
		t.Errorf("after dropping the old key: %q, %v", got.Reveal(), err)
	}
}

package integration

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/go-sysconfig/sysconfig/runtime/value"

	"github.com/go-sysconfig/sysconfig/internal/testenv"
	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/keyring"
)

// Fixed test keys: "old" is 32 bytes of 0x01, "new" 32 bytes of 0x02.
const (
	oldKey = "old:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="
	newKey = "new:AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI="
)

var oldKeys = mustKeyring(oldKey)

func mustKeyring(lines ...string) *keyring.Keyring {
	k, err := keyring.Parse(strings.Join(lines, "\n"))
	if err != nil {
		panic(err)
	}
	return k
}

const plaintext = "hunter2-plaintext-api-key"

// TestSecretsNeverLeak writes, rejects, reads, hooks and logs a secret, then
// scans Redis, both Postgres tables and every log line for the plaintext.
func TestSecretsNeverLeak(t *testing.T) {
	b := newBackends(t)
	logs := &logBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := started(t, b.store, b.cache, runtime.Options{Logger: logger})
	_ = secretF.OnChange(c, func(_ context.Context, old, new value.Secret) error {
		logger.Info("secret changed", "old", old, "new", new)
		return fmt.Errorf("hook failed for %v", new)
	})
	err := secretF.Set(ctx, c, value.NewSecret("short-"+plaintext[:1]))
	if !errors.Is(err, runtime.ErrInvalid) || strings.Contains(err.Error(), "short-") {
		t.Errorf("invalid secret: %v (the message must not quote the value)", err)
	}
	if err := secretF.Set(ctx, c, value.NewSecret(plaintext)); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the hook ran", func() bool { return logs.count("secret changed") == 1 })
	got, err := secretF.Get(ctx, c)
	if err != nil || got.Reveal() != plaintext {
		t.Fatalf("round trip = %v, %v", got.Reveal(), err)
	}
	logger.Info("printing", "value", got, "fmt", fmt.Sprintf("%v %s %q %#v %+v", got, got, got, got, got))
	assertNoPlaintext(t, b, logs)
}

func assertNoPlaintext(t *testing.T, b *backends, logs *logBuffer) {
	t.Helper()
	var keys []string
	// A started client fills Redis after its write returns, in the background.
	eventually(t, "the secret's Redis entry, to scan", func() bool {
		var err error
		keys, err = b.redis.Keys(ctx, b.prefix+"*").Result()
		return err == nil && slices.ContainsFunc(keys, func(k string) bool { return strings.Contains(k, secretF.Path()) })
	})

	for _, k := range keys {
		if v, _ := b.redis.Get(ctx, k).Result(); strings.Contains(v, "hunter2") {
			t.Errorf("Redis key %s holds the plaintext", k)
		}
	}
	rows, err := b.pool.Query(ctx, `SELECT coalesce(value, '') FROM sysconfig_values
		UNION ALL SELECT coalesce(value, '') || coalesce(old_value, '') FROM sysconfig_history`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(v, "hunter2") {
			t.Errorf("Postgres holds the plaintext: %q", v)
		}
	}
	if logs.count("hunter2") != 0 || logs.count(value.Redacted) == 0 {
		t.Errorf("logs leak the secret or never mention it redacted:\n%s", logs.buf.String())
	}
}

// decryptFailure reads secret f with a fresh client (nothing cached in
// process or in Redis) and returns the error.
func decryptFailure(t *testing.T, b *backends, f *runtime.Field[value.Secret]) *runtime.DecryptError {
	t.Helper()
	testenv.FlushPrefix(t, b.redis, b.prefix)
	got, err := f.Get(ctx, b.client(t, b.store, b.cache))
	var de *runtime.DecryptError
	if !errors.As(err, &de) || !errors.Is(err, runtime.ErrSecret) || got.Reveal() != "" {
		t.Fatalf("Get = %q, %v; want a *DecryptError and no value", got.Reveal(), err)
	}
	return de
}

func TestTamperedCiphertextIsDetected(t *testing.T) {
	b := newBackends(t)
	if err := secretF.Set(ctx, b.client(t, b.store, b.cache), value.NewSecret(plaintext)); err != nil {
		t.Fatal(err)
	}
	// Flip one character near the end of the stored ciphertext (inside the tag).
	_, err := b.pool.Exec(ctx, `UPDATE sysconfig_values
		SET value = overlay(value placing (CASE WHEN substr(value, length(value) - 2, 1) = 'A' THEN 'B' ELSE 'A' END)
		from length(value) - 2 for 1) WHERE path = $1`, secretF.Path())
	if err != nil {
		t.Fatal(err)
	}
	de := decryptFailure(t, b, secretF)
	if de.Path != secretF.Path() || de.KeyID != "old" {
		t.Errorf("error = %v; want it to name %s and key old", de, secretF.Path())
	}
}

func TestCiphertextMovedToAnotherFieldIsDetected(t *testing.T) {
	b := newBackends(t)
	c := b.client(t, b.store, b.cache)
	if err := secretF.Set(ctx, c, value.NewSecret(plaintext)); err != nil {
		t.Fatal(err)
	}
	if err := secret2F.Set(ctx, c, value.NewSecret("other-value")); err != nil {
		t.Fatal(err)
	}
	_, err := b.pool.Exec(ctx, `UPDATE sysconfig_values SET value = (SELECT value FROM sysconfig_values WHERE path = $1)
		WHERE path = $2`, secretF.Path(), secret2F.Path())
	if err != nil {
		t.Fatal(err)
	}
	if de := decryptFailure(t, b, secret2F); de.Path != secret2F.Path() {
		t.Errorf("error names %s, want %s", de.Path, secret2F.Path())
	}
}

func TestRotationWithTwoKeys(t *testing.T) {
	b := newBackends(t)
	if err := secretF.Set(ctx, b.client(t, b.store, b.cache), value.NewSecret(plaintext)); err != nil {
		t.Fatal(err)
	}
	rotating, _ := runtime.NewClient(itSchema, b.store, runtime.Options{Cache: b.cache, Secrets: mustKeyring(newKey, oldKey)})
	if r, err := rotating.RotateSecrets(ctx); err != nil || r.Rotated != 1 {
		t.Fatalf("RotateSecrets = %+v, %v", r, err)
	}
	if r, err := rotating.RotateSecrets(ctx); err != nil || r.Rotated != 0 || r.Unchanged != 1 {
		t.Errorf("rerun = %+v, %v; want nothing to do", r, err)
	}
	var stored string
	_ = b.pool.QueryRow(ctx, `SELECT value FROM sysconfig_values WHERE path = $1`, secretF.Path()).Scan(&stored)
	if !strings.HasPrefix(stored, "v1:new:") {
		t.Errorf("stored value after rotation starts %.8q, want key new", stored)
	}
	newOnly, _ := runtime.NewClient(itSchema, b.store, runtime.Options{Cache: b.cache, Secrets: mustKeyring(newKey)})
	if got, err := secretF.Get(ctx, newOnly); err != nil || got.Reveal() != plaintext {
		t.Errorf("with the old key dropped: %q, %v", got.Reveal(), err)
	}
}

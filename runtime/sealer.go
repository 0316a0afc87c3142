package runtime

import (
	"errors"
	"fmt"
)

// Sealer encrypts the values of secret fields before they reach the store
// and the cache, and decrypts them on the way back. The keyring package
// provides the standard implementation (AES-256-GCM with key IDs).
//
// Contract:
//   - Seal returns text that is safe to store anywhere (no plaintext), bound
//     to path: Open with any other path fails.
//   - Open reverses Seal for any key the sealer still holds. A wrong key, a
//     tampered or truncated value, or a value moved from another path yields
//     a *DecryptError, never an empty string.
//   - Current reports whether sealed was sealed with the key Seal uses now,
//     so rotation can skip it.
//   - All methods are safe for concurrent use.
type Sealer interface {
	Seal(path, plaintext string) (string, error)
	Open(path, sealed string) (string, error)
	Current(sealed string) bool
}

// ErrSecret matches every error about encrypting or decrypting a secret.
var ErrSecret = errors.New("sysconfig: secret cannot be decrypted")

// DecryptError reports a secret that cannot be decrypted. It names the path
// and the key the value says it was sealed with, never the value.
type DecryptError struct {
	Path   string
	KeyID  string // empty when the value does not say
	Reason string // such as "unknown key", "authentication failed", "malformed value"
}

func (e *DecryptError) Error() string {
	if e.KeyID == "" {
		return fmt.Sprintf("sysconfig: cannot decrypt %s: %s", e.Path, e.Reason)
	}
	return fmt.Sprintf("sysconfig: cannot decrypt %s (key %q): %s", e.Path, e.KeyID, e.Reason)
}

// Is makes errors.Is(err, ErrSecret) true.
func (e *DecryptError) Is(target error) bool { return target == ErrSecret }

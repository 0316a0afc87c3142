// Package keyring is the standard runtime.Sealer: a keyring of AES-256 keys,
// each named by an ID, that encrypts the values of secret fields at rest
// with AES-256-GCM. Set it as the client's Options.Secrets, for instance
// from keyring.FromEnv(keyring.DefaultEnv).
//
// # Model
//
// A Keyring holds one or more keys. The primary key seals every new value;
// any key of the keyring opens the values sealed with it. A sealed value
// names its key, so values sealed before a rotation keep opening until they
// are re-sealed. A Keyring is immutable and safe for concurrent use: to
// change keys, build a new one (in practice, redeploy with new key text).
//
// # Sealed values
//
// Seal returns
//
//	v1:<keyID>:<payload>
//
// where payload is the unpadded URL-safe base64 of a fresh 12-byte random
// nonce followed by the ciphertext and the 16-byte GCM tag. Sealing the
// same plaintext twice gives different values. With random nonces a key
// should seal fewer than 2^32 values, far more than any configuration sees.
//
// The field's path is authenticated as additional data ("sysconfig/v1",
// a zero byte, then the path), so a value opens only under the path it was
// sealed for: someone who can write to the store cannot copy the ciphertext
// of one secret field into another field and have it decrypt there.
//
// # Key format
//
// Parse, FromEnv and FromFile read the same text: entries of the form
// ID:BASE64KEY, one per line or separated by commas (or both). An ID is 1
// to 32 characters from A-Z, a-z, 0-9, '_' and '-'; a key is the standard
// base64 of exactly 32 bytes, with or without '=' padding. A line whose first
// non-blank character is '#' is a comment; blank lines and spaces around
// entries are ignored. The first key listed is the primary.
//
//	# newest first: the first key seals, the others only open
//	2025-06:<base64 of 32 random bytes: 44 characters with padding>
//	2024-11:<base64 of the previous key>
//
// or, in one environment variable,
//
//	SYSCONFIG_KEYS=2025-06:<base64>,2024-11:<base64>
//
// Generate makes a new line; `head -c 32 /dev/urandom | base64` makes a key.
// FromFile refuses, on unix, a file that group or others may access
// (mode&0o077 != 0): keys belong in a file of mode 0600 or 0400.
//
// # Rotation
//
//  1. Generate a new key, put it first, and deploy. New writes are sealed
//     with it; existing values still open with the old key. (If old and new
//     instances run side by side during a rolling deploy, first deploy the
//     new key last, so every instance can open it, then move it first.)
//  2. Re-seal the stored secrets: runtime's Client.RotateSecrets re-seals
//     every value for which Current is false (a CLI command will do the same).
//  3. Remove the old key and deploy. A value still sealed with a removed
//     key fails to open with "unknown key".
//
// # Errors
//
// Open reports every failure as a *runtime.DecryptError, which matches
// runtime.ErrSecret, with the field's Path and, when the value names a
// well-formed key ID, its KeyID. Its Reason is one of:
//
//   - "malformed value": the text is not a v1 sealed value: truncated,
//     badly encoded, or a plaintext written around the client.
//   - "unknown key (not in the keyring)": the key KeyID was removed too
//     early, or this instance runs with an outdated keyring.
//   - "authentication failed: wrong key, tampered value, or a value moved
//     from another field": the keyring's key KeyID is not the key that
//     sealed the value (an ID reused for new bytes), or the value was
//     changed or copied from another path.
//
// No error of this package contains a plaintext, a sealed payload or key
// material; errors about key text give the line (and entry) instead, and
// never quote an ID that is not valid, since it may be a misplaced key.
package keyring

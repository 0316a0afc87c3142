package keyring

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// KeySize is the length of every key in bytes (AES-256).
const KeySize = 32

const (
	version   = "v1"               // first field of every sealed value
	adPrefix  = "sysconfig/v1\x00" // additional data = adPrefix + path
	nonceSize = 12                 // GCM standard nonce
	tagSize   = 16                 // GCM tag
	maxIDLen  = 32
	idRule    = "key IDs are 1 to 32 characters from A-Z, a-z, 0-9, '_' and '-'"
)

// The reasons a *runtime.DecryptError from Open gives.
const (
	reasonMalformed  = "malformed value"
	reasonUnknownKey = "unknown key (not in the keyring)"
	reasonAuth       = "authentication failed: wrong key, tampered value, or a value moved from another field"
)

// payloadEncoding encodes nonce||ciphertext||tag in sealed values. Strict
// rejects non-zero trailing bits, so every payload has a single spelling.
var payloadEncoding = base64.RawURLEncoding.Strict()

// Keyring is a set of AES-256 keys named by ID, one of which, the primary,
// seals new values. It implements runtime.Sealer. A Keyring is immutable
// after construction and safe for concurrent use; it keeps no key bytes,
// only the ciphers built from them.
type Keyring struct {
	primary string
	ids     []string               // sorted
	aeads   map[string]cipher.AEAD // by key ID; never written after New
}

var _ runtime.Sealer = (*Keyring)(nil)

// New builds a keyring from keys (by ID) that seals with the key named
// primary. Every key must be exactly KeySize bytes, every ID must match
// ^[A-Za-z0-9_-]{1,32}$, and primary must be one of the IDs. The keyring
// does not keep keys: the caller may clear the slices afterwards. Errors
// report every problem and never contain key bytes.
func New(primary string, keys map[string][]byte) (*Keyring, error) {
	if err := checkKeys(primary, keys); err != nil {
		return nil, err
	}
	k := &Keyring{primary: primary, aeads: make(map[string]cipher.AEAD, len(keys))}
	for _, id := range slices.Sorted(maps.Keys(keys)) {
		aead, err := newAEAD(keys[id])
		if err != nil {
			return nil, fmt.Errorf("keyring: key %q: %w", id, err)
		}
		k.ids = append(k.ids, id)
		k.aeads[id] = aead
	}
	return k, nil
}

// checkKeys reports every problem with New's arguments.
func checkKeys(primary string, keys map[string][]byte) error {
	if len(keys) == 0 {
		return errors.New("keyring: no keys; a keyring needs at least its primary key")
	}
	var errs []error
	for _, id := range slices.Sorted(maps.Keys(keys)) {
		if err := checkKey(id, keys[id]); err != nil {
			errs = append(errs, err)
		}
	}
	if _, ok := keys[primary]; !ok {
		errs = append(errs, primaryError(primary, keys))
	}
	return errors.Join(errs...)
}

// checkKey checks one ID and key. An invalid ID is not quoted: it may be a
// key pasted in the wrong place.
func checkKey(id string, key []byte) error {
	if !validID(id) {
		return fmt.Errorf("keyring: a key ID is not valid (%d bytes); %s", len(id), idRule)
	}
	if len(key) != KeySize {
		return fmt.Errorf("keyring: key %q is %d bytes; AES-256 needs exactly %d", id, len(key), KeySize)
	}
	return nil
}

// primaryError explains a primary that names none of the keys.
func primaryError(primary string, keys map[string][]byte) error {
	if !validID(primary) {
		return fmt.Errorf("keyring: the primary key ID is not valid (%d bytes); %s", len(primary), idRule)
	}
	var have []string
	for _, id := range slices.Sorted(maps.Keys(keys)) {
		if validID(id) {
			have = append(have, fmt.Sprintf("%q", id))
		}
	}
	return fmt.Errorf("keyring: primary key %q is not among the keys (have %s); add it or choose one of those",
		primary, strings.Join(have, ", "))
}

// validID reports whether id matches ^[A-Za-z0-9_-]{1,32}$.
func validID(id string) bool {
	if id == "" || len(id) > maxIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		if !idByte(id[i]) {
			return false
		}
	}
	return true
}

func idByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-'
}

// newAEAD builds the AES-256-GCM cipher of one key.
func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// Primary returns the ID of the key Seal uses.
func (k *Keyring) Primary() string { return k.primary }

// IDs returns the IDs of all keys, sorted. The slice is the caller's.
func (k *Keyring) IDs() []string { return slices.Clone(k.ids) }

// aead returns the cipher of key id, or nil.
func (k *Keyring) aead(id string) cipher.AEAD {
	if k == nil {
		return nil
	}
	return k.aeads[id]
}

// Seal encrypts plaintext for the field at path with the primary key and
// returns "v1:<keyID>:<payload>", where payload is the unpadded URL-safe
// base64 of a fresh random 12-byte nonce followed by the AES-256-GCM
// ciphertext and tag. The path is authenticated as additional data, so the
// result opens only under the same path.
func (k *Keyring) Seal(path, plaintext string) (string, error) {
	aead := k.aead(k.primaryID())
	if aead == nil {
		return "", &sealError{path: path, reason: "the keyring has no keys; build it with New, Parse, FromEnv or FromFile"}
	}
	nonce := make([]byte, nonceSize, nonceSize+len(plaintext)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", &sealError{path: path, reason: "no randomness for the nonce", err: err}
	}
	box := aead.Seal(nonce, nonce, []byte(plaintext), additionalData(path))
	return version + ":" + k.primary + ":" + payloadEncoding.EncodeToString(box), nil
}

func (k *Keyring) primaryID() string {
	if k == nil {
		return ""
	}
	return k.primary
}

// Open decrypts a value Seal returned for the same path, with whichever key
// of the keyring it names. Every failure is a *runtime.DecryptError with
// Path set (and KeyID set when the value names a well-formed key ID), which
// matches runtime.ErrSecret; the returned string is then empty.
func (k *Keyring) Open(path, sealed string) (string, error) {
	id, payload, ok := split(sealed)
	if !ok {
		return "", decryptError(path, "", reasonMalformed)
	}
	box, ok := decodePayload(payload)
	if !ok {
		return "", decryptError(path, id, reasonMalformed)
	}
	aead := k.aead(id)
	if aead == nil {
		return "", decryptError(path, id, reasonUnknownKey)
	}
	plain, err := aead.Open(box[nonceSize:nonceSize], box[:nonceSize], box[nonceSize:], additionalData(path))
	if err != nil {
		return "", decryptError(path, id, reasonAuth)
	}
	return string(plain), nil
}

// Current reports whether sealed is a well-formed value naming the primary
// key, so rotation can skip it. It does not authenticate the value: a
// tampered value still fails in Open.
func (k *Keyring) Current(sealed string) bool {
	id, payload, ok := split(sealed)
	if !ok || id != k.primaryID() {
		return false
	}
	_, ok = decodePayload(payload)
	return ok
}

// split parses "v1:<keyID>:<payload>" without decoding the payload.
func split(sealed string) (id, payload string, ok bool) {
	rest, ok := strings.CutPrefix(sealed, version+":")
	if !ok {
		return "", "", false
	}
	id, payload, ok = strings.Cut(rest, ":")
	if !ok || !validID(id) {
		return "", "", false
	}
	return id, payload, true
}

// decodePayload decodes nonce||ciphertext||tag. Line breaks, which the
// base64 decoder would skip, are refused so that a value has one spelling.
func decodePayload(payload string) ([]byte, bool) {
	if strings.ContainsAny(payload, "\r\n") {
		return nil, false
	}
	box, err := payloadEncoding.DecodeString(payload)
	return box, err == nil && len(box) >= nonceSize+tagSize
}

// additionalData binds a sealed value to the path of its field.
func additionalData(path string) []byte {
	ad := make([]byte, 0, len(adPrefix)+len(path))
	return append(append(ad, adPrefix...), path...)
}

func decryptError(path, keyID, reason string) error {
	return &runtime.DecryptError{Path: path, KeyID: keyID, Reason: reason}
}

// sealError reports a value that could not be sealed. It matches
// runtime.ErrSecret.
type sealError struct {
	path   string
	reason string
	err    error
}

func (e *sealError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("keyring: cannot encrypt %s: %s", e.path, e.reason)
	}
	return fmt.Sprintf("keyring: cannot encrypt %s: %s: %v", e.path, e.reason, e.err)
}

func (e *sealError) Is(target error) bool { return target == runtime.ErrSecret }

func (e *sealError) Unwrap() error { return e.err }

package value

import (
	"fmt"
	"log/slog"
)

// Redacted is what a secret shows instead of its value.
const Redacted = "[redacted]"

// Secret holds the value of a secret field. Every way of printing it —
// fmt verbs, String, GoString, slog and JSON — shows Redacted; only Reveal
// returns the plaintext, so a leak has to be written on purpose.
type Secret struct {
	value string
}

// NewSecret wraps a plaintext value.
func NewSecret(plaintext string) Secret { return Secret{value: plaintext} }

// Reveal returns the plaintext.
func (s Secret) Reveal() string { return s.value }

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.value == "" }

// String returns Redacted.
func (s Secret) String() string { return Redacted }

// GoString returns Redacted, so %#v does not leak either.
func (s Secret) GoString() string { return "value.Secret(" + Redacted + ")" }

// Format implements fmt.Formatter so that every verb prints Redacted.
func (s Secret) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(Redacted)) }

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(Redacted) }

// MarshalJSON encodes the secret as the string Redacted.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + Redacted + `"`), nil }

// MarshalText encodes the secret as Redacted.
func (s Secret) MarshalText() ([]byte, error) { return []byte(Redacted), nil }

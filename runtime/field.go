package runtime

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime/value"

	"github.com/shopspring/decimal"
)

// Field describes one typed field. Generated code declares one package-level
// Field per schema field and calls its methods from one-line accessors.
type Field[T any] struct {
	info fieldInfo
	def  T
	// clone copies values that the caller could otherwise mutate (lists).
	clone func(T) T
}

// newField declares a field; NewSchema later binds it to its section and
// gives it its path.
func newField[T any](name string, kind value.Kind, meta Meta, def T) *Field[T] {
	f := &Field[T]{def: def}
	f.info = fieldInfo{
		name:     name,
		kind:     kind,
		meta:     meta,
		def:      def,
		fromBase: func(v any) any { return v },
		toBase:   func(v any) any { return v },
	}
	return f
}

// StringField declares a single-line string field.
func StringField(name string, def string, meta Meta) *Field[string] {
	return newField(name, value.KindString, meta, def)
}

// TextField declares a multi-line string field.
func TextField(name string, def string, meta Meta) *Field[string] {
	return newField(name, value.KindText, meta, def)
}

// IntField declares an int64 field.
func IntField(name string, def int64, meta Meta) *Field[int64] {
	return newField(name, value.KindInt, meta, def)
}

// FloatField declares a float64 field.
func FloatField(name string, def float64, meta Meta) *Field[float64] {
	return newField(name, value.KindFloat, meta, def)
}

// DecimalField declares an exact decimal field.
func DecimalField(name string, def decimal.Decimal, meta Meta) *Field[decimal.Decimal] {
	return newField(name, value.KindDecimal, meta, def)
}

// BoolField declares a boolean field.
func BoolField(name string, def bool, meta Meta) *Field[bool] {
	return newField(name, value.KindBool, meta, def)
}

// DurationField declares a time.Duration field.
func DurationField(name string, def time.Duration, meta Meta) *Field[time.Duration] {
	return newField(name, value.KindDuration, meta, def)
}

// StringListField declares a []string field. Reads return a fresh copy.
func StringListField(name string, def []string, meta Meta) *Field[[]string] {
	f := newField(name, value.KindStringList, meta, slices.Clone(def))
	f.clone = slices.Clone[[]string]
	return f
}

// SecretField declares a secret field. Secrets have no default, are never
// stored in the shared cache in plaintext, and print as value.Redacted.
func SecretField(name string, meta Meta) *Field[value.Secret] {
	return newField(name, value.KindSecret, meta, value.Secret{})
}

// SelectField declares a field whose value is one of choices. T is the
// generated enum type; values outside choices are rejected.
func SelectField[T ~string](name string, def T, choices []T, meta Meta) *Field[T] {
	f := newField(name, value.KindSelect, meta, def)
	for _, c := range choices {
		f.info.choices = append(f.info.choices, string(c))
	}
	f.info.fromBase = func(v any) any { return T(v.(string)) }
	f.info.toBase = func(v any) any { return string(v.(T)) }
	return f
}

// String describes the field, without its default: "shop.site.title
// (string)".
func (f *Field[T]) String() string { return f.info.path + " (" + f.info.kind.String() + ")" }

// Format implements fmt.Formatter: every verb prints String.
func (f *Field[T]) Format(s fmt.State, _ rune) { _, _ = s.Write([]byte(f.String())) }

// LogValue implements slog.LogValuer, as String.
func (f *Field[T]) LogValue() slog.Value { return slog.StringValue(f.String()) }

// MarshalJSON encodes the field as {"path": ..., "kind": ...}.
func (f *Field[T]) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Path string `json:"path"`
		Kind string `json:"kind"`
	}{f.info.path, f.info.kind.String()})
}

// Path returns the field's full path, "app.section.field".
func (f *Field[T]) Path() string { return f.info.path }

// Name returns the field's name, the last segment of its path.
func (f *Field[T]) Name() string { return f.info.name }

// Section returns the section the field belongs to.
func (f *Field[T]) Section() *Section { return f.info.sec }

// Kind returns the field's kind.
func (f *Field[T]) Kind() value.Kind { return f.info.kind }

// Meta returns the field's label, description, deprecation and validators.
func (f *Field[T]) Meta() Meta { return f.info.meta }

// Default returns the field's default value.
func (f *Field[T]) Default() T { return f.copy(f.def) }

// DefaultText returns the default in canonical text form; value.Redacted for secrets.
func (f *Field[T]) DefaultText() string {
	if f.info.kind == value.KindSecret {
		return value.Redacted
	}
	return f.info.format(f.def)
}

// Choices returns the allowed values of a select field, else nil.
func (f *Field[T]) Choices() []string { return slices.Clone(f.info.choices) }

// Parse turns operator text into a typed value (a T) and validates it, as
// Validate does.
func (f *Field[T]) Parse(text string) (any, error) {
	return f.info.parseValid(text, DefaultMaxValueSize)
}

// Validate checks v as a write would: value.Check, a size of at most
// DefaultMaxValueSize bytes (a Client applies its Options.MaxValueSize),
// the field's choices and validators. It returns a *ValidationError
// listing every problem, or nil.
func (f *Field[T]) Validate(v T) error { return f.info.validate(v, DefaultMaxValueSize) }

// CacheKey implements Descriptor.
func (f *Field[T]) CacheKey() string { return f.info.cacheKey }

// EnvVar returns the environment variable that pins the field when a
// client reads pins from its environment (Options.Env): Meta.Env, or
// value.EnvVar of its path.
func (f *Field[T]) EnvVar() string { return f.info.envVar() }

func (f *Field[T]) field() *fieldInfo { return &f.info }

func (f *Field[T]) copy(v T) T {
	if f.clone != nil {
		return f.clone(v)
	}
	return v
}

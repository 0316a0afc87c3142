package value

import (
	"fmt"
	"reflect"
	"runtime"
	"strings"
)

// Builtin describes one built-in validator: everything the schema loader,
// the generator, the docs, lint, the breaking-change report, the JSON
// Schema and the operator tools need to know about it. [Builtins] lists
// them; the constructor that builds one is its Constructor.
type Builtin struct {
	// Name is the schema-file name, such as "min_length".
	Name string
	// Constructor is the function of this package that builds the
	// validator, such as MinLength. Its signature is its Arg's (see
	// [ArgShape]); generated code calls it by its [Builtin.GoName].
	Constructor any
	// Kinds are the kinds of the fields it can check.
	Kinds KindSet
	// Arg is the shape of its argument in a schema file.
	Arg ArgShape
	// Example is a list item declaring it with an argument, for messages
	// and docs, such as "- min_length: 3"; empty when it takes none.
	Example string
	// Repeats reports whether a field may declare it more than once, with
	// different arguments.
	Repeats bool
	// Doc says in one line what it accepts.
	Doc string
	// Use names, for suggestions, the values it is meant for when they are
	// narrower than its kinds, such as "port numbers"; empty otherwise.
	Use string
	// Bounds reports that it bounds a number or duration, as range and
	// port do: its hints have Min, Max or Values, whatever its arguments.
	Bounds bool
	// ImpliedBy lists the validators that already reject every value it
	// rejects, whatever their arguments: adding it beside one of them
	// rejects nothing new.
	ImpliedBy []string
	// Narrows says which change of an ArgCount argument rejects values the
	// old one accepted. Other shapes narrow in one way each (see ArgShape).
	Narrows Narrowing
	// Hint says what it tells a form or a JSON Schema about the values of
	// a field of kind k that it accepts, given its arguments; nil when it
	// tells nothing. Call it through Builtin.Hints.
	Hint func(k Kind, a Args) Hints
}

// Args are the arguments of one validator as a schema declares them. Only
// those its [ArgShape] uses are set.
type Args struct {
	N       int      // ArgCount: the count
	Pattern string   // ArgPattern: a Go (RE2) regular expression
	Inverse bool     // ArgPattern: fail when the pattern matches
	Min     any      // ArgRange: lower bound in the field's Parse form, or nil
	Max     any      // ArgRange: upper bound, or nil
	Schemes []string // ArgSchemes: allowed URL schemes (none: http and https)
	Values  []any    // ArgValues: allowed values in the field's Parse form
	Func    string   // ArgFunc: the name a custom function is registered under
}

// ArgShape is the form of a built-in validator's argument, which decides
// how a schema writes it, how the loader reads it, how generated code
// passes it to the constructor, and how changing it narrows the validator.
type ArgShape uint8

// The argument shapes, with the constructor signature of each.
const (
	// ArgNone: no argument, "- email"; func() Validator.
	ArgNone ArgShape = iota
	// ArgCount: a non-negative whole number, "- min_length: 3";
	// func(int) Validator. Its Builtin.Narrows tells which change narrows.
	ArgCount
	// ArgPattern: a pattern, or {pattern: ..., inverse: true};
	// func(pattern string, inverse bool) Validator. Any change narrows.
	ArgPattern
	// ArgRange: {min: ..., max: ...}, either optional, in the field's kind;
	// func(min, max any) Validator. A bound moving in narrows.
	ArgRange
	// ArgSchemes: optional {schemes: [...]}, lower-case URL schemes;
	// func(schemes ...string) Validator. A scheme removed narrows.
	ArgSchemes
	// ArgValues: a non-empty list of values in the field's kind;
	// func(values ...any) Validator. A value removed narrows.
	ArgValues
	// ArgFunc: the name a Go function is registered under with
	// RegisterValidator; func(name string) Validator. Another name is
	// another validator.
	ArgFunc
)

// Needed reports whether a validator of shape s must be given an argument:
// false for ArgNone, which takes none, and ArgSchemes, which may omit it.
func (s ArgShape) Needed() bool { return s != ArgNone && s != ArgSchemes }

// Narrowing is the change of an ArgCount argument that rejects values the
// old argument accepted.
type Narrowing uint8

// The narrowings of a count.
const (
	NarrowsRaised  Narrowing = iota + 1 // a higher count rejects more, as for min_length
	NarrowsLowered                      // a lower count rejects more, as for max_length
)

// Builtins returns every built-in validator, custom included, in the
// order docs list them. The entries are shared: do not modify them.
func Builtins() []*Builtin { return builtins }

// LookupBuiltin returns the built-in validator named name.
func LookupBuiltin(name string) (*Builtin, bool) {
	for _, b := range builtins {
		if b.Name == name {
			return b, true
		}
	}
	return nil, false
}

// GoName returns the name of b's constructor in this package, such as
// "MinLength".
func (b *Builtin) GoName() string {
	full := runtime.FuncForPC(reflect.ValueOf(b.Constructor).Pointer()).Name()
	return full[strings.LastIndexByte(full, '.')+1:]
}

// New builds the validator with arguments a. It panics, as the
// constructors do, on arguments the schema loader rejects.
func (b *Builtin) New(a Args) Validator {
	switch c := b.Constructor.(type) {
	case func() Validator:
		return c()
	case func(int) Validator:
		return c(a.N)
	case func(string, bool) Validator:
		return c(a.Pattern, a.Inverse)
	case func(any, any) Validator:
		return c(a.Min, a.Max)
	case func(...string) Validator:
		return c(a.Schemes...)
	case func(...any) Validator:
		return c(a.Values...)
	case func(string) Validator:
		return c(a.Func)
	}
	panic(fmt.Sprintf("value: the constructor of %s has the unexpected type %T", b.Name, b.Constructor))
}

// Hints returns what b, given arguments a, tells about the values of a
// field of kind k that it accepts.
func (b *Builtin) Hints(k Kind, a Args) Hints {
	if b.Hint == nil {
		return Hints{}
	}
	return b.Hint(k, a)
}

// KindSet is a set of kinds.
type KindSet uint32

// KindsOf returns the set of ks.
func KindsOf(ks ...Kind) KindSet {
	var set KindSet
	for _, k := range ks {
		set |= 1 << k
	}
	return set
}

// Has reports whether k is in s.
func (s KindSet) Has(k Kind) bool { return k < 32 && s&(1<<k) != 0 }

// Kinds lists the kinds of s in declaration order.
func (s KindSet) Kinds() []Kind {
	var out []Kind
	for _, k := range Kinds() {
		if s.Has(k) {
			out = append(out, k)
		}
	}
	return out
}

// String lists the kinds of s: "int, float, decimal, duration".
func (s KindSet) String() string {
	names := make([]string, 0, len(Kinds()))
	for _, k := range s.Kinds() {
		names = append(names, k.String())
	}
	return strings.Join(names, ", ")
}

package value

import (
	"go/token"
	"reflect"
	"strings"
	"testing"
	"time"
)

// sampleArgs returns arguments of shape s that every constructor accepts.
func sampleArgs(s ArgShape) Args {
	switch s {
	case ArgCount:
		return Args{N: 3}
	case ArgPattern:
		return Args{Pattern: "^a", Inverse: true}
	case ArgRange:
		return Args{Min: int64(1), Max: int64(9)}
	case ArgSchemes:
		return Args{Schemes: []string{"https"}}
	case ArgValues:
		return Args{Values: []any{"a", "b"}}
	case ArgFunc:
		return Args{Func: "check"}
	}
	return Args{}
}

// TestBuiltinTable checks every entry: a constructor of its shape's
// signature, exported and named by GoName, that remembers its arguments;
// an example exactly when it takes an argument; known implications; a
// narrowing exactly for counts; Bounds as its hints say; a description.
func TestBuiltinTable(t *testing.T) {
	for _, b := range Builtins() {
		args := sampleArgs(b.Arg)
		v := b.New(args)
		if v.Name() != b.Name {
			t.Errorf("%s: New builds a validator named %q", b.Name, v.Name())
		}
		if got := v.(declared).arguments(); !reflect.DeepEqual(got, args) {
			t.Errorf("%s: built with %+v, remembers %+v", b.Name, args, got)
		}
		if name := b.GoName(); !token.IsExported(name) || strings.HasPrefix(name, "func") {
			t.Errorf("%s: GoName %q is not the name of a function of the package", b.Name, name)
		}
		if (b.Example == "") != (b.Arg == ArgNone) || b.Example != "" && !strings.HasPrefix(b.Example, "- "+b.Name+": ") {
			t.Errorf("%s: example %q for shape %d", b.Name, b.Example, b.Arg)
		}
		if (b.Narrows != 0) != (b.Arg == ArgCount) {
			t.Errorf("%s: Narrows is %d for shape %d", b.Name, b.Narrows, b.Arg)
		}
		for _, other := range b.ImpliedBy {
			if _, ok := LookupBuiltin(other); !ok {
				t.Errorf("%s: implied by the unknown %q", b.Name, other)
			}
		}
		h := b.Hints(KindInt, args)
		if bounds := h.Min != nil || h.Max != nil || h.Values != nil; bounds != b.Bounds {
			t.Errorf("%s: Bounds is %v, its hints %+v", b.Name, b.Bounds, h)
		}
		if b.Doc == "" || b.Kinds == 0 {
			t.Errorf("%s: no description or no kinds", b.Name)
		}
	}
}

func TestBuiltinGoName(t *testing.T) {
	b, _ := LookupBuiltin("min_length")
	if got := b.GoName(); got != "MinLength" {
		t.Errorf("GoName of min_length = %q", got)
	}
	if _, ok := LookupBuiltin("nope"); ok {
		t.Error("LookupBuiltin(nope) succeeds")
	}
}

func TestKindSet(t *testing.T) {
	s := KindsOf(KindInt, KindDuration)
	if !s.Has(KindInt) || s.Has(KindFloat) || s.Has(Kind(200)) {
		t.Errorf("Has on %v is wrong", s)
	}
	if got := s.String(); got != "int, duration" {
		t.Errorf("String() = %q", got)
	}
}

func TestHintsOf(t *testing.T) {
	h := HintsOf(KindInt, []Validator{Required(), Range(int64(1), int64(100)), Port(), NonNegative(),
		OneOf(int64(1), int64(80), int64(443)), OneOf(int64(80), int64(443), int64(8080)), Custom("x")})
	if !h.Required || h.Min != int64(1) || h.MinExclusive || h.Max != int64(100) {
		t.Errorf("HintsOf(int validators) = %+v", h)
	}
	if !reflect.DeepEqual(h.Values, []any{int64(80), int64(443)}) {
		t.Errorf("Values = %v, want the values both lists allow", h.Values)
	}
	h = HintsOf(KindString, []Validator{MinLength(2), MinLength(4), MaxLength(9), MaxLength(7),
		Regex("^a", false), Regex("b$", true), Regex("c", false), Email()})
	if *h.MinLength != 4 || *h.MaxLength != 7 || strings.Join(h.Patterns, " ") != "^a c" || h.Required {
		t.Errorf("HintsOf(string validators) = %+v", h)
	}
	h = HintsOf(KindDuration, []Validator{NonNegative(), Positive()})
	if h.Min != time.Duration(0) || !h.MinExclusive {
		t.Errorf("HintsOf(non_negative, positive) = %+v, want above 0s", h)
	}
	if h := HintsOf(KindString, []Validator{foreignValidator{}}); !reflect.DeepEqual(h, Hints{}) {
		t.Errorf("HintsOf(a validator of another package) = %+v", h)
	}
}

// foreignValidator is a Validator that this package did not make.
type foreignValidator struct{}

func (foreignValidator) Name() string       { return "required" }
func (foreignValidator) String() string     { return "required" }
func (foreignValidator) Validate(any) error { return nil }

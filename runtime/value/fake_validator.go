//go:build sysconfig_fakevalidator

package value

import (
	"fmt"
	"strings"
)

// This file adds a fake validator, fake_max_words, to the table of
// built-in validators, to prove that one entry reaches every consumer: the
// tests of package internal/vocabcheck, built with the same tag, drive the
// schema loader, the emitter, docs, lint, the breaking-change report and
// the JSON Schema with it. It is never part of a normal build.

func init() {
	builtins = append(builtins, &Builtin{
		Name: "fake_max_words", Constructor: FakeMaxWords, Kinds: KindsOf(KindString, KindText, KindInt),
		Arg: ArgCount, Example: "- fake_max_words: 5", Narrows: NarrowsLowered, Bounds: true,
		Doc:  "At most N words of text, or an int of at most N (a fake validator for tests).",
		Hint: func(_ Kind, a Args) Hints { return Hints{Max: int64(a.N)} },
	})
}

// FakeMaxWords fails when a text has more than n words, or an int is more
// than n.
func FakeMaxWords(n int) Validator { return &fakeMaxWords{n: n} }

// fakeMaxWords is the validator FakeMaxWords makes.
type fakeMaxWords struct{ n int }

// Name returns "fake_max_words".
func (f *fakeMaxWords) Name() string { return "fake_max_words" }

// String returns "fake_max_words(n)".
func (f *fakeMaxWords) String() string { return fmt.Sprintf("fake_max_words(%d)", f.n) }

func (f *fakeMaxWords) arguments() Args { return Args{N: f.n} }

// Validate counts the words of a text, or compares an int with n.
func (f *fakeMaxWords) Validate(v any) error {
	if n, ok := v.(int64); ok {
		if n > int64(f.n) {
			return fmt.Errorf("must be at most %d", f.n)
		}
		return nil
	}
	if s, _ := valueText(v); len(strings.Fields(s)) > f.n {
		return fmt.Errorf("must have at most %d words", f.n)
	}
	return nil
}

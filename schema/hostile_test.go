package schema

import (
	"strings"
	"testing"

	"github.com/go-sysconfig/sysconfig/runtime/value"
)

// TestHostileDefaultsAreRefused: the schema's defaults are a door too, so
// a default the runtime would refuse from an operator is refused here, with
// a message that does not repeat a long value. Each case is one field's
// declaration under "sections: {s: {fields: {f: ...}}}".
func TestHostileDefaultsAreRefused(t *testing.T) {
	long := strings.Repeat("x", 70<<10)
	cases := []struct{ name, field, want string }{
		{"LF in a string", `{type: string, default: "X-\nInjected"}`, "must be one line"},
		{"CR in a string", `{type: string, default: "a\rb"}`, "must be one line"},
		{"NUL in a string", `{type: string, default: "a\0b"}`, "NUL"},
		{"NUL in a text", `{type: text, default: "a\0b"}`, "NUL"},
		{"NaN", `{type: float, default: .nan}`, "finite"},
		{"+Inf", `{type: float, default: .inf}`, "finite"},
		{"-Inf", `{type: float, default: -.inf}`, "finite"},
		{"huge decimal", `{type: decimal, default: "1e-10001"}`, "decimal"},
		{"1001 digits", `{type: decimal, default: "1e1000"}`, "digits before the point"},
		{"null list item", `{type: string_list, default: ["a", null]}`, "must be strings"},
		{"LF in a list item", `{type: string_list, default: ["a", "b\nc"]}`, "item 2: must be one line"},
		{"LF in a choice", `{type: select, choices: ["a\nb", c]}`, "must be one line"},
		{"more than 64 KiB", `{type: text, default: "` + long + `"}`, "more than the limit"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := "app: a\nsections:\n  s:\n    fields:\n      f: " + tc.field + "\n"
			_, err := Parse("schema.yaml", []byte(src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Parse = %v, want an error mentioning %q", err, tc.want)
			}
			if len(err.Error()) > 400 {
				t.Errorf("the error repeats the value: %d bytes", len(err.Error()))
			}
		})
	}
}

// TestDefaultsAtTheEdgesAreKept: what the runtime accepts at the edges of
// each kind, the loader accepts too, and keeps exactly.
func TestDefaultsAtTheEdgesAreKept(t *testing.T) {
	src := `app: a
sections:
  s:
    fields:
      neg_duration: {type: duration, default: -1m30s}
      neg_zero: {type: float, default: -0.0}
      scale: {type: decimal, default: "49.90"}
      lines: {type: text, default: "one\r\ntwo\n"}
      empty_list: {type: string_list, default: []}
`
	s, err := Parse("schema.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"a.s.neg_duration": "-1m30s", "a.s.neg_zero": "-0", "a.s.scale": "49.90",
		"a.s.lines": "one\r\ntwo\n", "a.s.empty_list": "[]",
	}
	for _, sec := range s.Sections {
		for _, f := range sec.Fields {
			if got := value.Format(f.Kind, f.Default); got != want[f.Path] {
				t.Errorf("default of %s = %q, want %q", f.Path, got, want[f.Path])
			}
		}
	}
}

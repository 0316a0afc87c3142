package schema_test

import (
	"fmt"
	"testing"

	"github.com/go-sysconfig/sysconfig/generated"
	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/schema"
)

// TestRuntimeMatchesGenerated builds the runtime schema of
// schema.example.yaml with Schema.Runtime and compares it with the one
// sysconfig-gen generated from the same file (package generated): sections,
// paths, kinds, defaults, choices, metadata, validators, environment
// variables and cache keys must all agree, so that a tool working from the
// file reads and writes what the app does.
func TestRuntimeMatchesGenerated(t *testing.T) {
	s, err := schema.Load("../schema.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	got, want := describeSchema(s.Runtime()), describeSchema(generated.Schema)
	if len(got) != len(want) {
		t.Fatalf("%d lines, want %d:\n%v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d:\ngot  %s\nwant %s", i, got[i], want[i])
		}
	}
}

// describeSchema writes down everything a runtime schema declares, a line
// per section and per field.
func describeSchema(s *runtime.Schema) []string {
	lines := []string{"app " + s.App()}
	for _, sec := range s.Sections() {
		lines = append(lines, fmt.Sprintf("section %s %q %q", sec.Name(), sec.Label(), sec.Description()))
		for _, d := range sec.Fields() {
			lines = append(lines, describeField(d))
		}
	}
	return lines
}

func describeField(d runtime.Descriptor) string {
	m := d.Meta()
	validators := make([]string, len(m.Validators))
	for i, v := range m.Validators {
		validators[i] = v.String()
	}
	return fmt.Sprintf("field %s %s default=%q choices=%q label=%q description=%q deprecated=%q env=%s key=%s validators=%q",
		d.Path(), d.Kind(), d.DefaultText(), d.Choices(), m.Label, m.Description, m.Deprecated,
		d.EnvVar(), d.CacheKey(), validators)
}

// TestRuntimeParsesAsTheKindDoes checks that a converted field parses and
// validates operator text as its kind and validators say.
func TestRuntimeParsesAsTheKindDoes(t *testing.T) {
	s, err := schema.Parse("t.yaml", []byte(`app: t
sections:
  s:
    fields:
      n: {type: int, default: 3, validators: [{range: {min: 1, max: 5}}]}
      mode: {type: select, choices: [a, b]}
`))
	if err != nil {
		t.Fatal(err)
	}
	rs := s.Runtime()
	for _, c := range []struct {
		path, text string
		ok         bool
	}{
		{"t.s.n", "4", true}, {"t.s.n", "9", false}, {"t.s.n", "1.5", false},
		{"t.s.mode", "b", true}, {"t.s.mode", "c", false},
	} {
		d, _ := rs.Field(c.path)
		if _, err := d.Parse(c.text); (err == nil) != c.ok {
			t.Errorf("%s: Parse(%q) = %v, want ok %v", c.path, c.text, err, c.ok)
		}
	}
}

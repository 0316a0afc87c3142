package emit

import (
	"fmt"
	"testing"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime/value"

	"github.com/go-sysconfig/sysconfig/schema"
)

// largeSchema builds a schema of sections × perSection fields cycling
// through every kind, with descriptions and validators.
func largeSchema(sections, perSection int) *schema.Schema {
	s := &schema.Schema{File: "large.yaml", App: "large"}
	kinds := value.Kinds()
	for i := 0; i < sections; i++ {
		sec := addSection(s, fmt.Sprintf("section_%d", i), fmt.Sprintf("Section %d", i), "A generated section.")
		for j := 0; j < perSection; j++ {
			addField(sec, fmt.Sprintf("field_%d", j), kinds[(i*perSection+j)%len(kinds)], decorate)
		}
	}
	return s
}

// decorate gives a field a label, a description and a kind-appropriate
// validator, and choices to select fields.
func decorate(f *schema.Field) {
	f.Label, f.Description = "Field "+f.Name, "The setting "+f.Name+" of the generated benchmark schema, with a description long enough to wrap onto a second comment line."
	switch f.Kind {
	case value.KindSelect:
		f.Choices = []schema.Choice{{Value: "one", Label: "One"}, {Value: "two"}, {Value: "three"}}
		f.Default = "one"
	case value.KindInt:
		f.Validators = []schema.Validator{{Name: "range", Args: value.Args{Min: int64(1), Max: int64(100)}}}
	case value.KindDuration:
		f.Default = 90 * time.Second
		f.Validators = []schema.Validator{{Name: "positive"}}
	case value.KindString, value.KindText:
		f.Validators = []schema.Validator{{Name: "required"}, {Name: "max_length", Args: value.Args{N: 80}}}
	}
}

// BenchmarkGenerate1000 measures generating a 1,000-field schema (10
// sections of 100 fields); the target is at most 1 s per run.
func BenchmarkGenerate1000(b *testing.B) {
	s := largeSchema(10, 100)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Generate(s, Options{Package: "large", Source: "large.yaml"}); err != nil {
			b.Fatal(err)
		}
	}
}

package runtime

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/go-sysconfig/sysconfig/runtime/value"
)

// SupportPackageIsVersion2 is referenced by generated code. If a build fails
// on this name, the generated package was produced by an incompatible
// sysconfig-gen: regenerate it with the sysconfig-gen that matches this
// runtime ("go generate ./..."). Version 2 (issue 10) put a field's default
// right after its name and a select field's choices in a slice of their own.
const SupportPackageIsVersion2 = true

// Schema is the runtime view of one app's schema: its sections and fields in
// declaration order. Generated code builds one Schema per app at package
// initialisation; it is immutable afterwards.
type Schema struct {
	app      string
	sections []*Section
	fields   []Descriptor
	byPath   map[string]Descriptor
}

// section returns the section named name, or an *UnknownPathError.
func (s *Schema) section(name string) (*Section, error) {
	for _, sec := range s.sections {
		if sec.name == name {
			return sec, nil
		}
	}
	return nil, &UnknownPathError{Path: s.app + "." + name}
}

// NewSchema binds sections, in order, to app: every field gets its path
// "app.section.field". It panics if a section or field is bound twice, which
// only hand-written (not generated) code can do.
func NewSchema(app string, sections ...*Section) *Schema {
	s := &Schema{app: app, sections: sections, byPath: map[string]Descriptor{}}
	for _, sec := range sections {
		if sec.schema != nil {
			panic(fmt.Sprintf("sysconfig: section %s belongs to two schemas", sec.name))
		}
		sec.schema = s
		for _, d := range sec.fields {
			s.bind(sec, d)
		}
	}
	return s
}

func (s *Schema) bind(sec *Section, d Descriptor) {
	f := d.field()
	if f.sec != nil {
		panic(fmt.Sprintf("sysconfig: field %s belongs to two sections", f.name))
	}
	f.sec = sec
	f.path = s.app + "." + sec.name + "." + f.name
	f.cacheKey = f.path + "@" + fingerprint(f.kind, f.choices)
	f.index = len(s.fields)
	s.fields = append(s.fields, d)
	s.byPath[f.path] = d
}

// App returns the app name, the first segment of every path.
func (s *Schema) App() string { return s.app }

// Sections returns the sections in declaration order.
func (s *Schema) Sections() []*Section { return s.sections }

// Fields returns every field in declaration order.
func (s *Schema) Fields() []Descriptor { return s.fields }

// Field returns the field at path ("app.section.field").
func (s *Schema) Field(path string) (Descriptor, bool) {
	d, ok := s.byPath[path]
	return d, ok
}

// Section is a named group of fields.
type Section struct {
	schema      *Schema
	name        string
	label       string
	description string
	fields      []Descriptor
}

// NewSection declares a section holding fields, in order. Generated code
// calls it once per section and passes the result to NewSchema.
func NewSection(name, label, description string, fields ...Descriptor) *Section {
	return &Section{name: name, label: label, description: description, fields: fields}
}

// Name returns the section's name, the second segment of its paths.
func (s *Section) Name() string { return s.name }

// Label returns the human-readable label.
func (s *Section) Label() string { return s.label }

// Description returns the section's description.
func (s *Section) Description() string { return s.description }

// Fields returns the section's fields in declaration order.
func (s *Section) Fields() []Descriptor { return s.fields }

// Meta is the descriptive part of a field declaration.
type Meta struct {
	Label       string
	Description string
	// Deprecated, when not empty, says what to use instead.
	Deprecated string
	Validators []value.Validator
	// Env, when not empty, names the environment variable that pins the
	// field (see Options.Env) instead of value.EnvVar of its path.
	Env string
	// ChoiceLabels are the labels of a select field's choices, by value,
	// for tools such as the admin page; a choice without one is shown as
	// its value.
	ChoiceLabels map[string]string
}

// Descriptor is the untyped view of a field, for tools such as the CLI, the
// admin page and documentation generators. Every *Field[T] is a Descriptor.
type Descriptor interface {
	Path() string
	Name() string
	Section() *Section
	Kind() value.Kind
	Meta() Meta
	// DefaultText returns the default in canonical text form (redacted for
	// secrets).
	DefaultText() string
	// Choices returns the allowed values of a select field, else nil.
	Choices() []string
	// Parse turns operator text into a typed value and validates it.
	Parse(text string) (any, error)
	// CacheKey returns the key the field's entries are cached under, before
	// the cache adds its own prefix: the path and a fingerprint of the kind
	// and choices, such as "shop.site.title@1x2y3z".
	CacheKey() string
	// EnvVar returns the environment variable that pins the field when a
	// client reads pins from its environment (Options.Env).
	EnvVar() string

	field() *fieldInfo
}

// fieldInfo is the type-independent part of a field, used by the Client.
type fieldInfo struct {
	sec      *Section
	name     string
	path     string
	kind     value.Kind
	meta     Meta
	choices  []string
	index    int
	cacheKey string
	def      any // the default, typed as the field's T

	// fromBase converts a value in value.Parse's form to the field's T (as any).
	fromBase func(any) any
	// toBase converts a T (as any) to value.Parse's form.
	toBase func(any) any
}

// parse turns text written at a door into the field's typed value (as
// any): value.Parse, so value.Check, and the select choices; not validators.
func (f *fieldInfo) parse(text string) (any, error) {
	v, err := value.Parse(f.kind, text)
	if err != nil {
		return nil, err
	}
	if f.kind == value.KindSelect && !f.isChoice(v.(string)) {
		return nil, fmt.Errorf("must be one of %s", strings.Join(f.choices, ", "))
	}
	return f.fromBase(v), nil
}

// parseValid parses text written at a door and checks the value as every
// door does (parse, then validate with values of at most maxSize bytes),
// reporting any problem as a *ValidationError.
func (f *fieldInfo) parseValid(text string, maxSize int) (any, error) {
	v, err := f.parse(text)
	if err != nil {
		return nil, &ValidationError{Path: f.path, Problems: []string{err.Error()}}
	}
	if err := f.validate(v, maxSize); err != nil {
		return nil, err
	}
	return v, nil
}

// decodeText turns stored text into the field's typed value, without the
// checks of the doors, so that a value stored before a check existed still
// reads; a select value must still be one of the choices.
func (f *fieldInfo) decodeText(text string) (any, error) {
	v, err := value.ParseStored(f.kind, text)
	if err != nil {
		return nil, err
	}
	if f.kind == value.KindSelect && !f.isChoice(v.(string)) {
		return nil, fmt.Errorf("is not one of %s", strings.Join(f.choices, ", "))
	}
	return f.fromBase(v), nil
}

func (f *fieldInfo) isChoice(s string) bool {
	for _, c := range f.choices {
		if c == s {
			return true
		}
	}
	return false
}

// validate checks v as every door does: value.Check and the size of its
// text, at most maxSize bytes, first (a value that fails them is reported
// alone), then the choices and every validator, all problems in one error.
func (f *fieldInfo) validate(v any, maxSize int) error {
	base := f.toBase(v)
	if err := checkSized(f.kind, base, maxSize); err != nil {
		return &ValidationError{Path: f.path, Problems: []string{err.Error()}}
	}
	var problems []string
	if f.kind == value.KindSelect && !f.isChoice(base.(string)) {
		problems = append(problems, "must be one of "+strings.Join(f.choices, ", "))
	}
	for _, val := range f.meta.Validators {
		if err := val.Validate(base); err != nil {
			problems = append(problems, err.Error())
		}
	}
	if problems != nil {
		return &ValidationError{Path: f.path, Problems: problems}
	}
	return nil
}

// toBaseIfSelect turns a select enum value into a plain string so that tools
// need not know generated types; other values pass through.
func (f *fieldInfo) toBaseIfSelect(v any) any {
	if f.kind == value.KindSelect {
		return f.toBase(v)
	}
	return v
}

func (f *fieldInfo) format(v any) string { return value.Format(f.kind, f.toBase(v)) }

// fingerprint names the encoding of a field's cached values, so that a
// change of kind or choices can never decode an entry written for the old
// declaration. Its "v2" is the version of the cache's Entry model (v2 added
// Epoch and AsOf), so that processes of different releases sharing a cache
// during a rolling deploy use different keys.
func fingerprint(kind value.Kind, choices []string) string {
	h := fnv.New32a()
	h.Write([]byte("v2|" + kind.String() + "|" + strings.Join(choices, ",")))
	return strconv.FormatUint(uint64(h.Sum32()), 36)
}

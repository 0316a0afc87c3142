package configfile

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/value"
	"gopkg.in/yaml.v3"
)

// Parse reads the file name holding data, in this package's format or
// django-sysconfig's JSON export, and checks it against schema: the app,
// sections and fields must exist, and every value must parse and pass its
// field's validators. A problem is reported in an ErrorList holding every
// problem found, each at its position; no message quotes a value.
//
// A secret may be given sealed, as an export with WriteOptions.Sealed
// writes it ("!sealed v1:..."): opts.Open opens it, and the plaintext is
// checked and taken as its value.
func Parse(name string, data []byte, schema *runtime.Schema, opts ParseOptions) (File, error) {
	r := &reader{name: name, schema: schema, open: opts.Open}
	root, ok := r.document(data)
	if !ok {
		return File{}, r.errs.err()
	}
	file := File{App: schema.App()}
	if apps, ok := r.djangoConfig(root); ok {
		r.apps(apps, &file)
	} else {
		r.apps(root, &file)
	}
	return file, r.errs.err()
}

// ParseOptions adjusts how Parse reads a file.
type ParseOptions struct {
	// Open opens a sealed secret (runtime.Sealer's Open, a keyring's);
	// without it a sealed value is refused.
	Open func(path, sealed string) (string, error)
}

// sealedTag marks a secret's sealed value in a file.
const sealedTag = "!sealed"

// reader holds what Parse has found so far.
type reader struct {
	name   string
	schema *runtime.Schema
	open   func(path, sealed string) (string, error)
	errs   ErrorList
}

// pos returns the position of n.
func (r *reader) pos(n *yaml.Node) Pos { return Pos{File: r.name, Line: n.Line, Col: n.Column} }

// errorf records a problem at n.
func (r *reader) errorf(n *yaml.Node, format string, args ...any) {
	r.errs = append(r.errs, &Error{Pos: r.pos(n), Msg: fmt.Sprintf(format, args...)})
}

// yamlLineRE finds the line in a yaml.v3 syntax error.
var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// document decodes the one YAML document in data and returns its root.
func (r *reader) document(data []byte) (*yaml.Node, bool) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		line, msg := 0, strings.TrimPrefix(err.Error(), "yaml: ")
		if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = m[2]
		}
		r.errs = append(r.errs, &Error{Pos: Pos{File: r.name, Line: line}, Msg: "not a YAML or JSON file: " + msg})
		return nil, false
	}
	if len(doc.Content) == 0 {
		r.errs = append(r.errs, &Error{Pos: Pos{File: r.name, Line: 1, Col: 1}, Msg: "the file is empty"})
		return nil, false
	}
	return resolve(doc.Content[0]), true
}

// resolve follows an alias to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// pairs returns the keys and values of mapping n, reporting a repeated key
// once, at its second occurrence.
func (r *reader) pairs(n *yaml.Node, what string) [][2]*yaml.Node {
	if n.Kind != yaml.MappingNode {
		r.errorf(n, "%s must be a mapping", what)
		return nil
	}
	seen := map[string]bool{}
	var out [][2]*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		if seen[k.Value] {
			r.errorf(k, "%s gives %q twice", what, k.Value)
			continue
		}
		seen[k.Value] = true
		out = append(out, [2]*yaml.Node{k, v})
	}
	return out
}

// djangoConfig returns the app mapping of a django-sysconfig export
// ({"version": 1, "config": {...}}), or false when root is not one.
func (r *reader) djangoConfig(root *yaml.Node) (*yaml.Node, bool) {
	if root.Kind != yaml.MappingNode || len(root.Content) != 4 {
		return nil, false
	}
	var version, config *yaml.Node
	for _, p := range r.pairs(root, "the file") {
		switch p[0].Value {
		case "version":
			version = p[1]
		case "config":
			config = p[1]
		}
	}
	if version == nil || config == nil {
		return nil, false
	}
	if version.Value != "1" {
		r.errorf(version, "this is a django-sysconfig export of version %s; only version 1 is read", version.Value)
	}
	return config, true
}

// apps reads the mapping from the app's name to its sections.
func (r *reader) apps(n *yaml.Node, file *File) {
	for _, p := range r.pairs(n, "the file") {
		if p[0].Value != r.schema.App() {
			r.errorf(p[0], "the file configures the app %q, but the schema is the app %q", p[0].Value, r.schema.App())
			continue
		}
		r.sections(p[1], file)
	}
}

// sections reads an app's sections.
func (r *reader) sections(n *yaml.Node, file *File) {
	for _, p := range r.pairs(n, "app "+r.schema.App()) {
		sec := r.section(p[0].Value)
		if sec == nil {
			r.errorf(p[0], "app %s has no section %q; its sections are %s", r.schema.App(), p[0].Value, sectionNames(r.schema))
			continue
		}
		r.fields(sec, p[1], file)
	}
}

// section returns the section named name, or nil.
func (r *reader) section(name string) *runtime.Section {
	for _, s := range r.schema.Sections() {
		if s.Name() == name {
			return s
		}
	}
	return nil
}

// fields reads a section's fields and their values.
func (r *reader) fields(sec *runtime.Section, n *yaml.Node, file *File) {
	for _, p := range r.pairs(n, "section "+sec.Name()) {
		path := r.schema.App() + "." + sec.Name() + "." + p[0].Value
		d, ok := r.schema.Field(path)
		if !ok {
			r.errorf(p[0], "section %s has no field %q; its fields are %s", sec.Name(), p[0].Value, fieldNames(sec))
			continue
		}
		text, ok := r.text(d, p[1])
		if ok {
			text, ok = r.canonical(d, p[1], text)
		}
		if ok {
			file.Values = append(file.Values, Entry{Path: path, Kind: d.Kind(), Text: text, Pos: r.pos(p[1])})
		}
	}
}

// text returns the value of node n in d's kind's text form.
func (r *reader) text(d runtime.Descriptor, n *yaml.Node) (string, bool) {
	switch {
	case n.Kind == yaml.ScalarNode && n.Tag == sealedTag:
		return r.unseal(d, n)
	case n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null":
		r.errorf(n, "%s: null is not a value; leave the field out of the file to leave it alone", d.Path())
	case n.Kind == yaml.ScalarNode:
		return n.Value, true
	case n.Kind == yaml.SequenceNode && d.Kind() == value.KindStringList:
		return r.listText(d, n)
	default:
		r.errorf(n, "%s: a %s value must be written as a single value, not a %s", d.Path(), d.Kind(), nodeKind(n))
	}
	return "", false
}

// unseal returns the plaintext of a sealed secret.
func (r *reader) unseal(d runtime.Descriptor, n *yaml.Node) (string, bool) {
	switch {
	case d.Kind() != value.KindSecret:
		r.errorf(n, "%s: only a secret's value can be sealed", d.Path())
	case r.open == nil:
		r.errorf(n, "%s: a sealed value needs the keyring to be read", d.Path())
	default:
		text, err := r.open(d.Path(), n.Value)
		if err == nil {
			return text, true
		}
		r.errorf(n, "%s: %v", d.Path(), err)
	}
	return "", false
}

// listText returns a sequence of strings as a string_list's text form.
func (r *reader) listText(d runtime.Descriptor, n *yaml.Node) (string, bool) {
	items := make([]string, 0, len(n.Content))
	for _, it := range n.Content {
		it = resolve(it)
		if it.Kind != yaml.ScalarNode || it.ShortTag() == "!!null" {
			r.errorf(it, "%s: every item of a string_list must be a string", d.Path())
			return "", false
		}
		items = append(items, it.Value)
	}
	return value.Format(value.KindStringList, items), true
}

// canonical checks text as a write of d would, reporting its problems at
// n, and returns the value's canonical text (so "90s" reads as "1m30s").
func (r *reader) canonical(d runtime.Descriptor, n *yaml.Node, text string) (string, bool) {
	v, err := d.Parse(text)
	var invalid *runtime.ValidationError
	switch {
	case err == nil:
		return value.Format(d.Kind(), v), true
	case errors.As(err, &invalid):
		r.errorf(n, "%s: %s", d.Path(), strings.Join(invalid.Problems, "; "))
	default:
		r.errorf(n, "%s: %v", d.Path(), err)
	}
	return "", false
}

// nodeKind names the shape of a node for messages.
func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	}
	return "value"
}

// sectionNames lists the sections of s for messages.
func sectionNames(s *runtime.Schema) string {
	var names []string
	for _, sec := range s.Sections() {
		names = append(names, sec.Name())
	}
	return strings.Join(names, ", ")
}

// fieldNames lists the fields of sec for messages.
func fieldNames(sec *runtime.Section) string {
	var names []string
	for _, d := range sec.Fields() {
		names = append(names, d.Name())
	}
	return strings.Join(names, ", ")
}

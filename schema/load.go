package schema

import (
	"bytes"
	"errors"
	"io"
	"os"

	"gopkg.in/yaml.v3"
)

// Load reads and checks the schema file at path. See Parse.
func Load(path string) (*Schema, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse checks the schema in data and returns its model. filename is used in
// positions only. The error, when not nil, is an ErrorList holding every
// problem found, sorted by position; the Schema is then nil.
func Parse(filename string, data []byte) (*Schema, error) {
	l := &loader{file: filename, src: data, typos: map[typo]bool{}}
	s := l.parse(data)
	l.errs.Sort()
	if err := l.errs.Err(); err != nil {
		return nil, err
	}
	return s, nil
}

// loader holds the state of one Parse: the file name and the problems
// found so far.
type loader struct {
	file  string
	src   []byte      // the file's text
	lines sourceLines // src split into lines, once needed (see source)
	app   string      // the app name, for field paths
	errs  ErrorList
	typos map[typo]bool // keys reported as likely misspelt
}

// typo records that an unknown key of mapping node looked like a
// misspelling of key.
type typo struct {
	node *yaml.Node
	key  string
}

// parse decodes data into a node tree and reads the schema from it.
func (l *loader) parse(data []byte) *Schema {
	doc, ok := l.document(data)
	if !ok {
		return nil
	}
	s := l.schema(doc)
	if s != nil {
		l.checkNames(s)
		l.checkEnvVars(s)
	}
	return s
}

// document decodes the single YAML document in data and returns its root.
func (l *loader) document(data []byte) (*yaml.Node, bool) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		l.yamlError(err)
		return nil, false
	}
	l.noSecondDocument(dec)
	l.duplicateAnchors(&doc)
	if len(doc.Content) == 0 {
		l.errs.Add(Pos{File: l.file}, `the file is empty; a schema needs "app" and "sections"`)
		return nil, false
	}
	return resolve(doc.Content[0]), true
}

// noSecondDocument reports a second YAML document in the file.
func (l *loader) noSecondDocument(dec *yaml.Decoder) {
	var extra yaml.Node
	err := dec.Decode(&extra)
	switch {
	case errors.Is(err, io.EOF):
	case err != nil:
		l.yamlError(err)
	default:
		l.errs.Add(Pos{File: l.file, Line: extra.Line, Col: extra.Column},
			`a schema file holds one YAML document; merge this one into the first or move it to its own file`)
	}
}

// source returns the file split into lines.
func (l *loader) source() sourceLines {
	if l.lines.lines == nil {
		l.lines = splitLines(l.src)
	}
	return l.lines
}

// yamlError reports a syntax error, placed at its problem (see
// locateSyntaxError).
func (l *loader) yamlError(err error) {
	if errors.Is(err, io.EOF) {
		l.errs.Add(Pos{File: l.file}, `the file is empty; a schema needs "app" and "sections"`)
		return
	}
	e := locateSyntaxError(l.source(), err)
	l.errs.Add(Pos{File: l.file, Line: e.line, Col: e.col}, e.String())
}

// topKeys are the keys of a schema file's top-level mapping.
var topKeys = []string{"app", "sections"}

// schema reads the top-level mapping.
func (l *loader) schema(root *yaml.Node) *Schema {
	if !l.isMapping(root, "the top level of a schema file", `; start with "app: <name>" and "sections:"`) {
		return nil
	}
	keys := l.object(root, "the schema", topKeys...)
	s := &Schema{File: l.file}
	if p, ok := l.required(root, keys, "app", "the schema", `; add "app: <name>", such as "app: shop"`); ok {
		s.App = l.appName(p)
		l.app = s.App
	}
	if p, ok := l.required(root, keys, "sections", "the schema", "; add a \"sections:\" mapping"); ok {
		s.Sections = l.sections(p.val)
	}
	return s
}

// required returns keys[key], the entries of mapping n, reporting at n
// when key is missing unless a misspelling of it was already reported.
func (l *loader) required(n *yaml.Node, keys map[string]pair, key, what, hint string) (pair, bool) {
	return l.requiredAt(n, n, keys, key, what, hint)
}

// requiredAt is required reporting at node at, the key of the mapping.
func (l *loader) requiredAt(at, n *yaml.Node, keys map[string]pair, key, what, hint string) (pair, bool) {
	p, ok := keys[key]
	if !ok && !l.typos[typo{n, key}] {
		l.errorf(at, "missing %q in %s%s", key, what, hint)
	}
	return p, ok
}

// appName reads and checks the app name.
func (l *loader) appName(p pair) string {
	if p.val.Kind != yaml.ScalarNode || p.val.ShortTag() != "!!str" {
		l.errorf(p.val, "app must be a snake_case name, not %s", describe(p.val))
		return ""
	}
	if !isSnake(p.val.Value) {
		l.errorf(p.val, "app name %q is not snake_case; %s", p.val.Value, snakeHint(p.val.Value))
	}
	return p.val.Value
}

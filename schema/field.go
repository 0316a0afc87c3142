package schema

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/go-sysconfig/sysconfig/runtime/value"

	"gopkg.in/yaml.v3"
)

// fieldKeys are the keys of a field.
var fieldKeys = []string{"type", "label", "description", "default", "deprecated", "choices", "validators", "go_name", "env"}

// DeprecatedNoNote is Field.Deprecated for a field marked "deprecated: true".
const DeprecatedNoNote = "This field is deprecated."

// field reads one field.
func (l *loader) field(s *Section, p pair) *Field {
	f := &Field{Section: s, Name: p.name(), Pos: l.pos(p.key)}
	f.Path = l.app + "." + s.Name + "." + f.Name
	f.Label = sentenceLabel(f.Name)
	l.checkName(p.key, "field")
	what := "field " + s.Name + "." + f.Name
	if isNull(p.val) {
		l.errorf(p.key, "%s is empty; add at least \"type:\" with one of %s", what, kindList())
		return f
	}
	if !l.isMapping(p.val, what, fieldShapeHint(p)) {
		return f
	}
	keys := l.object(p.val, what, fieldKeys...)
	l.fieldText(f, keys, what)
	l.deprecated(f, keys, what)
	l.goName(f, keys, what)
	l.envVar(f, keys, what)
	known := l.fieldType(f, p, keys, what)
	l.choices(f, keys, what)
	l.validators(f, keys, what)
	if known {
		l.fieldDefault(f, keys, what)
	}
	return f
}

// fieldShapeHint suggests the mapping form of a field written as just its
// type, such as "title: string".
func fieldShapeHint(p pair) string {
	if _, ok := value.ParseKind(p.val.Value); ok && p.val.Kind == yaml.ScalarNode {
		return fmt.Sprintf("; write \"%s: {type: %s}\"", p.name(), p.val.Value)
	}
	return "; give it keys such as \"type:\" and \"label:\""
}

// fieldText reads a field's label and description.
func (l *loader) fieldText(f *Field, keys map[string]pair, what string) {
	if p, ok := keys["label"]; ok {
		if t, ok := l.text(p, "label of "+what); ok {
			f.Label = t
		}
	}
	if p, ok := keys["description"]; ok {
		f.Description, _ = l.text(p, "description of "+what)
	}
}

// deprecated reads the deprecation note: a text, or true.
func (l *loader) deprecated(f *Field, keys map[string]pair, what string) {
	p, ok := keys["deprecated"]
	if !ok {
		return
	}
	n := p.val
	switch {
	case n.Kind == yaml.ScalarNode && n.ShortTag() == "!!bool" && isTrue(n.Value):
		f.Deprecated = DeprecatedNoNote
	case n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str" && strings.TrimSpace(n.Value) != "":
		f.Deprecated = strings.TrimSpace(n.Value)
	default:
		l.errorf(n, "deprecated of %s must be a note saying what to use instead, or true, not %s; "+
			"remove the key if the field is not deprecated", what, describe(n))
	}
}

// goNameRE matches a go_name: an exported Go identifier in ASCII, as every
// Go name derived from a snake_case field name is. identRE matches any ASCII
// identifier, exported or not (keywords are all lower case).
var (
	goNameRE = regexp.MustCompile(`^[A-Z][A-Za-z0-9_]*$`)
	identRE  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// goName reads the go_name that replaces the Go name derived from the
// field's name. Collisions with other generated names are reported with
// the others (see loader.checkNames).
func (l *loader) goName(f *Field, keys map[string]pair, what string) {
	p, ok := keys["go_name"]
	if !ok {
		return
	}
	n := p.val
	switch {
	case n.Kind != yaml.ScalarNode || isNull(n):
		l.errorf(n, "go_name of %s must be a Go identifier such as %q, not %s", what, GoName(f.Name), describe(n))
	case !identRE.MatchString(n.Value):
		l.errorf(n, "go_name %s of %s is not a Go identifier; use ASCII letters, digits and underscores, "+
			"starting with an upper-case letter, such as %q", quoteShort(n.Value), what, goNameLike(f, n.Value))
	case !goNameRE.MatchString(n.Value):
		l.errorf(n, "go_name %q of %s is not exported, so code outside the generated package could not "+
			"call its accessors; start it with an upper-case letter, such as %q", n.Value, what, goNameLike(f, n.Value))
	default:
		f.ExplicitGoName = n.Value
	}
}

// envVar reads the env key: the environment variable that pins the field
// instead of the one derived from its path (value.EnvVar). Collisions with
// other fields' variables are reported with the others (see
// loader.checkEnvVars).
func (l *loader) envVar(f *Field, keys map[string]pair, what string) {
	p, ok := keys["env"]
	if !ok {
		return
	}
	n := p.val
	switch {
	case n.Kind != yaml.ScalarNode || isNull(n) || n.ShortTag() != "!!str":
		l.errorf(n, "env of %s must be an environment variable name such as %q, not %s",
			what, value.EnvVar(f.Path), describe(n))
	case !value.ValidEnvVar(n.Value):
		l.errorf(n, "env %s of %s is not a usable environment variable name; use upper-case ASCII letters, "+
			"digits and underscores, not starting with a digit, such as %q", quoteShort(n.Value), what, value.EnvVar(f.Path))
	default:
		f.Env = n.Value
	}
}

// goNameLike suggests a go_name close to value, or else the one derived
// from the field's name when value's first word does not start with an
// ASCII letter ("2fa", "été").
func goNameLike(f *Field, value string) string {
	ws := words(value)
	if like := GoName(value); len(ws) > 0 && isASCIILetter(ws[0][0]) && goNameRE.MatchString(like) {
		return like
	}
	return GoName(f.Name)
}

// isASCIILetter reports whether c is an ASCII letter.
func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// isTrue reports whether a YAML boolean is true.
func isTrue(v string) bool { return strings.EqualFold(v, "true") }

// fieldType reads the field's type into f.Kind and reports whether it is
// known.
func (l *loader) fieldType(f *Field, decl pair, keys map[string]pair, what string) bool {
	p, ok := l.requiredAt(decl.key, decl.val, keys, "type", what, "; add \"type:\" with one of "+kindList())
	if !ok {
		return false
	}
	if p.val.Kind != yaml.ScalarNode || isNull(p.val) || p.val.Value == "" {
		l.errorf(p.val, "type of %s must be one of %s, not %s", what, kindList(), describe(p.val))
		return false
	}
	k, ok := value.ParseKind(p.val.Value)
	if !ok {
		l.unknownType(p.val, what)
		return false
	}
	f.Kind = k
	return true
}

// unknownType reports a type name that is not a kind.
func (l *loader) unknownType(n *yaml.Node, what string) {
	if hint := didYouMean(n.Value, kindNames()); hint != "" {
		l.errorf(n, "unknown type %q for %s%s", n.Value, what, hint)
		return
	}
	l.errorf(n, "unknown type %q for %s; use one of %s", n.Value, what, kindList())
}

// kindNames returns the schema names of every kind.
func kindNames() []string {
	var names []string
	for _, k := range value.Kinds() {
		names = append(names, k.String())
	}
	return names
}

// kindList returns the kind names for messages.
func kindList() string { return strings.Join(kindNames(), ", ") }

// choices reads the choices of a select field and rejects them elsewhere.
// When the field's type is unknown (and reported), choices are read for
// their own errors.
func (l *loader) choices(f *Field, keys map[string]pair, what string) {
	p, ok := keys["choices"]
	switch {
	case f.Kind == 0 && ok:
		l.choiceList(p, what)
	case f.Kind == 0:
	case f.Kind != value.KindSelect && ok:
		l.errorf(p.key, "choices are only allowed on select fields; use \"type: select\" or remove the choices of %s", what)
	case f.Kind == value.KindSelect && !ok:
		l.errorf(l.nodeAt(f.Pos), "select %s needs choices, such as \"choices: [light, dark]\"", what)
	case ok:
		f.Choices = l.choiceList(p, what)
	}
}

// nodeAt returns a node positioned at pos, for reporting at a declaration.
func (l *loader) nodeAt(pos Pos) *yaml.Node { return &yaml.Node{Line: pos.Line, Column: pos.Col} }

// choiceList reads the list of choices, reporting empty and duplicate ones.
func (l *loader) choiceList(p pair, what string) []Choice {
	if !l.isList(p.val, "choices of "+what, "; write them as [a, b] or as \"- a\" lines") {
		return nil
	}
	if len(p.val.Content) == 0 {
		l.errorf(p.val, "choices of %s is empty; list at least one choice", what)
	}
	var out []Choice
	seen := map[string]Choice{}
	for _, item := range p.val.Content {
		c, ok := l.choice(resolve(item), what)
		if !ok {
			continue
		}
		if first, dup := seen[c.Value]; dup {
			l.errs.Add(c.Pos, fmt.Sprintf("duplicate choice %q in %s (first at line %d); remove one of them", c.Value, what, first.Pos.Line))
			continue
		}
		seen[c.Value] = c
		out = append(out, c)
	}
	return out
}

// choice reads one choice: a value, or a {value, label} mapping.
func (l *loader) choice(n *yaml.Node, what string) (Choice, bool) {
	c := Choice{Pos: l.pos(n)}
	switch n.Kind {
	case yaml.ScalarNode:
		c.Value, c.Label = n.Value, n.Value
		return c, l.choiceValue(n, what)
	case yaml.MappingNode:
		return l.labelledChoice(n, c, what)
	}
	l.errorf(n, "a choice of %s must be a value or a {value: ..., label: ...} mapping, not %s", what, describe(n))
	return c, false
}

// choiceValue reports an empty choice value.
func (l *loader) choiceValue(n *yaml.Node, what string) bool {
	if isNull(n) || n.Value == "" {
		l.errorf(n, "a choice of %s is empty; every choice needs a value", what)
		return false
	}
	if err := value.Check(value.KindSelect, n.Value); err != nil {
		l.errorf(n, "a choice of %s %v", what, err)
		return false
	}
	return true
}

// labelledChoice reads a {value: x, label: y} choice.
func (l *loader) labelledChoice(n *yaml.Node, c Choice, what string) (Choice, bool) {
	keys := l.object(n, "a choice of "+what, "value", "label")
	v, ok := l.required(n, keys, "value", "a choice of "+what, "; add \"value: <value>\"")
	if !ok {
		return c, false
	}
	if v.val.Kind != yaml.ScalarNode {
		l.errorf(v.val, "the value of a choice of %s must be a scalar, not %s", what, describe(v.val))
		return c, false
	}
	c.Value, c.Label = v.val.Value, v.val.Value
	if p, ok := keys["label"]; ok {
		if t, ok := l.text(p, "label of choice "+c.Value); ok {
			c.Label = t
		}
	}
	return c, l.choiceValue(v.val, what)
}

package schema

import (
	"fmt"
	"strings"

	"github.com/go-sysconfig/sysconfig/runtime/value"
	"gopkg.in/yaml.v3"
)

// item is one validator as written: its name and its argument, nil when
// there is none.
type item struct {
	name, arg *yaml.Node
}

// validatorsHint shows the two forms of a validator list item.
const validatorsHint = `; write each validator as "- name" or "- name: argument"`

// validatorItems returns the validators of p, the "validators" entry of a
// field, reporting a value that is not a list. The list form is the only
// one, but the entries of a mapping ("validators: {required: true}") and a
// single name ("validators: required") are still returned as items, so
// that each is checked, and its errors reported, in the same run.
func (l *loader) validatorItems(p pair, what string) []item {
	n := p.val
	switch {
	case isNull(n):
		l.errorf(p.key, "validators of %s is empty; list validators or remove the key", what)
	case n.Kind == yaml.SequenceNode:
		return l.listItems(n, what)
	case n.Kind == yaml.MappingNode:
		return l.mappingItems(n, what)
	case n.Kind == yaml.ScalarNode && isSnake(n.Value):
		l.errorf(n, "validators of %s must be a list, not %s; write it as \"[%s]\" or as a \"- %s\" line",
			what, describe(n), n.Value, n.Value)
		return []item{{name: n}}
	default:
		l.errorf(n, "validators of %s must be a list, not %s%s", what, describe(n), validatorsHint)
	}
	return nil
}

// listItems returns the items of a validator list, reporting those that
// are neither a name nor a one-key mapping.
func (l *loader) listItems(list *yaml.Node, what string) []item {
	var items []item
	for _, n := range list.Content {
		if it, ok := l.listItem(resolve(n), what); ok {
			items = append(items, it)
		}
	}
	return items
}

// listItem splits a list item into the validator's name and its argument.
func (l *loader) listItem(n *yaml.Node, what string) (item, bool) {
	switch {
	case n.Kind == yaml.ScalarNode && !isNull(n):
		return item{name: n}, true
	case n.Kind == yaml.MappingNode && len(n.Content) == 2 && l.validKey(n.Content[0], "validators of "+what):
		return item{name: n.Content[0], arg: argument(n.Content[1])}, true
	case n.Kind == yaml.MappingNode && len(n.Content) > 2:
		l.errorf(n.Content[2], "a validator of %s has several keys (%s); put each validator in its own \"- \" item, "+
			"with its arguments under its name as in \"- regex: {pattern: ..., inverse: true}\"", what, mappingKeys(n))
	case n.Kind == yaml.MappingNode && len(n.Content) == 2:
	default:
		l.errorf(n, "a validator of %s must be a name or a one-key mapping, not %s%s", what, describe(n), validatorsHint)
	}
	return item{}, false
}

// argument returns the argument node of a validator, or nil when it is
// empty.
func argument(n *yaml.Node) *yaml.Node {
	if n = resolve(n); isNull(n) {
		return nil
	}
	return n
}

// mappingItems reports validators written as a mapping and returns its
// entries as items, as if each were a "- name: argument" list item.
func (l *loader) mappingItems(m *yaml.Node, what string) []item {
	entries := l.entries(m, "validators of "+what)
	l.errorf(m, "validators of %s must be a list, not a mapping%s", what, asList(entries))
	items := make([]item, len(entries))
	for i, e := range entries {
		items[i] = item{name: e.key, arg: argument(e.val)}
	}
	return items
}

// asList shows the entries of a validators mapping as list items, for the
// message saying how to write them: {required: true, min_length: 3} is
// `"- required", "- min_length: 3"`. An entry "name: false", which reads
// as a validator turned off, is left out.
func asList(entries []pair) string {
	var items []string
	for _, e := range entries {
		arg := argument(e.val)
		switch {
		case arg == nil || takesNoArgument(e.name()) && isBool(arg, true):
			items = append(items, fmt.Sprintf("%q", "- "+e.name()))
		case takesNoArgument(e.name()) && isBool(arg, false):
		default:
			items = append(items, fmt.Sprintf("%q", "- "+e.name()+": "+flowText(arg)))
		}
	}
	if len(items) == 0 {
		return validatorsHint
	}
	return "; write each validator as a list item: " + strings.Join(items, ", ")
}

// takesNoArgument reports whether the validator named name never takes an
// argument, or may be written without one (url), or is unknown.
func takesNoArgument(name string) bool {
	b, ok := value.LookupBuiltin(name)
	return !ok || !b.Arg.Needed()
}

// isBool reports whether n is the YAML boolean b.
func isBool(n *yaml.Node, b bool) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!bool" && isTrue(n.Value) == b
}

// flowText writes n in YAML's flow style, on one line: "3", "[a, b]",
// "{pattern: x}". A scalar is quoted only if it must be, in single quotes
// where they do, so that the message does not escape double quotes.
func flowText(n *yaml.Node) string {
	c := *n
	c.Style = yaml.FlowStyle
	if c.Kind == yaml.ScalarNode {
		c.Style = 0
	}
	c.HeadComment, c.LineComment, c.FootComment = "", "", ""
	out, err := yaml.Marshal(&c)
	text := strings.TrimSpace(string(out))
	if err != nil || strings.Contains(text, "\n") {
		return "..."
	}
	return text
}

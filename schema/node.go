package schema

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// pair is one "key: value" entry of a YAML mapping.
type pair struct {
	key, val *yaml.Node
}

// name returns the entry's key.
func (p pair) name() string { return p.key.Value }

// pos returns the position of the entry's key, which is where its
// declaration is reported.
func (l *loader) pos(n *yaml.Node) Pos { return Pos{File: l.file, Line: n.Line, Col: n.Column} }

// errorf reports a problem at node n.
func (l *loader) errorf(n *yaml.Node, format string, args ...any) {
	l.errs.Add(l.pos(n), fmt.Sprintf(format, args...))
}

// resolve follows aliases ("*name") to the node they refer to.
func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// isNull reports whether n is an empty value or an explicit null.
func isNull(n *yaml.Node) bool {
	n = resolve(n)
	return n == nil || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}

// describe names the kind of node n for messages: "a list", "a mapping",
// or the scalar itself (quoted if it is a string).
func describe(n *yaml.Node) string {
	switch {
	case n.Kind == yaml.MappingNode && len(n.Content) == 0:
		return "an empty mapping"
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case isNull(n):
		return "empty"
	case n.ShortTag() == "!!str":
		return fmt.Sprintf("%q", n.Value)
	}
	return n.Value
}

// isMapping reports whether n is a mapping, reporting a problem if it is
// not. what names the value, hint says what to write instead.
func (l *loader) isMapping(n *yaml.Node, what, hint string) bool {
	if n.Kind == yaml.MappingNode {
		return true
	}
	l.errorf(n, "%s must be a mapping, not %s%s", what, describe(n), hint)
	return false
}

// isList reports whether n is a list, reporting a problem if it is not.
func (l *loader) isList(n *yaml.Node, what, hint string) bool {
	if n.Kind == yaml.SequenceNode {
		return true
	}
	l.errorf(n, "%s must be a list, not %s%s", what, describe(n), hint)
	return false
}

// entries returns the entries of mapping n in order. It reports keys that
// are not plain strings, merge keys and duplicate keys; only the first
// entry of a duplicated key is returned. what names the mapping.
func (l *loader) entries(n *yaml.Node, what string) []pair {
	var out []pair
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		p := pair{key: n.Content[i], val: resolve(n.Content[i+1])}
		if !l.validKey(p.key, what) {
			continue
		}
		if first, dup := seen[p.name()]; dup {
			l.errorf(p.key, "duplicate key %q in %s (first at line %d); remove or rename one of them",
				p.name(), what, first.Line)
			continue
		}
		seen[p.name()] = p.key
		out = append(out, p)
	}
	return out
}

// validKey reports whether key is a plain string key.
func (l *loader) validKey(key *yaml.Node, what string) bool {
	switch {
	case key.Kind != yaml.ScalarNode:
		l.errorf(key, "keys of %s must be plain names, not %s", what, describe(key))
	case key.ShortTag() == "!!merge":
		l.errorf(key, "merge keys (<<) are not supported in %s; write the keys out", what)
	default:
		return true
	}
	return false
}

// object reads mapping n whose allowed keys are fixed, reporting unknown
// keys with the closest allowed one. It returns the known entries by key.
func (l *loader) object(n *yaml.Node, what string, allowed ...string) map[string]pair {
	out := map[string]pair{}
	for _, p := range l.entries(n, what) {
		if !slices.Contains(allowed, p.name()) {
			l.unknownKey(n, p.key, what, allowed)
			continue
		}
		out[p.name()] = p
	}
	return out
}

// unknownKey reports key, an entry of mapping n that is not one of allowed.
// A key that looks like a typo of an allowed one is remembered, so that
// loader.required does not also report the allowed key as missing.
func (l *loader) unknownKey(n, key *yaml.Node, what string, allowed []string) {
	if c, ok := closest(key.Value, allowed); ok {
		l.errorf(key, "unknown key %q in %s; did you mean %q?", key.Value, what, c)
		l.typos[typo{n, c}] = true
		return
	}
	l.errorf(key, "unknown key %q in %s (allowed keys: %s)", key.Value, what, strings.Join(allowed, ", "))
}

// text returns the value of a scalar that holds free text (labels,
// descriptions), reporting other nodes and empty values.
func (l *loader) text(p pair, what string) (string, bool) {
	switch {
	case p.val.Kind != yaml.ScalarNode:
		l.errorf(p.val, "%s must be text, not %s", what, describe(p.val))
	case isNull(p.val) || strings.TrimSpace(p.val.Value) == "":
		l.errorf(p.val, "%s is empty; write some text or remove the %q key", what, p.name())
	default:
		return strings.TrimSpace(p.val.Value), true
	}
	return "", false
}

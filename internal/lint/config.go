package lint

import (
	"fmt"
	"strings"

	"github.com/go-sysconfig/sysconfig/schema"
	"gopkg.in/yaml.v3"
)

// Config sets the severity of rules by ID; rules it does not name have
// their Default severity. A nil Config leaves every rule at its default.
type Config map[string]Severity

// Severity returns the severity of r under c.
func (c Config) Severity(r Rule) Severity {
	if sev, ok := c[r.ID]; ok {
		return sev
	}
	return r.Default
}

// Set sets the severity of the rule with the given ID. An unknown ID is
// an error listing the known ones.
func (c Config) Set(id string, sev Severity) error {
	if !known(id) {
		return unknownRule(id)
	}
	c[id] = sev
	return nil
}

// SetFlag applies "ID=SEVERITY", the argument of the -rule flag.
func (c Config) SetFlag(arg string) error {
	id, text, ok := strings.Cut(arg, "=")
	if !ok {
		return fmt.Errorf("-rule %s: write the rule and its severity as NAME=off|warning|error", arg)
	}
	sev, err := ParseSeverity(text)
	if err == nil {
		err = c.Set(id, sev)
	}
	if err != nil {
		return fmt.Errorf("-rule %s: %w", arg, err)
	}
	return nil
}

// known reports whether id is the ID of a rule.
func known(id string) bool {
	for _, r := range Rules() {
		if r.ID == id {
			return true
		}
	}
	return false
}

// unknownRule is the error for a rule ID that names no rule.
func unknownRule(id string) error {
	ids := make([]string, 0, len(Rules()))
	for _, r := range Rules() {
		ids = append(ids, r.ID)
	}
	return fmt.Errorf("unknown rule %q; known rules: %s", id, strings.Join(ids, ", "))
}

// Parse applies a config file held in data, named filename in messages.
// The file sets severities under a single key, rules:
//
//	rules:
//	  description-required: off
//	  numeric-bounds: error
//
// The error is a YAML syntax error, or a schema.ErrorList holding every
// unknown key, unknown rule and invalid severity at its position.
func (c Config) Parse(filename string, data []byte) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("%s: %v", filename, err)
	}
	p := configParser{file: filename, cfg: c}
	if len(doc.Content) > 0 {
		p.root(doc.Content[0])
	}
	p.errs.Sort()
	return p.errs.Err()
}

// configParser collects the problems of one config file.
type configParser struct {
	file string
	cfg  Config
	errs schema.ErrorList
}

// errorf records a problem at node n.
func (p *configParser) errorf(n *yaml.Node, format string, args ...any) {
	p.errs.Add(schema.Pos{File: p.file, Line: n.Line, Col: n.Column}, fmt.Sprintf(format, args...))
}

// root reads the top-level mapping, which holds only "rules".
func (p *configParser) root(n *yaml.Node) {
	if !p.mapping(n, "the config file") {
		return
	}
	for i := 0; i < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Value != "rules" {
			p.errorf(k, `unknown key %q; the config file holds only "rules"`, k.Value)
			continue
		}
		p.rules(n.Content[i+1])
	}
}

// rules reads the mapping from rule ID to severity. "rules:" alone sets
// nothing.
func (p *configParser) rules(n *yaml.Node) {
	if n.Tag == "!!null" || !p.mapping(n, "rules") {
		return
	}
	for i := 0; i < len(n.Content); i += 2 {
		p.rule(n.Content[i], n.Content[i+1])
	}
}

// rule reads one "rule-id: severity" line.
func (p *configParser) rule(k, v *yaml.Node) {
	sev, err := ParseSeverity(v.Value)
	switch {
	case !known(k.Value):
		p.errorf(k, "%v", unknownRule(k.Value))
	case v.Kind != yaml.ScalarNode || err != nil:
		p.errorf(v, "rule %s: severity must be off, warning or error", k.Value)
	default:
		p.cfg[k.Value] = sev
	}
}

// mapping reports a node that is not a mapping.
func (p *configParser) mapping(n *yaml.Node, what string) bool {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s must be a mapping, as in \"rules: {numeric-bounds: error}\"", what)
		return false
	}
	return true
}

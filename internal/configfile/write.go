package configfile

import (
	"io"
	"strings"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/value"
	"gopkg.in/yaml.v3"
)

// WriteOptions adjusts what Write exports.
type WriteOptions struct {
	// RevealSecrets writes the plaintext of secret fields (which the values
	// then hold: a client with the keyring reads them). By default they are
	// left out, and a comment names the ones that are set.
	RevealSecrets bool
	// Sealed holds, by path, the sealed text of secrets to export sealed
	// (as the store keeps them: bound to their path and the keyring), which
	// Parse reads back with the keyring. A secret in neither is left out.
	Sealed map[string]string
}

// Write writes the overrides among values (as Client.All returns them) as
// a config file of schema's app: sections and fields in schema order,
// fields without an override left out.
func Write(w io.Writer, schema *runtime.Schema, values []runtime.Value, opts WriteOptions) error {
	byPath := make(map[string]runtime.Value, len(values))
	for _, v := range values {
		byPath[v.Path] = v
	}
	sections := &yaml.Node{Kind: yaml.MappingNode}
	var hidden []string
	for _, sec := range schema.Sections() {
		fields := &yaml.Node{Kind: yaml.MappingNode}
		for _, d := range sec.Fields() {
			v, ok := byPath[d.Path()]
			switch {
			case !ok || !v.Set:
			case v.Kind == value.KindSecret && !opts.RevealSecrets && opts.Sealed[d.Path()] != "":
				fields.Content = append(fields.Content, key(d.Name()),
					&yaml.Node{Kind: yaml.ScalarNode, Tag: sealedTag, Value: opts.Sealed[d.Path()]})
			case v.Kind == value.KindSecret && !opts.RevealSecrets:
				hidden = append(hidden, d.Path())
			default:
				fields.Content = append(fields.Content, key(d.Name()), valueNode(v))
			}
		}
		if len(fields.Content) > 0 {
			sections.Content = append(sections.Content, key(sec.Name()), fields)
		}
	}
	root := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{key(schema.App()), sections}}
	if len(hidden) > 0 {
		root.HeadComment = "Secret fields set but not exported: " + strings.Join(hidden, ", ")
	}
	if len(sections.Content) == 0 {
		sections.Style = yaml.FlowStyle // "app: {}"
	}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}); err != nil {
		return err
	}
	return enc.Close()
}

// key returns a mapping key.
func key(name string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: name} }

// valueNode returns the node of an override: a scalar holding its text
// form, a string_list as a flow sequence. Text kinds are tagged as
// strings, so that the encoder quotes what YAML would read as something
// else ("24", "true", "") and Parse reads back the same text.
func valueNode(v runtime.Value) *yaml.Node {
	if list, ok := v.Value.([]string); ok {
		seq := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, item := range list {
			seq.Content = append(seq.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: item})
		}
		return seq
	}
	text := value.Format(v.Kind, v.Value)
	n := &yaml.Node{Kind: yaml.ScalarNode, Value: text}
	switch v.Kind {
	case value.KindString, value.KindText, value.KindSecret, value.KindSelect, value.KindDuration:
		n.Tag = "!!str"
	}
	if strings.Contains(text, "\n") {
		n.Style = yaml.LiteralStyle
	}
	return n
}

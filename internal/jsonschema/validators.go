package jsonschema

import (
	"fmt"
	"slices"

	"github.com/go-sysconfig/sysconfig/runtime/value"
)

// group is kinds that the same validators apply to.
type group struct {
	kinds []value.Kind
	names []string // the validators that apply, in table order
}

// name names the group after its first kind.
func (g group) name() string { return g.kinds[0].String() }

// kindGroups groups the kinds by the validators that apply to them, in the
// order of their first kind.
func kindGroups() []group {
	var groups []group
	for _, k := range value.Kinds() {
		applies := names(func(b *value.Builtin) bool { return b.Kinds.Has(k) })
		i := slices.IndexFunc(groups, func(g group) bool { return slices.Equal(g.names, applies) })
		if i < 0 {
			groups = append(groups, group{names: applies})
			i = len(groups) - 1
		}
		groups[i].kinds = append(groups[i].kinds, k)
	}
	return groups
}

// kindConditions allow, on a field of each group's kinds, only the
// validators that apply to them.
func kindConditions(groups []group) []string {
	out := make([]string, len(groups))
	for i, g := range groups {
		var kind any = map[string]any{"enum": kindNames(g.kinds)}
		if len(g.kinds) == 1 {
			kind = map[string]any{"const": g.name()}
		}
		items := map[string]any{"items": ref("validatorFor/$defs/" + g.name())}
		out[i] = compact(map[string]any{
			"$comment": fmt.Sprintf("The validators that apply to %s fields.", orList(kindNames(g.kinds))),
			"if":       map[string]any{"required": []string{"type"}, "properties": map[string]any{"type": kind}},
			"then":     map[string]any{"properties": map[string]any{"validators": items}},
		})
	}
	return out
}

// allowed matches the list items, in either form, of the validators that
// apply to each group.
func allowed(groups []group) []string {
	out := make([]string, len(groups))
	for i, g := range groups {
		out[i] = fmt.Sprintf("%q: %s", g.name(), compact(map[string]any{
			"if":   map[string]any{"type": "string"},
			"then": map[string]any{"enum": g.names},
			"else": map[string]any{"propertyNames": map[string]any{"enum": g.names}},
		}))
	}
	return out
}

// arguments describes the argument of each validator, as the value of the
// one key of a list item.
func arguments() []string {
	out := make([]string, len(value.Builtins()))
	for i, b := range value.Builtins() {
		s := argument(b)
		s["description"] = describe(b)
		out[i] = fmt.Sprintf("%q: %s", b.Name, compact(s))
	}
	return out
}

// argument is the JSON Schema of an argument of b's shape.
func argument(b *value.Builtin) map[string]any {
	switch b.Arg {
	case value.ArgCount:
		return ref("length")
	case value.ArgPattern:
		return map[string]any{"anyOf": []any{ref("scalar"), ref("regexOptions")}}
	case value.ArgRange:
		return ref("range")
	case value.ArgSchemes:
		return map[string]any{"anyOf": []any{map[string]any{"type": "null"}, ref("urlOptions")}}
	case value.ArgValues:
		return map[string]any{"type": "array", "minItems": 1, "items": ref("scalar")}
	case value.ArgFunc:
		return map[string]any{"type": []string{"string", "number", "boolean"}, "pattern": `^[^ \t\n]*\S[^ \t\n]*$`}
	}
	return map[string]any{"type": "null"}
}

// describe says what b accepts, on which kinds, whether it may repeat, and
// how to write it when it takes no argument.
func describe(b *value.Builtin) string {
	s := b.Doc + " For " + orList(kindNames(b.Kinds.Kinds())) + " fields."
	if b.Repeats {
		s += " May repeat."
	}
	if b.Arg == value.ArgNone {
		s += fmt.Sprintf(` Takes no argument: write "- %s".`, b.Name)
	}
	return s
}

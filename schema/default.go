package schema

import (
	"fmt"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime/value"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/shopspring/decimal"
	"gopkg.in/yaml.v3"
)

// ZeroValue returns the value a field of kind k holds when the schema gives
// no default, in value.Parse's form: "", int64(0), float64(0),
// decimal.Zero, false, time.Duration(0), []string{} or value.Secret{}.
// Select fields without a default use their first choice instead (see
// Field.Default).
func ZeroValue(k value.Kind) any {
	switch k {
	case value.KindInt:
		return int64(0)
	case value.KindFloat:
		return float64(0)
	case value.KindDecimal:
		return decimal.Zero
	case value.KindBool:
		return false
	case value.KindDuration:
		return time.Duration(0)
	case value.KindStringList:
		return []string{}
	case value.KindSecret:
		return value.Secret{}
	}
	return ""
}

// fieldDefault reads the default and checks it against the choices and
// validators. Without one, the field gets its kind's zero value or, for a
// select field, its first choice.
func (l *loader) fieldDefault(f *Field, keys map[string]pair, what string) {
	f.Default = ZeroValue(f.Kind)
	if f.Kind == value.KindSelect && len(f.Choices) > 0 {
		f.Default = f.Choices[0].Value
	}
	p, ok := keys["default"]
	if !ok {
		return
	}
	if f.Kind == value.KindSecret {
		l.errorf(p.key, "secret %s cannot have a default; remove it and set the value with the sysconfig CLI or admin page", what)
		return
	}
	v, ok := l.parseDefault(f, p.val, what)
	if ok && l.checkValue(f, p.val, v, what) && l.checkDefault(f, p.val, v, what) {
		f.Default, f.HasDefault = v, true
	}
}

// checkValue reports a default that fails value.Check, the check of
// every door (a list default does not pass through value.Parse, which
// makes it for text). Sizes are the writers' limit, so a default must fit
// runtime.DefaultMaxValueSize too.
func (l *loader) checkValue(f *Field, n *yaml.Node, v any, what string) bool {
	err := value.Check(f.Kind, v)
	if size := len(value.Format(f.Kind, v)); err == nil && size > runtime.DefaultMaxValueSize {
		err = fmt.Errorf("is %d bytes long, more than the limit of %d", size, runtime.DefaultMaxValueSize)
	}
	if err != nil {
		l.errorf(n, "default of %s %v", what, err)
		return false
	}
	return true
}

// parseDefault parses the default node as the field's kind.
func (l *loader) parseDefault(f *Field, n *yaml.Node, what string) (any, bool) {
	switch {
	case isNull(n):
		l.errorf(n, "default of %s is empty; remove it, or write \"\" for an empty text", what)
	case n.Kind == yaml.SequenceNode && f.Kind == value.KindStringList:
		return l.stringList(n, "default of "+what)
	case n.Kind != yaml.ScalarNode:
		l.errorf(n, "default of %s must be a single %s value, not %s", what, f.Kind, describe(n))
	default:
		v, err := value.Parse(f.Kind, n.Value)
		if err == nil {
			return v, true
		}
		l.errorf(n, "default %s of %s is not a valid %s: %v", quoteShort(n.Value), what, f.Kind, err)
	}
	return nil, false
}

// stringList reads a YAML list of strings.
func (l *loader) stringList(n *yaml.Node, what string) ([]string, bool) {
	list, ok := []string{}, true
	for _, item := range n.Content {
		item = resolve(item)
		if item.Kind != yaml.ScalarNode || isNull(item) {
			l.errorf(item, "items of %s must be strings, not %s", what, describe(item))
			ok = false
			continue
		}
		list = append(list, item.Value)
	}
	return list, ok
}

// checkDefault reports a select default that is not a choice (unless the
// choices themselves are missing) and every validator the default fails.
// Validators of registered functions (custom, value.ArgFunc) are skipped:
// the application registers them, the loader does not know them.
func (l *loader) checkDefault(f *Field, n *yaml.Node, v any, what string) bool {
	if f.Kind == value.KindSelect && len(f.Choices) > 0 && !f.isChoice(v.(string)) {
		l.errorf(n, "default %q of %s is not one of its choices (%s)%s", v, what,
			f.choiceList(), didYouMean(v.(string), f.choiceValues()))
		return false
	}
	ok := true
	for _, val := range f.Validators {
		if b, _ := value.LookupBuiltin(val.Name); b.Arg == value.ArgFunc {
			continue
		}
		rv := val.Runtime()
		if err := rv.Validate(v); err != nil {
			l.errorf(n, "default of %s fails %s: %v", what, rv, err)
			ok = false
		}
	}
	return ok
}

// isChoice reports whether value is one of f's choices.
func (f *Field) isChoice(value string) bool {
	for _, c := range f.Choices {
		if c.Value == value {
			return true
		}
	}
	return false
}

// choiceValues returns the values of f's choices.
func (f *Field) choiceValues() []string {
	values := make([]string, len(f.Choices))
	for i, c := range f.Choices {
		values[i] = c.Value
	}
	return values
}

// choiceList formats the choices for messages.
func (f *Field) choiceList() string { return quoteList(f.choiceValues()) }

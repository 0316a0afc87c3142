package schema

import (
	"time"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/value"

	"github.com/shopspring/decimal"
)

// Runtime builds the runtime view of s, the *runtime.Schema that the package
// sysconfig-gen generates from the same file would declare: the same paths,
// kinds, defaults, choices, validators and environment variables, and so
// the same cache keys. Tools that work from a schema file without generated
// code, such as the operator CLI, serve it with a runtime.Client. Select
// fields hold plain strings, where generated code has an enum type.
//
// Each call builds a new Schema; a Schema that Parse returned always
// converts.
func (s *Schema) Runtime() *runtime.Schema {
	sections := make([]*runtime.Section, len(s.Sections))
	for i, sec := range s.Sections {
		sections[i] = sec.Runtime()
	}
	return runtime.NewSchema(s.App, sections...)
}

// Runtime builds the runtime view of the section, with its fields in order.
func (s *Section) Runtime() *runtime.Section {
	fields := make([]runtime.Descriptor, len(s.Fields))
	for i, f := range s.Fields {
		fields[i] = f.Runtime()
	}
	return runtime.NewSection(s.Name, s.Label, s.Description, fields...)
}

// Runtime builds the runtime descriptor of the field: a *runtime.Field of
// the kind's Go type (a *runtime.Field[string] for a select field).
func (f *Field) Runtime() runtime.Descriptor {
	meta := f.runtimeMeta()
	switch f.Kind {
	case value.KindText:
		return runtime.TextField(f.Name, f.Default.(string), meta)
	case value.KindInt:
		return runtime.IntField(f.Name, f.Default.(int64), meta)
	case value.KindFloat:
		return runtime.FloatField(f.Name, f.Default.(float64), meta)
	case value.KindDecimal:
		return runtime.DecimalField(f.Name, f.Default.(decimal.Decimal), meta)
	case value.KindBool:
		return runtime.BoolField(f.Name, f.Default.(bool), meta)
	case value.KindDuration:
		return runtime.DurationField(f.Name, f.Default.(time.Duration), meta)
	case value.KindStringList:
		return runtime.StringListField(f.Name, f.Default.([]string), meta)
	case value.KindSecret:
		return runtime.SecretField(f.Name, meta)
	case value.KindSelect:
		return runtime.SelectField(f.Name, f.Default.(string), f.choiceValues(), meta)
	}
	return runtime.StringField(f.Name, f.Default.(string), meta)
}

// runtimeMeta is the field's runtime.Meta.
func (f *Field) runtimeMeta() runtime.Meta {
	meta := runtime.Meta{Label: f.Label, Description: f.Description, Deprecated: f.Deprecated, Env: f.Env,
		ChoiceLabels: f.ChoiceLabels()}
	for _, v := range f.Validators {
		meta.Validators = append(meta.Validators, v.Runtime())
	}
	return meta
}

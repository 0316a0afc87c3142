package runtime

import "reflect"

// Validator checks one value. Validators receive values in ParseValue's form
// (select values as plain strings). Following django-sysconfig, every
// validator except Required passes an empty value ("", an empty list), so
// that optional fields may be left empty.
//
// The error returned describes the problem without quoting the value, so
// secret values never leak through validation messages.
type Validator interface {
	// Name is the validator's schema-file name, such as "min_length".
	Name() string
	// String describes the validator with its arguments, for docs and tools,
	// such as "min_length(3)".
	String() string
	// Validate returns nil or an error describing the problem.
	Validate(v any) error
}

// asString returns the string underlying a value of a named string type,
// such as a generated select enum.
func asString(v any) (string, bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.String {
		return rv.String(), true
	}
	return "", false
}

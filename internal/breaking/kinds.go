package breaking

import (
	"github.com/go-sysconfig/sysconfig/runtime/value"
	"github.com/go-sysconfig/sysconfig/schema"
)

// kind reports a changed type: once as Accessor when the Go type of the
// accessor changes, and once as Data unless every stored value of the old
// kind reads as the same value of the new one.
func (c *comparer) kind(of, nf *schema.Field) {
	if of.Kind == nf.Kind {
		return
	}
	if o, n := goType(of), goType(nf); o != n {
		c.add(Accessor, "FIELD_TYPE_CHANGED", nf.Pos, "field %s changed type from %s to %s: %s.%s returns %s instead of %s",
			name(nf), of.Kind, nf.Kind, nf.Section.TypeName(), nf.GoName(), n, o)
	}
	if rule, problem := dataProblem(of.Kind, nf.Kind); rule != "" {
		c.add(Data, rule, nf.Pos, "field %s changed type from %s to %s: %s", name(nf), of.Kind, nf.Kind, problem)
	}
}

// goType returns the Go type of a field's generated accessor.
func goType(f *schema.Field) string {
	switch f.Kind {
	case value.KindString, value.KindText:
		return "string"
	case value.KindInt:
		return "int64"
	case value.KindFloat:
		return "float64"
	case value.KindDecimal:
		return "decimal.Decimal"
	case value.KindBool:
		return "bool"
	case value.KindDuration:
		return "time.Duration"
	case value.KindStringList:
		return "[]string"
	case value.KindSecret:
		return "value.Secret"
	}
	return f.EnumType()
}

// The explanations of data-breaking type changes.
const (
	secretToPlain = "stored values are ciphertexts, which are now read as they are, without decrypting, " +
		"and are no longer redacted; reset the field before deploying and set it again afterwards"
	plainToSecret = "stored plaintexts cannot be decrypted, so reading a set value fails with a runtime.DecryptError; " +
		"reset the field before deploying and set it again afterwards"
	decimalToFloat = "stored decimals are read as float64 and may lose their exactness"
	toSelect       = "a stored override that is not one of the choices fails to read with a runtime.DecodeError; " +
		"check the stored overrides before deploying"
)

// dataProblem returns the rule and explanation of a type change that breaks
// stored values, or "" when every stored text of kind from reads as the
// same value of kind to (see safeConversion).
func dataProblem(from, to value.Kind) (rule, problem string) {
	switch {
	case from == value.KindSecret:
		return "SECRET_TO_PLAIN", secretToPlain
	case to == value.KindSecret:
		return "PLAIN_TO_SECRET", plainToSecret
	case safeConversion(from, to):
		return "", ""
	case from == value.KindDecimal && to == value.KindFloat:
		return "FIELD_TYPE_INCOMPATIBLE", decimalToFloat
	case to == value.KindSelect:
		return "FIELD_TYPE_INCOMPATIBLE", toSelect
	}
	return "FIELD_TYPE_INCOMPATIBLE", "a stored override that does not parse as " + to.String() +
		" fails to read with a runtime.DecodeError; check the stored overrides before deploying"
}

// safeConversion reports whether every value stored for a field of kind
// from parses as kind to, meaning the same: anything but a secret as string
// or text (the text is kept as it is), and int → float, int → decimal and
// float → decimal (whole numbers above 2^53 lose precision as floats).
func safeConversion(from, to value.Kind) bool {
	switch to {
	case value.KindString, value.KindText:
		return from != value.KindSecret
	case value.KindFloat:
		return from == value.KindInt
	case value.KindDecimal:
		return from == value.KindInt || from == value.KindFloat
	}
	return false
}

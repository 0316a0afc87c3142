package value

import "time"

// Kind sets that several validators share.
var (
	textKinds   = KindsOf(KindString, KindText, KindSecret, KindSelect, KindStringList)
	numberKinds = KindsOf(KindInt, KindFloat, KindDecimal, KindDuration)
	allKinds    = KindsOf(Kinds()...)
	unlessBool  = allKinds &^ KindsOf(KindBool)
)

// builtins is the table of built-in validators (see Builtin), in the order
// docs list them. Adding a validator is adding an entry here and its
// constructor; the package doc says how.
var builtins = []*Builtin{
	{Name: "required", Constructor: Required, Kinds: unlessBool, ImpliedBy: []string{"not_empty"},
		Doc: `The value must not be empty ("", an empty list, an unset secret).`, Hint: requiredHints},
	{Name: "not_empty", Constructor: NotEmpty, Kinds: unlessBool, ImpliedBy: []string{"required"},
		Doc: "The same as required, with the message \"must not be empty\".", Hint: requiredHints},
	{Name: "not_blank", Constructor: NotBlank, Kinds: textKinds,
		Doc: "The value must not be only white space; an empty value passes."},
	{Name: "min_length", Constructor: MinLength, Kinds: textKinds, Arg: ArgCount, Example: "- min_length: 3",
		Narrows: NarrowsRaised, Doc: "At least N characters (runes), or N items of a string_list.",
		Hint: func(_ Kind, a Args) Hints { return Hints{MinLength: count(a.N)} }},
	{Name: "max_length", Constructor: MaxLength, Kinds: textKinds, Arg: ArgCount, Example: "- max_length: 80",
		Narrows: NarrowsLowered, Doc: "At most N characters (runes), or N items of a string_list.",
		Hint: func(_ Kind, a Args) Hints { return Hints{MaxLength: count(a.N)} }},
	{Name: "regex", Constructor: Regex, Kinds: textKinds, Arg: ArgPattern, Example: "- regex: '^[a-z]+$'",
		Repeats: true, Hint: regexHints,
		Doc: "The value must match a Go (RE2) regular expression, or with inverse: true must not; " +
			"the match is unanchored (use ^ and $)."},
	{Name: "email", Constructor: Email, Kinds: textKinds, Doc: "A plain email address such as name@example.com."},
	{Name: "hostname", Constructor: Hostname, Kinds: textKinds, ImpliedBy: []string{"domain"},
		Doc: "A host name: one or more DNS labels, such as localhost."},
	{Name: "domain", Constructor: Domain, Kinds: textKinds,
		Doc: "A domain name of at least two labels with an alphabetic top-level domain, such as example.com."},
	{Name: "slug", Constructor: Slug, Kinds: textKinds,
		Doc: "Lower-case ASCII letters and digits in words joined by single hyphens or underscores, such as my-app_v2."},
	{Name: "json", Constructor: JSON, Kinds: textKinds, Doc: "A JSON document."},
	{Name: "path", Constructor: Path, Kinds: textKinds, Doc: "An absolute file path."},
	{Name: "ip", Constructor: IP, Kinds: textKinds, ImpliedBy: []string{"ipv4", "ipv6"},
		Doc: "An IPv4 or IPv6 address."},
	{Name: "ipv4", Constructor: IPv4, Kinds: textKinds, Doc: "An IPv4 address."},
	{Name: "ipv6", Constructor: IPv6, Kinds: textKinds, Doc: "An IPv6 address."},
	{Name: "url", Constructor: URL, Kinds: textKinds, Arg: ArgSchemes, Example: "- url: {schemes: [https]}",
		Doc: "An absolute URL whose scheme is http or https, or one of the given schemes."},
	{Name: "range", Constructor: Range, Kinds: numberKinds, Bounds: true, Arg: ArgRange, Example: "- range: {min: 1, max: 100}",
		Doc:  "min <= value <= max, either bound optional, both written as the field's kind (a duration range is {min: 1s, max: 1h}).",
		Hint: func(_ Kind, a Args) Hints { return Hints{Min: a.Min, Max: a.Max} }},
	{Name: "positive", Constructor: Positive, Kinds: numberKinds, Bounds: true, ImpliedBy: []string{"port"},
		Doc: "Greater than zero.", Hint: signHints(true)},
	{Name: "non_negative", Constructor: NonNegative, Kinds: numberKinds, Bounds: true, ImpliedBy: []string{"positive", "port"},
		Doc: "Zero or more.", Hint: signHints(false)},
	{Name: "port", Constructor: Port, Kinds: KindsOf(KindInt), Bounds: true, Use: "port numbers",
		Doc:  "A port number, 1 to 65535.",
		Hint: func(Kind, Args) Hints { return Hints{Min: int64(1), Max: int64(65535)} }},
	{Name: "one_of", Constructor: OneOf, Kinds: unlessBool &^ KindsOf(KindSecret), Arg: ArgValues, Bounds: true,
		Example: "- one_of: [a, b]",
		Doc: "The value must be one of these, written as the field's kind (for a string_list, " +
			"every item must be one of them).",
		Hint: func(_ Kind, a Args) Hints { return Hints{Values: a.Values} }},
	{Name: "custom", Constructor: Custom, Kinds: allKinds, Arg: ArgFunc, Example: "- custom: my_check",
		Repeats: true, Doc: "The Go function registered under this name with value.RegisterValidator, before the app serves."},
}

// requiredHints are the hints of required and not_empty.
func requiredHints(Kind, Args) Hints { return Hints{Required: true} }

// regexHints gives the pattern a value must match; an inverse pattern has
// no hint.
func regexHints(_ Kind, a Args) Hints {
	if a.Inverse {
		return Hints{}
	}
	return Hints{Patterns: []string{a.Pattern}}
}

// signHints bounds a value below by the zero of its kind, excluded when
// strict.
func signHints(strict bool) func(Kind, Args) Hints {
	return func(k Kind, _ Args) Hints {
		var zero any = int64(0)
		if k == KindDuration {
			zero = time.Duration(0)
		}
		return Hints{Min: zero, MinExclusive: strict}
	}
}

// Package schema loads and checks sysconfig schema files, the YAML files
// that declare an app's runtime configuration, and turns them into a model
// (Schema, Section, Field) with Go names resolved. The generator, the
// operator CLI, the documentation and the schema-diff tooling all read
// schemas through this package, and this comment is the reference for the
// file format.
//
// # Loading
//
// Load reads a file; Parse checks bytes already in memory. Neither stops at
// the first problem: the error is an ErrorList holding every problem found,
// sorted by position, one per line as "file:line:col: message", and most
// messages say how to fix the problem ("did you mean", "use snake_case such
// as", "rename one of them, for example"). When there is any problem the
// returned Schema is nil.
//
//	s, err := schema.Load("sysconfig.yaml")
//	if err != nil {
//		fmt.Fprintln(os.Stderr, err) // every problem, one per line
//		os.Exit(1)
//	}
//
// Positions are those of the offending YAML node; a declaration (a section,
// field, choice or validator) is positioned at its name. A YAML syntax error
// stops the parse, so it comes alone; it is placed at the problem itself
// (the badly indented line, the tab, the quote or bracket left open), which
// yaml.v3 does not say, with a hint, and without a column when the line's
// text does not show where the problem is. An anchor defined twice is an
// error too, reported with the others.
//
// # File format
//
// A schema file is one YAML document whose top level is a mapping with
// exactly two keys. Comments are allowed anywhere, including a
// "# yaml-language-server: $schema=..." line for editors.
//
//	app: shop                 # required: the app's name
//	sections:                 # required: section name -> section, in order
//	  site:
//	    label: Site           # optional
//	    description: Public-facing site settings.   # optional
//	    fields:               # required: field name -> field, in order
//	      title:
//	        type: string      # required
//	        label: Site title # optional
//	        description: Shown in the browser tab.   # optional
//	        default: My Shop  # optional
//	        validators:       # optional
//	          - required
//	          - max_length: 80
//
// Every mapping is checked strictly: unknown keys (with the closest known
// key suggested), duplicate keys and values of the wrong shape (a list where
// a mapping is expected, say) are errors. Aliases (*name) may be used for
// values, for example to share a list of choices; merge keys (<<) may not.
//
// # Names and paths
//
// The app, section and field names are snake_case: they match
// ^[a-z][a-z0-9]*(_[a-z0-9]+)*$ (lower-case ASCII letters and digits in
// words joined by single underscores, starting with a letter). A field's
// path is app.section.field, such as "shop.site.title"; it is how operators
// and the store address the field, so renaming a section or field orphans
// the values stored under the old path.
//
// Sections and fields are mappings, not lists: their order in the file is
// their order in generated code, documentation and the admin page.
//
// # Sections
//
// A section groups fields. Its keys are:
//
//   - fields (required): a non-empty mapping from field name to field.
//   - label: a short human-readable name. It defaults to the name with each
//     word capitalised and common initialisms in upper case:
//     "email_delivery" → "Email Delivery", "smtp" → "SMTP".
//   - description: free text for documentation and the admin page.
//
// # Fields
//
// A field is one typed setting. Its keys are:
//
//   - type (required): one of the kinds below.
//   - label: defaults to the name with underscores as spaces, the first
//     letter capitalised and initialisms in upper case: "max_items" →
//     "Max items", "api_url" → "API URL".
//   - description: free text; it becomes the accessor's doc comment.
//   - default: see Defaults.
//   - deprecated: a note saying what to use instead ("use site.name
//     instead"), or true when there is nothing to say (Field.Deprecated is
//     then DeprecatedNoNote). Deprecated fields still work; their accessors
//     get a "Deprecated:" paragraph.
//   - choices: select fields only, where they are required; see Choices.
//   - validators: a list; see Validators.
//   - go_name: the Go name of the field's getter, instead of the one derived
//     from its name (see Field.GoName and GoName): an exported Go identifier
//     in ASCII, such as Http2Enabled to keep a name that the naming rules
//     would now write HTTP2Enabled. The setter, resetter, descriptor and enum
//     type are named from it, and it is checked for collisions like them.
//   - env: the environment variable that pins the field in a process whose
//     client reads pins (runtime's Options.Env), instead of the one derived
//     from its path (value.EnvVar: shop.site.title is SHOP__SITE__TITLE);
//     upper-case ASCII letters, digits and underscores, not starting with a
//     digit. Two fields may not be pinned by one variable (Field.EnvVar).
//
// # Kinds
//
// The type key names the kind of value, and so the Go type of the accessor:
//
//	string       string           one line of text
//	text         string           multi-line text
//	int          int64            whole numbers; "1.5" is rejected
//	float        float64          finite numbers
//	decimal      decimal.Decimal  exact numbers (github.com/shopspring/decimal)
//	bool         bool             true or false (yes/no, on/off, 1/0 accepted)
//	select       a generated enum one of the field's choices
//	duration     time.Duration    Go syntax: 90s, 1m30s, 72h
//	string_list  []string         a list of strings
//	secret       value.Secret   a string encrypted at rest and always redacted
//
// # Defaults
//
// A default is a YAML scalar, parsed as the field's kind with
// value.Parse, the same parser that checks values typed by
// operators; for a string_list it is a YAML list of strings (or a JSON array
// in a string). Write decimals you want to keep exactly, such as "9.90", in
// quotes or not: the text is parsed, never a float. An empty value (default:
// or default: null) is an error; write "" for an empty string.
//
// The default must pass the field's own validators (custom validators
// excepted: their Go functions are unknown until the app runs), and a select
// default must be one of the choices. Secrets cannot have a default: set
// them with the operator CLI or admin page.
//
// Without a default, a field reads as its kind's zero value (see ZeroValue)
// until an operator sets it, and a select field reads as its first choice.
// That implicit default is not checked against the validators, so a field
// may be declared required and left for operators to fill in. Field.Default
// always holds the default in value.Parse's form; Field.HasDefault tells
// whether the schema gave one.
//
// Only overrides are stored: editing a default in the schema changes the
// value of every field that has no override when the new code is deployed.
//
// # Choices
//
// The choices of a select field are a non-empty list of distinct values,
// each either a scalar or a mapping with a value and an optional label
// (which defaults to the value):
//
//	theme:
//	  type: select
//	  choices:
//	    - light
//	    - {value: dark, label: Dark mode}
//	  default: light
//
// Values need not be snake_case. Each becomes a Go constant named after the
// field and the value (see Field.ConstName and GoName): "dark-mode" →
// SiteThemeDarkMode, "EUR" → CheckoutCurrencyEUR, "1080p" →
// VideoQualityV1080p. Two values giving the same constant, such as
// "dark-mode" and "dark_mode", are an error.
//
// # Validators
//
// Validators is a list. An item is either a validator's name or a mapping
// with one key, the name, whose value is the validator's argument:
//
//	validators:
//	  - required                          # a name alone
//	  - min_length: 3                     # a name with its argument
//	  - regex: {pattern: "^x", inverse: true}
//
// The validators, their arguments and the kinds they apply to (as decided
// by the table value.Builtins, which is the reference) are:
//
//	required, not_empty      the value must not be empty ("", an empty
//	                         list, an unset secret); every kind but bool.
//	                         White space is not empty: add not_blank
//	not_blank                not only white space; text kinds
//	min_length: N            at least N characters (runes), or N items of
//	max_length: N            a list; at most N. N is a whole number >= 0,
//	                         and min_length may not exceed max_length
//	regex: PATTERN           must match the Go (RE2) regular expression,
//	regex: {pattern: P, inverse: true}
//	                         or, with inverse, must not match; text kinds.
//	                         The match is unanchored: use ^ and $
//	email, hostname, domain, slug, json, path, ip, ipv4, ipv6
//	                         the value's format; text kinds
//	url                      an absolute http or https URL; text kinds
//	url: {schemes: [https, ...]}
//	                         one of the given lower-case schemes
//	range: {min: A, max: B}  min <= value <= max, either bound optional,
//	                         both parsed as the field's kind (so a
//	                         duration range is written {min: 1s, max: 1h})
//	                         with min <= max; int, float, decimal, duration
//	positive, non_negative   > 0, >= 0; int, float, decimal, duration
//	port                     1 to 65535; int
//	one_of: [a, b, ...]      one of the values, parsed as the field's kind
//	                         (for select fields they must be choices; for a
//	                         string_list every item must be one of them)
//	custom: NAME             the Go function the app registers under NAME
//	                         with value.RegisterValidator; every kind
//
// "Text kinds" are string, text, select, secret and string_list; for a
// string_list, a validator of text content checks every item. Every
// validator except required and not_empty accepts an empty value, so that
// optional fields may be left empty. A validator may appear once per field,
// except regex and custom, which may repeat with different arguments.
// Validators written as a mapping ({required: true, min_length: 3}) are an
// error, but each entry is still checked as the list item it stands for,
// so that its own errors come in the same run.
// Validator.Runtime builds the value.Validator a declaration stands for.
//
// # Generated names
//
// The model owns the Go names of generated declarations: Section.TypeName,
// Section.VarName, Field.GoName, Field.Setter, Field.Resetter,
// Field.VarName, Field.EnumType and Field.ConstName, all built with GoName,
// which capitalises words and writes common initialisms in upper case,
// alone or followed by digits ("api_url" → APIURL, "http2_enabled" →
// HTTP2Enabled), or from a field's go_name. Different schema names can
// produce the same Go name
// ("x_1" and "x1" are both X1; a field "set_title" has the getter SetTitle,
// which is also the setter of "title"), so Parse reports every collision
// among the package-level names (section types and variables, field
// descriptors, enum types and constants, and the reserved Schema, New and
// Config) and among the methods of each section's type (getters, setters
// and resetters), at the later declaration, naming the earlier one.
package schema

//go:generate go run jsonschema_gen.go

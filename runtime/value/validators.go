package value

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// ---- Required and NotEmpty ----

// requiredValidator fails on empty values; it is the only validator that
// looks at them.
type requiredValidator struct {
	name    string
	problem string
}

// Required fails on an empty value ("", a zero Secret, an empty list) with
// "is required". Numbers, bools and durations are never empty, so it always
// passes them. White space is a value, not emptiness: " " passes (values
// are stored as written, and a space may be a meaningful separator); add
// NotBlank to refuse text made only of white space.
func Required() Validator { return &requiredValidator{name: "required", problem: "is required"} }

// NotEmpty behaves like Required under the schema name "not_empty"; its
// message is "must not be empty".
func NotEmpty() Validator {
	return &requiredValidator{name: "not_empty", problem: "must not be empty"}
}

// Name returns "required" or "not_empty".
func (r *requiredValidator) Name() string { return r.name }

// String returns the name: the validator has no arguments.
func (r *requiredValidator) String() string { return r.name }

func (r *requiredValidator) arguments() Args { return Args{} }

// Validate fails on an empty value.
func (r *requiredValidator) Validate(v any) error {
	if valueIsEmpty(v) {
		return errors.New(r.problem)
	}
	return nil
}

// ---- Validators of string content ----

// textValidator checks the content of a string or Secret, or of every item
// of a string list.
type textValidator struct {
	name  string
	desc  string
	args  Args
	check func(s string) error
}

func (t *textValidator) arguments() Args { return t.args }

// Name returns the schema-file name.
func (t *textValidator) Name() string { return t.name }

// String returns the name with the validator's arguments.
func (t *textValidator) String() string { return t.desc }

// Validate passes empty values and checks the text or each list item.
func (t *textValidator) Validate(v any) error {
	if valueIsEmpty(v) {
		return nil
	}
	if list, ok := v.([]string); ok {
		return checkItems(list, t.check)
	}
	s, ok := valueText(v)
	if !ok {
		return notApplicable(t.name, v)
	}
	return t.check(s)
}

// checkItems checks every item and reports each failure by 1-based
// position, never by value.
func checkItems(list []string, check func(string) error) error {
	var problems []string
	for i, s := range list {
		if err := check(s); err != nil {
			problems = append(problems, fmt.Sprintf("item %d: %v", i+1, err))
		}
	}
	if problems == nil {
		return nil
	}
	return errors.New(strings.Join(problems, "; "))
}

// formatValidator builds a content validator without arguments from a
// predicate and the problem it reports.
func formatValidator(name, problem string, valid func(string) bool) Validator {
	return &textValidator{name: name, desc: name, check: predicate(problem, valid)}
}

// predicate turns valid into a check that fails with problem.
func predicate(problem string, valid func(string) bool) func(string) error {
	err := errors.New(problem)
	return func(s string) error {
		if valid(s) {
			return nil
		}
		return err
	}
}

// NotBlank fails on a value made only of white space. An empty value passes
// (use Required to forbid it), but an empty item of a list is blank.
func NotBlank() Validator {
	return formatValidator("not_blank", "must not be blank", func(s string) bool {
		return strings.TrimSpace(s) != ""
	})
}

// Regex fails unless the value matches pattern, a Go regexp (RE2 syntax).
// The match is unanchored: use ^ and $ to match the whole value. With
// inverse, it fails when the value matches instead.
//
// Regex panics if pattern does not compile. Generated code only passes
// patterns that the schema loader has already compiled successfully.
func Regex(pattern string, inverse bool) Validator {
	re, err := regexp.Compile(pattern)
	if err != nil {
		panic("value.Regex: " + err.Error())
	}
	desc, problem := "regex("+pattern+")", "must match pattern "+pattern
	if inverse {
		desc, problem = "regex("+pattern+", inverse)", "must not match pattern "+pattern
	}
	valid := func(s string) bool { return re.MatchString(s) != inverse }
	args := Args{Pattern: pattern, Inverse: inverse}
	return &textValidator{name: "regex", desc: desc, args: args, check: predicate(problem, valid)}
}

// Email fails unless the value is a plain address such as
// "name@example.com", at most 254 characters long: a local part of at most
// 64 characters that is an RFC 5322 dot-atom (ASCII letters, digits and
// !#$%&'*+-/=?^_`{|}~ in words joined by single dots), "@", and a domain
// name (see Domain). Quoted local parts, display names, comments, IP
// literals ("a@[192.0.2.1]") and bare IP addresses are refused.
func Email() Validator {
	return formatValidator("email", "must be a valid email address", isEmail)
}

func isEmail(s string) bool {
	at := strings.LastIndexByte(s, '@')
	return at > 0 && at <= 64 && len(s) <= 254 && isDotAtom(s[:at]) && isDomain(s[at+1:])
}

// isDotAtom reports whether s is words of atext joined by single dots.
func isDotAtom(s string) bool {
	for word := range strings.SplitSeq(s, ".") {
		if word == "" || strings.ContainsFunc(word, func(r rune) bool { return !isAtext(r) }) {
			return false
		}
	}
	return true
}

// isAtext reports whether r may appear in an RFC 5322 atom.
func isAtext(r rune) bool {
	return isASCIILetter(r) || isDigit(r) || strings.ContainsRune("!#$%&'*+-/=?^_`{|}~", r)
}

// URL fails unless the value is an absolute URL such as
// "https://user:pw@example.com:8443/path?q#f" whose scheme is one of
// schemes (compared case-insensitively; http and https when none are
// given). After "//" comes an optional user name (with ":password") and
// one "@", then the host: a host name (see Hostname, which takes a
// dotted-decimal IPv4 address too) or an IPv6 address in brackets, as in
// "http://[::1]:8080/" (a zone is written "%25eth0", per RFC 6874). A
// port, when the host is followed by ":", is 1 to 65535. URLs containing
// white space are rejected.
func URL(schemes ...string) Validator {
	allowed := urlSchemes(schemes)
	problem := "must be a valid URL with scheme " + joinOr(allowed)
	valid := func(s string) bool { return isURL(s, allowed) }
	desc := "url(" + strings.Join(allowed, ", ") + ")"
	args := Args{Schemes: schemes}
	return &textValidator{name: "url", desc: desc, args: args, check: predicate(problem, valid)}
}

// urlSchemes lower-cases schemes and drops empty ones, defaulting to http
// and https.
func urlSchemes(schemes []string) []string {
	var allowed []string
	for _, s := range schemes {
		if s != "" {
			allowed = append(allowed, strings.ToLower(s))
		}
	}
	if allowed == nil {
		return DefaultURLSchemes()
	}
	return allowed
}

// DefaultURLSchemes returns the schemes URL allows when given none: http
// and https.
func DefaultURLSchemes() []string { return []string{"http", "https"} }

func isURL(s string, schemes []string) bool {
	if strings.ContainsFunc(s, unicode.IsSpace) {
		return false
	}
	u, err := url.Parse(s) // lower-cases the scheme, checks escapes and the user info
	if err != nil || !slices.Contains(schemes, u.Scheme) {
		return false
	}
	authority, ok := rawAuthority(s[len(u.Scheme)+1:])
	if !ok || strings.Count(authority, "@") > 1 || u.User != nil && u.User.Username() == "" {
		return false
	}
	return isURLHost(u.Host)
}

// rawAuthority returns the authority of a URL after its "scheme:", as
// written (url.Parse reads "a@b@host" as the user "a@b"); ok is false when
// there is no "//".
func rawAuthority(rest string) (authority string, ok bool) {
	authority, ok = strings.CutPrefix(rest, "//")
	if end := strings.IndexAny(authority, "/?#"); end >= 0 {
		authority = authority[:end]
	}
	return authority, ok
}

// isURLHost reports whether hostport, a URL's authority without its user
// info, is a host name or a bracketed IPv6 address, with an optional port.
func isURLHost(hostport string) bool {
	host := hostport
	if i := strings.LastIndexByte(hostport, ':'); i > strings.LastIndexByte(hostport, ']') {
		if !isPort(portText(hostport[i+1:])) {
			return false // also refuses the empty port of "http://host:/"
		}
		host = hostport[:i]
	}
	if inner, ok := strings.CutPrefix(host, "["); ok {
		a, err := netip.ParseAddr(strings.TrimSuffix(inner, "]")) // url.Parse checked the "]"
		return err == nil && a.Is6()
	}
	return isHostname(host)
}

// joinOr joins words as "a", "a or b", "a, b or c".
func joinOr(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	last := len(words) - 1
	return strings.Join(words[:last], ", ") + " or " + words[last]
}

// IPv4 fails unless the value is an IPv4 address in dotted-decimal form
// (net/netip syntax: no leading zeros).
func IPv4() Validator {
	return formatValidator("ipv4", "must be a valid IPv4 address", func(s string) bool {
		a, err := netip.ParseAddr(s)
		return err == nil && a.Is4()
	})
}

// IPv6 fails unless the value is an IPv6 address, such as "2001:db8::1",
// "::ffff:192.0.2.1" or, with a zone, "fe80::1%eth0".
func IPv6() Validator {
	return formatValidator("ipv6", "must be a valid IPv6 address", func(s string) bool {
		a, err := netip.ParseAddr(s)
		return err == nil && a.Is6()
	})
}

// IP fails unless the value is an IPv4 or IPv6 address.
func IP() Validator {
	return formatValidator("ip", "must be a valid IP address", func(s string) bool {
		_, err := netip.ParseAddr(s)
		return err == nil
	})
}

// Hostname fails unless the value is an RFC 1123 host name: at most 253
// characters of dot-separated labels, each 1 to 63 ASCII letters, digits
// and hyphens, not starting or ending with a hyphen. A single label such as
// "localhost" is allowed; a trailing dot is not. A name whose last label is
// all digits is read as an IPv4 address, as RFC 1123 asks, and must be one
// in dotted-decimal form: "192.0.2.1" passes, "1.1.1.1.1" and "3628126748"
// fail.
func Hostname() Validator {
	return formatValidator("hostname", "must be a valid hostname", isHostname)
}

func isHostname(s string) bool {
	if len(s) > 253 {
		return false
	}
	for label := range strings.SplitSeq(s, ".") {
		if !isLabel(label) {
			return false
		}
	}
	last := s[strings.LastIndexByte(s, '.')+1:]
	if strings.ContainsFunc(last, func(r rune) bool { return !isDigit(r) }) {
		return true
	}
	a, err := netip.ParseAddr(s) // all digits: an IPv4 address or nothing
	return err == nil && a.Is4()
}

func isLabel(l string) bool {
	if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	return !strings.ContainsFunc(l, func(r rune) bool {
		return r != '-' && !isASCIILetter(r) && !isDigit(r)
	})
}

func isASCIILetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// Domain fails unless the value is a host name (see Hostname) of at least
// two labels whose last label, the top-level domain, is alphabetic and at
// least two letters long, or an IDNA "xn--" label, such as "example.com".
func Domain() Validator {
	return formatValidator("domain", "must be a valid domain name", isDomain)
}

func isDomain(s string) bool {
	dot := strings.LastIndexByte(s, '.')
	if dot < 0 || !isHostname(s) {
		return false
	}
	tld := s[dot+1:]
	if strings.HasPrefix(strings.ToLower(tld), "xn--") {
		return true
	}
	return len(tld) >= 2 && !strings.ContainsFunc(tld, func(r rune) bool { return !isASCIILetter(r) })
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(?:[-_][a-z0-9]+)*$`)

// Slug fails unless the value matches ^[a-z0-9]+(?:[-_][a-z0-9]+)*$:
// lower-case ASCII letters and digits, in words joined by single hyphens or
// underscores, such as "my-app_v2".
func Slug() Validator {
	return formatValidator("slug",
		"must be a slug (lower-case letters and digits joined by single hyphens or underscores)",
		slugPattern.MatchString)
}

// JSON fails unless the value is valid JSON (encoding/json.Valid).
func JSON() Validator {
	return formatValidator("json", "must be valid JSON", func(s string) bool {
		return json.Valid([]byte(s))
	})
}

// Path fails unless the value is an absolute slash-separated path, such as
// "/var/lib/app". It uses path.IsAbs, so the answer is the same on every
// operating system (Windows paths such as `C:\data` are rejected); NUL
// bytes are rejected too.
func Path() Validator {
	return formatValidator("path", "must be an absolute path", func(s string) bool {
		return path.IsAbs(s) && !strings.ContainsRune(s, 0)
	})
}

// ---- Lengths ----

// lengthValidator bounds the length of a string (in runes) or of a list (in
// items).
type lengthValidator struct {
	n       int
	atLeast bool
}

// MinLength fails when a string or secret has fewer than n characters
// (runes), or a list fewer than n items.
func MinLength(n int) Validator { return &lengthValidator{n: n, atLeast: true} }

// MaxLength fails when a string or secret has more than n characters
// (runes), or a list more than n items.
func MaxLength(n int) Validator { return &lengthValidator{n: n} }

// Name returns "min_length" or "max_length".
func (l *lengthValidator) Name() string {
	if l.atLeast {
		return "min_length"
	}
	return "max_length"
}

// String returns the name with the bound, such as "min_length(3)".
func (l *lengthValidator) String() string { return fmt.Sprintf("%s(%d)", l.Name(), l.n) }

func (l *lengthValidator) arguments() Args { return Args{N: l.n} }

// Validate passes empty values and checks the length of the others.
func (l *lengthValidator) Validate(v any) error {
	if valueIsEmpty(v) {
		return nil
	}
	size, unit, ok := lengthOf(v)
	if !ok {
		return notApplicable(l.Name(), v)
	}
	if l.atLeast && size < l.n || !l.atLeast && size > l.n {
		return l.problem(unit)
	}
	return nil
}

// lengthOf returns the number of items of a list or runes of a text.
func lengthOf(v any) (size int, unit string, ok bool) {
	if list, ok := v.([]string); ok {
		return len(list), "item", true
	}
	s, ok := valueText(v)
	return utf8.RuneCountInString(s), "character", ok
}

// problem says "must be at least 3 characters", "must have at most 1 item"...
func (l *lengthValidator) problem(unit string) error {
	verb, bound := "must be", "at most"
	if unit == "item" {
		verb = "must have"
	}
	if l.atLeast {
		bound = "at least"
	}
	if l.n != 1 {
		unit += "s"
	}
	return fmt.Errorf("%s %s %d %s", verb, bound, l.n, unit)
}

// ---- Numbers and durations ----

// rangeValidator bounds a number or duration; a nil bound is open.
type rangeValidator struct {
	min, max any
	desc     string
	problem  string
}

// Range fails unless min <= value <= max. Either bound may be nil, leaving
// that side open. Bounds are int64, float64, decimal.Decimal or
// time.Duration — other Go integer types are converted to int64 and float32
// to float64 — and are normally of the field's own type. Numbers of
// different types are compared exactly (an int64 bound works on a decimal
// field); durations compare only with durations.
//
// Range panics if a bound is of another type, or NaN.
func Range(min, max any) Validator {
	r := &rangeValidator{min: rangeBound(min), max: rangeBound(max)}
	lo, hi := Format(0, r.min), Format(0, r.max)
	switch {
	case r.min != nil && r.max != nil:
		r.desc, r.problem = "range("+lo+", "+hi+")", "must be between "+lo+" and "+hi
	case r.min != nil:
		r.desc, r.problem = "range(min "+lo+")", "must be at least "+lo
	case r.max != nil:
		r.desc, r.problem = "range(max "+hi+")", "must be at most "+hi
	default:
		r.desc = "range()"
	}
	return r
}

// rangeBound normalizes a bound and panics on one that cannot be compared.
func rangeBound(b any) any {
	if b == nil {
		return nil
	}
	n, _ := normalizeValue(b)
	if _, ok := compareValues(n, n); !ok {
		panic(fmt.Sprintf("value.Range: bound of type %T is not a number or a duration", b))
	}
	return n
}

// Name returns "range".
func (r *rangeValidator) Name() string { return "range" }

// String returns "range(1, 100)", "range(min 1)" or "range(max 100)".
func (r *rangeValidator) String() string { return r.desc }

func (r *rangeValidator) arguments() Args { return Args{Min: r.min, Max: r.max} }

// Validate fails when the value is outside the bounds.
func (r *rangeValidator) Validate(v any) error {
	if valueIsEmpty(v) {
		return nil
	}
	low, err := boundHolds("range", v, r.min, +1)
	if err != nil {
		return err
	}
	high, err := boundHolds("range", v, r.max, -1)
	if err != nil {
		return err
	}
	if low && high {
		return nil
	}
	return errors.New(r.problem)
}

// boundHolds reports whether v is on the allowed side of bound or equal to
// it: side is +1 for a lower bound and -1 for an upper one. A nil bound
// always holds.
func boundHolds(name string, v, bound any, side int) (bool, error) {
	if bound == nil {
		return true, nil
	}
	c, ok := compareValues(v, bound)
	if !ok {
		return false, incomparable(name, v, bound)
	}
	return c != -side, nil
}

// signValidator compares a number or duration with zero.
type signValidator struct {
	name    string
	problem string
	zeroOK  bool
}

// Positive fails unless the number or duration is greater than zero.
func Positive() Validator {
	return &signValidator{name: "positive", problem: "must be positive"}
}

// NonNegative fails when the number or duration is less than zero.
func NonNegative() Validator {
	return &signValidator{name: "non_negative", problem: "must not be negative", zeroOK: true}
}

// Name returns "positive" or "non_negative".
func (s *signValidator) Name() string { return s.name }

// String returns the name: the validator has no arguments.
func (s *signValidator) String() string { return s.name }

func (s *signValidator) arguments() Args { return Args{} }

// Validate compares the value with zero of its own type.
func (s *signValidator) Validate(v any) error {
	if valueIsEmpty(v) {
		return nil
	}
	zero, ok := zeroOf(v)
	if !ok {
		return notApplicable(s.name, v)
	}
	c, ok := compareValues(v, zero)
	if !ok {
		return incomparable(s.name, v, zero)
	}
	if c > 0 || c == 0 && s.zeroOK {
		return nil
	}
	return errors.New(s.problem)
}

// zeroOf returns the zero of a number's or duration's type.
func zeroOf(v any) (any, bool) {
	switch v.(type) {
	case int64:
		return int64(0), true
	case float64:
		return float64(0), true
	case decimal.Decimal:
		return decimal.Zero, true
	case time.Duration:
		return time.Duration(0), true
	}
	return nil, false
}

// portValidator accepts TCP and UDP port numbers.
type portValidator struct{}

var errPort = errors.New("must be a port number between 1 and 65535")

// Port fails unless the value is a port number from 1 to 65535: an int64,
// or a string of decimal digits.
func Port() Validator { return portValidator{} }

// Name returns "port".
func (portValidator) Name() string { return "port" }

// String returns "port".
func (portValidator) String() string { return "port" }

func (portValidator) arguments() Args { return Args{} }

// Validate checks the port number.
func (portValidator) Validate(v any) error {
	if valueIsEmpty(v) {
		return nil
	}
	n, ok := portNumber(v)
	if !ok {
		return notApplicable("port", v)
	}
	if !isPort(n) {
		return errPort
	}
	return nil
}

// isPort reports whether n is a TCP or UDP port number, 1 to 65535.
func isPort(n int64) bool { return n >= 1 && n <= 65535 }

// portNumber returns an int64 as is and a string's portText.
func portNumber(v any) (int64, bool) {
	if n, ok := v.(int64); ok {
		return n, true
	}
	s, ok := valueText(v)
	if !ok {
		return 0, false
	}
	return portText(s), true
}

// portText parses a port written as one to five decimal digits; any other
// text, the empty one included, gives -1, an invalid port.
func portText(s string) int64 {
	if s == "" || len(s) > 5 || strings.ContainsFunc(s, func(r rune) bool { return !isDigit(r) }) {
		return -1
	}
	n, _ := strconv.ParseInt(s, 10, 64) // one to five digits: cannot fail
	return n
}

// ---- OneOf ----

// oneOfValidator accepts a fixed set of values.
type oneOfValidator struct {
	values  []any
	desc    string
	problem error
}

// OneOf fails unless the value equals one of values, which are in the
// field's Parse form (other Go integer types are converted to int64,
// float32 to float64, named string types to string). Numbers are compared
// by value, so decimal 1.50 equals decimal 1.5 and int64 2 equals float64 2.
// Each item of a string list must be one of values.
//
// OneOf panics if a value has no Parse form.
func OneOf(values ...any) Validator {
	o := &oneOfValidator{values: make([]any, len(values))}
	texts := make([]string, len(values))
	for i, v := range values {
		n, ok := normalizeValue(v)
		if !ok {
			panic(fmt.Sprintf("value.OneOf: value of type %T is not supported", v))
		}
		o.values[i], texts[i] = n, Format(0, n)
	}
	list := strings.Join(texts, ", ")
	o.desc, o.problem = "one_of("+list+")", errors.New("must be one of "+list)
	return o
}

// Name returns "one_of".
func (o *oneOfValidator) Name() string { return "one_of" }

// String returns the allowed values, such as "one_of(a, b)".
func (o *oneOfValidator) String() string { return o.desc }

func (o *oneOfValidator) arguments() Args { return Args{Values: o.values} }

// Validate passes empty values and checks the value or each list item.
func (o *oneOfValidator) Validate(v any) error {
	if valueIsEmpty(v) {
		return nil
	}
	if list, ok := v.([]string); ok {
		return checkItems(list, func(s string) error { return o.check(s) })
	}
	return o.check(v)
}

func (o *oneOfValidator) check(v any) error {
	if slices.ContainsFunc(o.values, func(a any) bool { return sameValue(v, a) }) {
		return nil
	}
	return o.problem
}

// sameValue compares numbers and durations by value, texts by content and
// bools by truth; anything else is different.
func sameValue(a, b any) bool {
	if c, ok := compareValues(a, b); ok {
		return c == 0
	}
	if sa, ok := valueText(a); ok {
		sb, ok := valueText(b)
		return ok && sa == sb
	}
	x, okA := a.(bool)
	y, okB := b.(bool)
	return okA && okB && x == y
}

// ---- Custom validators ----

var customValidators struct {
	mu  sync.RWMutex
	fns map[string]func(any) error
}

// RegisterValidator makes fn available to fields declaring the custom
// validator name. fn receives values in Parse's form (a Secret for
// secret fields) and is never called with an empty value; its errors
// should, like the built-in ones, not quote the value. Registering a name
// again replaces the earlier function. RegisterValidator is safe for
// concurrent use and may be called after the generated package has
// initialised, since Custom looks the name up on every call.
//
// It panics if name is empty or fn is nil.
func RegisterValidator(name string, fn func(v any) error) {
	if name == "" {
		panic("value.RegisterValidator: empty name")
	}
	if fn == nil {
		panic(fmt.Sprintf("value.RegisterValidator: nil function for %q", name))
	}
	customValidators.mu.Lock()
	defer customValidators.mu.Unlock()
	if customValidators.fns == nil {
		customValidators.fns = map[string]func(any) error{}
	}
	customValidators.fns[name] = fn
}

// LookupValidator returns the function registered under name.
func LookupValidator(name string) (func(v any) error, bool) {
	customValidators.mu.RLock()
	defer customValidators.mu.RUnlock()
	fn, ok := customValidators.fns[name]
	return fn, ok
}

// customValidator calls a function registered with RegisterValidator.
type customValidator struct{ name string }

// Custom runs the function registered under name with RegisterValidator,
// looked up at each call. Until one is registered, Validate fails — even on
// empty values, so that a missing registration shows up early.
func Custom(name string) Validator { return &customValidator{name: name} }

// Name returns "custom".
func (c *customValidator) Name() string { return "custom" }

// String returns "custom(name)".
func (c *customValidator) String() string { return "custom(" + c.name + ")" }

func (c *customValidator) arguments() Args { return Args{Func: c.name} }

// Validate runs the registered function on non-empty values.
func (c *customValidator) Validate(v any) error {
	fn, ok := LookupValidator(c.name)
	if !ok {
		return fmt.Errorf("custom validator %q is not registered (call value.RegisterValidator)", c.name)
	}
	if valueIsEmpty(v) {
		return nil
	}
	return fn(v)
}

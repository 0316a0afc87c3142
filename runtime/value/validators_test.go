package value

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// validatorCase is one value given to one validator; want is the exact
// error message, or "" when the value must pass.
type validatorCase struct {
	name string
	v    Validator
	in   any
	want string
}

func runValidatorCases(t *testing.T, cases []validatorCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.v.String()+"/"+c.name, func(t *testing.T) {
			err := c.v.Validate(c.in)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != c.want {
				t.Errorf("%s.Validate(%s) = %q, want %q", c.v, c.name, got, c.want)
			}
		})
	}
}

type enumForTest string

func TestValidatorsRequired(t *testing.T) {
	runValidatorCases(t, []validatorCase{
		{"empty string", Required(), "", "is required"},
		{"string", Required(), "x", ""},
		{"blank string", Required(), " ", ""},
		{"zero secret", Required(), Secret{}, "is required"},
		{"secret", Required(), NewSecret("s"), ""},
		{"nil list", Required(), []string(nil), "is required"},
		{"empty list", Required(), []string{}, "is required"},
		{"list", Required(), []string{""}, ""},
		{"nil", Required(), nil, "is required"},
		{"empty enum", Required(), enumForTest(""), "is required"},
		{"enum", Required(), enumForTest("a"), ""},
		{"zero int", Required(), int64(0), ""},
		{"zero float", Required(), 0.0, ""},
		{"zero decimal", Required(), decimal.Zero, ""},
		{"false", Required(), false, ""},
		{"zero duration", Required(), time.Duration(0), ""},
		{"empty string", NotEmpty(), "", "must not be empty"},
		{"empty list", NotEmpty(), []string{}, "must not be empty"},
		{"zero secret", NotEmpty(), Secret{}, "must not be empty"},
		{"string", NotEmpty(), "x", ""},
		{"zero int", NotEmpty(), int64(0), ""},
	})
}

func TestValidatorsNotBlank(t *testing.T) {
	runValidatorCases(t, []validatorCase{
		{"empty", NotBlank(), "", ""},
		{"text", NotBlank(), " a ", ""},
		{"spaces", NotBlank(), " \t\n", "must not be blank"},
		{"blank secret", NotBlank(), NewSecret("  "), "must not be blank"},
		{"secret", NotBlank(), NewSecret("s"), ""},
		{"zero secret", NotBlank(), Secret{}, ""},
		{"empty list", NotBlank(), []string{}, ""},
		{"list", NotBlank(), []string{"a", "b"}, ""},
		{"list with blanks", NotBlank(), []string{"a", " ", ""},
			"item 2: must not be blank; item 3: must not be blank"},
		{"int", NotBlank(), int64(1), "not_blank validator cannot check int values"},
	})
}

func TestValidatorsLength(t *testing.T) {
	runValidatorCases(t, []validatorCase{
		{"empty", MinLength(3), "", ""},
		{"short", MinLength(3), "ab", "must be at least 3 characters"},
		{"exact", MinLength(3), "abc", ""},
		{"runes", MinLength(3), "日本語", ""},
		{"short runes", MinLength(4), "日本語", "must be at least 4 characters"},
		{"one", MinLength(1), " ", ""},
		{"singular", MinLength(2), "a", "must be at least 2 characters"},
		{"short secret", MinLength(8), NewSecret("short"), "must be at least 8 characters"},
		{"secret", MinLength(3), NewSecret("long enough"), ""},
		{"zero secret", MinLength(3), Secret{}, ""},
		{"empty list", MinLength(2), []string{}, ""},
		{"short list", MinLength(2), []string{"abc"}, "must have at least 2 items"},
		{"list", MinLength(2), []string{"", ""}, ""},
		{"enum", MinLength(2), enumForTest("a"), "must be at least 2 characters"},
		{"long", MaxLength(3), "abcd", "must be at most 3 characters"},
		{"exact", MaxLength(3), "abc", ""},
		{"runes", MaxLength(3), "日本語", ""},
		{"singular", MaxLength(1), "ab", "must be at most 1 character"},
		{"long secret", MaxLength(3), NewSecret("abcd"), "must be at most 3 characters"},
		{"long list", MaxLength(1), []string{"a", "b"}, "must have at most 1 item"},
		{"list", MaxLength(2), []string{"aaaa", "bbbb"}, ""},
		{"int", MaxLength(2), int64(100), "max_length validator cannot check int values"},
		{"duration", MinLength(2), time.Second, "min_length validator cannot check duration values"},
	})
}

func TestValidatorsRegex(t *testing.T) {
	lower := Regex("^[a-z]+$", false)
	noDigits := Regex("[0-9]", true)
	runValidatorCases(t, []validatorCase{
		{"empty", lower, "", ""},
		{"match", lower, "abc", ""},
		{"no match", lower, "aBc", "must match pattern ^[a-z]+$"},
		{"unanchored", Regex("b", false), "abc", ""},
		{"secret", lower, NewSecret("ABC"), "must match pattern ^[a-z]+$"},
		{"list", lower, []string{"a", "B", "c", "1"},
			"item 2: must match pattern ^[a-z]+$; item 4: must match pattern ^[a-z]+$"},
		{"empty item", lower, []string{""}, "item 1: must match pattern ^[a-z]+$"},
		{"inverse pass", noDigits, "abc", ""},
		{"inverse fail", noDigits, "a1", "must not match pattern [0-9]"},
		{"inverse empty", noDigits, "", ""},
		{"inverse list", noDigits, []string{"x", "y2"}, "item 2: must not match pattern [0-9]"},
		{"float", lower, 1.5, "regex validator cannot check float values"},
	})
}

func TestValidatorsRegexPanicsOnBadPattern(t *testing.T) {
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(fmt.Sprint(r), "value.Regex") {
			t.Fatalf("recover() = %v, want a value.Regex panic", r)
		}
	}()
	Regex("a(", false)
}

// vector is one input of a format validator and whether it must pass;
// name, when set, stands for an input too long to name a subtest.
type vector struct {
	in   string
	ok   bool
	name string
}

// formatCases turns vectors into cases of v, which reports problem.
func formatCases(v Validator, problem string, vectors []vector) []validatorCase {
	cases := make([]validatorCase, len(vectors))
	for i, vec := range vectors {
		name := vec.name
		if name == "" {
			name = vec.in
		}
		cases[i] = validatorCase{name, v, vec.in, wantIf(vec.ok, problem)}
	}
	return cases
}

// repeatLabels returns n labels of 63 letters and a last one of last
// letters, joined by dots: 64*n + last characters.
func repeatLabels(n, last int) string {
	return strings.Repeat(strings.Repeat("a", 63)+".", n) + strings.Repeat("b", last)
}

func TestValidatorsEmail(t *testing.T) {
	const bad = "must be a valid email address"
	local64 := strings.Repeat("l", 64)
	label63, label64 := strings.Repeat("d", 63), strings.Repeat("d", 64)
	domain189 := repeatLabels(2, 61) // with a 64-character local part: 254 in all
	cases := []validatorCase{
		{"empty", Email(), "", ""},
		{"empty list", Email(), []string{}, ""},
		{"list", Email(), []string{"a@example.com", "nope", "b@example.org"}, "item 2: " + bad},
		{"secret", Email(), NewSecret("nope"), bad},
		{"int", Email(), int64(3), "email validator cannot check int values"},
	}
	cases = append(cases, formatCases(Email(), bad, []vector{
		// valid: a dot-atom local part, "@", a domain name
		{in: "a@example.com", ok: true},
		{in: "first.last+tag@sub.example.co.uk", ok: true},
		{in: "A@EXAMPLE.COM", ok: true},
		{in: "o'neil@example.ie", ok: true},
		{in: "user_name-1@my-host.example.com", ok: true},
		{in: "1234567890@example.com", ok: true},
		{in: "!#$%&'*+-/=?^_`{|}~@example.com", ok: true},
		{in: "x@a.co", ok: true},
		{in: "x@xn--bcher-kva.example", ok: true},
		{in: "x@example.xn--p1ai", ok: true},
		{in: "x@1e100.net", ok: true},
		{in: "x@" + label63 + ".com", ok: true, name: "63-character label"},
		{in: local64 + "@example.com", ok: true, name: "64-character local part"},
		{in: local64 + "@" + domain189, ok: true, name: "254 characters"},
		// the domain is not a domain name
		{in: "user@exa!mple.com"},
		{in: "user@a+b.com"},
		{in: "user@exa_mple.com"},
		{in: "email@127.0.0.1"},
		{in: "email@[127.0.0.1]"},
		{in: "email@[IPv6:2001:db8::1]"},
		{in: "example@invalid.com-"},
		{in: "user@-example.com"},
		{in: "user@example-.com"},
		{in: "user@example..com"},
		{in: "a@.example.com"},
		{in: "a@example.com."},
		{in: "a@localhost"},
		{in: "a@example.c"},
		{in: "a@example.c0m"},
		{in: "a@bücher.example"},
		{in: "a@example.com:25"},
		{in: "x@" + label64 + ".com", name: "64-character label"},
		{in: "l" + local64 + "@example.com", name: "65-character local part"},
		{in: local64 + "@b" + domain189, name: "255 characters"},
		// the local part is not a dot-atom
		{in: ".a@example.com"},
		{in: "a.@example.com"},
		{in: "a..b@example.com"},
		{in: `"john doe"@example.com`},
		{in: `"a"@example.com`},
		{in: "a b@example.com"},
		{in: "a,b@example.com"},
		{in: "a(comment)@example.com"},
		{in: "ü@example.com"},
		// not one plain address
		{in: "Name <a@example.com>"},
		{in: "<a@example.com>"},
		{in: "a@example.com (comment)"},
		{in: " a@example.com"},
		{in: "a@example.com "},
		{in: "a.example.com"},
		{in: "@example.com"},
		{in: "a@"},
		{in: "a@@example.com"},
		{in: "a@b@example.com"},
		{in: "foo@bar@example.com"},
	})...)
	runValidatorCases(t, cases)
}

// wantIf returns "" when ok, else problem.
func wantIf(ok bool, problem string) string {
	if ok {
		return ""
	}
	return problem
}

func TestValidatorsURL(t *testing.T) {
	const web = "must be a valid URL with scheme http or https"
	label63, label64 := strings.Repeat("d", 63), strings.Repeat("d", 64)
	cases := []validatorCase{
		{"empty", URL(), "", ""},
		{"ftp", URL("ftp"), "ftp://files.example.com/x", ""},
		{"https only", URL("https"), "http://example.com", "must be a valid URL with scheme https"},
		{"upper scheme option", URL("HTTPS"), "https://example.com", ""},
		{"three schemes", URL("a", "b", "c"), "d://x", "must be a valid URL with scheme a, b or c"},
		{"other scheme", URL("git+ssh"), "git+ssh://git@example.com/repo.git", ""},
		{"list", URL(), []string{"https://a.example", "b.example"}, "item 2: " + web},
		{"secret", URL(), NewSecret("https://user:pw@example.com"), ""},
		{"bool", URL(), true, "url validator cannot check bool values"},
	}
	cases = append(cases, formatCases(URL(), web, []vector{
		// valid host names
		{in: "http://example.com", ok: true},
		{in: "https://example.com:8443/a?b=c#d", ok: true},
		{in: "HTTPS://EXAMPLE.COM", ok: true},
		{in: "http://localhost", ok: true},
		{in: "http://redis:6379", ok: true},
		{in: "http://my-host.example.co.uk/", ok: true},
		{in: "http://xn--bcher-kva.example/", ok: true},
		{in: "http://example.xn--p1ai", ok: true},
		{in: "http://example.com?q=1", ok: true},
		{in: "http://example.com#top", ok: true},
		{in: "http://example.com/a%20b/ü", ok: true},
		{in: "http://" + label63 + ".com/", ok: true, name: "63-character label"},
		{in: "http://" + repeatLabels(3, 61) + "/", ok: true, name: "253-character host"},
		// valid IP literals
		{in: "http://192.0.2.1", ok: true},
		{in: "http://0.0.0.0:8000/", ok: true},
		{in: "http://[::1]/", ok: true},
		{in: "http://[::1]:8080/", ok: true},
		{in: "http://[2001:db8::1]:443/x", ok: true},
		{in: "http://[::ffff:192.0.2.1]/", ok: true},
		{in: "http://[fe80::1%25eth0]:8080/", ok: true},
		// valid ports and user info
		{in: "http://example.com:1", ok: true},
		{in: "http://example.com:65535", ok: true},
		{in: "http://example.com:08080", ok: true},
		{in: "http://user:pass@example.com/", ok: true},
		{in: "http://user@example.com", ok: true},
		{in: "http://us%40er:p%40ss@example.com/", ok: true},
		{in: "http://user:@example.com", ok: true},
		// hosts that are not names
		{in: "http://.com"},
		{in: "http://example..com/"},
		{in: "http://example.com./"},
		{in: "http://-invalid.com"},
		{in: "http://invalid-.com"},
		{in: "http://exa_mple.com"},
		{in: "http://ex!ample.com"},
		{in: "http://ex$ample.com"},
		{in: "http://bücher.example/"},
		{in: "http://" + label64 + ".com/", name: "64-character label"},
		{in: "http://" + repeatLabels(3, 62) + "/", name: "254-character host"},
		// bad IP literals
		{in: "http://1.1.1.1.1"},
		{in: "http://3628126748"},
		{in: "http://256.0.0.1/"},
		{in: "http://192.0.2.01/"},
		{in: "http://[1.2.3.4]/"},
		{in: "http://[example.com]/"},
		{in: "http://[::1/"},
		{in: "http://::1/"},
		{in: "http://[::1]x/"},
		// bad ports and user info
		{in: "http://example.com:99999"},
		{in: "http://example.com:65536"},
		{in: "http://example.com:0"},
		{in: "http://example.com:000080"},
		{in: "http://host:/"},
		{in: "http://[::1]:/"},
		{in: "http://example.com:http"},
		{in: "http://example.com:-80"},
		{in: "http://foo@bar@example.com"},
		{in: "http://u:p@ss@example.com"},
		{in: "http://@example.com"},
		{in: "http://:pass@example.com"},
		{in: `http://example.com\@evil.com`},
		// not an absolute URL with a host
		{in: "example.com"},
		{in: "//example.com"},
		{in: "/path"},
		{in: "http://"},
		{in: "http:///path"},
		{in: "http://:80"},
		{in: "http://user@"},
		{in: "http:example.com"},
		{in: "ftp://example.com"},
		{in: "mailto:a@example.com"},
		{in: "http://example.com/a b"},
		{in: "http://exa mple.com"},
		{in: "http://example.com/%zz"},
	})...)
	runValidatorCases(t, cases)
}

func TestValidatorsIP(t *testing.T) {
	const v4, v6, ip = "must be a valid IPv4 address", "must be a valid IPv6 address", "must be a valid IP address"
	cases := []validatorCase{
		{"empty", IP(), "", ""},
		{"empty v4", IPv4(), "", ""},
		{"empty v6", IPv6(), "", ""},
		{"list", IPv4(), []string{"192.0.2.1", "::1", "10.0.0.1"}, "item 2: " + v4},
		{"secret", IP(), NewSecret("nope"), ip},
		{"decimal", IP(), dec("1"), "ip validator cannot check decimal values"},
	}
	for in, want := range map[string][3]bool{ // IPv4, IPv6, IP
		"192.0.2.1":        {true, false, true},
		"0.0.0.0":          {true, false, true},
		"::1":              {false, true, true},
		"2001:db8::1":      {false, true, true},
		"::ffff:192.0.2.1": {false, true, true},
		"fe80::1%eth0":     {false, true, true},
		"192.0.2.01":       {false, false, false},
		"256.0.0.1":        {false, false, false},
		"192.0.2":          {false, false, false},
		"192.0.2.1/24":     {false, false, false},
		"example.com":      {false, false, false},
		" 192.0.2.1":       {false, false, false},
		"2001:db8::g":      {false, false, false},
	} {
		cases = append(cases,
			validatorCase{in, IPv4(), in, wantIf(want[0], v4)},
			validatorCase{in, IPv6(), in, wantIf(want[1], v6)},
			validatorCase{in, IP(), in, wantIf(want[2], ip)})
	}
	runValidatorCases(t, cases)
}

func TestValidatorsHostnameAndDomain(t *testing.T) {
	const host, domain = "must be a valid hostname", "must be a valid domain name"
	label63 := strings.Repeat("a", 63)
	long := strings.Repeat(label63+".", 4)[:254] // 254 characters
	cases := []validatorCase{
		{"empty", Hostname(), "", ""},
		{"empty domain", Domain(), "", ""},
		{"list", Domain(), []string{"example.com", "localhost"}, "item 2: " + domain},
		{"secret", Hostname(), NewSecret("-x"), host},
		{"int", Domain(), int64(1), "domain validator cannot check int values"},
	}
	for in, want := range map[string][2]bool{ // Hostname, Domain
		"localhost":              {true, false},
		"example.com":            {true, true},
		"EXAMPLE.COM":            {true, true},
		"a-b.example.co.uk":      {true, true},
		"xn--bcher-kva.example":  {true, true},
		"example.xn--p1ai":       {true, true},
		"web01":                  {true, false},
		"1.2.3.4":                {true, false},
		"example.c0m":            {true, false},
		"example.c":              {true, false},
		label63 + ".com":         {true, true},
		label63 + "a.com":        {false, false},
		long[:253]:               {true, true},
		long:                     {false, false},
		"-example.com":           {false, false},
		"example-.com":           {false, false},
		"exa_mple.com":           {false, false},
		"example..com":           {false, false},
		"example.com.":           {false, false},
		".example.com":           {false, false},
		"exa mple.com":           {false, false},
		"bücher.example":         {false, false},
		"example.com:80":         {false, false},
		"http://example.com/foo": {false, false},
		"1e100.net":              {true, true},
		"1-2":                    {true, false},
		"123":                    {false, false},
		"a.1":                    {false, false},
		"1.1.1.1.1":              {false, false},
		"3628126748":             {false, false},
		"256.0.0.1":              {false, false},
		"192.0.2.01":             {false, false},
		"0x7f.0.0.1":             {false, false},
		"::1":                    {false, false},
	} {
		cases = append(cases,
			validatorCase{in, Hostname(), in, wantIf(want[0], host)},
			validatorCase{in, Domain(), in, wantIf(want[1], domain)})
	}
	runValidatorCases(t, cases)
}

func TestValidatorsSlugJSONPath(t *testing.T) {
	const slug = "must be a slug (lower-case letters and digits joined by single hyphens or underscores)"
	const js, abs = "must be valid JSON", "must be an absolute path"
	runValidatorCases(t, []validatorCase{
		{"empty", Slug(), "", ""},
		{"slug", Slug(), "my-app_v2", ""},
		{"digits", Slug(), "2024", ""},
		{"upper", Slug(), "My-app", slug},
		{"double hyphen", Slug(), "a--b", slug},
		{"leading hyphen", Slug(), "-a", slug},
		{"trailing underscore", Slug(), "a_", slug},
		{"space", Slug(), "a b", slug},
		{"slug list", Slug(), []string{"ok", "Not ok"}, "item 2: " + slug},
		{"empty", JSON(), "", ""},
		{"object", JSON(), `{"a": [1, 2]}`, ""},
		{"scalar", JSON(), `"s"`, ""},
		{"null", JSON(), `null`, ""},
		{"broken", JSON(), `{"a": }`, js},
		{"trailing", JSON(), `{} {}`, js},
		{"secret json", JSON(), NewSecret(`{"key": "v"}`), ""},
		{"json list", JSON(), []string{"1", "nope", "[]"}, "item 2: " + js},
		{"empty", Path(), "", ""},
		{"absolute", Path(), "/var/lib/app", ""},
		{"root", Path(), "/", ""},
		{"relative", Path(), "var/lib", abs},
		{"dot", Path(), "./x", abs},
		{"windows", Path(), `C:\data`, abs},
		{"nul", Path(), "/a\x00b", abs},
		{"path list", Path(), []string{"/a", "", "b"}, "item 2: " + abs + "; item 3: " + abs},
		{"int", Path(), int64(1), "path validator cannot check int values"},
	})
}

func TestValidatorsRange(t *testing.T) {
	runValidatorCases(t, []validatorCase{
		// int64 bounds
		{"int inside", Range(int64(1), int64(100)), int64(50), ""},
		{"int min", Range(int64(1), int64(100)), int64(1), ""},
		{"int max", Range(int64(1), int64(100)), int64(100), ""},
		{"int below", Range(int64(1), int64(100)), int64(0), "must be between 1 and 100"},
		{"int above", Range(int64(1), int64(100)), int64(101), "must be between 1 and 100"},
		{"int open max", Range(int64(1), nil), int64(math.MaxInt64), ""},
		{"int open max below", Range(int64(1), nil), int64(-5), "must be at least 1"},
		{"int open min", Range(nil, int64(10)), int64(math.MinInt64), ""},
		{"int open min above", Range(nil, int64(10)), int64(11), "must be at most 10"},
		{"go int bounds", Range(1, 3), int64(4), "must be between 1 and 3"},
		{"unbounded", Range(nil, nil), int64(4), ""},
		// float64 bounds
		{"float inside", Range(0.5, 1.5), 1.0, ""},
		{"float edge", Range(0.5, 1.5), 1.5, ""},
		{"float below", Range(0.5, 1.5), 0.25, "must be between 0.5 and 1.5"},
		{"float above", Range(0.5, nil), -1e300, "must be at least 0.5"},
		{"float inf", Range(nil, 1e308), math.Inf(1), "must be at most 1e+308"},
		{"float nan", Range(0.0, 1.0), math.NaN(), "must be a number"},
		{"float32 bound", Range(float32(0.5), nil), 0.5, ""},
		// decimal bounds
		{"decimal inside", Range(dec("0.01"), dec("99.99")), dec("10.50"), ""},
		{"decimal exact", Range(dec("0.01"), dec("99.99")), dec("99.990"), ""},
		{"decimal above", Range(dec("0.01"), dec("99.99")), dec("99.991"),
			"must be between 0.01 and 99.99"},
		{"decimal below", Range(dec("0.01"), nil), dec("0.009"), "must be at least 0.01"},
		// duration bounds
		{"duration inside", Range(time.Second, time.Minute), 30 * time.Second, ""},
		{"duration below", Range(time.Second, time.Minute), time.Millisecond,
			"must be between 1s and 1m0s"},
		{"duration above", Range(nil, time.Minute), time.Hour, "must be at most 1m0s"},
		// mixed types compare exactly
		{"int bound decimal value", Range(int64(1), int64(2)), dec("2.5"), "must be between 1 and 2"},
		{"int bound decimal value ok", Range(int64(1), int64(2)), dec("1.5"), ""},
		{"decimal bound int value", Range(dec("0.5"), dec("1.5")), int64(1), ""},
		{"decimal bound int value fails", Range(dec("1.5"), nil), int64(1), "must be at least 1.5"},
		{"float bound int value", Range(0.5, 1.5), int64(2), "must be between 0.5 and 1.5"},
		{"float bound int value ok", Range(0.5, 1.5), int64(1), ""},
		{"int bound float value", Range(int64(1), nil), 0.999, "must be at least 1"},
		{"big int vs float", Range(nil, int64(math.MaxInt64)), 9.3e18, "must be at most 9223372036854775807"},
		{"decimal bound float value", Range(dec("0.1"), nil), 0.1, ""},
		{"int bound inf value", Range(int64(1), nil), math.Inf(-1), "must be at least 1"},
		// misuse
		{"duration vs int", Range(int64(1), nil), time.Second,
			"range validator cannot compare duration values with int bounds"},
		{"int vs duration", Range(time.Second, nil), int64(5),
			"range validator cannot compare int values with duration bounds"},
		{"int vs duration max", Range(nil, time.Second), int64(5),
			"range validator cannot compare int values with duration bounds"},
		// other Go number types as bounds
		{"int8 and uint16 bounds", Range(int8(-1), uint16(7)), int64(8), "must be between -1 and 7"},
		{"int32 bound", Range(int32(2), nil), int64(2), ""},
		{"huge uint64 bound", Range(nil, uint64(math.MaxUint64)), int64(math.MaxInt64), ""},
		{"empty string", Range(int64(1), nil), "", ""},
		{"string", Range(int64(1), nil), "5",
			"range validator cannot compare string values with int bounds"},
	})
}

func TestValidatorsRangePanicsOnBadBound(t *testing.T) {
	for _, bound := range []any{"1", true, math.NaN(), []string{}} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "value.Range") {
					t.Errorf("Range(%v) recovered %v, want a value.Range panic", bound, r)
				}
			}()
			Range(bound, nil)
		}()
	}
}

func TestValidatorsSign(t *testing.T) {
	runValidatorCases(t, []validatorCase{
		{"int", Positive(), int64(1), ""},
		{"int zero", Positive(), int64(0), "must be positive"},
		{"int negative", Positive(), int64(-1), "must be positive"},
		{"float", Positive(), 1e-300, ""},
		{"float zero", Positive(), 0.0, "must be positive"},
		{"float negative zero", Positive(), math.Copysign(0, -1), "must be positive"},
		{"float nan", Positive(), math.NaN(), "must be a number"},
		{"decimal", Positive(), dec("0.0001"), ""},
		{"decimal zero", Positive(), dec("0.00"), "must be positive"},
		{"duration", Positive(), time.Nanosecond, ""},
		{"duration zero", Positive(), time.Duration(0), "must be positive"},
		{"empty string", Positive(), "", ""},
		{"string", Positive(), "1", "positive validator cannot check string values"},
		{"int zero", NonNegative(), int64(0), ""},
		{"int negative", NonNegative(), int64(-1), "must not be negative"},
		{"float negative", NonNegative(), -0.5, "must not be negative"},
		{"float negative zero", NonNegative(), math.Copysign(0, -1), ""},
		{"decimal negative", NonNegative(), dec("-0.01"), "must not be negative"},
		{"decimal zero", NonNegative(), decimal.Zero, ""},
		{"duration negative", NonNegative(), -time.Second, "must not be negative"},
		{"duration", NonNegative(), time.Second, ""},
		{"bool", NonNegative(), true, "non_negative validator cannot check bool values"},
		{"secret", Positive(), NewSecret("1"), "positive validator cannot check secret values"},
		{"list", Positive(), []string{"1"}, "positive validator cannot check string_list values"},
		{"go int", Positive(), 1, "positive validator cannot check int values"},
		{"struct", NonNegative(), struct{}{}, "non_negative validator cannot check struct {} values"},
	})
}

func TestValidatorsPort(t *testing.T) {
	const bad = "must be a port number between 1 and 65535"
	runValidatorCases(t, []validatorCase{
		{"int", Port(), int64(8080), ""},
		{"int min", Port(), int64(1), ""},
		{"int max", Port(), int64(65535), ""},
		{"int zero", Port(), int64(0), bad},
		{"int negative", Port(), int64(-80), bad},
		{"int big", Port(), int64(65536), bad},
		{"string", Port(), "443", ""},
		{"string leading zero", Port(), "0443", ""},
		{"string zero", Port(), "0", bad},
		{"string big", Port(), "65536", bad},
		{"string long", Port(), "000001", bad},
		{"string sign", Port(), "+80", bad},
		{"string space", Port(), " 80", bad},
		{"string word", Port(), "http", bad},
		{"empty", Port(), "", ""},
		{"float", Port(), 80.0, "port validator cannot check float values"},
	})
}

func TestValidatorsOneOf(t *testing.T) {
	const ab = "must be one of a, b"
	runValidatorCases(t, []validatorCase{
		{"string", OneOf("a", "b"), "b", ""},
		{"string miss", OneOf("a", "b"), "c", ab},
		{"case sensitive", OneOf("a", "b"), "A", ab},
		{"empty", OneOf("a", "b"), "", ""},
		{"enum value", OneOf("a", "b"), enumForTest("a"), ""},
		{"enum option", OneOf(enumForTest("a"), enumForTest("b")), "a", ""},
		{"list", OneOf("a", "b"), []string{"a", "b", "a"}, ""},
		{"list miss", OneOf("a", "b"), []string{"a", "x", "b", ""}, "item 2: " + ab + "; item 4: " + ab},
		{"empty list", OneOf("a", "b"), []string{}, ""},
		{"int", OneOf(int64(1), int64(2)), int64(2), ""},
		{"int miss", OneOf(int64(1), int64(2)), int64(3), "must be one of 1, 2"},
		{"go int options", OneOf(1, 2), int64(1), ""},
		{"int vs string", OneOf("1"), int64(1), "must be one of 1"},
		{"string vs int", OneOf(int64(1)), "1", "must be one of 1"},
		{"float", OneOf(0.5, 1.5), 1.5, ""},
		{"float miss", OneOf(0.5, 1.5), 1.0, "must be one of 0.5, 1.5"},
		{"decimal", OneOf(dec("1.5"), dec("2.50")), dec("2.5"), ""},
		{"decimal scale", OneOf(dec("1.5")), dec("1.500"), ""},
		{"decimal miss", OneOf(dec("1.5"), dec("2.50")), dec("2.51"), "must be one of 1.5, 2.50"},
		{"decimal vs int", OneOf(dec("2.0")), int64(2), ""},
		{"duration", OneOf(time.Second, time.Minute), 60 * time.Second, ""},
		{"duration miss", OneOf(time.Second, time.Minute), time.Hour, "must be one of 1s, 1m0s"},
		{"duration vs int", OneOf(time.Second), int64(time.Second), "must be one of 1s"},
		{"no options", OneOf(), "a", "must be one of "},
		{"uint8 option", OneOf(uint8(7)), int64(7), ""},
		{"float32 option", OneOf(float32(0.5)), 0.5, ""},
		{"bool option", OneOf(true), true, ""},
		{"bool option miss", OneOf(true), false, "must be one of true"},
	})
}

func TestValidatorsOneOfPanicsOnBadValue(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "value.OneOf") {
			t.Fatalf("recover() = %v, want a value.OneOf panic", r)
		}
	}()
	OneOf("a", []string{"b"})
}

func TestValidatorNamesAndStrings(t *testing.T) {
	for _, c := range []struct {
		v          Validator
		name, desc string
	}{
		{Required(), "required", "required"},
		{NotEmpty(), "not_empty", "not_empty"},
		{NotBlank(), "not_blank", "not_blank"},
		{MinLength(3), "min_length", "min_length(3)"},
		{MaxLength(10), "max_length", "max_length(10)"},
		{Regex("^a+$", false), "regex", "regex(^a+$)"},
		{Regex("^a+$", true), "regex", "regex(^a+$, inverse)"},
		{Range(int64(1), int64(100)), "range", "range(1, 100)"},
		{Range(int64(1), nil), "range", "range(min 1)"},
		{Range(nil, 2.5), "range", "range(max 2.5)"},
		{Range(dec("0.10"), dec("1")), "range", "range(0.10, 1)"},
		{Range(time.Second, time.Hour), "range", "range(1s, 1h0m0s)"},
		{Range(nil, nil), "range", "range()"},
		{Positive(), "positive", "positive"},
		{NonNegative(), "non_negative", "non_negative"},
		{Email(), "email", "email"},
		{URL(), "url", "url(http, https)"},
		{URL("HTTPS"), "url", "url(https)"},
		{URL("ftp", "sftp"), "url", "url(ftp, sftp)"},
		{IPv4(), "ipv4", "ipv4"},
		{IPv6(), "ipv6", "ipv6"},
		{IP(), "ip", "ip"},
		{Hostname(), "hostname", "hostname"},
		{Domain(), "domain", "domain"},
		{Slug(), "slug", "slug"},
		{JSON(), "json", "json"},
		{Path(), "path", "path"},
		{Port(), "port", "port"},
		{OneOf("a", "b"), "one_of", "one_of(a, b)"},
		{OneOf(dec("1.50"), int64(2)), "one_of", "one_of(1.50, 2)"},
		{Custom("even"), "custom", "custom(even)"},
	} {
		if c.v.Name() != c.name || c.v.String() != c.desc {
			t.Errorf("Name(), String() = %q, %q, want %q, %q", c.v.Name(), c.v.String(), c.name, c.desc)
		}
		if _, ok := LookupBuiltin(c.v.Name()); !ok {
			t.Errorf("LookupBuiltin(%q) fails", c.v.Name())
		}
	}
}

func TestValidatorNamesList(t *testing.T) {
	want := []string{"custom", "domain", "email", "hostname", "ip", "ipv4", "ipv6", "json",
		"max_length", "min_length", "non_negative", "not_blank", "not_empty", "one_of", "path",
		"port", "positive", "range", "regex", "required", "slug", "url"}
	if got := builtinNames(); !slices.Equal(got, want) {
		t.Errorf("the names of Builtins() = %v, want %v", got, want)
	}
}

// builtinNames returns the names of the built-in validators, sorted.
func builtinNames() []string {
	var names []string
	for _, b := range Builtins() {
		names = append(names, b.Name)
	}
	slices.Sort(names)
	return names
}

// applies reports whether the validator called name applies to kind k.
func applies(name string, k Kind) bool {
	b, ok := LookupBuiltin(name)
	return ok && b.Kinds.Has(k)
}

func TestBuiltinKinds(t *testing.T) {
	const (
		str, txt, num, flt, dcm = KindString, KindText, KindInt, KindFloat, KindDecimal
		boo, sel, dur, lst, sec = KindBool, KindSelect, KindDuration, KindStringList, KindSecret
	)
	all := Kinds()
	textual := []Kind{str, txt, sec, sel, lst}
	numeric := []Kind{num, flt, dcm, dur}
	want := map[string][]Kind{
		"required":   {str, txt, num, flt, dcm, sel, dur, lst, sec},
		"not_empty":  {str, txt, num, flt, dcm, sel, dur, lst, sec},
		"min_length": textual, "max_length": textual,
		"range": numeric, "positive": numeric, "non_negative": numeric,
		"port":   {num},
		"one_of": {str, txt, sel, num, flt, dcm, dur, lst},
		"custom": all,
	}
	for _, name := range []string{"not_blank", "regex", "email", "url", "ipv4", "ipv6", "ip",
		"hostname", "domain", "slug", "json", "path"} {
		want[name] = textual
	}
	if len(want) != len(Builtins()) {
		t.Fatalf("test covers %d validators, Builtins has %d", len(want), len(Builtins()))
	}
	for name, kinds := range want {
		for _, k := range all {
			if got := applies(name, k); got != slices.Contains(kinds, k) {
				t.Errorf("%s applies to %v: %v", name, k, got)
			}
		}
	}
	for _, k := range []Kind{0, Kind(200)} {
		if applies("custom", k) {
			t.Errorf("applies(custom, %v) = true", k)
		}
	}
	if applies("nope", KindString) {
		t.Error("applies(nope, string) = true")
	}
}

// sampleValidators holds one validator per name, for table-wide tests.
func sampleValidators() map[string]Validator {
	return map[string]Validator{
		"required": Required(), "not_empty": NotEmpty(), "not_blank": NotBlank(),
		"min_length": MinLength(40), "max_length": MaxLength(2), "regex": Regex("^z+$", false),
		"range": Range(int64(100), nil), "positive": Positive(), "non_negative": NonNegative(),
		"email": Email(), "url": URL(), "ipv4": IPv4(), "ipv6": IPv6(), "ip": IP(),
		"hostname": Hostname(), "domain": Domain(), "slug": Slug(), "json": JSON(),
		"path": Path(), "port": Port(), "one_of": OneOf("x"), "custom": Custom("test-sample"),
	}
}

// sampleValues holds a non-empty value of every kind, in Parse's form.
var sampleValues = map[Kind]any{
	KindString: "x y", KindText: "x\ny", KindInt: int64(-3), KindFloat: -0.5,
	KindDecimal: dec("-0.5"), KindBool: true, KindSelect: "x y",
	KindDuration: -time.Second, KindStringList: []string{"x y"}, KindSecret: NewSecret("x y"),
}

// TestValidatorsAcceptTheirKinds checks the table against the validators:
// given a value of a kind it applies to, a validator never reports that it
// cannot check it. (Range bounds of another type than the value's are the
// schema loader's to prevent.)
func TestValidatorsAcceptTheirKinds(t *testing.T) {
	RegisterValidator("test-sample", func(any) error { return nil })
	for name, v := range sampleValidators() {
		for _, k := range Kinds() {
			if !applies(name, k) {
				continue
			}
			if err := v.Validate(sampleValues[k]); err != nil && strings.Contains(err.Error(), "cannot check") {
				t.Errorf("%s on a %v value: %v", v, k, err)
			}
		}
	}
}

// TestValidatorsDoNotLeakSecrets gives every validator that applies to
// secrets a secret that fails it, and a list of such items, and checks that
// the value never appears in a message.
func TestValidatorsDoNotLeakSecrets(t *testing.T) {
	const plain = "Hunter2 -- s3cr3t!"
	RegisterValidator("test-sample", func(any) error { return errors.New("custom failure") })
	failures := 0
	for name, v := range sampleValidators() {
		if !applies(name, KindSecret) {
			continue
		}
		for _, in := range []any{NewSecret(plain), []string{"ok", plain}} {
			err := v.Validate(in)
			if err == nil {
				continue
			}
			failures++
			for _, part := range []string{plain, "Hunter2", "s3cr3t"} {
				if strings.Contains(err.Error(), part) {
					t.Errorf("%s: message %q contains the value", v, err)
				}
			}
		}
	}
	if failures < 20 {
		t.Errorf("only %d validations failed; the test is not exercising the messages", failures)
	}
}

// customRuns makes custom validator names unique across -count reruns.
var customRuns atomic.Int64

func TestValidatorsCustom(t *testing.T) {
	even := func(v any) error {
		if n, ok := v.(int64); ok && n%2 != 0 {
			return errors.New("must be even")
		}
		return nil
	}
	name := fmt.Sprintf("test-even-%d", customRuns.Add(1)) // the registry is global; -count reruns need new names
	v := Custom(name)
	want := fmt.Sprintf("custom validator %q is not registered (call value.RegisterValidator)", name)
	for _, in := range []any{int64(1), ""} { // unregistered fails even on empty values
		if err := v.Validate(in); err == nil || err.Error() != want {
			t.Errorf("before registration: Validate(%v) = %v, want %q", in, err, want)
		}
	}
	if _, ok := LookupValidator(name); ok {
		t.Fatal("LookupValidator found an unregistered name")
	}
	RegisterValidator(name, even) // after v was made
	runValidatorCases(t, []validatorCase{
		{"odd", v, int64(3), "must be even"},
		{"even", v, int64(4), ""},
		{"empty", v, "", ""},
		{"empty list", v, []string{}, ""},
	})
	if fn, ok := LookupValidator(name); !ok || fn(int64(1)) == nil {
		t.Error("LookupValidator(name) does not return the registered function")
	}
	RegisterValidator(name, func(any) error { return nil })
	if err := v.Validate(int64(3)); err != nil {
		t.Errorf("after re-registration: %v", err)
	}
}

func TestValidatorsCustomEmptyCallsNothing(t *testing.T) {
	called := false
	RegisterValidator("test-called", func(any) error { called = true; return nil })
	for _, in := range []any{"", Secret{}, []string(nil)} {
		if err := Custom("test-called").Validate(in); err != nil || called {
			t.Errorf("Validate(empty %T) = %v, called = %v", in, err, called)
		}
	}
}

func TestRegisterValidatorPanics(t *testing.T) {
	for name, fn := range map[string]func(any) error{"": func(any) error { return nil }, "x": nil} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("RegisterValidator(%q, fn) did not panic", name)
				}
			}()
			RegisterValidator(name, fn)
		}()
	}
	if _, ok := LookupValidator("x"); ok {
		t.Error("a nil function was registered")
	}
}

// TestValidatorsCustomConcurrent registers and uses custom validators from
// many goroutines; run it with -race.
func TestValidatorsCustomConcurrent(t *testing.T) {
	const workers = 16
	var wg sync.WaitGroup
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("test-concurrent-%d", i%4)
			for j := range 100 {
				RegisterValidator(name, func(any) error { return nil })
				if err := Custom(name).Validate(int64(j)); err != nil {
					t.Error(err)
					return
				}
				_, _ = LookupValidator(fmt.Sprintf("test-concurrent-%d", j%4))
			}
		}()
	}
	wg.Wait()
}

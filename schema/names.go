package schema

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-sysconfig/sysconfig/runtime/value"
)

// Go names of generated declarations. They are resolved here, once, so that
// emitters never assemble identifiers from strings and the loader can report
// collisions before any code is generated.

// commonInitialisms are written in upper case when they form a whole word,
// alone or followed by digits (see initialism).
var commonInitialisms = map[string]bool{
	"acl": true, "api": true, "ascii": true, "cpu": true, "css": true, "dns": true,
	"eof": true, "guid": true, "html": true, "http": true, "https": true, "id": true,
	"ip": true, "json": true, "lhs": true, "qps": true, "ram": true, "rhs": true,
	"rpc": true, "sla": true, "smtp": true, "sql": true, "ssh": true, "tcp": true,
	"tls": true, "ttl": true, "udp": true, "ui": true, "uid": true, "uuid": true,
	"uri": true, "url": true, "utf8": true, "vm": true, "xml": true, "xmpp": true,
	"xsrf": true, "xss": true, "jwt": true, "db": true, "ssl": true, "sms": true,
}

// GoName converts a name to an exported Go identifier. The name is split
// into words at every character that is not a letter or a digit; each word
// gets an upper-case first letter, and common initialisms, alone or
// followed by digits, are written all in upper case: "api_url" → "APIURL",
// "max_ttl" → "MaxTTL", "http2_enabled" → "HTTP2Enabled" (as "http_2" →
// "HTTP2"), "dark-mode" → "DarkMode", "EUR" → "EUR". When the result would
// not be an exported identifier (it would be empty or start with a digit),
// it is prefixed with "V": "1080p" → "V1080p".
func GoName(name string) string {
	var b strings.Builder
	for _, word := range words(name) {
		if up, ok := initialism(word); ok {
			b.WriteString(up)
			continue
		}
		b.WriteString(capitalize(word))
	}
	id := b.String()
	if r, _ := utf8.DecodeRuneInString(id); !unicode.IsUpper(r) {
		id = "V" + id
	}
	return id
}

// initialism returns word in upper case when it is a common initialism,
// alone or followed by digits: "url" → "URL", "http2" → "HTTP2", but not
// "ipv4" ("ipv" is not one). Digits after an initialism are read as a
// version or an index, so a word and the same letters and digits split in
// two ("http2", "http_2") get the same Go name.
func initialism(word string) (string, bool) {
	lower := strings.ToLower(word)
	letters := strings.TrimRightFunc(lower, func(r rune) bool { return r >= '0' && r <= '9' })
	if commonInitialisms[lower] || commonInitialisms[letters] {
		return strings.ToUpper(word), true
	}
	return "", false
}

// words splits name at every character that is not a letter or a digit.
func words(name string) []string {
	return strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// capitalize upper-cases the first letter of word and keeps the rest.
func capitalize(word string) string {
	if word == "" {
		return ""
	}
	r, size := utf8.DecodeRuneInString(word)
	return string(unicode.ToUpper(r)) + word[size:]
}

// sentenceLabel is the default label of a field: its words separated by
// spaces, the first capitalised and initialisms in upper case:
// "max_items" → "Max items", "api_url" → "API URL".
func sentenceLabel(name string) string {
	ws := labelWords(name)
	if len(ws) > 0 {
		ws[0] = capitalize(ws[0])
	}
	return strings.Join(ws, " ")
}

// titleLabel is the default label of a section: its words capitalised and
// separated by spaces: "email_delivery" → "Email Delivery".
func titleLabel(name string) string {
	ws := labelWords(name)
	for i, w := range ws {
		ws[i] = capitalize(w)
	}
	return strings.Join(ws, " ")
}

// labelWords splits a snake_case name into words, upper-casing initialisms
// as GoName does: "http2_enabled" → "HTTP2", "enabled".
func labelWords(name string) []string {
	ws := words(name)
	for i, w := range ws {
		if up, ok := initialism(w); ok {
			ws[i] = up
		}
	}
	return ws
}

// GoName returns the section's exported name: "site" → "Site". It names the
// section's field in the generated Config struct.
func (s *Section) GoName() string { return GoName(s.Name) }

// TypeName returns the generated struct type holding the section's
// accessors: "site" → "SiteSection".
func (s *Section) TypeName() string { return s.GoName() + "Section" }

// VarName returns the unexported package variable holding the section's
// *runtime.Section: "site" → "sectionSite".
func (s *Section) VarName() string { return "section" + s.GoName() }

// FileName returns the generated file holding the section: "site" →
// "section_site.go".
func (s *Section) FileName() string { return "section_" + s.Name + ".go" }

// GoName returns the getter's name: the field's go_name when the schema
// gives one, else its name converted by GoName: "title" → "Title". The
// setter, resetter, descriptor and enum type are derived from it.
func (f *Field) GoName() string {
	if f.ExplicitGoName != "" {
		return f.ExplicitGoName
	}
	return GoName(f.Name)
}

// Setter returns the setter's name: "title" → "SetTitle".
func (f *Field) Setter() string { return "Set" + f.GoName() }

// Resetter returns the name of the method that removes the override:
// "title" → "ResetTitle".
func (f *Field) Resetter() string { return "Reset" + f.GoName() }

// VarName returns the exported package variable holding the field's
// descriptor: "site.title" → "SiteTitleField".
func (f *Field) VarName() string { return f.Section.GoName() + f.GoName() + "Field" }

// EnumType returns the generated enum type of a select field:
// "site.theme" → "SiteTheme". It is empty for other kinds.
func (f *Field) EnumType() string {
	if f.Kind != value.KindSelect {
		return ""
	}
	return f.Section.GoName() + f.GoName()
}

// ConstName returns the enum constant of a choice of f:
// "site.theme" choice "dark" → "SiteThemeDark".
func (f *Field) ConstName(c Choice) string { return f.EnumType() + GoName(c.Value) }

package schema

import "strings"

// Go names of generated declarations. They are resolved here, once, so that
// emitters never assemble identifiers from strings and the loader can report
// collisions before any code is generated.

// commonInitialisms are written in upper case when they form a whole word.
var commonInitialisms = map[string]bool{
	"acl": true, "api": true, "ascii": true, "cpu": true, "css": true, "dns": true,
	"eof": true, "guid": true, "html": true, "http": true, "https": true, "id": true,
	"ip": true, "json": true, "lhs": true, "qps": true, "ram": true, "rhs": true,
	"rpc": true, "sla": true, "smtp": true, "sql": true, "ssh": true, "tcp": true,
	"tls": true, "ttl": true, "udp": true, "ui": true, "uid": true, "uuid": true,
	"uri": true, "url": true, "utf8": true, "vm": true, "xml": true, "xmpp": true,
	"xsrf": true, "xss": true, "jwt": true, "db": true, "ssl": true, "sms": true,
}

// GoName converts a snake_case name to an exported Go identifier, writing
// common initialisms in upper case: "api_url" → "APIURL", "max_ttl" → "MaxTTL".
func GoName(snake string) string {
	var b strings.Builder
	for _, word := range strings.Split(snake, "_") {
		if word == "" {
			continue
		}
		if commonInitialisms[word] {
			b.WriteString(strings.ToUpper(word))
			continue
		}
		b.WriteString(strings.ToUpper(word[:1]) + word[1:])
	}
	return b.String()
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

// GoName returns the getter's name: "title" → "Title".
func (f *Field) GoName() string { return GoName(f.Name) }

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
	if f.Kind.String() != "select" {
		return ""
	}
	return f.Section.GoName() + f.GoName()
}

// ConstName returns the enum constant of a choice of f:
// "site.theme" choice "dark" → "SiteThemeDark".
func (f *Field) ConstName(c Choice) string { return f.EnumType() + GoName(c.Value) }

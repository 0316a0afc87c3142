package schema

import (
	"reflect"
	"strings"
	"testing"

	"github.com/go-sysconfig/sysconfig/runtime/value"
)

func TestGoName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"title", "Title"},
		{"max_items", "MaxItems"},
		{"api_url", "APIURL"},
		{"max_ttl", "MaxTTL"},
		{"user_id", "UserID"},
		{"smtp_host", "SMTPHost"},
		{"http2_enabled", "HTTP2Enabled"},
		{"http_2_enabled", "HTTP2Enabled"},
		{"http_2", "HTTP2"},
		{"http2", "HTTP2"},
		{"enable_http2", "EnableHTTP2"},
		{"http11", "HTTP11"},
		{"id2", "ID2"},
		{"db_1", "DB1"},
		{"ssh2_key", "SSH2Key"},
		{"HTTP2", "HTTP2"},
		{"utf8_only", "UTF8Only"},
		{"utf16", "Utf16"},
		{"ipv4_only", "Ipv4Only"},
		{"http2x", "Http2x"},
		{"v2_api", "V2API"},
		{"x_1", "X1"},
		{"x1", "X1"},
		{"dark-mode", "DarkMode"},
		{"Dark mode", "DarkMode"},
		{"dark.mode", "DarkMode"},
		{"darkMode", "DarkMode"},
		{"EUR", "EUR"},
		{"eur", "Eur"},
		{"Id", "ID"},
		{"1080p", "V1080p"},
		{"4k-uhd", "V4kUhd"},
		{"--", "V"},
		{"", "V"},
		{"é_clair", "ÉClair"},
		{"日本", "V日本"},
	}
	for _, tt := range tests {
		if got := GoName(tt.in); got != tt.want {
			t.Errorf("GoName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLabels(t *testing.T) {
	tests := []struct{ in, sentence, title string }{
		{"title", "Title", "Title"},
		{"max_items", "Max items", "Max Items"},
		{"api_url", "API URL", "API URL"},
		{"smtp_from_address", "SMTP from address", "SMTP From Address"},
		{"x_1", "X 1", "X 1"},
		{"http2_enabled", "HTTP2 enabled", "HTTP2 Enabled"},
		{"db1_url", "DB1 URL", "DB1 URL"},
	}
	for _, tt := range tests {
		if got := sentenceLabel(tt.in); got != tt.sentence {
			t.Errorf("sentenceLabel(%q) = %q, want %q", tt.in, got, tt.sentence)
		}
		if got := titleLabel(tt.in); got != tt.title {
			t.Errorf("titleLabel(%q) = %q, want %q", tt.in, got, tt.title)
		}
	}
}

func TestDeclarationNames(t *testing.T) {
	sec := &Section{Name: "email_delivery"}
	theme := &Field{Section: sec, Name: "ui_theme", Kind: value.KindSelect}
	host := &Field{Section: sec, Name: "smtp_host", Kind: value.KindString}
	kept := &Field{Section: sec, Name: "http2_enabled", Kind: value.KindBool, ExplicitGoName: "Http2Enabled"}
	keptEnum := &Field{Section: sec, Name: "mode", Kind: value.KindSelect, ExplicitGoName: "OldMode"}
	tests := []struct{ got, want string }{
		{sec.GoName(), "EmailDelivery"},
		{sec.TypeName(), "EmailDeliverySection"},
		{sec.VarName(), "sectionEmailDelivery"},
		{sec.FileName(), "section_email_delivery.go"},
		{host.GoName(), "SMTPHost"},
		{host.Setter(), "SetSMTPHost"},
		{host.Resetter(), "ResetSMTPHost"},
		{host.VarName(), "EmailDeliverySMTPHostField"},
		{host.EnumType(), ""},
		{theme.EnumType(), "EmailDeliveryUITheme"},
		{theme.ConstName(Choice{Value: "dark-mode"}), "EmailDeliveryUIThemeDarkMode"},
		{theme.ConstName(Choice{Value: "1080p"}), "EmailDeliveryUIThemeV1080p"},
		{theme.ConstName(Choice{Value: "http_2"}), "EmailDeliveryUIThemeHTTP2"},
		{kept.GoName(), "Http2Enabled"},
		{kept.Setter(), "SetHttp2Enabled"},
		{kept.Resetter(), "ResetHttp2Enabled"},
		{kept.VarName(), "EmailDeliveryHttp2EnabledField"},
		{keptEnum.EnumType(), "EmailDeliveryOldMode"},
		{keptEnum.ConstName(Choice{Value: "fast"}), "EmailDeliveryOldModeFast"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("case %d: got %q, want %q", i, tt.got, tt.want)
		}
	}
}

func TestToSnake(t *testing.T) {
	tests := []struct{ in, want string }{
		{"maxItems", "max_items"},
		{"MaxItems", "max_items"},
		{"APIKey", "api_key"},
		{"API-Key", "api_key"},
		{"My Shop", "my_shop"},
		{"double__underscore", "double_underscore"},
		{"_trailing_", "trailing"},
		{"x1", "x1"},
	}
	for _, tt := range tests {
		if got := toSnake(tt.in); got != tt.want {
			t.Errorf("toSnake(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// collide parses a one-section schema with the given fields (YAML lines
// indented for the fields mapping) and returns its error text.
func collide(t *testing.T, sections string) string {
	t.Helper()
	_, err := Parse("s.yaml", []byte("app: shop\nsections:\n"+sections))
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestCollisions(t *testing.T) {
	tests := []struct {
		name     string
		sections string
		want     string // substring of the error; "" for none
	}{
		{"none", "  site:\n    fields:\n      title: {type: string}\n      name: {type: string}\n", ""},
		{"setter", "  site:\n    fields:\n      title: {type: string}\n      set_title: {type: string}\n",
			"s.yaml:6:7: generated name SetTitle for the getter of field site.set_title collides with the setter of field site.title (line 5, column 7)"},
		{"resetter", "  site:\n    fields:\n      title: {type: string}\n      reset_title: {type: string}\n",
			"generated name ResetTitle for the getter of field site.reset_title collides with the resetter"},
		{"same getter across sections is fine", "  a:\n    fields:\n      x: {type: int}\n  b:\n    fields:\n      x: {type: int}\n", ""},
		{"descriptor across sections", "  a_b:\n    fields:\n      c: {type: int}\n  a:\n    fields:\n      b_c: {type: int}\n",
			"generated name ABCField for the descriptor of field a.b_c collides with the descriptor of field a_b.c (line 5, column 7)"},
		{"initialism", "  site:\n    fields:\n      api_url: {type: string}\n  site_api:\n    fields:\n      url: {type: string}\n",
			"generated name SiteAPIURLField"},
		{"section digits", "  x_1:\n    fields:\n      a: {type: int}\n  x1:\n    fields:\n      b: {type: int}\n",
			"generated name X1Section for the type of section x1 collides with the type of section x_1"},
		{"enum and section type", "  site:\n    fields:\n      theme_section: {type: select, choices: [a]}\n  site_theme:\n    fields:\n      x: {type: int}\n",
			"generated name SiteThemeSection for the type of section site_theme collides with the enum type of field site.theme_section"},
		{"choice constants", "  site:\n    fields:\n      theme: {type: select, choices: [dark-mode, dark_mode]}\n",
			"choices of one field must differ"},
		{"enum and constant", "  site:\n    fields:\n      theme: {type: select, choices: [dark]}\n      theme_dark: {type: select, choices: [x]}\n",
			"generated name SiteThemeDark for the enum type of field site.theme_dark collides with the constant of choice \"dark\" of field site.theme"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := collide(t, tt.sections)
			if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
				t.Errorf("errors:\n%s\nwant them to contain:\n%s", got, tt.want)
			}
		})
	}
}

func TestReservedNames(t *testing.T) {
	l := &loader{file: "s.yaml"}
	pos := Pos{File: "s.yaml", Line: 3, Col: 5}
	l.collisions(append(append([]decl(nil), reservedNames...),
		decl{ident: "Config", what: "the enum type of field a.b", pos: pos, owner: "field a.b", fix: "rename it"}),
		map[[2]Pos]bool{})
	want := "s.yaml:3:5: generated name Config for the enum type of field a.b collides with the Config type of the generated package; rename it"
	if got := l.errs.Error(); got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// TestGoNameKey checks that go_name names a field's declarations.
func TestGoNameKey(t *testing.T) {
	src := "app: shop\nsections:\n  site:\n    fields:\n" +
		"      http2_enabled: {type: bool, go_name: Http2Enabled}\n" +
		"      mode: {type: select, choices: [fast], go_name: Mode2}\n" +
		"      http2_push: {type: bool}\n"
	s, err := Parse("s.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	kept, mode, derived := s.Fields()[0], s.Fields()[1], s.Fields()[2]
	got := []string{kept.GoName(), kept.Setter(), kept.Resetter(), kept.VarName(),
		mode.EnumType(), mode.ConstName(mode.Choices[0]), derived.GoName(), derived.ExplicitGoName}
	want := []string{"Http2Enabled", "SetHttp2Enabled", "ResetHttp2Enabled", "SiteHttp2EnabledField",
		"SiteMode2", "SiteMode2Fast", "HTTP2Push", ""}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// TestGoNameKeyErrors checks the errors of go_name: each is reported, at the
// value or at the colliding field, with a fix.
func TestGoNameKeyErrors(t *testing.T) {
	tests := []struct {
		name     string
		sections string
		want     string
	}{
		{"not an identifier", "  site:\n    fields:\n      http2_enabled: {type: bool, go_name: HTTP-2Enabled}\n",
			`s.yaml:5:44: go_name "HTTP-2Enabled" of field site.http2_enabled is not a Go identifier; use ASCII letters, digits and underscores, starting with an upper-case letter, such as "HTTP2Enabled"`},
		{"starts with a digit", "  site:\n    fields:\n      a: {type: bool, go_name: 2FA}\n",
			`go_name "2FA" of field site.a is not a Go identifier; use ASCII letters, digits and underscores, starting with an upper-case letter, such as "A"`},
		{"empty text", "  site:\n    fields:\n      max_ttl: {type: int, go_name: \"\"}\n",
			`go_name "" of field site.max_ttl is not a Go identifier; use ASCII letters, digits and underscores, starting with an upper-case letter, such as "MaxTTL"`},
		{"keyword", "  site:\n    fields:\n      a: {type: bool, go_name: func}\n",
			`go_name "func" of field site.a is not exported`},
		{"not ASCII", "  site:\n    fields:\n      a: {type: bool, go_name: Été}\n",
			`go_name "Été" of field site.a is not a Go identifier; use ASCII letters, digits and underscores, starting with an upper-case letter, such as "A"`},
		{"unexported", "  site:\n    fields:\n      http2_enabled: {type: bool, go_name: http2Enabled}\n",
			`s.yaml:5:44: go_name "http2Enabled" of field site.http2_enabled is not exported, so code outside the generated package could not call its accessors; start it with an upper-case letter, such as "Http2Enabled"`},
		{"lower case word", "  site:\n    fields:\n      a: {type: int, go_name: value}\n",
			`go_name "value" of field site.a is not exported, so code outside the generated package could not call its accessors; start it with an upper-case letter, such as "Value"`},
		{"underscore", "  site:\n    fields:\n      a: {type: bool, go_name: _A}\n",
			`go_name "_A" of field site.a is not exported`},
		{"not a scalar", "  site:\n    fields:\n      a: {type: bool, go_name: [A]}\n",
			`go_name of field site.a must be a Go identifier such as "A", not a list`},
		{"empty", "  site:\n    fields:\n      a: {type: bool, go_name: }\n",
			`go_name of field site.a must be a Go identifier such as "A", not empty`},
		{"getter collision", "  site:\n    fields:\n      title: {type: string}\n      name: {type: string, go_name: Title}\n",
			`s.yaml:6:7: generated name Title for the getter of field site.name collides with the getter of field site.title (line 5, column 7); change the go_name "Title" of field site.name, for example to "TitleValue"`},
		{"setter collision", "  site:\n    fields:\n      title: {type: string}\n      x: {type: string, go_name: SetTitle}\n",
			"generated name SetTitle for the getter of field site.x collides with the setter of field site.title"},
		{"derived name of a later field", "  site:\n    fields:\n      a: {type: int, go_name: HTTP2}\n      http_2: {type: int}\n",
			`s.yaml:6:7: generated name HTTP2 for the getter of field site.http_2 collides with the getter of field site.a (line 5, column 7); rename one of them, for example field site.http_2 to "http_2_value", or give it a go_name`},
		{"descriptor across sections", "  a:\n    fields:\n      b_c: {type: int}\n  a_b:\n    fields:\n      x: {type: int, go_name: C}\n",
			"generated name ABCField for the descriptor of field a_b.x collides with the descriptor of field a.b_c (line 5, column 7)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := collide(t, tt.sections); !strings.Contains(got, tt.want) {
				t.Errorf("errors:\n%s\nwant them to contain:\n%s", got, tt.want)
			}
		})
	}
}

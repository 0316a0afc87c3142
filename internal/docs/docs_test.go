package docs

import (
	"bytes"
	"strings"
	"testing"

	"github.com/go-sysconfig/sysconfig/schema"
)

// parse loads an inline schema or fails the test.
func parse(t *testing.T, src string) *schema.Schema {
	t.Helper()
	s, err := schema.Parse("schema.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// shop exercises every cell: kinds, choices, secrets, deprecation and
// text that Markdown would otherwise interpret.
const shop = `app: shop
sections:
  site:
    label: "Site | *main*"
    description: |
      First line.
      - not a list

      # not a heading
    fields:
      title:
        type: string
        label: "A|B"
        description: "Pipes | and <b>tags</b>\nsecond line"
        default: "a | b"
        validators:
          - regex: "^(a [|] b|c)$"
      motto:
        type: text
        default: "two\nlines"
      quote:
        type: string
        default: "use ` + "`x`" + ` here"
      theme:
        type: select
        choices: [light, {value: dark, label: Dark mode}]
      key:
        type: secret
        deprecated: true
      old:
        type: int
        deprecated: use site.title instead
        env: SHOP_OLD
`

func TestMarkdownRows(t *testing.T) {
	got := string(Markdown(parse(t, shop)))
	for _, want := range []string{
		"| `shop.site.title`<br>A\\|B | string | `a \\| b` | `regex(^(a [\\|] b\\|c)$)` | Pipes \\| and \\<b\\>tags\\</b\\> second line |",
		"| `shop.site.motto`<br>Motto | text | `\"two\\nlines\"` | — | — |",
		"| `shop.site.quote`<br>Quote | string | ``use `x` here`` | — | — |",
		"| select: `light`, `dark` (Dark mode) | `light` |",
		"| **secret** | — | — | **Deprecated.** |",
		"| int | `0` | — | **Deprecated:** use site.title instead.<br>Pinned by `SHOP_OLD`. |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
}

func TestMarkdownStructure(t *testing.T) {
	got := string(Markdown(parse(t, shop)))
	for _, want := range []string{
		Header + "\n\n# `shop` configuration\n",
		"\nSecret fields are encrypted at rest",
		"reads a field from the variable `SHOP__<SECTION>__<FIELD>`",
		"\n- [Site | \\*main\\*](#site--main) — `shop.site`, 6 fields\n",
		"\n## Site | \\*main\\*\n\nFirst line.<br>- not a list\n\n\\# not a heading\n\n| Field |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
}

func TestMarkdownNoSecretNote(t *testing.T) {
	got := Markdown(parse(t, "app: a\nsections:\n  s:\n    fields:\n      f: {type: int}\n"))
	if bytes.Contains(got, []byte("Secret fields")) {
		t.Errorf("secret note without secrets:\n%s", got)
	}
}

// TestMarkdownDeterministic renders the same schema, parsed twice, many
// times: the output must never change.
func TestMarkdownDeterministic(t *testing.T) {
	first := Markdown(parse(t, shop))
	for range 20 {
		if got := Markdown(parse(t, shop)); !bytes.Equal(got, first) {
			t.Fatalf("output changed between runs:\n%s\nthen:\n%s", first, got)
		}
	}
}

func TestText(t *testing.T) {
	for in, want := range map[string]string{
		"plain words":          "plain words",
		"smtp_host":            "smtp_host",
		"_private_ and __x__":  `\_private\_ and \_\_x\_\_`,
		"*a* `b` [c](d) <e>":   "\\*a\\* \\`b\\` \\[c\\](d) \\<e\\>",
		"#1 & ~x~ $5 \\":       `\#1 \& \~x\~ \$5 \\`,
		"a\nb\r\nc\n\n\nd":     "a b c<br><br>d",
		"Forms:\n- one\n- two": "Forms:<br>- one<br>- two",
		"Code:\n  indented":    "Code:<br>indented",
		"  padded \n":          "padded",
		"a|b":                  "a|b", // pipes are escaped by cell, in tables only
	} {
		if got := text(in); got != want {
			t.Errorf("text(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParagraphs(t *testing.T) {
	for in, want := range map[string]string{
		"one\ntwo":             "one two",
		"one\n2. two":          "one<br>2. two",
		"one\n\n\n  two  ":     "one\n\ntwo",
		"- item":               `\- item`,
		"+ item":               `\+ item`,
		"---":                  `\---`,
		"12. item\n\n3) item":  "12\\. item\n\n3\\) item",
		"> quote\n\n# heading": "\\> quote\n\n\\# heading",
		"1999 was a year":      "1999 was a year",
	} {
		if got := paragraphs(in); got != want {
			t.Errorf("paragraphs(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCode(t *testing.T) {
	for in, want := range map[string]string{
		"x":         "`x`",
		"a`b":       "``a`b``",
		"a``b`":     "``` a``b` ```",
		"`x":        "`` `x ``",
		"a\nb":      "`\"a\\nb\"`",
		" x":        "`\" x\"`",
		"tab\there": "`\"tab\\there\"`",
		"ünïcode":   "`ünïcode`",
		`a\|b*`:     `<code>a\\&#124;b\*</code>`,
	} {
		if got := code(in); got != want {
			t.Errorf("code(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCell(t *testing.T) {
	for in, want := range map[string]string{
		"a|b":        `a\|b`,
		"`a|b`":      "`a\\|b`",
		text(`a\|b`): `a\\\|b`, // an escaped backslash, then an escaped pipe
		"no pipe":    "no pipe",
	} {
		if got := cell(in); got != want {
			t.Errorf("cell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSlugger(t *testing.T) {
	s := slugger{}
	for _, c := range []struct{ title, want string }{
		{"shop configuration", "shop-configuration"},
		{"Contents", "contents"},
		{"Email Delivery", "email-delivery"},
		{"Site | *main*", "site--main"},
		{"Contents", "contents-1"},
		{"contents-1", "contents-1-1"},
		{"Contents", "contents-2"},
		{"Ünïcode_Names 2", "ünïcode_names-2"},
	} {
		if got := s.slug(c.title); got != c.want {
			t.Errorf("slug(%q) = %q, want %q", c.title, got, c.want)
		}
	}
}

package schema

import (
	"fmt"
	"strings"
)

// expectsKey reports whether msg is yaml.v3's complaint about a token
// where a key or a list item should be.
func expectsKey(msg string) bool {
	return msg == "did not find expected key" || msg == "did not find expected '-' indicator"
}

// level is an indentation that a line may line up with: that of a line
// above, or of the key inside a "- " item there.
type level struct {
	indent int
	what   string // the key, quoted, or the item
	line   int
}

// levels returns the indentations line n may line up with: those of the
// previous content line and of each line enclosing it (less indented than
// every line between), nearest first, one per indentation.
func (f sourceLines) levels(n int) []level {
	var out []level
	seen := map[int]bool{}
	least := -1
	for i := f.previous(n); i > 0; i = f.previous(i) {
		s := f.text(i)
		if least >= 0 && indentation(s) >= least {
			continue
		}
		least = indentation(s)
		for _, l := range lineLevels(s, i) {
			if !seen[l.indent] {
				out = append(out, l)
			}
			seen[l.indent] = true
		}
	}
	return out
}

// lineLevels returns the levels of one line: its indentation and, after
// each "- ", the indentation of what follows.
func lineLevels(s string, n int) []level {
	ind := indentation(s)
	rest := strings.TrimRight(scanLine(s).code(s), " ")[ind:]
	out := []level{{indent: ind, what: describeLevel(rest), line: n}}
	for strings.HasPrefix(rest, "- ") {
		after := strings.TrimLeft(rest[1:], " ")
		ind += len(rest) - len(after)
		rest = after
		out = append(out, level{indent: ind, what: describeLevel(rest), line: n})
	}
	return out
}

// describeLevel names what a line holds at its indentation: `"key"`, or
// `the item "- value"`.
func describeLevel(rest string) string {
	if strings.HasPrefix(rest, "- ") || rest == "-" {
		return fmt.Sprintf("the item %q", quoteShortText(rest))
	}
	if c := scanLine(rest).colons; len(c) > 0 {
		return fmt.Sprintf("%q", rest[:c[0]])
	}
	return fmt.Sprintf("%q", quoteShortText(rest))
}

// quoteShortText shortens a line's text for messages.
func quoteShortText(s string) string {
	if r := []rune(s); len(r) > 30 {
		return string(r[:30]) + "…"
	}
	return s
}

// opensBlock reports whether line s ends with a key whose value is the
// block below it.
func opensBlock(s string) bool {
	code := strings.TrimSpace(scanLine(s).code(s))
	return strings.HasSuffix(code, ":") || code == "-"
}

// badIndentation finds a line whose indentation lines up with no line
// above it that it could belong to.
func badIndentation(p problemSite) (int, string) {
	ind := indentation(p.s)
	prev := p.f.previous(p.n)
	if !expectsKey(p.msg) || prev == 0 || opensBlock(p.f.text(prev)) && ind > indentation(p.f.text(prev)) {
		return 0, ""
	}
	var deeper, shallower *level
	for _, l := range p.f.levels(p.n) {
		switch {
		case l.indent == ind:
			return 0, ""
		case l.indent > ind && (deeper == nil || l.indent < deeper.indent):
			deeper = &l
		case l.indent < ind && (shallower == nil || l.indent > shallower.indent):
			shallower = &l
		}
	}
	return ind + 1, fmt.Sprintf("this line is indented %s, which lines up with no line above it: indent it %s",
		spaces(ind), indentOptions(deeper, shallower))
}

// indentOptions lists the indentations to choose from, the deeper first.
func indentOptions(levels ...*level) string {
	var opts []string
	for _, l := range levels {
		if l == nil {
			continue
		}
		n := fmt.Sprint(l.indent)
		if len(opts) == 0 {
			n = spaces(l.indent)
		}
		opts = append(opts, fmt.Sprintf("%s to line up with %s (line %d)", n, l.what, l.line))
	}
	return strings.Join(opts, ", or ")
}

// spaces formats a number of spaces: "1 space", "8 spaces".
func spaces(n int) string {
	if n == 1 {
		return "1 space"
	}
	return fmt.Sprintf("%d spaces", n)
}

// itemAmongKeys finds a "- " item where a mapping's key should be.
func itemAmongKeys(p problemSite) (int, string) {
	rest := strings.TrimLeft(p.s, " ")
	if p.msg != "did not find expected key" || !strings.HasPrefix(rest, "- ") && rest != "-" {
		return 0, ""
	}
	return indentation(p.s) + 1, `a list item cannot stand among the keys of a mapping: ` +
		`put the list under a key of its own, indented below it, or remove the "- "`
}

// textAfterQuote finds text after the closing quote of a value.
func textAfterQuote(p problemSite) (int, string) {
	if !expectsKey(p.msg) || p.scan.afterQuote < 0 {
		return 0, ""
	}
	return column(p.s, p.scan.afterQuote), "text follows the closing quote: put the whole value inside the quotes"
}

// keyAmongItems finds a key at the indentation of the "- " items of a
// list, where another item is expected.
func keyAmongItems(p problemSite) (int, string) {
	if p.msg != "did not find expected '-' indicator" {
		return 0, ""
	}
	return indentation(p.s) + 1, `this line is at the indentation of the list items above it but is not one: ` +
		`start it with "- ", or indent it like the key it belongs to`
}

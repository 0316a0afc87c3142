package schema

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// problemSite is the line a syntax error was placed on, with what is known
// about it.
type problemSite struct {
	f    sourceLines
	n    int    // the line number
	s    string // its text
	scan lineScan
	msg  string // yaml.v3's message
}

// finder looks for one kind of problem on a line. It returns the column of
// the problem and a hint, or an empty hint when the line does not show it.
type finder func(p problemSite) (col int, hint string)

// finders are tried in order; the first that recognises the line wins.
var finders = []finder{
	tabIndent, controlChar, invalidUTF8, unclosedQuote, unclosedBracket, invalidEscape, unknownAnchor,
	valueWithColon, listOnKeyLine, reservedChar, badIndentation, itemAmongKeys, textAfterQuote, keyAmongItems,
}

// lineProblem returns the column of the problem that msg describes on
// line n, and a hint saying how to fix it; the column is 0 and the hint
// empty when the line's text does not show it.
func lineProblem(f sourceLines, n int, msg string) (int, string) {
	p := problemSite{f: f, n: n, s: f.text(n), msg: msg}
	p.scan = scanLine(p.s)
	for _, find := range finders {
		if col, hint := find(p); hint != "" {
			return col, hint
		}
	}
	return 0, ""
}

// tabIndent finds a tab in the indentation, which YAML forbids.
func tabIndent(p problemSite) (int, string) {
	ws := p.s[:len(p.s)-len(strings.TrimLeft(p.s, " \t"))]
	if i := strings.IndexByte(ws, '\t'); i >= 0 {
		return column(p.s, i), "a tab is used for indentation: indent with spaces, as YAML requires"
	}
	return 0, ""
}

// controlChar finds a control character, which YAML does not allow.
func controlChar(p problemSite) (int, string) {
	if !strings.Contains(p.msg, "control characters") {
		return 0, ""
	}
	for i, r := range p.s {
		if r < 0x20 && r != '\t' || r >= 0x7f && r < 0xa0 {
			return column(p.s, i), fmt.Sprintf("remove the control character U+%04X: YAML does not allow it in a file", r)
		}
	}
	return 0, ""
}

// invalidUTF8 finds the first byte that is not UTF-8.
func invalidUTF8(p problemSite) (int, string) {
	if !strings.Contains(p.msg, "UTF-8") {
		return 0, ""
	}
	for i, r := range p.s {
		if r == utf8.RuneError {
			return column(p.s, i), "the text is not UTF-8 from here: save the file as UTF-8"
		}
	}
	return 0, ""
}

// unclosedQuote finds a quote that the file never closes.
func unclosedQuote(p problemSite) (int, string) {
	if !strings.Contains(p.msg, "end of stream") || p.scan.openQuote < 0 {
		return 0, ""
	}
	q := p.s[p.scan.openQuote]
	return column(p.s, p.scan.openQuote), fmt.Sprintf("the quote opened here is never closed: end the value with %c", q)
}

// unclosedBracket finds the '[' or '{' of a flow list or mapping that is
// not closed.
func unclosedBracket(p problemSite) (int, string) {
	closer := map[string]byte{"did not find expected ',' or ']'": '[', "did not find expected ',' or '}'": '{'}[p.msg]
	for i := len(p.scan.open) - 1; closer != 0 && i >= 0; i-- {
		if o := p.scan.open[i]; p.s[o] == closer {
			what, end, items := "list", "]", "items"
			if closer == '{' {
				what, end, items = "mapping", "}", "entries"
			}
			return column(p.s, o), fmt.Sprintf("the %s opened here is not closed: end it with %s, "+
				"and separate its %s with commas", what, end, items)
		}
	}
	return 0, ""
}

// invalidEscape finds a backslash in double quotes that starts no escape.
func invalidEscape(p problemSite) (int, string) {
	if !strings.Contains(p.msg, "escape") && !strings.Contains(p.msg, "hexdecimal") || p.scan.badEscape < 0 {
		return 0, ""
	}
	return column(p.s, p.scan.badEscape), `in double quotes a backslash starts an escape such as \n: ` +
		`write \\ for a backslash, or use single quotes, in which a backslash is itself ('^\d+$')`
}

// unknownAnchor finds an alias to an anchor that no earlier value defines.
func unknownAnchor(p problemSite) (int, string) {
	name, ok := strings.CutPrefix(p.msg, "unknown anchor '")
	name, ok2 := strings.CutSuffix(name, "' referenced")
	i := strings.Index(p.s, "*"+name)
	if !ok || !ok2 || i < 0 {
		return 0, ""
	}
	for n := p.n; n <= len(p.f.lines); n++ {
		if strings.Contains(p.f.text(n), "&"+name) {
			return column(p.s, i), fmt.Sprintf("&%s is defined later, on line %d, and an anchor must come before "+
				"its aliases: move that value up, or swap the two", name, n)
		}
	}
	return column(p.s, i), fmt.Sprintf("no value is marked &%s: add &%s to the value that *%s should repeat, "+
		"before this line", name, name, name)
}

// valueWithColon finds the ": " that ends a key where none is allowed:
// in a value, or on a line indented under a key whose value is on its own
// line.
func valueWithColon(p problemSite) (int, string) {
	if p.msg != "mapping values are not allowed in this context" {
		return 0, ""
	}
	if n, key, ok := p.continuedValue(); ok {
		return indentation(p.s) + 1, fmt.Sprintf("this line is indented more than %q on line %d, so it reads "+
			"as more of that value: indent it %s to line up with %q", key, n, spaces(indentation(p.f.text(n))), key)
	}
	if c := p.scan.colons; len(c) >= 2 {
		key := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(p.s[:c[0]]), "- "))
		value := strings.TrimSpace(p.scan.code(p.s)[c[0]+1:])
		return column(p.s, c[1]), fmt.Sprintf(`a value holding ": " must be quoted, as in %s: %s`, key, quoteYAML(value))
	}
	return 0, ""
}

// continuedValue reports whether the line is indented under the previous
// line, which holds a key and its value on one line, and returns that
// line's number and key.
func (p problemSite) continuedValue() (int, string, bool) {
	n := p.f.previous(p.n)
	prev := p.f.text(n)
	sc := scanLine(prev)
	if n == 0 || indentation(p.s) <= indentation(prev) || len(sc.colons) == 0 {
		return 0, "", false
	}
	value := strings.TrimSpace(sc.code(prev)[sc.colons[0]+1:])
	key := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(prev[:sc.colons[0]]), "- "))
	return n, key, value != "" && !strings.ContainsAny(value[:1], "|>[{&!")
}

// previous returns the number of the last content line before line n, or 0.
func (f sourceLines) previous(n int) int {
	for i := n - 1; i >= 1; i-- {
		if isContent(f.text(i)) {
			return i
		}
	}
	return 0
}

// quoteYAML quotes a value for YAML, in double quotes unless it holds one.
func quoteYAML(v string) string {
	if strings.Contains(v, `"`) {
		return "'" + strings.ReplaceAll(v, "'", "''") + "'"
	}
	return `"` + strings.ReplaceAll(v, `\`, `\\`) + `"`
}

// listOnKeyLine finds a "- " item on the line of its key.
func listOnKeyLine(p problemSite) (int, string) {
	if p.msg != "block sequence entries are not allowed in this context" || p.scan.dashValue < 0 {
		return 0, ""
	}
	return column(p.s, p.scan.dashValue), `a list cannot start on the line of its key: move "- ..." to the next line, ` +
		"indented under the key, or write the list as [a, b]"
}

// reservedChar finds a plain value starting with @ or `, which YAML
// reserves.
func reservedChar(p problemSite) (int, string) {
	if p.msg != "found character that cannot start any token" || p.scan.reserved < 0 {
		return 0, ""
	}
	c := p.s[p.scan.reserved]
	return column(p.s, p.scan.reserved), fmt.Sprintf("a value cannot start with %c in YAML: quote it", c)
}

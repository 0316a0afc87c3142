package docs

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// Escaping. Schema text is plain text, so every character that Markdown
// (GitHub-flavoured, with its $math$ and ~strikethrough~) would interpret
// is escaped with a backslash. Underscores inside words are left alone:
// they never start emphasis, and "smtp_host" stays readable in review.

// specials are the characters escaped wherever they appear.
const specials = "\\`*[]<>#&~$"

// text escapes s for inline use, on one line: prose is reflowed, lines of
// lists and indented blocks are separated by <br>, and paragraphs by an
// empty line (<br><br>).
func text(s string) string { return strings.Join(blocks(s), "<br><br>") }

// paragraphs renders s as Markdown paragraphs, each on one line that no
// Markdown block syntax can capture.
func paragraphs(s string) string {
	bs := blocks(s)
	for i, b := range bs {
		bs[i] = blockSafe(b)
	}
	return strings.Join(bs, "\n\n")
}

// blocks splits s into paragraphs at blank lines and renders each as one
// escaped line (see text).
func blocks(s string) []string {
	var out []string
	for _, p := range splitParagraphs(s) {
		sep := "<br>"
		if isProse(p) {
			sep = " "
		}
		for i, l := range p {
			p[i] = escape(strings.TrimSpace(l))
		}
		out = append(out, strings.Join(p, sep))
	}
	return out
}

// splitParagraphs normalises line endings and splits s into paragraphs of
// non-blank lines.
func splitParagraphs(s string) [][]string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	var out [][]string
	var cur []string
	for _, line := range strings.Split(s, "\n") {
		if strings.TrimSpace(line) != "" {
			cur = append(cur, line)
		} else if len(cur) > 0 {
			out, cur = append(out, cur), nil
		}
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// listItem matches a line that is a list item: "- x", "* x", "1. x"...
var listItem = regexp.MustCompile(`^\s*([-*+]|[0-9]+[.)])\s`)

// isProse reports whether a paragraph may be reflowed: none of its lines
// after the first is indented, and none is a list item.
func isProse(lines []string) bool {
	for i, l := range lines {
		if listItem.MatchString(l) || i > 0 && strings.TrimLeft(l, " \t") != l {
			return false
		}
	}
	return true
}

// escape backslash-escapes the specials of one line, and underscores at
// the edge of a word.
func escape(line string) string {
	rs := []rune(line)
	var b strings.Builder
	for i, r := range rs {
		if strings.ContainsRune(specials, r) || r == '_' && !insideWord(rs, i) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// insideWord reports whether rs[i] has a letter or digit on both sides.
func insideWord(rs []rune, i int) bool {
	alnum := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	return i > 0 && i+1 < len(rs) && alnum(rs[i-1]) && alnum(rs[i+1])
}

// orderedMarker matches the start of an ordered list item: "1." or "1)".
var orderedMarker = regexp.MustCompile(`^[0-9]+[.)]`)

// blockSafe escapes what would make an escaped line start a list or a
// thematic break; headings, quotes and code fences are escaped already.
func blockSafe(line string) string {
	if strings.HasPrefix(line, "-") || strings.HasPrefix(line, "+") {
		return `\` + line
	}
	if m := orderedMarker.FindString(line); m != "" {
		return m[:len(m)-1] + `\` + line[len(m)-1:]
	}
	return line
}

// code returns s as a code span, its delimiter longer than any run of
// backticks inside. When a span would hide part of s (a line break, an
// invisible character, a leading or trailing space), s is shown as a Go
// quoted string. A backslash before a pipe cannot be written in a code
// span in a table cell (the cell would read it as an escaped backslash
// followed by a cell break), so such text is shown in a <code> element,
// whose content is escaped text with the pipes as &#124;.
func code(s string) string {
	if needsQuoting(s) {
		s = strconv.Quote(s)
	}
	if strings.Contains(s, `\|`) {
		return "<code>" + strings.ReplaceAll(escape(s), "|", "&#124;") + "</code>"
	}
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// needsQuoting reports whether a code span would hide part of s: a line
// break or another invisible character, or a leading or trailing space.
func needsQuoting(s string) bool {
	invisible := func(r rune) bool { return r != ' ' && !unicode.IsPrint(r) }
	return strings.ContainsFunc(s, invisible) || strings.TrimSpace(s) != s
}

// longestRun returns the length of the longest run of r in s.
func longestRun(s string, r rune) int {
	longest, n := 0, 0
	for _, c := range s {
		if c != r {
			n = 0
			continue
		}
		n++
		longest = max(longest, n)
	}
	return longest
}

// cell makes Markdown safe inside a table cell: GitHub splits rows at
// every pipe that is not backslash-escaped, even inside code spans, and
// removes that backslash before rendering the cell. A backslash that text
// escaping put before a pipe is itself escaped (`\\\|`), so it stays.
func cell(markdown string) string { return strings.ReplaceAll(markdown, "|", `\|`) }

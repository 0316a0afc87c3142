package schema

import (
	"strings"
	"unicode/utf8"
)

// lineScan is what scanLine finds in one line of YAML: the marks that
// explain a syntax error reported on it. Offsets are in bytes, -1 when
// absent.
type lineScan struct {
	openQuote  int   // a quote that is not closed on the line
	open       []int // '[' and '{' that are not closed on the line
	badEscape  int   // a backslash starting an invalid escape in double quotes
	afterQuote int   // text following a closing quote, such as y in "x" y
	colons     []int // ':' followed by a space or the end, outside quotes
	dashValue  int   // a "- " right after ": ", a list started on its key's line
	reserved   int   // '@' or '`' starting a plain value
	comment    int   // the '#' starting a comment
}

// scanLine reads one line as YAML tokens, roughly: quotes, brackets,
// colons and comments, outside of which nothing is interpreted.
func scanLine(s string) lineScan {
	r := lineScan{openQuote: -1, badEscape: -1, afterQuote: -1, dashValue: -1, reserved: -1, comment: -1}
	prev := byte(0) // the last byte that is not a space, 0 at the start
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			continue
		case c == '#' && (i == 0 || s[i-1] == ' ' || s[i-1] == '\t'):
			r.comment = i
			return r
		case (c == '"' || c == '\'') && startsToken(prev):
			end := r.quoted(s, i)
			if end < 0 {
				return r
			}
			i = end
		case c == '[' || c == '{':
			r.open = append(r.open, i)
		case (c == ']' || c == '}') && len(r.open) > 0:
			r.open = r.open[:len(r.open)-1]
		case c == ':' && spaceOrEnd(s, i+1):
			r.colons = append(r.colons, i)
		case c == '-' && prev == ':' && spaceOrEnd(s, i+1) && r.dashValue < 0:
			r.dashValue = i
		case (c == '@' || c == '`') && startsToken(prev) && r.reserved < 0:
			r.reserved = i
		}
		prev = c
	}
	return r
}

// quoted records the quoted value opening at s[i] and returns the offset
// of its closing quote, or -1 when the line does not close it.
func (r *lineScan) quoted(s string, i int) int {
	end := closingQuote(s, i)
	if s[i] == '"' && r.badEscape < 0 {
		r.badEscape = badEscape(s, i+1, end)
	}
	if end < 0 {
		r.openQuote = i
		return -1
	}
	j := end + 1
	for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
		j++
	}
	if j < len(s) && !strings.ContainsRune(":,]}#", rune(s[j])) && r.afterQuote < 0 {
		r.afterQuote = j
	}
	return end
}

// startsToken reports whether a value may start after the byte prev: at
// the start of a line, or after an indicator.
func startsToken(prev byte) bool { return prev == 0 || strings.IndexByte(":,[{-?", prev) >= 0 }

// spaceOrEnd reports whether s[i] is a space or tab, or the end of s.
func spaceOrEnd(s string, i int) bool { return i >= len(s) || s[i] == ' ' || s[i] == '\t' }

// closingQuote returns the offset of the quote closing the one at s[i], or
// -1. In double quotes a backslash escapes the next character; in single
// quotes a quote is escaped by doubling it.
func closingQuote(s string, i int) int {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		switch {
		case q == '"' && s[j] == '\\':
			j++
		case s[j] == q && q == '\'' && j+1 < len(s) && s[j+1] == '\'':
			j++
		case s[j] == q:
			return j
		}
	}
	return -1
}

// escapeDigits are the hexadecimal digits each numeric escape needs.
var escapeDigits = map[byte]int{'x': 2, 'u': 4, 'U': 8}

// badEscape returns the offset of the first backslash in s[from:to] (to
// the end of s when to is -1) that starts an escape YAML does not know, or
// -1.
func badEscape(s string, from, to int) int {
	if to < 0 {
		to = len(s)
	}
	for j := from; j < to; j++ {
		if s[j] != '\\' || j+1 >= to {
			continue
		}
		c := s[j+1]
		if n, ok := escapeDigits[c]; ok && !hexDigits(s, j+2, n) || !ok && !strings.ContainsRune("0abt\tnvfre \"/\\N_LP", rune(c)) {
			return j
		}
		j++
	}
	return -1
}

// hexDigits reports whether s holds n hexadecimal digits from offset i.
func hexDigits(s string, i, n int) bool {
	if i+n > len(s) {
		return false
	}
	for _, c := range []byte(s[i : i+n]) {
		if !strings.ContainsRune("0123456789abcdefABCDEF", rune(c)) {
			return false
		}
	}
	return true
}

// column converts a byte offset in s to a 1-based column in characters, as
// yaml.v3 counts them.
func column(s string, offset int) int { return utf8.RuneCountInString(s[:offset]) + 1 }

// byteOffset converts a 1-based column of s to a byte offset, the length
// of s past its end.
func byteOffset(s string, col int) int {
	for i := range s {
		if col--; col <= 0 {
			return i
		}
	}
	return len(s)
}

// indentation returns the number of spaces that start s.
func indentation(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }

// code returns s without its comment.
func (r lineScan) code(s string) string {
	if r.comment >= 0 {
		return s[:r.comment]
	}
	return s
}

// isContent reports whether a line holds more than spaces and a comment.
func isContent(s string) bool {
	t := strings.TrimSpace(s)
	return t != "" && t[0] != '#'
}

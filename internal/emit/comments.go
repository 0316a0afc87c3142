package emit

import (
	"strings"

	"github.com/dave/jennifer/jen"
)

// commentWidth is the width of comment text, not counting the "// " prefix.
const commentWidth = 77

// doc returns a comment block made of paragraphs (see docText).
func doc(paragraphs ...string) *jen.Statement { return jen.Comment(docText(paragraphs...)) }

// docText returns paragraphs as comment lines, each wrapped and prefixed
// with "//", separated by "//" lines. Empty paragraphs are skipped.
func docText(paragraphs ...string) string {
	var lines []string
	for _, p := range paragraphs {
		for _, block := range splitParagraphs(p) {
			if len(lines) > 0 {
				lines = append(lines, "//")
			}
			lines = append(lines, commentLines(block)...)
		}
	}
	return strings.Join(lines, "\n")
}

// deprecated returns the "Deprecated:" paragraph of a note, or "" when the
// field is not deprecated.
func deprecated(note string) string {
	if note == "" {
		return ""
	}
	return "Deprecated: " + sentence(note)
}

// splitParagraphs splits text at blank lines, dropping empty paragraphs.
func splitParagraphs(text string) [][]string {
	var out [][]string
	var cur []string
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line = strings.TrimRight(line, " \t")
		if line == "" {
			out, cur = appendBlock(out, cur), nil
			continue
		}
		cur = append(cur, line)
	}
	return appendBlock(out, cur)
}

// appendBlock appends a non-empty block of lines.
func appendBlock(out [][]string, block []string) [][]string {
	if len(block) == 0 {
		return out
	}
	return append(out, block)
}

// commentLines turns one paragraph into "//" lines. Prose is reflowed;
// lists and indented blocks keep their lines as written, list items
// indented so that go doc shows them as a list.
func commentLines(block []string) []string {
	if isProse(block) {
		return prefixLines(wrap(strings.Fields(strings.Join(block, " "))))
	}
	lines := make([]string, len(block))
	for i, line := range block {
		if isListItem(line) {
			line = "  " + line
		}
		lines[i] = line
	}
	return prefixLines(lines)
}

// isProse reports whether no line of block is a list item or indented.
func isProse(block []string) bool {
	for _, line := range block {
		if strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t") || isListItem(line) {
			return false
		}
	}
	return true
}

// isListItem reports whether line starts with "- ", "* " or "1. ".
func isListItem(line string) bool {
	if strings.HasPrefix(line, "- ") || strings.HasPrefix(line, "* ") {
		return true
	}
	digits := strings.TrimLeft(line, "0123456789")
	return len(digits) < len(line) && strings.HasPrefix(digits, ". ")
}

// wrap fills words into lines of at most commentWidth characters; a word
// longer than that gets a line of its own.
func wrap(words []string) []string {
	var lines []string
	var cur strings.Builder
	for _, w := range words {
		if cur.Len() > 0 && cur.Len()+1+len(w) > commentWidth {
			lines = append(lines, cur.String())
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteByte(' ')
		}
		cur.WriteString(w)
	}
	if cur.Len() > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}

// prefixLines puts "// " before every line.
func prefixLines(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = "// " + l
	}
	return out
}

// sentence ends text with a period unless it already ends with
// punctuation.
func sentence(text string) string {
	text = strings.TrimSpace(text)
	if text == "" || strings.ContainsAny(text[len(text)-1:], ".!?:") {
		return text
	}
	return text + "."
}

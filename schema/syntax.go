package schema

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// YAML syntax errors. yaml.v3 reports them as text, such as "yaml: line 4:
// did not find expected key", with a line that is often not the problem's:
// for an error of its parser, it is the line before the block being parsed
// (a mapping opened lines above the bad indentation), for some errors at
// the start of the file there is none, and there is never a column. The
// loader places the error itself:
//
//   - The line is the last line of the shortest prefix of the file, in whole
//     lines, that fails with the same error, found by binary search: the
//     bad line, or the line where an unclosed quote or bracket opens.
//   - The column and a hint come from the text of that line, read for what
//     the message names: a tab in the indentation, a quote or bracket left
//     open, an invalid escape, a second ": ", an indentation that lines up
//     with no key above (see lineProblem).
//   - When the text shows none of these, the column is unknown and left
//     out: the error reads "file:line: message", as go/token prints a
//     position without a column, rather than pointing at a guess.

// yamlLineRE splits a yaml.v3 error into its line, if any, and message.
var yamlLineRE = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

// syntaxError is a YAML syntax error placed at its problem.
type syntaxError struct {
	line, col int    // 1-based; col is 0 when unknown
	msg       string // yaml.v3's message, without "yaml: line N: "
	hint      string // what the text shows and how to fix it, or ""
}

// String formats the message of the error, without its position.
func (e syntaxError) String() string {
	if e.hint == "" {
		return "YAML syntax error: " + e.msg
	}
	return "YAML syntax error: " + e.msg + "; " + e.hint
}

// locateSyntaxError places err, which decoding f returned, in f.
func locateSyntaxError(f sourceLines, err error) syntaxError {
	m := yamlLineRE.FindStringSubmatch(err.Error())
	if m == nil {
		return syntaxError{msg: err.Error()}
	}
	e := syntaxError{msg: m[2]}
	if len(f.lines) == 0 {
		e.line, _ = strconv.Atoi(m[1])
		return e
	}
	e.line = f.problemLine(err.Error(), e.msg)
	e.col, e.hint = lineProblem(f, e.line, e.msg)
	return e
}

// sourceLines is a file split into lines.
type sourceLines struct {
	src   []byte
	lines []string // without their line breaks
	ends  []int    // the offset just after each line's break
}

// splitLines splits src at "\n", dropping a "\r" before it.
func splitLines(src []byte) sourceLines {
	f := sourceLines{src: src}
	for start := 0; start < len(src); {
		end := bytes.IndexByte(src[start:], '\n') + 1 + start
		if end == start {
			end = len(src)
		}
		f.lines = append(f.lines, strings.TrimRight(string(src[start:end]), "\r\n"))
		f.ends = append(f.ends, end)
		start = end
	}
	return f
}

// text returns line n (1-based), or "" outside the file.
func (f sourceLines) text(n int) string {
	if n < 1 || n > len(f.lines) {
		return ""
	}
	return f.lines[n-1]
}

// problemLine returns the last line of the shortest prefix of the file, in
// whole lines, whose decoding fails with the error text want (msg without
// its line). A prefix failing past the problem fails with the same error,
// one ending before it does not, so a binary search finds it. An error that
// names the end of the file (a quote opened on the first line and never
// closed) is only reproduced by the whole file; it is placed on the first
// line when that line alone fails with the same message.
func (f sourceLines) problemLine(want, msg string) int {
	lo, hi := 1, len(f.lines)
	for lo < hi {
		mid := (lo + hi) / 2
		if err := firstError(f.src[:f.ends[mid-1]]); err != nil && err.Error() == want {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	if lo == len(f.lines) && lo > 1 {
		if err := firstError(f.src[:f.ends[0]]); err != nil && sameMessage(err, msg) {
			return 1
		}
	}
	return lo
}

// sameMessage reports whether err is a yaml.v3 error with message msg, on
// any line.
func sameMessage(err error, msg string) bool {
	m := yamlLineRE.FindStringSubmatch(err.Error())
	return m != nil && m[2] == msg
}

// firstError decodes every document of data and returns the first error,
// or nil.
func firstError(data []byte) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		if err := dec.Decode(&n); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

package diff

import (
	"fmt"
	"strings"
)

// hunk is a run of ops holding changes with up to Context kept lines
// around them.
type hunk struct {
	ops []op
}

// hunks groups the edit script into hunks. Changes separated by at most
// 2*Context kept lines share a hunk.
func hunks(ops []op) []hunk {
	var out []hunk
	start, end := -1, -1 // the current hunk is ops[start:end]
	for i, o := range ops {
		if o.kind == keep {
			continue
		}
		lo, hi := max(i-Context, 0), min(i+1+Context, len(ops))
		if start >= 0 && lo > end {
			out = append(out, hunk{ops[start:end]})
			start = -1
		}
		if start < 0 {
			start = lo
		}
		end = hi
	}
	if start >= 0 {
		out = append(out, hunk{ops[start:end]})
	}
	return out
}

// write prints the hunk: its "@@" header, then its lines.
func (h hunk) write(out *strings.Builder, a, b []string) {
	first := h.ops[0]
	var na, nb int
	for _, o := range h.ops {
		if o.kind != ins {
			na++
		}
		if o.kind != del {
			nb++
		}
	}
	fmt.Fprintf(out, "@@ -%s +%s @@\n", span(first.i, na), span(first.j, nb))
	for _, o := range h.ops {
		writeLine(out, o.kind, o.line(a, b))
	}
}

// span formats the start and length of a hunk's side, 1-based, as diff -u
// does: an empty side names the line before it.
func span(start, n int) string {
	switch n {
	case 0:
		return fmt.Sprintf("%d,0", start)
	case 1:
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

// writeLine prints one line with its prefix, marking a missing newline.
func writeLine(out *strings.Builder, kind opKind, line string) {
	out.WriteByte(byte(kind))
	out.WriteString(line)
	if !strings.HasSuffix(line, "\n") {
		out.WriteString("\n\\ No newline at end of file\n")
	}
}

// line returns the text of o's line.
func (o op) line(a, b []string) string {
	if o.kind == ins {
		return b[o.j]
	}
	return a[o.i]
}

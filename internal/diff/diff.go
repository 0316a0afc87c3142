// Package diff computes line-based differences between two texts and
// prints them in the unified format of "diff -u".
//
// The edit script is a shortest one, found with Myers' O(ND) algorithm in
// its linear-space form: the middle snake of each region splits it in two
// until the regions are trivial. Memory stays linear in the input size even
// when the texts have nothing in common.
package diff

import (
	"fmt"
	"strings"
)

// Context is the number of unchanged lines shown around each change.
const Context = 3

// Unified returns the unified diff turning old into new, labelled oldName
// and newName, or "" when the texts are equal. A missing final newline is
// marked as in diff -u.
func Unified(oldName, newName string, old, new []byte) string {
	if string(old) == string(new) {
		return ""
	}
	a, b := splitLines(string(old)), splitLines(string(new))
	ops := script(a, b)
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", oldName, newName)
	for _, h := range hunks(ops) {
		h.write(&out, a, b)
	}
	return out.String()
}

// splitLines splits text into lines, each keeping its "\n"; the last line
// has none when the text does not end with one.
func splitLines(text string) []string {
	if text == "" {
		return nil
	}
	lines := strings.SplitAfter(text, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// opKind is what an edit does with a line.
type opKind byte

const (
	keep opKind = ' '
	del  opKind = '-'
	ins  opKind = '+'
)

// op is one step of an edit script: a line of a (kept or deleted) or of b
// (inserted), with the index of the line in each text at that point.
type op struct {
	kind opKind
	i, j int // the line's index in a (kept, deleted) and in b (kept, inserted)
}

// script returns the edit script turning a into b: deletions before
// insertions within a change.
func script(a, b []string) []op {
	d := &differ{a: a, b: b, delA: make([]bool, len(a)), insB: make([]bool, len(b))}
	d.compare(0, len(a), 0, len(b))
	return d.ops()
}

// ops walks the change marks and lists the edit script.
func (d *differ) ops() []op {
	var out []op
	i, j := 0, 0
	for i < len(d.a) || j < len(d.b) {
		switch {
		case i < len(d.a) && d.delA[i]:
			out = append(out, op{del, i, j})
			i++
		case j < len(d.b) && d.insB[j]:
			out = append(out, op{ins, i, j})
			j++
		default:
			out = append(out, op{keep, i, j})
			i, j = i+1, j+1
		}
	}
	return out
}

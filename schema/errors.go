package schema

import (
	"fmt"
	"sort"
	"strings"
)

// Error is one problem found in a schema file, at the position of the
// offending YAML node.
type Error struct {
	Pos Pos
	Msg string
}

// Error formats the problem as "file:line:col: message". A position without
// a column (a YAML syntax error whose line does not show where it is) prints
// as "file:line", and one without a line (an empty file) as "file".
func (e *Error) Error() string { return e.Pos.where() + ": " + e.Msg }

// where is Pos.String leaving out the parts that are unknown.
func (p Pos) where() string {
	switch {
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return p.String()
}

// ErrorList is every problem found in a schema file. Parse and Load return
// it, sorted by position, as their error; use errors.As to get at the
// individual entries. It is modelled on go/scanner.ErrorList.
type ErrorList []*Error

// Add appends a problem at pos.
func (l *ErrorList) Add(pos Pos, msg string) { *l = append(*l, &Error{Pos: pos, Msg: msg}) }

// Len returns the number of problems.
func (l ErrorList) Len() int { return len(l) }

// Sort orders the problems by file, line and column. Problems at the same
// position keep the order in which they were added.
func (l ErrorList) Sort() {
	sort.SliceStable(l, func(i, j int) bool { return l[i].Pos.before(l[j].Pos) })
}

// before reports whether p sorts before q.
func (p Pos) before(q Pos) bool {
	if p.File != q.File {
		return p.File < q.File
	}
	if p.Line != q.Line {
		return p.Line < q.Line
	}
	return p.Col < q.Col
}

// Error returns one "file:line:col: message" line per problem.
func (l ErrorList) Error() string {
	lines := make([]string, len(l))
	for i, e := range l {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Err returns l as an error, or nil when l is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

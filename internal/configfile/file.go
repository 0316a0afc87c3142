package configfile

import (
	"fmt"
	"sort"
	"strings"

	"github.com/go-sysconfig/sysconfig/runtime/value"
)

// File is the content of a config file: the app it configures and the
// overrides it gives, in file order.
type File struct {
	App    string
	Values []Entry
}

// Entry is one field's value in a file.
type Entry struct {
	Path string
	Kind value.Kind
	// Text is the value in its kind's canonical text form (value.Format):
	// for a string_list, a JSON array; for a secret, its plaintext.
	Text string
	Pos  Pos // where the file gives it; zero for an entry built in memory
}

// String describes the entry, a secret's value redacted:
// "shop.site.title = My Shop".
func (e Entry) String() string {
	text := e.Text
	if e.Kind == value.KindSecret {
		text = value.Redacted
	}
	return e.Path + " = " + text
}

// Format implements fmt.Formatter: every verb prints String, so that a
// secret's plaintext is never printed.
func (e Entry) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(e.String())) }

// Pos is a position in a file. Line and Col start at 1.
type Pos struct {
	File      string
	Line, Col int
}

// String returns "file:line:col".
func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

// Error is one problem with a file, at its position.
type Error struct {
	Pos Pos
	Msg string
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// ErrorList is every problem found in a file, sorted by position.
type ErrorList []*Error

// Error returns the problems one per line.
func (l ErrorList) Error() string {
	lines := make([]string, len(l))
	for i, e := range l {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// err returns l sorted, or nil when it is empty.
func (l ErrorList) err() error {
	if len(l) == 0 {
		return nil
	}
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i].Pos, l[j].Pos
		return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col
	})
	return l
}

package breaking

import (
	"fmt"
	"sort"

	"github.com/go-sysconfig/sysconfig/schema"
)

// Category says what a change breaks.
type Category uint8

// The categories, in the order their counts are summarised.
const (
	// Accessor changes break code written against the generated package:
	// a method, type or constant it used is gone or has another type.
	Accessor Category = iota + 1
	// Data changes break overrides already stored: they may fail to read,
	// read as another value, or no longer pass the field's rules.
	Data
	// Warning changes break nothing, but change what running code sees as
	// soon as the new schema is deployed.
	Warning
)

var categoryNames = [...]string{Accessor: "ACCESSOR", Data: "DATA", Warning: "WARNING"}

// String returns the category as printed: "ACCESSOR", "DATA" or "WARNING".
func (c Category) String() string {
	if int(c) < len(categoryNames) && categoryNames[c] != "" {
		return categoryNames[c]
	}
	return fmt.Sprintf("Category(%d)", uint8(c))
}

// Change is one difference between two schemas that breaks something or
// deserves a warning.
type Change struct {
	Category Category
	// Rule is the short, stable name of the check that found the change,
	// such as "FIELD_REMOVED"; the package documentation lists them.
	Rule string
	// Pos is the changed declaration in the new schema or, when it was
	// removed, in the old one. The app name has no position of its own:
	// APP_RENAMED carries only the new schema's file name.
	Pos schema.Pos
	// Message says what changed, what it breaks and how to avoid it.
	Message string
}

// String formats the change as "file:line:col: CATEGORY RULE: message",
// leaving out the line and column when they are unknown.
func (c Change) String() string {
	return fmt.Sprintf("%s: %s %s: %s", where(c.Pos), c.Category, c.Rule, c.Message)
}

// where is Pos.String leaving out the parts that are unknown, as schema
// errors do.
func where(p schema.Pos) string {
	switch {
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return p.String()
}

// Counts is the number of changes in each category.
type Counts struct {
	Accessor, Data, Warning int
}

// Count counts changes by category.
func Count(changes []Change) Counts {
	var n Counts
	for _, c := range changes {
		switch c.Category {
		case Accessor:
			n.Accessor++
		case Data:
			n.Data++
		case Warning:
			n.Warning++
		}
	}
	return n
}

// String formats the counts as a summary line:
// "2 accessor-breaking, 1 data-breaking, 1 warning".
func (n Counts) String() string {
	s := "s"
	if n.Warning == 1 {
		s = ""
	}
	return fmt.Sprintf("%d accessor-breaking, %d data-breaking, %d warning%s", n.Accessor, n.Data, n.Warning, s)
}

// sortChanges orders changes by position: those in newFile first, then
// the others (removed declarations, positioned in the old file), each by
// line and column, then by category and rule.
func sortChanges(changes []Change, newFile string) {
	sort.SliceStable(changes, func(i, j int) bool {
		a, b := changes[i], changes[j]
		if ai, bi := a.Pos.File != newFile, b.Pos.File != newFile; ai != bi {
			return bi
		}
		return a.less(b)
	})
}

// less orders changes by file, line, column, category and rule.
func (c Change) less(d Change) bool {
	switch {
	case c.Pos.File != d.Pos.File:
		return c.Pos.File < d.Pos.File
	case c.Pos.Line != d.Pos.Line:
		return c.Pos.Line < d.Pos.Line
	case c.Pos.Col != d.Pos.Col:
		return c.Pos.Col < d.Pos.Col
	case c.Category != d.Category:
		return c.Category < d.Category
	}
	return c.Rule < d.Rule
}

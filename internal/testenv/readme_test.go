package testenv

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"
)

// readmeMarker precedes, in the README, the block that shows
// OpenThroughPgBouncer.
const readmeMarker = "<!-- TestREADMEShowsOpenThroughPgBouncer: this block is internal/testenv's OpenThroughPgBouncer -->\n```go\n"

// TestREADMEShowsOpenThroughPgBouncer checks that the README's "Behind
// PgBouncer" section shows OpenThroughPgBouncer as it is written, so that
// the connection settings it documents are the ones the tests use.
func TestREADMEShowsOpenThroughPgBouncer(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(readme), readmeMarker)
	if !ok {
		t.Fatal("the README has no block marked for this test")
	}
	block, _, _ = strings.Cut(block, "```\n")
	if want := funcSource(t, "pgbouncer.go", "OpenThroughPgBouncer"); block != want {
		t.Errorf("the README's block:\n%s\nwant OpenThroughPgBouncer as written in pgbouncer.go:\n%s", block, want)
	}
}

// funcSource returns the text of the function name in file, from its
// func keyword to its closing brace and a newline, without its doc comment.
func funcSource(t *testing.T, file, name string) string {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, src, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Name.Name == name {
			return string(src[fset.Position(fn.Pos()).Offset:fset.Position(fn.End()).Offset]) + "\n"
		}
	}
	t.Fatalf("%s has no function %s", file, name)
	return ""
}

package schema

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// syntaxCases is the table of broken files: each is
// testdata/schema/errors/<dir>/schema.yaml (whose expected.txt holds the
// exact message, see TestErrorCases), with the position the error must be
// reported at, "line:col" or just "line" when the column cannot be known,
// and a part of its hint.
var syntaxCases = []struct{ dir, pos, hint string }{
	{"yaml_bad_indentation", "7:8", `indented 7 spaces, which lines up with no line above it: indent it 8 spaces to line up with "type" (line 6), or 6`},
	{"yaml_over_indented", "7:11", `indented more than "type" on line 6, so it reads as more of that value: indent it 8 spaces`},
	{"yaml_tab_indentation", "7:1", "a tab is used for indentation: indent with spaces"},
	{"yaml_unclosed_quote", "7:16", `the quote opened here is never closed: end the value with "`},
	{"yaml_duplicate_anchor", "10:18", "anchor &modes is already defined at line 7, column 18; rename one of them"},
	{"yaml_unclosed_flow_sequence", "7:18", "the list opened here is not closed: end it with ]"},
	{"yaml_unclosed_flow_mapping", "5:14", "the mapping opened here is not closed: end it with }"},
	{"yaml_bad_escape", "8:22", `write \\ for a backslash, or use single quotes`},
	{"yaml_colon_in_value", "7:44", `a value holding ": " must be quoted, as in description: "Shown in the tab. Note: keep it short."`},
	{"yaml_unknown_anchor", "7:18", "&modes is defined later, on line 10, and an anchor must come before its aliases"},
	{"yaml_list_item_among_keys", "7:9", "a list item cannot stand among the keys of a mapping"},
	{"yaml_text_after_quote", "7:23", "text follows the closing quote: put the whole value inside the quotes"},
	{"yaml_no_column", "7", "did not find expected node content"},
}

// TestSyntaxErrorTable checks where each broken file's error is reported
// and that it says how to fix it. Every file has exactly one error: a YAML
// syntax error stops the parse.
func TestSyntaxErrorTable(t *testing.T) {
	for _, tc := range syntaxCases {
		t.Run(tc.dir, func(t *testing.T) {
			rel := filepath.ToSlash(filepath.Join(errorCasesDir, tc.dir, "schema.yaml"))
			data, err := os.ReadFile(filepath.Join(repoRoot, rel))
			if err != nil {
				t.Fatal(err)
			}
			_, err = Parse(rel, data)
			var list ErrorList
			if !errors.As(err, &list) || len(list) != 1 {
				t.Fatalf("Parse = %v; want one error", err)
			}
			if got := strings.TrimPrefix(list[0].Pos.where(), rel+":"); got != tc.pos {
				t.Errorf("reported at %s, want %s", got, tc.pos)
			}
			if !strings.Contains(list[0].Msg, tc.hint) {
				t.Errorf("message %q\nwant it to contain %q", list[0].Msg, tc.hint)
			}
		})
	}
}

// TestSyntaxErrorsInline covers what the files do not: errors yaml.v3
// reports without a line, the first and last lines, Windows line breaks,
// and lines whose text explains nothing (no column).
func TestSyntaxErrorsInline(t *testing.T) {
	tests := []struct{ src, want string }{
		{"app: shop\nsections:\n  site:\n x: 1\n",
			`s.yaml:4:2: YAML syntax error: did not find expected key; this line is indented 1 space, which lines up with no line above it: indent it 2 spaces to line up with "site" (line 3), or 0 to line up with "sections" (line 2)`},
		{"app: shop\r\nsections:\r\n  site:\r\n x: 1\r\n", "s.yaml:4:2: YAML syntax error: did not find expected key; this line is indented 1 space"},
		{"app: shop\nsections: @x\n", "s.yaml:2:11: YAML syntax error: found character that cannot start any token; a value cannot start with @ in YAML: quote it"},
		{"app: shop\nsections: a: b\n", `s.yaml:2:12: YAML syntax error: mapping values are not allowed in this context; a value holding ": " must be quoted, as in sections: "a: b"`},
		{"app: *nope\n", "s.yaml:1:6: YAML syntax error: unknown anchor 'nope' referenced; no value is marked &nope: add &nope to the value that *nope should repeat"},
		{"app: \"shop\nsections: {}\n", `s.yaml:1:6: YAML syntax error: found unexpected end of stream; the quote opened here is never closed: end the value with "`},
		{"app: shop\n  x: y\nsections: {}\n", `s.yaml:2:3: YAML syntax error: mapping values are not allowed in this context; this line is indented more than "app" on line 1`},
		{"app: shop\nsections:\n  - a\n  b: 1\n", `s.yaml:4:3: YAML syntax error: did not find expected '-' indicator; this line is at the indentation of the list items above it but is not one`},
		{"app: shop\nsections:\n  - a\n - b\n", `s.yaml:4:2: YAML syntax error: did not find expected key; this line is indented 1 space, which lines up with no line above it: indent it 2 spaces to line up with the item "- a" (line 3), or 0 to line up with "sections" (line 2)`},
		{"app: shop\nsections: - a\n", `s.yaml:2:11: YAML syntax error: block sequence entries are not allowed in this context; a list cannot start on the line of its key`},
		{"app: 'it''s\n", "s.yaml:1:6: YAML syntax error: found unexpected end of stream; the quote opened here is never closed: end the value with '"},
		{"app: shop\nsections: \"\\x4g\"\n", `s.yaml:2:12: YAML syntax error: did not find expected hexdecimal number; in double quotes a backslash starts an escape`},
		{"app: shop\nsections: \x07\n", "s.yaml:2:11: YAML syntax error: control characters are not allowed; remove the control character U+0007"},
		{"app: shop\nsections: caf\xe9\n", "s.yaml:2:14: YAML syntax error: incomplete UTF-8 octet sequence; the text is not UTF-8 from here"},
		{"app: shop\nsections: &\n", "s.yaml:2: YAML syntax error: did not find expected alphabetic or numeric character"},
		{"", `s.yaml: the file is empty; a schema needs "app" and "sections"`},
		{"# only a comment\n", `s.yaml: the file is empty; a schema needs "app" and "sections"`},
	}
	for _, tt := range tests {
		_, err := Parse("s.yaml", []byte(tt.src))
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("Parse(%q) =\n%v\nwant one error starting with\n%s", tt.src, err, tt.want)
		}
	}
}

// TestSyntaxErrorLineAfterLongFile checks that the binary search places an
// error deep in a long file, past multi-line values that fail when cut.
func TestSyntaxErrorLineAfterLongFile(t *testing.T) {
	var b strings.Builder
	b.WriteString("app: shop\nsections:\n  site:\n    fields:\n")
	for i := range 300 {
		b.WriteString("      f" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + "_" + strconv.Itoa(i) + ":\n")
		b.WriteString("        type: string\n        description: \"two\n          lines\"\n        choices_x: [a,\n          b]\n")
	}
	b.WriteString("      bad:\n        type: string\n       label: x\n")
	_, err := Parse("s.yaml", []byte(b.String()))
	lines := strings.Count(b.String(), "\n")
	want := "s.yaml:" + strconv.Itoa(lines) + ":8: YAML syntax error: did not find expected key; this line is indented 7 spaces"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

// TestScanLine checks the marks scanLine finds, and that quotes and
// comments hide what they hold.
func TestScanLine(t *testing.T) {
	tests := []struct {
		line                          string
		open                          []int
		quote, escape, after, comment int
		colons                        []int
	}{
		{`a: [x, "]", {y: z}`, []int{3}, -1, -1, -1, -1, []int{1, 14}},
		{`a: 'it''s # not a comment' # but this is`, nil, -1, -1, -1, 27, []int{1}},
		{`a: "x\"y`, nil, 3, -1, -1, -1, []int{1}},
		{`a: "\d+" b`, nil, -1, 4, 9, -1, []int{1}},
		{`a: "\x41\u00e9\n"`, nil, -1, -1, -1, -1, []int{1}},
		{`a: it's: "x`, nil, 9, -1, -1, -1, []int{1, 7}},
		{`# "[`, nil, -1, -1, -1, 0, nil},
	}
	for _, tt := range tests {
		r := scanLine(tt.line)
		if !slices.Equal(r.open, tt.open) || r.openQuote != tt.quote || r.badEscape != tt.escape ||
			r.afterQuote != tt.after || r.comment != tt.comment || !slices.Equal(r.colons, tt.colons) {
			t.Errorf("scanLine(%q) = %+v", tt.line, r)
		}
	}
	if got := byteOffset("é: x", 3); got != 3 {
		t.Errorf("byteOffset = %d, want 3", got)
	}
}

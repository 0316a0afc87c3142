package schema

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

// update rewrites the expected files of the golden tests; see TestErrorCases.
var update = flag.Bool("update", false, "rewrite testdata/schema/errors/*/expected.txt")

// repoRoot is the repository root, relative to this package's directory.
const repoRoot = ".."

// errorCasesDir holds the failing schemas, relative to the repository root.
const errorCasesDir = "testdata/schema/errors"

// TestErrorCases checks the errors reported for every case under
// testdata/schema/errors. Each case is a directory holding schema.yaml, which
// must fail to load, and expected.txt, the exact text of the ErrorList
// followed by a newline. The schema is parsed under its path relative to
// the repository root ("testdata/schema/errors/<case>/schema.yaml"), which is
// how the positions in expected.txt are written.
//
// After changing messages or adding a case, rewrite the expected files with
//
//	go test ./schema -run TestErrorCases -update
//
// and review the diff before committing it.
func TestErrorCases(t *testing.T) {
	dirs, err := os.ReadDir(filepath.Join(repoRoot, errorCasesDir))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if d.IsDir() {
			t.Run(d.Name(), func(t *testing.T) { testErrorCase(t, d.Name()) })
		}
	}
}

// testErrorCase parses one case and compares its errors with expected.txt.
func testErrorCase(t *testing.T, name string) {
	rel := filepath.ToSlash(filepath.Join(errorCasesDir, name, "schema.yaml"))
	data, err := os.ReadFile(filepath.Join(repoRoot, rel))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse(rel, data)
	var list ErrorList
	if !errors.As(err, &list) || s != nil {
		t.Fatalf("Parse = %v, %v; want a nil schema and an ErrorList", s, err)
	}
	got := list.Error() + "\n"
	golden := filepath.Join(repoRoot, errorCasesDir, name, "expected.txt")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("errors differ from %s (run with -update to accept)\ngot:\n%s\nwant:\n%s", golden, got, want)
	}
}

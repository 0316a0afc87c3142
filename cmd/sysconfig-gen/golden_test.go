package main

// Golden tests. Each directory testdata/gen/<case> (at the repository root)
// holds a schema.yaml and, in want/, the files sysconfig-gen generates from
// it (package want). The test runs the generator with -check against want/,
// so any difference fails with a unified diff. The want directories are
// real packages of this module: TestGoldenCompile vets them and runs their
// initialisation.
//
// Each directory testdata/gen/errors/<case> holds a schema.yaml with
// mistakes and stderr.txt, the exact output expected from the generator,
// which must also exit 1 and write nothing.
//
// After a deliberate change to the generator, rewrite the expected files
// with
//
//	go test ./cmd/sysconfig-gen -run Golden -update
//
// and review the changes with git diff before committing them.

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-sysconfig/sysconfig/schema"
)

var update = flag.Bool("update", false, "rewrite the expected output of the golden tests")

// goldenRoot holds the golden cases, relative to this package.
const goldenRoot = "../../testdata/gen"

// goldenCases returns the success cases: the directories of goldenRoot
// other than errors.
func goldenCases(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(goldenRoot)
	if err != nil {
		t.Fatal(err)
	}
	var cases []string
	for _, e := range entries {
		if e.IsDir() && e.Name() != "errors" {
			cases = append(cases, e.Name())
		}
	}
	if len(cases) == 0 {
		t.Fatal("no golden cases found")
	}
	return cases
}

func TestGolden(t *testing.T) {
	for _, name := range goldenCases(t) {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(goldenRoot, name)
			args := []string{"-schema", filepath.Join(dir, "schema.yaml"), "-out", filepath.Join(dir, "want")}
			if !*update {
				args = append(args, "-check")
			}
			code, stdout, stderr := runGen(args...)
			if code != 0 {
				t.Errorf("exit code %d; stderr:\n%s\ndiff (want → got):\n%s", code, stderr, stdout)
			}
		})
	}
}

// TestGoldenCompile type-checks every want directory with go vet, then runs
// a program importing them all: the expected output must be valid Go
// against the current runtime, and its package initialisation (which builds
// the validators and the schema) must not panic.
func TestGoldenCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go vet and go run")
	}
	var pkgs []generatedPackage
	for _, name := range goldenCases(t) {
		pkgs = append(pkgs, generatedPackage{
			importPath: "github.com/go-sysconfig/sysconfig/testdata/gen/" + name + "/want",
			schemaFile: filepath.Join(goldenRoot, name, "schema.yaml"),
		})
	}
	checkPackages(t, pkgs)
}

// generatedPackage is a package generated from a schema file.
type generatedPackage struct {
	importPath, schemaFile string
}

// checkPackages vets the packages, then runs a program that imports them
// and prints the number of fields of each Schema, which must match the
// schema files.
func checkPackages(t *testing.T, pkgs []generatedPackage) {
	t.Helper()
	args := []string{"vet"}
	var want strings.Builder
	for _, p := range pkgs {
		args = append(args, p.importPath)
		s, err := schema.Load(p.schemaFile)
		if err != nil {
			t.Fatalf("%s: %v", p.schemaFile, err)
		}
		fmt.Fprintln(&want, p.importPath, len(s.Fields()))
	}
	goTool(t, args...)
	if out := goTool(t, "run", initProgram(t, pkgs)); out != want.String() {
		t.Errorf("fields per package:\n%s\nwant:\n%s", out, want.String())
	}
}

// initProgram writes, in a temporary directory of this package that the
// go tool's ./... patterns ignore, a program printing the number of fields
// of each package's Schema, and returns its directory.
func initProgram(t *testing.T, pkgs []generatedPackage) string {
	t.Helper()
	dir, err := os.MkdirTemp(".", "_initcheck")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	var imports, prints strings.Builder
	for i, p := range pkgs {
		fmt.Fprintf(&imports, "\tp%d %q\n", i, p.importPath)
		fmt.Fprintf(&prints, "\tfmt.Println(%q, len(p%d.Schema.Fields()))\n", p.importPath, i)
	}
	src := "package main\n\nimport (\n\t\"fmt\"\n\n" + imports.String() + ")\n\nfunc main() {\n" + prints.String() + "}\n"
	mustWrite(t, filepath.Join(dir, "main.go"), src)
	return "./" + filepath.Base(dir)
}

// goTool runs the go command and returns its standard output.
func goTool(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr.Bytes())
	}
	return string(out)
}

func TestGoldenErrors(t *testing.T) {
	for _, dir := range caseDirs(t, filepath.Join(goldenRoot, "errors")) {
		t.Run(filepath.Base(dir), func(t *testing.T) { checkErrorCase(t, dir) })
	}
}

// caseDirs returns the absolute paths of the subdirectories of root, one
// golden case each, and fails if there is none.
func caseDirs(t *testing.T, root string) []string {
	t.Helper()
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, mustAbs(t, filepath.Join(root, e.Name())))
		}
	}
	if len(dirs) == 0 {
		t.Fatalf("no golden cases in %s", root)
	}
	return dirs
}

// compareGolden compares got with the file want, or rewrites the file
// under -update.
func compareGolden(t *testing.T, want, got string) {
	t.Helper()
	if *update {
		mustWrite(t, want, got)
		return
	}
	b, err := os.ReadFile(want)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(b) {
		t.Errorf("output differs from %s (rerun with -update to accept it):\ngot:\n%s\nwant:\n%s", want, got, b)
	}
}

func mustAbs(t *testing.T, path string) string {
	t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// checkErrorCase runs the generator inside dir, so that positions read
// "schema.yaml:line:col", and compares its stderr with stderr.txt.
func checkErrorCase(t *testing.T, dir string) {
	out := filepath.Join(t.TempDir(), "out")
	t.Chdir(dir)
	code, stdout, stderr := runGen("-schema", "schema.yaml", "-out", out)
	if code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	if stdout != "" {
		t.Errorf("stdout: %q, want nothing", stdout)
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("the output directory was created")
	}
	compareGolden(t, "stderr.txt", stderr)
}

// runGen runs the command and returns its exit code and output.
func runGen(args ...string) (code int, stdout, stderr string) {
	var out, errs bytes.Buffer
	code = run(args, &out, &errs)
	return code, out.String(), errs.String()
}

// mustWrite writes content to path or fails the test.
func mustWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

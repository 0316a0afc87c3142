package emit

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkCompileGenerated10000 measures compiling the package generated
// for a 10,000-field schema (100 sections of 100 fields), its dependencies
// already built. It reports the package's size in bytes of Go and lines per
// field. The package is written under a dot-directory of this one, which
// ./... patterns skip, and every run changes one constant so that the go
// command's cache cannot answer.
func BenchmarkCompileGenerated10000(b *testing.B) {
	s := largeSchema(100, 100)
	files, err := Generate(s, Options{Package: "large", Source: "large.yaml"})
	if err != nil {
		b.Fatal(err)
	}
	dir, err := os.MkdirTemp(".", ".compilebench-")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(dir) })
	size, lines := 0, 0
	for name, src := range files {
		size += len(src)
		lines += strings.Count(string(src), "\n")
		if err := os.WriteFile(filepath.Join(dir, name), src, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	// The dependencies are built outside the timing.
	if out, err := exec.Command("go", "build", "github.com/go-sysconfig/sysconfig/runtime").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		build(b, dir, i)
	}
	b.ReportMetric(float64(size), "bytes-of-Go")
	b.ReportMetric(float64(lines)/10000, "lines/field")
}

// build compiles the package in dir after writing a nonce into it.
func build(b *testing.B, dir string, nonce int) {
	nonceFile := fmt.Sprintf("package large\n\nconst nonce = %d\n", nonce)
	if err := os.WriteFile(filepath.Join(dir, "nonce.go"), []byte(nonceFile), 0o644); err != nil {
		b.Fatal(err)
	}
	out, err := exec.Command("go", "build", "-o", os.DevNull, "./"+dir).CombinedOutput()
	if err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
}

package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// goToolModule is the path of this module, which the throwaway module of
// TestGoTool depends on.
const goToolModule = "github.com/go-sysconfig/sysconfig"

// goToolSchema is the schema the throwaway module generates from: a small
// golden schema whose site.title defaults to "My Shop".
const goToolSchema = "../../testdata/gen/multi_section/schema.yaml"

// goToolMain is the throwaway module's main.go: it generates its config
// package with the generator declared as a tool, sets a field over the
// in-memory backends and prints it before and after.
const goToolMain = `package main

import (
	"context"
	"fmt"
	"log"

	"example.com/gotooldemo/config"
	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/memory"
)

//go:generate go tool sysconfig-gen -schema sysconfig.yaml -out config -package config

func main() {
	ctx := context.Background()
	client, err := runtime.NewClient(config.Schema, memory.NewStore(), runtime.Options{Cache: memory.NewCache()})
	if err != nil {
		log.Fatal(err)
	}
	if err := client.Start(ctx); err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	cfg := config.New(client)
	before, err := cfg.Site.Title(ctx)
	if err != nil {
		log.Fatal(err)
	}
	if err := cfg.Site.SetTitle(ctx, "Built with go tool"); err != nil {
		log.Fatal(err)
	}
	after, err := cfg.Site.Title(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("site.title: %q -> %q\n", before, after)
}
`

// goToolWant is what the throwaway module prints.
const goToolWant = `site.title: "My Shop" -> "Built with go tool"` + "\n"

// TestGoTool proves that sysconfig-gen works as a Go 1.24 tool dependency,
// the way a new user adopts it, in a module outside this repository that
// replaces this module with the working tree. It writes what
// "go get -tool github.com/go-sysconfig/sysconfig/cmd/sysconfig-gen" would
// write to go.mod (the requirement and the "tool" line) with go mod edit,
// because go get would ask the module proxy about the version; then it
// builds the tool, runs go generate on a main.go holding a
// "//go:generate go tool sysconfig-gen" line, builds the module and runs it.
//
// The module starts from this repository's go.sum and every command runs
// with -mod=mod, which records the requirements the tool and the generated
// code add. So it needs no network once the module cache holds this
// repository's dependencies. (go mod tidy would need the test dependencies
// of those requirements too, which the cache may not hold.)
func TestGoTool(t *testing.T) {
	root := goToolRepoRoot(t)
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()

	goToolCopy(t, filepath.Join(root, "go.sum"), filepath.Join(dir, "go.sum"))
	goToolCopy(t, goToolSchema, filepath.Join(dir, "sysconfig.yaml"))
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(goToolMain), 0o644); err != nil {
		t.Fatal(err)
	}
	goToolRun(ctx, t, dir, "mod", "init", "example.com/gotooldemo")
	goToolRun(ctx, t, dir, "mod", "edit", "-require="+goToolModule+"@v0.0.0",
		"-replace="+goToolModule+"="+root, "-tool="+goToolModule+"/cmd/sysconfig-gen")
	goToolRun(ctx, t, dir, "build", "tool")
	goToolRun(ctx, t, dir, "generate", "./...")
	if _, err := os.Stat(filepath.Join(dir, "config", "sysconfig.go")); err != nil {
		t.Fatalf("go generate wrote no config package: %v", err)
	}
	goToolRun(ctx, t, dir, "build", "./...")
	if got := goToolRun(ctx, t, dir, "run", "."); got != goToolWant {
		t.Errorf("go run . printed %q, want %q", got, goToolWant)
	}
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(gomod), "\ntool "+goToolModule+"/cmd/sysconfig-gen\n") {
		t.Errorf("go.mod does not declare the tool:\n%s", gomod)
	}
}

// goToolRepoRoot returns the absolute path of the repository root, two
// levels above this package, checking that it holds this module.
func goToolRepoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(gomod), "module "+goToolModule+"\n") {
		t.Fatalf("%s is not the root of %s", root, goToolModule)
	}
	return root
}

// goToolCopy copies the file src to dst.
func goToolCopy(t *testing.T, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// goToolRun runs the go command in dir, outside any workspace and with
// -mod=mod added to the inherited GOFLAGS, and returns its standard output.
// It fails the test with the command's output if the command fails.
func goToolRun(ctx context.Context, t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -mod=mod"))
	cmd.WaitDelay = 10 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go %s (in %s): %v\n%s%s", strings.Join(args, " "), dir, err, stdout.Bytes(), stderr.Bytes())
	}
	return stdout.String()
}

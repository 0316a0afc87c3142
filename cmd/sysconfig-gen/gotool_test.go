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
// TestAdoptionStepsFromTheREADME depends on.
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

// goToolMainTest is the throwaway module's test, written as the README
// shows: configtest's client and a typed override, in three lines.
const goToolMainTest = `package main

import (
	"context"
	"testing"

	"example.com/gotooldemo/config"
	"github.com/go-sysconfig/sysconfig/runtime/configtest"
)

func TestTitle(t *testing.T) {
	client := configtest.New(t, config.Schema)
	configtest.Override(t, client, config.SiteTitleField, "Test shop")
	cfg := config.New(client)

	if got, err := cfg.Site.Title(context.Background()); err != nil || got != "Test shop" {
		t.Fatalf("title = %q, %v", got, err)
	}
}
`

// goToolWant is what the throwaway module prints.
const goToolWant = `site.title: "My Shop" -> "Built with go tool"` + "\n"

// TestAdoptionStepsFromTheREADME adopts sysconfig the way the README's
// "Using it in your app" tells a new user to, in a module outside this
// repository: it runs the README's block of adoption commands as written,
// then go generate, go mod tidy, go build, go test and the program, and
// the generator through go run as well.
//
// This module is not published, so two things differ from a user's
// machine, both outside the README's commands: a replace directive points
// the module path at this working tree, and "@latest", which would ask the
// module proxy for this module's versions, asks for v0.0.0 (which the
// replace serves). The go commands run with GOPROXY=off and GOSUMDB=off:
// every other module comes from the module cache, which the build of this
// repository filled, and a proxy would answer the go get of the generator
// with 403 (it looks up cmd/sysconfig-gen as a module path of its own,
// and this one is not published). Only go mod download, in this
// repository, and go mod tidy go to the module proxy, for the go.mod files
// and the test dependencies of old dependencies that the cache may not
// hold (gopkg.in/yaml.v3's, for one).
func TestAdoptionStepsFromTheREADME(t *testing.T) {
	root := goToolRepoRoot(t)
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()

	goToolCopy(t, goToolSchema, filepath.Join(dir, "sysconfig.yaml"))
	goToolWrite(t, filepath.Join(dir, "main.go"), goToolMain)
	goToolWrite(t, filepath.Join(dir, "main_test.go"), goToolMainTest)
	goToolRun(ctx, t, dir, "mod", "init", "example.com/gotooldemo")
	goToolRun(ctx, t, dir, "mod", "edit", "-replace="+goToolModule+"="+root)
	// The module graph of this repository, go.mod files included, in the
	// cache: a fresh machine's build has fetched only the modules it
	// compiles, not the go.mod of every module they require.
	goToolRunOnline(ctx, t, root, "mod", "download")
	for _, step := range readmeAdoptionSteps(t, filepath.Join(root, "README.md")) {
		args := strings.Fields(strings.Replace(step, "@latest", "@v0.0.0", 1))
		if args[0] != "go" {
			t.Fatalf("README adoption step %q is not a go command", step)
		}
		goToolRun(ctx, t, dir, args[1:]...)
	}
	goToolRun(ctx, t, dir, "generate", "./...")
	goToolRunOnline(ctx, t, dir, "mod", "tidy")
	goToolRun(ctx, t, dir, "build", "./...")
	goToolRun(ctx, t, dir, "test", "./...")
	if got := goToolRun(ctx, t, dir, "run", "."); got != goToolWant {
		t.Errorf("go run . printed %q, want %q", got, goToolWant)
	}
	goToolRun(ctx, t, dir, "run", goToolModule+"/cmd/sysconfig-gen", "check",
		"-schema", "sysconfig.yaml", "-out", "config", "-package", "config")
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(gomod), "\ntool "+goToolModule+"/cmd/sysconfig-gen\n") {
		t.Errorf("go.mod does not declare the tool:\n%s", gomod)
	}
}

// readmeAdoptionSteps returns the commands of the README's block of
// adoption steps: the sh block after the comment that names this test.
func readmeAdoptionSteps(t *testing.T, readme string) []string {
	t.Helper()
	data, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(data), "TestAdoptionStepsFromTheREADME runs this block verbatim -->\n```sh\n")
	block, _, closed := strings.Cut(after, "```")
	if !ok || !closed {
		t.Fatal("README.md has no block of adoption steps marked for this test")
	}
	return strings.Split(strings.TrimSpace(block), "\n")
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

// goToolRunOnline is goToolRun with the module proxy and checksum
// database of the environment.
func goToolRunOnline(ctx context.Context, t *testing.T, dir string, args ...string) string {
	t.Helper()
	return goToolCommand(ctx, t, dir, []string{"GOWORK=off"}, args...)
}

// goToolWrite writes a file of the throwaway module.
func goToolWrite(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
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

// goToolRun runs the go command in dir, outside any workspace, on the
// module cache alone (see TestAdoptionStepsFromTheREADME), and returns its
// standard output. It fails the test with the command's output if the
// command fails.
func goToolRun(ctx context.Context, t *testing.T, dir string, args ...string) string {
	t.Helper()
	return goToolCommand(ctx, t, dir, []string{"GOWORK=off", "GOPROXY=off", "GOSUMDB=off"}, args...)
}

// goToolCommand runs the go command in dir with env added to the
// inherited environment.
func goToolCommand(ctx context.Context, t *testing.T, dir string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.WaitDelay = 10 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go %s (in %s): %v\n%s%s", strings.Join(args, " "), dir, err, stdout.Bytes(), stderr.Bytes())
	}
	return stdout.String()
}

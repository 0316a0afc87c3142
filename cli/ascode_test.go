package cli_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// writeFile writes a config file for a test and returns its path.
func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestExportPlanApply(t *testing.T) {
	o := newOperator(t)
	o.step(0, "", "set", "shop.site.title", "Summer Sale", "--actor", "alice")
	o.step(0, "", "set", "shop.site.theme", "dark", "--actor", "alice")
	o.step(0, "s3cret-pass", "set", "shop.email.smtp_password", "-", "--actor", "alice")
	exported := o.step(0, "", "export").stdout
	if strings.Contains(exported, "s3cret-pass") {
		t.Fatalf("export printed a secret:\n%s", exported)
	}

	const desired = "testdata/desired.yaml"
	data, err := os.ReadFile(desired)
	if err != nil {
		t.Fatal(err)
	}
	o.transcript.WriteString("$ cat " + desired + "\n" + string(data) + "\n")
	o.step(2, "", "plan", desired)
	o.step(2, "", "plan", desired, "--prune", "-o", "json")
	o.step(1, "no\n", "apply", desired, "--prune")
	o.step(0, "", "apply", desired, "--prune", "--yes", "--reason", "autumn catalogue", "--actor", "alice")
	o.step(0, "", "plan", desired, "--prune")
	o.step(0, "", "list", "--changed")
	o.golden("ascode")

	cs := o.changes(runtime.ChangeQuery{})[0]
	if cs.Source != runtime.FromApply || cs.Reason != "autumn catalogue" || len(cs.Writes) != 4 {
		t.Errorf("the apply's change set: %+v, want one of 4 writes from apply", cs)
	}
}

func TestApplyIsPinnedToItsPlan(t *testing.T) {
	o := newOperator(t)
	file := writeFile(t, "desired.yaml", "shop:\n  site:\n    title: Autumn\n")
	planFile := filepath.Join(t.TempDir(), "autumn.plan")
	o.step(2, "", "plan", file, "--out", planFile)
	if data, _ := os.ReadFile(planFile); strings.Contains(string(data), "Autumn") {
		t.Errorf("the plan file holds a value:\n%s", data)
	}

	// Another operator writes between plan and apply: the plan is refused.
	o.step(0, "", "set", "shop.site.title", "Meanwhile", "--actor", "bob")
	r := o.step(1, "", "apply", planFile, "--yes")
	if !strings.Contains(r.stderr, "changed since the plan") {
		t.Errorf("apply of a stale plan: %s", r.stderr)
	}
	if got := o.get("shop.site.title"); got != "Meanwhile" {
		t.Errorf("a refused apply wrote: title = %q", got)
	}

	// The config file edited after the plan: refused too.
	o.step(2, "", "plan", file, "--out", planFile)
	if err := os.WriteFile(file, []byte("shop:\n  site:\n    title: Winter\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	o.step(1, "", "apply", planFile, "--yes")

	o.step(2, "", "plan", file, "--out", planFile)
	o.step(0, "", "apply", planFile, "--yes")
	if got := o.get("shop.site.title"); got != "Winter" {
		t.Errorf("after apply, title = %q", got)
	}
}

func TestApplyRefusesABadFileWhole(t *testing.T) {
	o := newOperator(t)
	file := writeFile(t, "bad.yaml", "shop:\n  site:\n    title: lower case\n    page_size: 500\n    colour: red\n  email:\n    smtp_password: null\n")
	r := o.step(1, "", "apply", file, "--yes")
	for _, want := range []string{"bad.yaml:3:12", "bad.yaml:4:16", "bad.yaml:5:5", "bad.yaml:7:20"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("missing %s in:\n%s", want, r.stderr)
		}
	}
	if cs := o.changes(runtime.ChangeQuery{}); len(cs) != 0 {
		t.Errorf("a refused file wrote %d change sets", len(cs))
	}
}

func TestApplyReadsADjangoSysconfigExport(t *testing.T) {
	o := newOperator(t)
	file := writeFile(t, "django.json", `{"version": 1, "config": {"shop": {"site": {"title": "From Django", "page_size": 12}}}}`)
	o.step(0, "", "apply", file, "--yes")
	if got := o.get("shop.site.page_size"); got != "12" {
		t.Errorf("page_size = %q after importing a django-sysconfig export", got)
	}
}

func TestCheckAgainstANewSchema(t *testing.T) {
	o := newOperator(t)
	o.step(0, "", "set", "shop.site.title", "Black Friday", "--actor", "alice")
	o.step(0, "", "set", "shop.site.page_size", "50", "--actor", "alice")
	o.step(0, "", "check")
	o.env["SYSCONFIG_SCHEMA"] = "testdata/shop_tight.yaml"
	o.step(2, "", "check")
	o.step(2, "", "check", "-o", "json")
	o.golden("check")
}

// get returns the text of a field as the CLI prints it with -o json.
func (o *operator) get(path string) string {
	o.t.Helper()
	v, err := o.client("testdata/shop.yaml", runtime.Options{}).Get(context.Background(), path)
	if err != nil {
		o.t.Fatal(err)
	}
	return v.Text()
}

func TestSealedExportAppliesBack(t *testing.T) {
	o := newOperator(t)
	o.step(0, "s3cret-pass", "set", "shop.email.smtp_password", "-", "--actor", "alice")
	exported := o.step(0, "", "export", "--sealed").stdout
	if strings.Contains(exported, "s3cret-pass") || !strings.Contains(exported, "smtp_password: !sealed v1:") {
		t.Fatalf("export --sealed:\n%s", exported)
	}
	file := writeFile(t, "sealed.yaml", exported)
	o.step(0, "", "plan", file) // nothing to change: the same secret
	o.step(0, "other-pass", "set", "shop.email.smtp_password", "-", "--actor", "bob")
	o.step(2, "", "plan", file)
	o.step(0, "", "apply", file, "--yes")
	v, err := o.client("testdata/shop.yaml", runtime.Options{}).Get(context.Background(), "shop.email.smtp_password")
	if err != nil {
		t.Fatal(err)
	}
	if s, ok := v.Value.(interface{ Reveal() string }); !ok || s.Reveal() != "s3cret-pass" {
		t.Error("applying the sealed export did not put the secret back")
	}
	o.step(64, "", "export", "--sealed", "--reveal")
	delete(o.env, "SYSCONFIG_KEYS")
	if r := o.step(1, "", "plan", file); !strings.Contains(r.stderr, "needs the keyring") {
		t.Errorf("plan of a sealed file without the keyring: %s", r.stderr)
	}
}

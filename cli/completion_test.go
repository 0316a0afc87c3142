package cli_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestBashCompletion loads the script "completion bash" prints into bash and
// completes commands, flags (from the flag sets that parse them) and field
// paths (from the schema file of SYSCONFIG_SCHEMA or of the line's --schema).
func TestBashCompletion(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatalf("bash is needed to test the completion script: %v", err)
	}
	cases := []struct{ line, want string }{
		{"sysconfig hi", "history"},
		{"sysconfig help ex", "export"},
		{"sysconfig get --rev", "--reveal"},
		{"sysconfig history --be", "--before"},
		{"sysconfig get shop.site.ti", "shop.site.title"},
		{"sysconfig set --schema testdata/shop_tight.yaml shop.email.smtp_p", "shop.email.smtp_password"},
		{"sysconfig export shop.", ""}, // export takes no path
	}
	for _, c := range cases {
		script := `source <("$BINARY" completion bash)
COMP_WORDS=($LINE); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMP_WORDS[0]=$BINARY
_sysconfig
echo "${COMPREPLY[*]}"`
		cmd := exec.Command(bash, "-c", script)
		cmd.Env = []string{"BINARY=" + binary, "LINE=" + c.line, "SYSCONFIG_SCHEMA=testdata/shop.yaml", "PATH=/usr/bin:/bin"}
		out, err := cmd.CombinedOutput()
		if got := strings.TrimSpace(string(out)); err != nil || got != c.want {
			t.Errorf("completing %q: %q (%v), want %q", c.line, got, err, c.want)
		}
	}
}

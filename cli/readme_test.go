package cli_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestREADMEQuotesTheTranscripts checks that every console block of the
// README's CLI section is a passage of a golden transcript, so that the
// README shows what the CLI prints today.
func TestREADMEQuotesTheTranscripts(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(readme), "## The `sysconfig` CLI")
	section, _, _ = strings.Cut(section, "\n## ")
	goldens, err := filepath.Glob("testdata/golden/*.txt")
	if err != nil || len(goldens) == 0 {
		t.Fatalf("no golden transcripts (%v)", err)
	}
	var all strings.Builder
	for _, g := range goldens {
		b, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(b)
	}
	blocks := regexp.MustCompile("(?s)```console\n(.*?)```").FindAllStringSubmatch(section, -1)
	if len(blocks) < 8 {
		t.Fatalf("the README's CLI section shows %d console blocks, want one per command at least", len(blocks))
	}
	for _, b := range blocks {
		for _, step := range strings.Split(b[1], "\n\n") {
			if !strings.Contains(all.String(), step) {
				t.Errorf("the README shows output no transcript has:\n%s", step)
			}
		}
	}
}

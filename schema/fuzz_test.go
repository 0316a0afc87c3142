package schema

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse feeds the loader arbitrary files: it must never panic, and
// every error it reports must carry a position. The seeds are the example
// schema and every golden case. Run longer with
//
//	go test -run '^$' -fuzz '^FuzzParse$' -fuzztime 10m ./schema/
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join(repoRoot, "testdata", "schema", "*", "*", "schema.yaml"))
	seeds = append(seeds, filepath.Join(repoRoot, "schema.example.yaml"))
	for _, path := range seeds {
		if data, err := os.ReadFile(path); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("fuzz.yaml", data)
		if err == nil {
			if s == nil || s.App == "" {
				t.Fatalf("Parse accepted a schema without an app: %+v", s)
			}
			return
		}
		for _, line := range strings.Split(strings.TrimSpace(err.Error()), "\n") {
			if !strings.HasPrefix(line, "fuzz.yaml:") {
				t.Fatalf("an error without a position: %q", line)
			}
		}
	})
}

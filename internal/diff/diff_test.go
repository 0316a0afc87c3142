package diff

import (
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestScriptIsShortest checks on random texts that the edit script turns a
// into b and has as few edits as the longest common subsequence allows.
func TestScriptIsShortest(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for n := 0; n < 3000; n++ {
		a, b := randomLines(rng), randomLines(rng)
		ops := script(a, b)
		if got := apply(t, ops, a, b); strings.Join(got, "") != strings.Join(b, "") {
			t.Fatalf("script(%q, %q) yields %q", a, b, got)
		}
		if edits, want := countEdits(ops), len(a)+len(b)-2*lcs(a, b); edits != want {
			t.Fatalf("script(%q, %q) has %d edits, want %d", a, b, edits, want)
		}
	}
}

// randomLines returns up to 12 lines drawn from a small alphabet, so that
// texts share many lines.
func randomLines(rng *rand.Rand) []string {
	lines := make([]string, rng.Intn(13))
	for i := range lines {
		lines[i] = string(rune('a'+rng.Intn(4))) + "\n"
	}
	return lines
}

// apply runs the script over a and returns the lines it produces, checking
// that kept lines are equal.
func apply(t *testing.T, ops []op, a, b []string) []string {
	var out []string
	for _, o := range ops {
		switch o.kind {
		case keep:
			if a[o.i] != b[o.j] {
				t.Fatalf("kept line %d of a (%q) differs from line %d of b (%q)", o.i, a[o.i], o.j, b[o.j])
			}
			out = append(out, a[o.i])
		case ins:
			out = append(out, b[o.j])
		}
	}
	return out
}

func countEdits(ops []op) int {
	n := 0
	for _, o := range ops {
		if o.kind != keep {
			n++
		}
	}
	return n
}

// lcs is the length of the longest common subsequence, by dynamic
// programming.
func lcs(a, b []string) int {
	prev, cur := make([]int, len(b)+1), make([]int, len(b)+1)
	for i := range a {
		for j := range b {
			switch {
			case a[i] == b[j]:
				cur[j+1] = prev[j] + 1
			default:
				cur[j+1] = max(prev[j+1], cur[j])
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func TestUnifiedEqual(t *testing.T) {
	if got := Unified("a", "b", []byte("x\n"), []byte("x\n")); got != "" {
		t.Errorf("equal texts: got %q, want no diff", got)
	}
}

func TestUnified(t *testing.T) {
	old := "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n"
	new := "1\n2\n3\nfour\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n16\nseventeen"
	want := `--- old
+++ new
@@ -1,7 +1,7 @@
 1
 2
 3
-4
+four
 5
 6
 7
@@ -12,5 +12,5 @@
 12
 13
 14
-15
 16
+seventeen
\ No newline at end of file
`
	if got := Unified("old", "new", []byte(old), []byte(new)); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestUnifiedAddedAndRemovedFiles(t *testing.T) {
	got := Unified("/dev/null", "b.go", nil, []byte("x\ny\n"))
	if want := "--- /dev/null\n+++ b.go\n@@ -0,0 +1,2 @@\n+x\n+y\n"; got != want {
		t.Errorf("added file: got %q, want %q", got, want)
	}
	got = Unified("a.go", "/dev/null", []byte("x\n"), nil)
	if want := "--- a.go\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n"; got != want {
		t.Errorf("removed file: got %q, want %q", got, want)
	}
}

// TestUnifiedPatchApplies feeds random diffs to patch(1), when installed,
// and checks that they turn the old text into the new one.
func TestUnifiedPatchApplies(t *testing.T) {
	if _, err := exec.LookPath("patch"); err != nil {
		t.Skip("patch(1) is not installed")
	}
	rng := rand.New(rand.NewSource(2))
	dir := t.TempDir()
	for n := 0; n < 50; n++ {
		a, b := strings.Join(randomLines(rng), ""), strings.Join(randomLines(rng), "")
		checkPatch(t, dir, a, b)
	}
}

func checkPatch(t *testing.T, dir, a, b string) {
	file := filepath.Join(dir, "f.txt")
	if err := os.WriteFile(file, []byte(a), 0o644); err != nil {
		t.Fatal(err)
	}
	d := Unified("f.txt", "f.txt", []byte(a), []byte(b))
	if d == "" {
		return
	}
	cmd := exec.Command("patch", "-s", "-u", file)
	cmd.Stdin = strings.NewReader(d)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("patch failed: %v\n%s\ndiff:\n%s", err, out, d)
	}
	if got, _ := os.ReadFile(file); string(got) != b {
		t.Fatalf("patched %q into %q, want %q\ndiff:\n%s", a, got, b, d)
	}
}

// BenchmarkUnifiedDisjoint diffs two 5,000-line texts with no line in
// common, the worst case of the algorithm.
func BenchmarkUnifiedDisjoint(b *testing.B) {
	var x, y strings.Builder
	for i := 0; i < 5000; i++ {
		x.WriteString("a" + strings.Repeat("x", i%7) + "\n")
		y.WriteString("b" + strings.Repeat("y", i%5) + "\n")
	}
	for b.Loop() {
		Unified("x", "y", []byte(x.String()), []byte(y.String()))
	}
}

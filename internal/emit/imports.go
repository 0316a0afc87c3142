package emit

import (
	"bytes"
	"strings"
)

// groupImports separates the standard library imports of a rendered file
// from the others with a blank line, as goimports does; jennifer sorts
// imports but does not group them. Jennifer writes one import per line
// between "import (" and ")", which is all this relies on.
func groupImports(src []byte) []byte {
	start := bytes.Index(src, []byte("\nimport (\n"))
	if start < 0 {
		return src
	}
	start += len("\nimport (\n")
	end := start + bytes.Index(src[start:], []byte("\n)"))
	var std, other []string
	for _, line := range strings.Split(string(src[start:end]), "\n") {
		if isStdImport(line) {
			std = append(std, line)
		} else {
			other = append(other, line)
		}
	}
	block := strings.Join(std, "\n")
	if len(std) > 0 && len(other) > 0 {
		block += "\n\n"
	}
	block += strings.Join(other, "\n")
	return append(append(append([]byte{}, src[:start]...), block...), src[end:]...)
}

// isStdImport reports whether an import line names a standard library
// package: one whose path has no dot in its first element.
func isStdImport(line string) bool {
	path := line[strings.Index(line, `"`)+1:]
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

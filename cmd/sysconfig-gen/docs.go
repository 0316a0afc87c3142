package main

import (
	"fmt"
	"io"
)

// runDocs is the docs command. (Being written.)
func runDocs(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "sysconfig-gen: docs is not implemented yet")
	return exitUsage
}

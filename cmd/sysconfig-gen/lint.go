package main

import (
	"fmt"
	"io"
)

// runLint is the lint command. (Being written.)
func runLint(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "sysconfig-gen: lint is not implemented yet")
	return exitUsage
}

package main

import (
	"fmt"
	"io"
)

// runBreaking is the breaking command. (Being written.)
func runBreaking(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "sysconfig-gen: breaking is not implemented yet")
	return exitUsage
}

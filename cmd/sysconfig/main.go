// Command sysconfig is the operator CLI of sysconfig: it reads, changes,
// audits and reverts an app's runtime configuration, working from the
// app's schema file. See package github.com/go-sysconfig/sysconfig/cli,
// which it runs, and the README's section "The sysconfig CLI".
package main

import (
	"os"

	"github.com/go-sysconfig/sysconfig/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:], cli.Options{})) }

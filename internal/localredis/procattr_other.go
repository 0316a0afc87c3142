//go:build !linux

package localredis

import "syscall"

// sysProcAttr returns no attributes: outside Linux there is no parent-death
// signal, and only Close stops the servers.
func sysProcAttr() *syscall.SysProcAttr { return nil }

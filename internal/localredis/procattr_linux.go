package localredis

import "syscall"

// sysProcAttr makes the kernel SIGKILL the server when the thread that
// started it exits. Go keeps its threads for the life of the process (it
// ends one only when a goroutine locked to it exits, which this package
// never does), so in effect the server dies with the test binary or the
// bench program, even when that is killed itself.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

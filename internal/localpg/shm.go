//go:build linux

package localpg

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"unsafe"
)

// shmctl commands (sys/ipc.h).
const (
	ipcRMID = 0
	ipcSTAT = 2
)

// removeSharedMemory removes the System V shared memory segment named in
// dataDir's postmaster.pid, if a killed postmaster left one. (PostgreSQL
// removes it when it shuts down, or when the next postmaster starts on the
// directory; after a kill, with no next postmaster, nothing would.) The
// segment's key must still match, so that a segment created since with the
// same id is left alone.
func removeSharedMemory(dataDir string) {
	b, err := os.ReadFile(filepath.Join(dataDir, "postmaster.pid"))
	if err != nil {
		return
	}
	lines := strings.Split(string(b), "\n")
	var key uint32
	var id int
	if len(lines) < 7 {
		return
	}
	if n, _ := fmt.Sscan(lines[6], &key, &id); n != 2 {
		return
	}
	if k, ok := segmentKey(id); ok && k == key {
		_, _, _ = syscall.Syscall(syscall.SYS_SHMCTL, uintptr(id), ipcRMID, 0)
	}
}

// segmentKey returns the key of the segment id, if it exists.
func segmentKey(id int) (uint32, bool) {
	var ds [256]byte // struct shmid_ds, which begins with the key
	_, _, errno := syscall.Syscall(syscall.SYS_SHMCTL, uintptr(id), ipcSTAT, uintptr(unsafe.Pointer(&ds[0])))
	if errno != 0 {
		return 0, false
	}
	return binary.NativeEndian.Uint32(ds[:4]), true
}

//go:build unix

package keyring_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/go-sysconfig/sysconfig/runtime/keyring"
)

func TestFromFilePermissions(t *testing.T) {
	for _, perm := range []os.FileMode{0o640, 0o604, 0o644, 0o620, 0o602, 0o610, 0o601, 0o666, 0o777} {
		t.Run(fmt.Sprintf("%04o", perm), func(t *testing.T) {
			name := writeKeys(t, line("file", "file"), perm)
			kr, err := keyring.FromFile(name)
			wantError(t, kr, err, name, fmt.Sprintf("has mode %04o", perm), "group or others", "chmod 600 "+name)
		})
	}
	for _, perm := range []os.FileMode{0o600, 0o400, 0o700} {
		t.Run(fmt.Sprintf("%04o", perm), func(t *testing.T) {
			kr, err := keyring.FromFile(writeKeys(t, line("file", "file"), perm))
			if err != nil || kr.Primary() != "file" {
				t.Fatalf("FromFile = %v, %v", kr, err)
			}
		})
	}
}

func TestFromFileSymlinkChecksTarget(t *testing.T) {
	target := writeKeys(t, line("file", "file"), 0o644)
	link := target + ".link"
	if err := os.Symlink(target, link); err != nil {
		t.Skip("symlinks not supported:", err)
	}
	kr, err := keyring.FromFile(link)
	wantError(t, kr, err, "has mode 0644")
}

//go:build unix

package keyring

import (
	"fmt"
	"io/fs"
)

// checkPerm refuses a key file that group or others may access.
func checkPerm(path string, mode fs.FileMode) error {
	if mode.Perm()&0o077 == 0 {
		return nil
	}
	return fmt.Errorf("keyring: key file %s has mode %04o, so group or others may access it; "+
		"refusing to read keys from it: run chmod 600 %s (on Kubernetes, set the secret volume's defaultMode to 0400)",
		path, mode.Perm(), path)
}

//go:build linux

package localpg

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

// debianRoot holds Debian's PostgreSQL installations, one directory per
// major version.
const debianRoot = "/usr/lib/postgresql"

// ErrNotInstalled is returned (wrapped) by [Start] when the PostgreSQL server
// binaries are missing.
var ErrNotInstalled = errors.New("PostgreSQL server binaries not found")

// installHint tells how to get the binaries.
const installHint = `install them with "apt-get install postgresql"`

// binDir returns dir if it holds initdb and postgres, or, when dir is empty,
// the bin directory of the highest major version under debianRoot.
func binDir(dir string) (string, error) {
	if dir != "" {
		if !hasServer(dir) {
			return "", fmt.Errorf("%w: no initdb and postgres in %s; %s", ErrNotInstalled, dir, installHint)
		}
		return dir, nil
	}
	best := -1
	entries, _ := os.ReadDir(debianRoot)
	for _, e := range entries {
		major, err := strconv.Atoi(e.Name())
		if err == nil && major > best && hasServer(filepath.Join(debianRoot, e.Name(), "bin")) {
			best = major
		}
	}
	if best < 0 {
		return "", fmt.Errorf("%w under %s/<major>/bin; %s", ErrNotInstalled, debianRoot, installHint)
	}
	return filepath.Join(debianRoot, strconv.Itoa(best), "bin"), nil
}

// hasServer reports whether dir holds initdb and postgres.
func hasServer(dir string) bool {
	for _, name := range []string{"initdb", "postgres"} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.IsDir() {
			return false
		}
	}
	return true
}

// owner is the OS user the server's processes run as, and who owns its
// files.
type owner struct {
	uid, gid int
	cred     *syscall.Credential // nil: this process's own user
}

// serverOwner returns the current user, or, under root (which initdb and
// postgres refuse), the user "postgres".
func serverOwner() (owner, error) {
	if os.Geteuid() != 0 {
		return owner{uid: os.Geteuid(), gid: os.Getegid()}, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return owner{}, fmt.Errorf("running as root, so the server must run as the OS user \"postgres\" (initdb and postgres refuse root), but: %w; %s", err, installHint)
	}
	uid, err1 := strconv.Atoi(u.Uid)
	gid, err2 := strconv.Atoi(u.Gid)
	if err := errors.Join(err1, err2); err != nil {
		return owner{}, fmt.Errorf("user postgres: %w", err)
	}
	return owner{uid: uid, gid: gid, cred: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}, nil
}

// chown gives path to the owner; a no-op when the owner is this process's
// user.
func (o owner) chown(path string) error {
	if o.cred == nil {
		return nil
	}
	return os.Lchown(path, o.uid, o.gid)
}

// command returns bin set up to run as the owner in dir, with an
// environment free of PG* variables (which would change what the binaries
// do). ctx kills it; a server's postmaster gets context.Background().
func (o owner) command(ctx context.Context, dir, bin string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=/usr/bin:/bin", "LC_ALL=C"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: o.cred}
	return cmd
}

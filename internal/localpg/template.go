//go:build linux

package localpg

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// initdbArgs make the cluster every server starts from. One-megabyte WAL
// segments make the copy smaller (6 MB of WAL instead of 17).
var initdbArgs = []string{"-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--wal-segsize=1"}

// templates remembers, per bin directory, the template this process uses.
var templates struct {
	mu   sync.Mutex
	dirs map[string]string
}

// template returns a directory holding a cluster fresh from bin's initdb,
// running initdb only if no earlier run, in this process or another, left
// one in the cache.
func template(ctx context.Context, bin string, o owner) (string, error) {
	templates.mu.Lock()
	defer templates.mu.Unlock()
	if dir, ok := templates.dirs[bin]; ok && usable(dir) {
		return dir, nil
	}
	dir, err := cachedTemplate(ctx, bin, o)
	if err != nil {
		return "", err
	}
	if templates.dirs == nil {
		templates.dirs = make(map[string]string)
	}
	templates.dirs[bin] = dir
	return dir, nil
}

// cachedTemplate returns the cache's template for bin's version, making it
// if it is missing or damaged. Concurrent processes may each make one; the
// first to rename its copy into place wins.
func cachedTemplate(ctx context.Context, bin string, o owner) (string, error) {
	root, err := cacheRoot()
	if err != nil {
		return "", err
	}
	key, err := templateKey(ctx, bin)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(root, "template-"+key)
	if usable(dir) {
		return dir, nil
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", fmt.Errorf("remove damaged template %s: %w", dir, err)
	}
	return dir, makeTemplate(ctx, bin, o, root, dir)
}

// makeTemplate runs initdb and moves its output to dir through a staging
// directory in root, so that dir appears complete or not at all.
func makeTemplate(ctx context.Context, bin string, o owner, root, dir string) error {
	fresh, err := initdb(ctx, bin, o)
	if err != nil {
		return err
	}
	defer os.RemoveAll(filepath.Dir(fresh))
	staging, err := os.MkdirTemp(root, "staging-*")
	if err != nil {
		return fmt.Errorf("template: %w", err)
	}
	defer os.RemoveAll(staging)
	if err := copyTree(fresh, filepath.Join(staging, "data"), owner{}); err != nil {
		return fmt.Errorf("copy initdb's output to the cache: %w", err)
	}
	if err := os.Rename(filepath.Join(staging, "data"), dir); err != nil && !usable(dir) {
		return fmt.Errorf("template: %w", err)
	}
	return nil
}

// initdb makes a cluster in a new temporary directory and returns the
// cluster's path; the caller removes its parent.
func initdb(ctx context.Context, bin string, o owner) (string, error) {
	tmp, err := os.MkdirTemp("", "localpg-initdb-*")
	if err != nil {
		return "", fmt.Errorf("initdb: %w", err)
	}
	data := filepath.Join(tmp, "data")
	if err := o.chown(tmp); err != nil {
		os.RemoveAll(tmp)
		return "", fmt.Errorf("initdb: %w", err)
	}
	cmd := o.command(ctx, tmp, filepath.Join(bin, "initdb"), append([]string{"-D", data}, initdbArgs...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		os.RemoveAll(tmp)
		return "", fmt.Errorf("initdb %s: %w\n%s", strings.Join(cmd.Args[1:], " "), err, out)
	}
	return data, nil
}

// templateKey names the template of bin's server version and initdbArgs.
func templateKey(ctx context.Context, bin string) (string, error) {
	version, err := exec.CommandContext(ctx, filepath.Join(bin, "postgres"), "-V").Output()
	if err != nil {
		return "", fmt.Errorf("%s -V: %w", filepath.Join(bin, "postgres"), err)
	}
	sum := sha256.Sum256([]byte(string(version) + "\x00" + strings.Join(initdbArgs, "\x00")))
	return hex.EncodeToString(sum[:6]), nil
}

// usable reports whether dir holds a complete cluster (an aging cleaner may
// have removed files from an old one).
func usable(dir string) bool {
	for _, name := range []string{"PG_VERSION", "global/pg_control", "base"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			return false
		}
	}
	return true
}

// cacheRoot returns the directory that holds templates, creating it.
func cacheRoot() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		base = filepath.Join(os.TempDir(), fmt.Sprintf("uid%d", os.Geteuid()))
	}
	root := filepath.Join(base, "sysconfig-localpg")
	if err := os.MkdirAll(root, 0o700); err != nil {
		return "", fmt.Errorf("template cache: %w", err)
	}
	return root, nil
}

package localredis

import (
	"errors"
	"fmt"
	"os/exec"
)

// ErrNotInstalled is returned when no redis-server binary is in PATH.
var ErrNotInstalled = errors.New(`redis-server is not installed (on Debian or Ubuntu: "apt-get install redis-server")`)

// ErrNotRunning is returned by an operation that needs the process to answer
// while it is paused, killed or has exited.
var ErrNotRunning = errors.New("server is not running")

// ErrClosed is returned by every operation but Close after Close.
var ErrClosed = errors.New("server is closed")

// binaryPath returns the redis-server executable to run.
func binaryPath() (string, error) {
	path, err := exec.LookPath("redis-server")
	if err != nil {
		return "", fmt.Errorf("localredis: %w: %v", ErrNotInstalled, err)
	}
	return path, nil
}

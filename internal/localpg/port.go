//go:build linux

package localpg

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"time"
)

// lowestPort is the bottom of the range ports are picked from; the top is
// the kernel's lowest ephemeral port.
const lowestPort = 20000

// freePort returns a port that nothing listens on at 127.0.0.1, picked at
// random below the ephemeral range: the kernel never gives such a port to a
// client socket, which would stop a restarted server from binding it.
func freePort() (int, error) {
	top := ephemeralLow()
	if top <= lowestPort+1000 {
		return anyPort()
	}
	for range 100 {
		if port := lowestPort + rand.IntN(top-lowestPort); portFree(port) {
			return port, nil
		}
	}
	return 0, fmt.Errorf("no free port on 127.0.0.1 between %d and %d after 100 tries", lowestPort, top)
}

// ephemeralLow returns the kernel's lowest ephemeral port.
func ephemeralLow() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 32768
	}
	var low, high int
	if n, _ := fmt.Sscan(string(b), &low, &high); n != 2 {
		return 32768
	}
	return low
}

// anyPort asks the kernel for a free port.
func anyPort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// portFree reports whether a listener could bind 127.0.0.1:port.
func portFree(port int) bool {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	_ = ln.Close()
	return true
}

// awaitPortFree waits until port is free.
func awaitPortFree(port int, wait time.Duration) error {
	for deadline := time.Now().Add(wait); !portFree(port); {
		if time.Now().After(deadline) {
			return errors.New("port " + strconv.Itoa(port) + " still in use " + wait.String() + " after the server was killed")
		}
		time.Sleep(time.Millisecond)
	}
	return nil
}

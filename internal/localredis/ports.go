package localredis

import (
	"fmt"
	"net"
	"strconv"
	"sync"
)

const (
	// busOffset is how far above its client port Redis puts a cluster
	// node's bus port.
	busOffset = 10000
	// sharedPort is the shared development Redis, never to be handed out.
	sharedPort = 6379
	// portAttempts bounds the search for a free port.
	portAttempts = 100
)

// reserved holds the ports handed to the open servers of this process, so
// that a killed server's port is not given to another one before Restart.
var reserved = struct {
	sync.Mutex
	ports map[int]bool
}{ports: make(map[int]bool)}

// reservePort returns a loopback port that is free now and reserved for the
// caller until releasePorts; with bus, port+busOffset is free and reserved
// too. The kernel picks the candidates.
func reservePort(bus bool) (int, error) {
	for range portAttempts {
		port, err := kernelPort()
		if err != nil {
			return 0, err
		}
		want := []int{port}
		if bus {
			want = append(want, port+busOffset)
		}
		if claim(want) {
			return port, nil
		}
	}
	return 0, fmt.Errorf("localredis: no free loopback port found in %d attempts", portAttempts)
}

// releasePorts makes ports available to other servers again.
func releasePorts(ports ...int) {
	reserved.Lock()
	defer reserved.Unlock()
	for _, p := range ports {
		delete(reserved.ports, p)
	}
}

// claim reserves every port in want if all are usable, free and unreserved.
func claim(want []int) bool {
	reserved.Lock()
	defer reserved.Unlock()
	for _, p := range want {
		if p > 65535 || p == sharedPort || p == sharedPort+busOffset || reserved.ports[p] || !isFree(p) {
			return false
		}
	}
	for _, p := range want {
		reserved.ports[p] = true
	}
	return true
}

// kernelPort asks the kernel for a free loopback port.
func kernelPort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("localredis: listen on loopback: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// isFree reports whether port can be listened on now.
func isFree(port int) bool {
	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		return false
	}
	_ = ln.Close()
	return true
}

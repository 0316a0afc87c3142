package main

import (
	"os"
	"strconv"
	"strings"
)

// cpuTimes are the machine's CPU times, in clock ticks, from the first line
// of /proc/stat: all of them, and those spent neither idle nor waiting for
// I/O.
type cpuTimes struct{ busy, total uint64 }

// readCPUTimes reads the machine's CPU times; false where there is no
// /proc/stat (not Linux).
func readCPUTimes() (cpuTimes, bool) {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return cpuTimes{}, false
	}
	line, _, _ := strings.Cut(string(data), "\n")
	fields := strings.Fields(line)
	if len(fields) < 6 || fields[0] != "cpu" {
		return cpuTimes{}, false
	}
	var t cpuTimes
	for i, f := range fields[1:] {
		n, err := strconv.ParseUint(f, 10, 64)
		if err != nil {
			return cpuTimes{}, false
		}
		t.total += n
		if i != 3 && i != 4 { // idle, iowait
			t.busy += n
		}
	}
	return t, true
}

// busyShare is the share of the machine's CPU time that was busy from a to
// b, or -1 when either reading failed.
func busyShare(a, b cpuTimes, ok bool) float64 {
	if !ok || b.total <= a.total {
		return -1
	}
	return float64(b.busy-a.busy) / float64(b.total-a.total)
}

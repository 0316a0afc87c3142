package localredis

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// clusterNode is one line of CLUSTER NODES: a member of the cluster as the
// node that answered sees it.
type clusterNode struct {
	id       string
	addr     string   // host:port for clients, without the bus port
	flags    []string // myself, master, slave, fail?, fail, handshake...
	masterID string   // the master of a replica; "" for a master
	linkUp   bool     // the answering node's bus link to it is connected
	slots    []slotRange
}

// slotRange is an inclusive range of hash slots.
type slotRange struct{ first, last int }

// clusterView is a node's CLUSTER NODES, one entry per known node.
type clusterView []clusterNode

// parseClusterNodes reads the reply of CLUSTER NODES.
func parseClusterNodes(text string) (clusterView, error) {
	var view clusterView
	for line := range strings.Lines(text) {
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		n, err := parseNodeLine(line)
		if err != nil {
			return nil, fmt.Errorf("localredis: CLUSTER NODES line %q: %w", line, err)
		}
		view = append(view, n)
	}
	return view, nil
}

// parseNodeLine reads one line: id addr flags master ping pong epoch link
// slot...
func parseNodeLine(line string) (clusterNode, error) {
	f := strings.Fields(line)
	if len(f) < 8 {
		return clusterNode{}, fmt.Errorf("%d fields, want at least 8", len(f))
	}
	addr, _, _ := strings.Cut(f[1], "@")
	addr, _, _ = strings.Cut(addr, ",")
	n := clusterNode{id: f[0], addr: addr, flags: strings.Split(f[2], ","), linkUp: f[7] == "connected"}
	if f[3] != "-" {
		n.masterID = f[3]
	}
	for _, s := range f[8:] {
		if strings.HasPrefix(s, "[") {
			continue // a slot being imported or migrated
		}
		r, err := parseSlotRange(s)
		if err != nil {
			return clusterNode{}, err
		}
		n.slots = append(n.slots, r)
	}
	return n, nil
}

// parseSlotRange reads "7" or "0-5460".
func parseSlotRange(s string) (slotRange, error) {
	first, last, isRange := strings.Cut(s, "-")
	if !isRange {
		last = first
	}
	a, err1 := strconv.Atoi(first)
	b, err2 := strconv.Atoi(last)
	if err1 != nil || err2 != nil || a > b {
		return slotRange{}, fmt.Errorf("bad slot range %q", s)
	}
	return slotRange{a, b}, nil
}

// has reports whether the node carries flag.
func (n clusterNode) has(flag string) bool { return slices.Contains(n.flags, flag) }

// healthy reports whether the node is fully part of the cluster: not
// failing, suspected, unreachable or still in handshake.
func (n clusterNode) healthy() bool {
	return n.linkUp && !slices.ContainsFunc(n.flags, func(f string) bool {
		return f == "fail" || f == "fail?" || f == "handshake" || f == "noaddr"
	})
}

// serves reports whether the node owns slot.
func (n clusterNode) serves(slot int) bool {
	return slices.ContainsFunc(n.slots, func(r slotRange) bool { return r.first <= slot && slot <= r.last })
}

// find returns the node with id.
func (v clusterView) find(id string) (clusterNode, bool) {
	i := slices.IndexFunc(v, func(n clusterNode) bool { return n.id == id })
	if i < 0 {
		return clusterNode{}, false
	}
	return v[i], true
}

// masterOf returns the master that owns slot.
func (v clusterView) masterOf(slot int) (clusterNode, bool) {
	i := slices.IndexFunc(v, func(n clusterNode) bool { return n.has("master") && n.serves(slot) })
	if i < 0 {
		return clusterNode{}, false
	}
	return v[i], true
}

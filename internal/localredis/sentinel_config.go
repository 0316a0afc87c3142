package localredis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// Sentinel settings: a master is subjectively down after downAfter ms
// without answering, and objectively down when quorum sentinels agree. A
// failover that stalls is abandoned after failoverTimeout ms, and the
// sentinels wait twice that before failing the same master over again.
const (
	sentinelCount   = 3
	quorum          = 2
	downAfter       = 1000
	failoverTimeout = 3000
)

// startSentinels starts the sentinels, each already knowing the master, the
// replica and the others (sentinels otherwise find each other through
// hello messages published every two seconds), and waits until every one
// has met them all.
func (s *Sentinel) startSentinels(ctx context.Context) error {
	ports := make([]int, sentinelCount)
	ids := make([]string, sentinelCount)
	for i := range ports {
		port, err := reservePort(false)
		if err != nil {
			releasePorts(ports[:i]...)
			return err
		}
		ports[i], ids[i] = port, newID()
	}
	specs := make([]serverSpec, sentinelCount)
	for i := range specs {
		specs[i] = serverSpec{port: ports[i], config: s.config(i, ports, ids), mode: []string{"--sentinel"}}
	}
	var err error
	s.sentinels, err = startAll(ctx, specs)
	if err != nil {
		return err
	}
	return waitFor(ctx, "every sentinel to see the master, the replica and the other sentinels", s.acquainted)
}

// config returns the configuration file of sentinel i.
func (s *Sentinel) config(i int, ports []int, ids []string) string {
	master, replica := s.data[0], s.data[1]
	lines := []string{
		"sentinel myid " + ids[i],
		fmt.Sprintf("sentinel monitor %s 127.0.0.1 %d %d", sentinelMasterName, master.port, quorum),
		fmt.Sprintf("sentinel down-after-milliseconds %s %d", sentinelMasterName, downAfter),
		fmt.Sprintf("sentinel failover-timeout %s %d", sentinelMasterName, failoverTimeout),
		fmt.Sprintf("sentinel parallel-syncs %s 1", sentinelMasterName),
		fmt.Sprintf("sentinel known-replica %s 127.0.0.1 %d", sentinelMasterName, replica.port),
	}
	for j := range ports {
		if j != i {
			lines = append(lines, fmt.Sprintf("sentinel known-sentinel %s 127.0.0.1 %d %s", sentinelMasterName, ports[j], ids[j]))
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

// acquainted checks that every sentinel is connected to the master, has
// heard from the replica recently and sees the other sentinels.
func (s *Sentinel) acquainted(ctx context.Context) error {
	for _, sen := range s.sentinels {
		client, err := sen.admin("ask")
		if err != nil {
			return err
		}
		master, err := fieldMap(client.Do(ctx, "SENTINEL", "MASTER", sentinelMasterName).Result())
		if err != nil {
			return fmt.Errorf("SENTINEL MASTER on %s: %w", sen.Addr(), err)
		}
		if master["flags"] != "master" || master["num-slaves"] != "1" || master["num-other-sentinels"] != strconv.Itoa(sentinelCount-1) {
			return fmt.Errorf("sentinel %s sees the master with flags %q, %s replicas and %s other sentinels",
				sen.Addr(), master["flags"], master["num-slaves"], master["num-other-sentinels"])
		}
		if err := checkPeers(ctx, sen, "REPLICAS", "slave"); err != nil {
			return err
		}
		if err := checkPeers(ctx, sen, "SENTINELS", "sentinel"); err != nil {
			return err
		}
	}
	return nil
}

// checkPeers checks that every instance SENTINEL <kind> lists on sen has
// exactly the flags want and, for a replica, has answered INFO lately.
func checkPeers(ctx context.Context, sen *Server, kind, want string) error {
	client, err := sen.admin("ask")
	if err != nil {
		return err
	}
	peers, err := client.Do(ctx, "SENTINEL", kind, sentinelMasterName).Slice()
	if err != nil {
		return fmt.Errorf("SENTINEL %s on %s: %w", kind, sen.Addr(), err)
	}
	for _, p := range peers {
		peer, err := fieldMap(p, nil)
		if err != nil {
			return fmt.Errorf("SENTINEL %s on %s: %w", kind, sen.Addr(), err)
		}
		if peer["flags"] != want {
			return fmt.Errorf("sentinel %s sees %s with flags %q", sen.Addr(), peer["name"], peer["flags"])
		}
		if refresh, err := strconv.Atoi(peer["info-refresh"]); want == "slave" && (err != nil || refresh > 10*downAfter) {
			return fmt.Errorf("sentinel %s has not had INFO from %s yet", sen.Addr(), peer["name"])
		}
	}
	return nil
}

// fieldMap turns a reply of alternating names and values into a map.
func fieldMap(reply any, err error) (map[string]string, error) {
	if err != nil {
		return nil, err
	}
	items, ok := reply.([]any)
	if !ok || len(items)%2 != 0 {
		return nil, fmt.Errorf("want a list of names and values, got %T %v", reply, reply)
	}
	fields := make(map[string]string, len(items)/2)
	for i := 0; i < len(items); i += 2 {
		name, _ := items[i].(string)
		value, _ := items[i+1].(string)
		fields[name] = value
	}
	return fields, nil
}

// newID returns a random 40-character hexadecimal ID, as sentinels use.
func newID() string {
	b := make([]byte, 20)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

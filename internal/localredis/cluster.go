package localredis

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// nodeTimeout is the cluster's node timeout in milliseconds: how long a node
// may fail to answer before the others suspect it. A master down for about
// twice as long is replaced by its replica automatically.
const nodeTimeout = "1000"

// clusterArgs configure every node. Slots a dead master leaves uncovered do
// not stop the rest of the cluster; a replica may always take over, however
// stale its data; and replicas stay with the master they were given.
var clusterArgs = []string{
	"--cluster-enabled", "yes",
	"--cluster-config-file", "nodes.conf",
	"--cluster-node-timeout", nodeTimeout,
	"--cluster-require-full-coverage", "no",
	"--cluster-replica-validity-factor", "0",
	"--cluster-allow-replica-migration", "no",
}

// Cluster is a Redis Cluster of private servers on loopback.
type Cluster struct {
	nodes []*Server          // the masters as started, then their replicas
	ids   map[*Server]string // node IDs; nodes.conf keeps them across restarts
}

// StartCluster starts masters*(1+replicasPerMaster) nodes, spreads the hash
// slots evenly over the masters, gives each master replicasPerMaster
// replicas, and waits until every node reports cluster_state:ok and sees
// the same topology, and every replica is in sync and receives its master's
// writes as they are made.
func StartCluster(ctx context.Context, masters, replicasPerMaster int) (*Cluster, error) {
	if masters < 1 || replicasPerMaster < 0 {
		return nil, fmt.Errorf("localredis: a cluster of %d masters with %d replicas each: need at least one master and no negative count", masters, replicasPerMaster)
	}
	c := &Cluster{ids: make(map[*Server]string)}
	err := c.startNodes(ctx, masters*(1+replicasPerMaster))
	if err == nil {
		err = c.form(ctx, masters, replicasPerMaster)
	}
	if err != nil {
		return nil, errors.Join(err, c.Close())
	}
	return c, nil
}

// Addrs returns the address of every node, for redis.ClusterOptions.Addrs.
// A node that is down is only skipped by the client.
func (c *Cluster) Addrs() []string {
	addrs := make([]string, len(c.nodes))
	for i, s := range c.nodes {
		addrs[i] = s.Addr()
	}
	return addrs
}

// SeedURL returns a redis:// URL naming one running node, the first in the
// order of Nodes: what a client given a single seed address gets
// (rediscache.Connect learns the rest of the cluster from it).
func (c *Cluster) SeedURL() (string, error) {
	s, err := c.anyRunning()
	if err != nil {
		return "", err
	}
	return "redis://" + s.Addr(), nil
}

// Nodes returns every node: the masters as started, then their replicas.
// Roles change with failovers; MasterOf and ReplicasOf tell the current ones.
func (c *Cluster) Nodes() []*Server { return slices.Clone(c.nodes) }

// MasterOf returns the master that serves key's slot, according to the first
// running node.
func (c *Cluster) MasterOf(ctx context.Context, key string) (*Server, error) {
	asked, err := c.anyRunning()
	if err != nil {
		return nil, err
	}
	client, err := asked.admin("ask the slot of a key from")
	if err != nil {
		return nil, err
	}
	slot, err := client.ClusterKeySlot(ctx, key).Result()
	if err != nil {
		return nil, fmt.Errorf("localredis: CLUSTER KEYSLOT on %s: %w", asked.Addr(), err)
	}
	view, err := asked.clusterView(ctx)
	if err != nil {
		return nil, err
	}
	m, ok := view.masterOf(int(slot))
	if !ok {
		return nil, fmt.Errorf("localredis: %s knows no master serving slot %d (key %q)", asked.Addr(), slot, key)
	}
	return c.byID(m.id)
}

// ReplicasOf returns the replicas of master, according to the first running
// node, in the order of Nodes.
func (c *Cluster) ReplicasOf(ctx context.Context, master *Server) ([]*Server, error) {
	id, ok := c.ids[master]
	if !ok {
		return nil, fmt.Errorf("localredis: %s is not a node of this cluster", master.Addr())
	}
	return c.nodesWhere(ctx, func(n clusterNode) bool { return n.masterID == id })
}

// nodesWhere returns the nodes that match, according to the first running
// node, in the order of Nodes.
func (c *Cluster) nodesWhere(ctx context.Context, match func(clusterNode) bool) ([]*Server, error) {
	asked, err := c.anyRunning()
	if err != nil {
		return nil, err
	}
	view, err := asked.clusterView(ctx)
	if err != nil {
		return nil, err
	}
	var nodes []*Server
	for _, s := range c.nodes {
		if n, ok := view.find(c.ids[s]); ok && match(n) {
			nodes = append(nodes, s)
		}
	}
	return nodes, nil
}

// WaitHealthy waits until the cluster has recovered from whatever was done
// to it: every node sees every other as healthy, all agree on who follows
// whom (as the first node sees it), each reports cluster_state:ok with every
// slot served, and every replica is in sync. It fails at once if a node is
// not running. A restarted old master comes back as a replica of the node
// that took over its slots.
func (c *Cluster) WaitHealthy(ctx context.Context) error {
	if err := allRunning(c.nodes); err != nil {
		return err
	}
	return waitFor(ctx, "the cluster to be healthy", func(ctx context.Context) error {
		view, err := c.nodes[0].clusterView(ctx)
		if err != nil {
			return err
		}
		roles := make(map[string]string, len(view)) // node ID -> its master's ID
		for _, n := range view {
			roles[n.id] = n.masterID
		}
		return c.ready(roles)(ctx)
	})
}

// Close closes every node.
func (c *Cluster) Close() error {
	var errs []error
	for _, s := range c.nodes {
		errs = append(errs, s.Close())
	}
	return errors.Join(errs...)
}

// anyRunning returns the first running node.
func (c *Cluster) anyRunning() (*Server, error) {
	for _, s := range c.nodes {
		if s.isRunning() {
			return s, nil
		}
	}
	return nil, fmt.Errorf("localredis: no node of the cluster is running: %w", ErrNotRunning)
}

// byID returns the node with a node ID.
func (c *Cluster) byID(id string) (*Server, error) {
	for s, sid := range c.ids {
		if sid == id {
			return s, nil
		}
	}
	return nil, fmt.Errorf("localredis: node %s is not one of this cluster's", id)
}

// clusterView returns CLUSTER NODES as s sees it.
func (s *Server) clusterView(ctx context.Context) (clusterView, error) {
	client, err := s.admin("read CLUSTER NODES of")
	if err != nil {
		return nil, err
	}
	text, err := client.ClusterNodes(ctx).Result()
	if err != nil {
		return nil, fmt.Errorf("localredis: CLUSTER NODES on %s: %w", s.Addr(), err)
	}
	return parseClusterNodes(text)
}

// WaitServing waits until the cluster serves every slot again after nodes
// were killed or paused: every running node reports cluster_state:ok with
// every slot served, and sees each slot served by a master that runs. After
// a master is killed, that is once its replica has taken over. Unlike
// WaitHealthy, it does not need every node running.
func (c *Cluster) WaitServing(ctx context.Context) error {
	return waitFor(ctx, "every running node to serve every slot from a running master", func(ctx context.Context) error {
		for _, s := range c.nodes {
			if !s.isRunning() {
				continue
			}
			if err := s.clusterOK(ctx); err != nil {
				return err
			}
			if err := c.mastersRun(ctx, s); err != nil {
				return err
			}
		}
		return nil
	})
}

// mastersRun checks that every master s sees serving slots is running.
func (c *Cluster) mastersRun(ctx context.Context, s *Server) error {
	view, err := s.clusterView(ctx)
	if err != nil {
		return err
	}
	for _, n := range view {
		if !n.has("master") || len(n.slots) == 0 {
			continue
		}
		m, err := c.byID(n.id)
		if err != nil {
			return permanent(err)
		}
		if !m.isRunning() {
			return fmt.Errorf("%s sees %s, not running, as master of %v", s.Addr(), m.Addr(), n.slots)
		}
	}
	return nil
}

// Masters returns the masters serving slots, according to the first running
// node, in the order of Nodes.
func (c *Cluster) Masters(ctx context.Context) ([]*Server, error) {
	return c.nodesWhere(ctx, func(n clusterNode) bool { return n.has("master") && len(n.slots) > 0 })
}

// WaitDown waits until every running node reports cluster_state:fail, as
// when too few masters are left to replace the dead ones.
func (c *Cluster) WaitDown(ctx context.Context) error {
	return waitFor(ctx, "every running node to report cluster_state:fail", func(ctx context.Context) error {
		for _, s := range c.nodes {
			if !s.isRunning() {
				continue
			}
			info, err := s.clusterInfo(ctx)
			if err != nil {
				return err
			}
			if state := info["cluster_state"]; state != "fail" {
				return fmt.Errorf("%s reports cluster_state:%s", s.Addr(), state)
			}
		}
		return nil
	})
}

package localredis

import (
	"context"
	"fmt"
	"strconv"
)

// The cluster is built with plain cluster commands rather than
// `redis-cli --cluster create`: that tool decides by itself which replica
// follows which master and polls once a second while the cluster joins,
// whereas here the layout is fixed (node i is master i; then each master's
// replicas in turn) and every step waits on exactly the condition it needs.

// slotCount is the number of hash slots of every Redis Cluster.
const slotCount = 16384

// startNodes starts n empty cluster nodes at once.
func (c *Cluster) startNodes(ctx context.Context, n int) error {
	specs := make([]serverSpec, n)
	for i := range specs {
		specs[i] = serverSpec{bus: true, data: true, args: clusterArgs}
	}
	var err error
	c.nodes, err = startAll(ctx, specs)
	return err
}

// form joins the started nodes into a cluster: slots and config epochs for
// the masters, MEET, then REPLICATE once everyone knows everyone.
func (c *Cluster) form(ctx context.Context, masters, replicasPerMaster int) error {
	if err := c.readIDs(ctx); err != nil {
		return err
	}
	for i := range masters {
		if err := c.assignSlots(ctx, i, masters); err != nil {
			return err
		}
	}
	if err := c.meet(ctx); err != nil {
		return err
	}
	want := make(map[string]string) // node ID -> its master's ID, "" for a master
	for _, s := range c.nodes {
		want[c.ids[s]] = ""
	}
	if err := waitFor(ctx, "every cluster node to know every other", c.agree(want)); err != nil {
		return err
	}
	for i, replica := range c.nodes[masters:] {
		master := c.nodes[i/replicasPerMaster]
		want[c.ids[replica]] = c.ids[master]
		if err := c.replicate(ctx, replica, master); err != nil {
			return err
		}
	}
	if err := waitFor(ctx, "the cluster to be ready", c.ready(want)); err != nil {
		return err
	}
	for _, master := range c.nodes[:masters] {
		streaming := func(ctx context.Context) error { return master.streamsTo(ctx, replicasPerMaster) }
		if err := waitFor(ctx, master.Addr()+" to stream its writes to its replicas", streaming); err != nil {
			return err
		}
	}
	return nil
}

// readIDs asks every node for its node ID.
func (c *Cluster) readIDs(ctx context.Context) error {
	for _, s := range c.nodes {
		client, err := s.admin("read the node ID of")
		if err != nil {
			return err
		}
		id, err := client.Do(ctx, "CLUSTER", "MYID").Text()
		if err != nil {
			return fmt.Errorf("localredis: CLUSTER MYID on %s: %w", s.Addr(), err)
		}
		c.ids[s] = id
	}
	return nil
}

// assignSlots gives master i of n its share of the slots and a config epoch
// of its own, so that no epoch collision has to be resolved later.
func (c *Cluster) assignSlots(ctx context.Context, i, n int) error {
	s := c.nodes[i]
	first, last := i*slotCount/n, (i+1)*slotCount/n-1
	client, err := s.admin("assign slots to")
	if err != nil {
		return err
	}
	if err := client.Do(ctx, "CLUSTER", "SET-CONFIG-EPOCH", i+1).Err(); err != nil {
		return fmt.Errorf("localredis: CLUSTER SET-CONFIG-EPOCH on %s: %w", s.Addr(), err)
	}
	if err := client.Do(ctx, "CLUSTER", "ADDSLOTSRANGE", first, last).Err(); err != nil {
		return fmt.Errorf("localredis: CLUSTER ADDSLOTSRANGE %d %d on %s: %w", first, last, s.Addr(), err)
	}
	return nil
}

// meet introduces every node to the first; gossip does the rest.
func (c *Cluster) meet(ctx context.Context) error {
	client, err := c.nodes[0].admin("introduce nodes to")
	if err != nil {
		return err
	}
	for _, s := range c.nodes[1:] {
		if err := client.ClusterMeet(ctx, "127.0.0.1", strconv.Itoa(s.port)).Err(); err != nil {
			return fmt.Errorf("localredis: CLUSTER MEET %s on %s: %w", s.Addr(), c.nodes[0].Addr(), err)
		}
	}
	return nil
}

// replicate makes replica follow master.
func (c *Cluster) replicate(ctx context.Context, replica, master *Server) error {
	client, err := replica.admin("make a replica of")
	if err != nil {
		return err
	}
	if err := client.ClusterReplicate(ctx, c.ids[master]).Err(); err != nil {
		return fmt.Errorf("localredis: CLUSTER REPLICATE on %s (to follow %s): %w", replica.Addr(), master.Addr(), err)
	}
	return nil
}

// agree returns a check that every node sees exactly the nodes of want,
// healthy and with the roles want gives them (ID -> master's ID).
func (c *Cluster) agree(want map[string]string) func(context.Context) error {
	return func(ctx context.Context) error {
		for _, s := range c.nodes {
			view, err := s.clusterView(ctx)
			if err != nil {
				return err
			}
			if err := checkView(view, want); err != nil {
				return fmt.Errorf("%s %w", s.Addr(), err)
			}
		}
		return nil
	}
}

// checkView says how view differs from want (ID -> master's ID).
func checkView(view clusterView, want map[string]string) error {
	if len(view) != len(want) {
		return fmt.Errorf("knows %d nodes, want %d", len(view), len(want))
	}
	for _, n := range view {
		master, known := want[n.id]
		switch {
		case !known:
			return fmt.Errorf("knows a stranger, %s (%s)", n.id, n.addr)
		case !n.healthy():
			return fmt.Errorf("sees %s with flags %v, link up %v", n.addr, n.flags, n.linkUp)
		case master == "" && !n.has("master"), master != "" && n.masterID != master:
			return fmt.Errorf("sees %s with flags %v following %q, want it to follow %q", n.addr, n.flags, n.masterID, master)
		}
	}
	return nil
}

// ready returns a check that the nodes agree on want, every node reports
// cluster_state:ok with every slot served, and every replica is in sync.
func (c *Cluster) ready(want map[string]string) func(context.Context) error {
	agree := c.agree(want)
	return func(ctx context.Context) error {
		if err := agree(ctx); err != nil {
			return err
		}
		for _, s := range c.nodes {
			if err := s.clusterOK(ctx); err != nil {
				return err
			}
			if want[c.ids[s]] == "" {
				continue
			}
			master, err := c.byID(want[c.ids[s]])
			if err != nil {
				return permanent(err)
			}
			if err := s.syncedWith(ctx, master); err != nil {
				return err
			}
		}
		return nil
	}
}

// clusterOK checks that s reports cluster_state:ok with every slot served.
func (s *Server) clusterOK(ctx context.Context) error {
	info, err := s.clusterInfo(ctx)
	if err != nil {
		return err
	}
	if info["cluster_state"] != "ok" || info["cluster_slots_ok"] != strconv.Itoa(slotCount) {
		return fmt.Errorf("%s reports cluster_state:%s with %s slots ok", s.Addr(), info["cluster_state"], info["cluster_slots_ok"])
	}
	return nil
}

// clusterInfo returns CLUSTER INFO as s reports it.
func (s *Server) clusterInfo(ctx context.Context) (map[string]string, error) {
	client, err := s.admin("read CLUSTER INFO of")
	if err != nil {
		return nil, err
	}
	text, err := client.ClusterInfo(ctx).Result()
	if err != nil {
		return nil, fmt.Errorf("localredis: CLUSTER INFO on %s: %w", s.Addr(), err)
	}
	return parseInfo(text), nil
}

package localredis

import (
	"context"
	"fmt"
	"slices"
)

// Failover makes replica the master of its master's slots at once, without
// the master's agreement and whether or not the master is alive (CLUSTER
// FAILOVER TAKEOVER), and waits until every running node sees it as the
// master of those slots. A replica that has already been promoted, by an
// automatic failover for instance, is only waited for. The replica must be
// running; the old master, if it runs, becomes its replica.
func (c *Cluster) Failover(ctx context.Context, replica *Server) error {
	id, ok := c.ids[replica]
	if !ok {
		return fmt.Errorf("localredis: failover: %s is not a node of this cluster", replica.Addr())
	}
	slots, err := c.takeOver(ctx, replica, id)
	if err != nil {
		return err
	}
	what := fmt.Sprintf("every running node to see %s as master of slots %v", replica.Addr(), slots)
	return waitFor(ctx, what, c.servedBy(id, slots))
}

// takeOver sends CLUSTER FAILOVER TAKEOVER to replica unless it is already a
// master, and returns the slots it takes over (its own, if a master).
func (c *Cluster) takeOver(ctx context.Context, replica *Server, id string) ([]slotRange, error) {
	view, err := replica.clusterView(ctx)
	if err != nil {
		return nil, err
	}
	me, _ := view.find(id)
	if me.has("master") {
		if len(me.slots) == 0 {
			return nil, fmt.Errorf("localredis: failover: %s is a master without slots, not a replica", replica.Addr())
		}
		return me.slots, nil
	}
	master, ok := view.find(me.masterID)
	if !ok || len(master.slots) == 0 {
		return nil, fmt.Errorf("localredis: failover: %s follows %q, which it does not see serving any slot", replica.Addr(), me.masterID)
	}
	client, err := replica.admin("fail over to")
	if err != nil {
		return nil, err
	}
	if err := client.Do(ctx, "CLUSTER", "FAILOVER", "TAKEOVER").Err(); err != nil {
		return nil, fmt.Errorf("localredis: CLUSTER FAILOVER TAKEOVER on %s: %w", replica.Addr(), err)
	}
	return master.slots, nil
}

// servedBy returns a check that every running node sees node id as a master
// serving exactly slots.
func (c *Cluster) servedBy(id string, slots []slotRange) func(context.Context) error {
	return func(ctx context.Context) error {
		for _, s := range c.nodes {
			if !s.isRunning() {
				continue
			}
			view, err := s.clusterView(ctx)
			if err != nil {
				return err
			}
			n, ok := view.find(id)
			if !ok || !n.has("master") || !slices.Equal(n.slots, slots) {
				return fmt.Errorf("%s sees node %s with flags %v serving %v", s.Addr(), id, n.flags, n.slots)
			}
		}
		return nil
	}
}

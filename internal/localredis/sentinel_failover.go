package localredis

import (
	"context"
	"fmt"
	"strings"
)

// Failover asks the sentinels to promote the replica at once (SENTINEL
// FAILOVER), whether or not the master is alive, and waits until every
// running sentinel reports it as master and it answers ROLE as one. A
// failover that stalls or is refused (no replica fit to promote yet, say
// just after the replica was paused) is asked for again until the wait
// ends. The old master, if it runs, is turned into a replica.
func (s *Sentinel) Failover(ctx context.Context) error {
	old, err := s.Master(ctx)
	if err != nil {
		return err
	}
	target := s.other(old)
	if !target.isRunning() {
		return fmt.Errorf("localredis: failover: the replica %s is not running: %w", target.Addr(), ErrNotRunning)
	}
	return waitFor(ctx, "the sentinels to report "+target.Addr()+" as master", s.promote(target))
}

// promote returns a check that every running sentinel reports target as
// master, which asks the first running sentinel for a failover while it
// reports another master and is not failing over.
func (s *Sentinel) promote(target *Server) func(context.Context) error {
	return func(ctx context.Context) error {
		driver, err := s.anyRunning()
		if err != nil {
			return permanent(err)
		}
		for _, sen := range s.sentinels {
			if !sen.isRunning() {
				continue
			}
			addr, err := reportedMaster(ctx, sen)
			if err != nil {
				return err
			}
			if addr != target.Addr() && sen == driver {
				return requestFailover(ctx, driver)
			}
			if addr != target.Addr() {
				return fmt.Errorf("sentinel %s still reports %s", sen.Addr(), addr)
			}
		}
		return isMaster(ctx, target)
	}
}

// requestFailover sends SENTINEL FAILOVER to sen unless it is failing over
// already. It returns why the failover is not done yet.
func requestFailover(ctx context.Context, sen *Server) error {
	client, err := sen.admin("ask for a failover from")
	if err != nil {
		return err
	}
	master, err := fieldMap(client.Do(ctx, "SENTINEL", "MASTER", sentinelMasterName).Result())
	if err != nil {
		return fmt.Errorf("SENTINEL MASTER on %s: %w", sen.Addr(), err)
	}
	if strings.Contains(master["flags"], "failover_in_progress") {
		return fmt.Errorf("sentinel %s is failing over (%s)", sen.Addr(), master["failover-state"])
	}
	if err := client.Do(ctx, "SENTINEL", "FAILOVER", sentinelMasterName).Err(); err != nil {
		return fmt.Errorf("SENTINEL FAILOVER on %s: %w", sen.Addr(), err)
	}
	return fmt.Errorf("sentinel %s has just started a failover", sen.Addr())
}

// isMaster checks that s answers ROLE as a master.
func isMaster(ctx context.Context, s *Server) error {
	client, err := s.admin("ask the role of")
	if err != nil {
		return err
	}
	role, err := client.Do(ctx, "ROLE").Slice()
	if err != nil {
		return fmt.Errorf("ROLE on %s: %w", s.Addr(), err)
	}
	if len(role) == 0 || role[0] != "master" {
		return fmt.Errorf("%s answers ROLE %v", s.Addr(), role)
	}
	return nil
}

package localredis

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
)

// sentinelMasterName is the name the sentinels monitor the master under.
const sentinelMasterName = "localredis"

// Sentinel is a master and its replica, watched by three sentinels with a
// quorum of two, all private servers on loopback. The sentinels fail over
// by themselves when the master stays down for about a second and a half;
// Failover does it at once.
type Sentinel struct {
	data      []*Server // the master and the replica as started
	sentinels []*Server
}

// StartSentinel starts the master, its replica and the sentinels, and waits
// until the replica is in sync and receives the master's writes as they are
// made, and every sentinel sees the master, the replica and the other two
// sentinels.
func StartSentinel(ctx context.Context) (*Sentinel, error) {
	s := &Sentinel{}
	err := s.startData(ctx)
	if err == nil {
		err = s.startSentinels(ctx)
	}
	if err != nil {
		return nil, errors.Join(err, s.Close())
	}
	return s, nil
}

// MasterName returns the name the sentinels know the master by, for
// redis.FailoverOptions.MasterName.
func (s *Sentinel) MasterName() string { return sentinelMasterName }

// SentinelAddrs returns the sentinels' addresses, for
// redis.FailoverOptions.SentinelAddrs.
func (s *Sentinel) SentinelAddrs() []string {
	addrs := make([]string, len(s.sentinels))
	for i, sen := range s.sentinels {
		addrs[i] = sen.Addr()
	}
	return addrs
}

// URL returns the URL of the master through the sentinels, in go-redis's
// form (redis.ParseFailoverURL, rediscache.Connect): the first sentinel's
// address, master_name, and the other sentinels as addr parameters.
func (s *Sentinel) URL() string {
	addrs := s.SentinelAddrs()
	q := url.Values{"master_name": {s.MasterName()}, "addr": addrs[1:]}
	return "redis://" + addrs[0] + "?" + q.Encode()
}

// Sentinels returns the sentinel processes, to pause or kill them.
func (s *Sentinel) Sentinels() []*Server { return slices.Clone(s.sentinels) }

// Master returns the data server the first running sentinel reports as
// master. After the master dies that is still the dead one until the
// sentinels have failed over.
func (s *Sentinel) Master(ctx context.Context) (*Server, error) {
	sen, err := s.anyRunning()
	if err != nil {
		return nil, err
	}
	addr, err := reportedMaster(ctx, sen)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(s.data, func(d *Server) bool { return d.Addr() == addr })
	if i < 0 {
		return nil, fmt.Errorf("localredis: sentinel %s reports %s as master, which is none of the data servers", sen.Addr(), addr)
	}
	return s.data[i], nil
}

// Replica returns the data server that is not the Master.
func (s *Sentinel) Replica(ctx context.Context) (*Server, error) {
	m, err := s.Master(ctx)
	if err != nil {
		return nil, err
	}
	return s.other(m), nil
}

// WaitHealthy waits until the setup has recovered from whatever was done to
// it: every sentinel reports the same master, which answers ROLE as master,
// the other data server is its replica and in sync, and every sentinel sees
// both and the other sentinels. It fails at once if a server is not
// running. A restarted old master rejoins as a replica only when the
// sentinels convert it, about ten seconds after it comes back.
func (s *Sentinel) WaitHealthy(ctx context.Context) error {
	if err := allRunning(slices.Concat(s.data, s.sentinels)); err != nil {
		return err
	}
	return waitFor(ctx, "the sentinel setup to be healthy", s.healthy)
}

// healthy is the check of WaitHealthy.
func (s *Sentinel) healthy(ctx context.Context) error {
	master, err := s.Master(ctx)
	if err != nil {
		return err
	}
	for _, sen := range s.sentinels {
		if addr, err := reportedMaster(ctx, sen); err != nil || addr != master.Addr() {
			return fmt.Errorf("sentinel %s reports master %s (%v), not %s", sen.Addr(), addr, err, master.Addr())
		}
	}
	if err := isMaster(ctx, master); err != nil {
		return err
	}
	if err := s.other(master).syncedWith(ctx, master); err != nil {
		return err
	}
	return s.acquainted(ctx)
}

// Close closes the sentinels, then the data servers.
func (s *Sentinel) Close() error {
	var errs []error
	for _, srv := range slices.Concat(s.sentinels, s.data) {
		errs = append(errs, srv.Close())
	}
	return errors.Join(errs...)
}

// startData starts the master and its replica, and waits for the replica
// to be in sync. Both load a configuration file that REPLICAOF and the
// sentinels' CONFIG REWRITE keep up to date, so that a restarted data server
// comes back with the role it last had, as in production.
func (s *Sentinel) startData(ctx context.Context) error {
	spec := serverSpec{data: true, config: "# kept up to date by CONFIG REWRITE\n"}
	var err error
	s.data, err = startAll(ctx, []serverSpec{spec, spec})
	if err != nil {
		return err
	}
	master, replica := s.data[0], s.data[1]
	if err := replica.follow(ctx, master); err != nil {
		return err
	}
	synced := func(ctx context.Context) error { return replica.syncedWith(ctx, master) }
	if err := waitFor(ctx, "the replica "+replica.Addr()+" to sync with "+master.Addr(), synced); err != nil {
		return err
	}
	streaming := func(ctx context.Context) error { return master.streamsTo(ctx, 1) }
	return waitFor(ctx, master.Addr()+" to stream its writes to "+replica.Addr(), streaming)
}

// other returns the data server that is not d.
func (s *Sentinel) other(d *Server) *Server {
	if d == s.data[0] {
		return s.data[1]
	}
	return s.data[0]
}

// anyRunning returns the first running sentinel.
func (s *Sentinel) anyRunning() (*Server, error) {
	for _, sen := range s.sentinels {
		if sen.isRunning() {
			return sen, nil
		}
	}
	return nil, fmt.Errorf("localredis: no sentinel is running: %w", ErrNotRunning)
}

// reportedMaster returns the master's address as sen reports it.
func reportedMaster(ctx context.Context, sen *Server) (string, error) {
	client, err := sen.admin("ask the master of")
	if err != nil {
		return "", err
	}
	hostPort, err := client.Do(ctx, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", sentinelMasterName).StringSlice()
	if err != nil || len(hostPort) != 2 {
		return "", fmt.Errorf("localredis: SENTINEL GET-MASTER-ADDR-BY-NAME on %s: %v %v", sen.Addr(), hostPort, err)
	}
	return hostPort[0] + ":" + hostPort[1], nil
}

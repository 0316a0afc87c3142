package localredis

import (
	"bufio"
	"context"
	"fmt"
	"strconv"
	"strings"
)

// DisconnectReplicas closes the server's connections to its replicas
// (CLIENT KILL TYPE replica) and returns how many it closed. The server
// stays master and keeps acknowledging writes, but sends them to no replica
// until one reconnects, which a running replica does within a second or so:
// Pause the replicas first to keep them away. Together with Kill this makes
// a master lose writes it acknowledged; see the package documentation.
func (s *Server) DisconnectReplicas(ctx context.Context) (int, error) {
	client, err := s.admin("disconnect the replicas of")
	if err != nil {
		return 0, err
	}
	n, err := client.Do(ctx, "CLIENT", "KILL", "TYPE", "replica").Int()
	if err != nil {
		return 0, fmt.Errorf("localredis: CLIENT KILL TYPE replica on %s: %w", s.Addr(), err)
	}
	return n, nil
}

// follow makes s a replica of master and saves that in its configuration
// file, so that it survives a restart.
func (s *Server) follow(ctx context.Context, master *Server) error {
	client, err := s.admin("make a replica of")
	if err != nil {
		return err
	}
	if err := client.ReplicaOf(ctx, "127.0.0.1", strconv.Itoa(master.port)).Err(); err != nil {
		return fmt.Errorf("localredis: REPLICAOF %s on %s: %w", master.Addr(), s.Addr(), err)
	}
	if err := client.ConfigRewrite(ctx).Err(); err != nil {
		return fmt.Errorf("localredis: CONFIG REWRITE on %s: %w", s.Addr(), err)
	}
	return nil
}

// info returns the fields of one INFO section of a running server.
func (s *Server) info(ctx context.Context, section string) (map[string]string, error) {
	client, err := s.admin("read INFO of")
	if err != nil {
		return nil, err
	}
	text, err := client.Info(ctx, section).Result()
	if err != nil {
		return nil, fmt.Errorf("localredis: INFO %s on %s: %w", section, s.Addr(), err)
	}
	return parseInfo(text), nil
}

// syncedWith checks that s is a replica of master with its link up.
func (s *Server) syncedWith(ctx context.Context, master *Server) error {
	info, err := s.info(ctx, "replication")
	if err != nil {
		return err
	}
	if info["role"] != "slave" || info["master_port"] != strconv.Itoa(master.port) || info["master_link_status"] != "up" {
		return fmt.Errorf("%s has role %q, master port %q, link %q; want a replica of %s with its link up",
			s.Addr(), info["role"], info["master_port"], info["master_link_status"], master.Addr())
	}
	return nil
}

// streamsTo checks that s streams its writes to n replicas. After a full
// sync, a Redis 7 master holds the stream back until the replica's next
// acknowledgement, up to a second later, although the replica already
// reports its link up. So this sends a FLUSHALL, which travels the stream,
// and WAITs briefly for n replicas to acknowledge it. Only for a server
// whose data may be thrown away: one just started.
func (s *Server) streamsTo(ctx context.Context, n int) error {
	client, err := s.admin("check the replication stream of")
	if err != nil {
		return err
	}
	conn := client.Conn() // WAIT counts acknowledgements of this connection's writes
	defer conn.Close()
	if err := conn.FlushAll(ctx).Err(); err != nil {
		return fmt.Errorf("localredis: FLUSHALL on %s: %w", s.Addr(), err)
	}
	got, err := conn.Wait(ctx, n, 100).Result()
	if err != nil {
		return fmt.Errorf("localredis: WAIT on %s: %w", s.Addr(), err)
	}
	if got < int64(n) {
		return fmt.Errorf("%d of %d replicas of %s acknowledged a write within 100ms", got, n, s.Addr())
	}
	return nil
}

// allRunning checks that every server is running.
func allRunning(servers []*Server) error {
	for _, s := range servers {
		if _, err := s.admin("expect a healthy"); err != nil {
			return err
		}
	}
	return nil
}

// parseInfo reads the "key:value" lines of INFO or CLUSTER INFO, skipping
// comments and blank lines.
func parseInfo(text string) map[string]string {
	fields := make(map[string]string)
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if k, v, ok := strings.Cut(line, ":"); ok && !strings.HasPrefix(line, "#") {
			fields[k] = v
		}
	}
	return fields
}

package main

import (
	"bufio"
	"context"
	"fmt"
	goruntime "runtime"
	"strings"
)

// machine describes where the figures were measured.
type machine struct {
	cpus     int
	platform string // GOOS/GOARCH
	goVer    string
	postgres string // SELECT version(), up to " on <platform>"
	redis    string // redis_version from INFO server
}

// describeMachine asks both servers for their versions.
func describeMachine(ctx context.Context, e *env) (machine, error) {
	m := machine{cpus: goruntime.NumCPU(), platform: goruntime.GOOS + "/" + goruntime.GOARCH, goVer: goruntime.Version()}
	var pg string
	if err := e.pool.QueryRow(ctx, "SELECT version()").Scan(&pg); err != nil {
		return m, fmt.Errorf("SELECT version(): %w", err)
	}
	m.postgres, _, _ = strings.Cut(pg, " on ")
	info, err := e.rdb.Info(ctx, "server").Result()
	if err != nil {
		return m, fmt.Errorf("INFO server: %w", err)
	}
	m.redis = "Redis " + infoField(info, "redis_version")
	return m, nil
}

// infoField returns the value of name in the text of an INFO reply.
func infoField(info, name string) string {
	sc := bufio.NewScanner(strings.NewReader(info))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), name+":"); ok {
			return v
		}
	}
	return "(unknown version)"
}

// String is the machine line of the report.
func (m machine) String() string {
	return fmt.Sprintf("%d CPUs, %s, %s; %s; %s", m.cpus, m.platform, m.goVer, m.postgres, m.redis)
}

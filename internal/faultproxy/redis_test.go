package faultproxy_test

import (
	"bufio"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/go-sysconfig/sysconfig/internal/faultproxy"
	"github.com/go-sysconfig/sysconfig/internal/testenv"
)

func TestForwardsToRealRedis(t *testing.T) {
	opts, err := redis.ParseURL(testenv.RedisURL())
	if err != nil {
		t.Fatal(err)
	}
	redisAddr := opts.Addr
	if c, err := net.DialTimeout("tcp", redisAddr, prompt); err != nil {
		t.Fatalf("Redis is unreachable at %s: %v\nstart it with `make services`", redisAddr, err)
	} else {
		_ = c.Close()
	}
	p := faultproxy.New(t, redisAddr)
	c := dial(t, p.Addr())
	if got := ping(t, c); !strings.HasPrefix(got, "+PONG") {
		t.Fatalf("PING through the proxy = %q, want +PONG", got)
	}
	p.Cut()
	readFails(t, c)
	p.Restore()
	if got := ping(t, dial(t, p.Addr())); !strings.HasPrefix(got, "+PONG") {
		t.Fatalf("PING after Restore = %q, want +PONG", got)
	}
}

// ping sends a Redis PING on c and returns the reply line.
func ping(t testing.TB, c net.Conn) string {
	t.Helper()
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		t.Fatalf("send PING: %v", err)
	}
	_ = c.SetReadDeadline(time.Now().Add(prompt))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		t.Fatalf("read the reply to PING: %v (got %q)", err, line)
	}
	return line
}

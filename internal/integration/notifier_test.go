//go:build linux

package integration

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	goredis "github.com/redis/go-redis/v9"

	"github.com/go-sysconfig/sysconfig/internal/localredis"
	"github.com/go-sysconfig/sysconfig/internal/testenv"
	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/rediscache"
	"github.com/go-sysconfig/sysconfig/runtime/value"
)

// TestRedisNotifierThroughFaults runs the Redis notifier through a
// sequence of faults, over the real Postgres store and a private Redis:
// Redis killed and restarted empty, Redis paused, a writer that does not
// publish, a writer that publishes again. Two followers watch: one that
// hears only through Redis (its reconcile is off), and one that also
// reconciles every 100 ms. After each fault the first catches up as soon
// as Redis tells it anything (a resync after resubscribing, or the next
// notice, whose gap it notices); the second within its reconcile; and
// neither ever serves a value older than one it served.
func TestRedisNotifierThroughFaults(t *testing.T) {
	b := newBackends(t)
	srv := localredis.NewServer(t, localredis.Options{})
	newRedis := func() *goredis.Client {
		c := goredis.NewClient(&goredis.Options{Addr: srv.Addr(), ContextTimeoutEnabled: true, MaxRetries: -1,
			DialTimeout: 100 * time.Millisecond, ReadTimeout: 200 * time.Millisecond})
		t.Cleanup(func() { _ = c.Close() })
		return c
	}
	notifier := func() runtime.Notifier {
		return rediscache.NewNotifier(newRedis(), rediscache.NotifierOptions{Prefix: b.prefix})
	}
	deaf := started(t, b.store, nil, runtime.Options{Notifier: notifier(), ReconcileInterval: time.Hour, StalenessBound: 2 * time.Hour})
	polling := started(t, b.store, nil, runtime.Options{Notifier: notifier(), ReconcileInterval: 100 * time.Millisecond})
	writer := started(t, b.store, nil, runtime.Options{Notifier: notifier(), ReconcileInterval: time.Hour})
	silent := b.client(t, b.store, nil) // writes without publishing, as a process without the notifier
	deafHeard := monotonic(t, deaf)
	set := func(c *runtime.Client, v int64) {
		t.Helper()
		if err := countField.Set(ctx, c, v); err != nil {
			t.Fatalf("set %d: %v", v, err)
		}
	}

	set(writer, 1)
	eventually(t, "the deaf follower hears 1 through Redis", reads(deaf, 1))

	must(t, srv.Kill())
	set(writer, 2) // its publish fails
	eventually(t, "the polling follower finds 2 with Redis down", reads(polling, 2))
	must(t, srv.Restart(ctx))
	eventually(t, "the deaf follower resyncs once subscribed again", reads(deaf, 2))
	set(writer, 3)
	eventually(t, "the deaf follower hears 3", reads(deaf, 3))

	must(t, srv.Pause())
	set(writer, 4) // its publish times out, or is answered late
	eventually(t, "the polling follower finds 4 with Redis paused", reads(polling, 4))
	must(t, srv.Resume())
	set(writer, 5)
	eventually(t, "the deaf follower hears 5 after the pause", reads(deaf, 5))

	if err := titleField.Set(ctx, silent, "Unpublished"); err != nil { // nobody publishes it
		t.Fatal(err)
	}
	eventually(t, "the polling follower finds the unpublished title", titleIs(polling, "Unpublished"))
	set(writer, 7) // its notice follows the title's change, which the deaf follower never heard of
	eventually(t, "the deaf follower reads 7", reads(deaf, 7))
	eventually(t, "the deaf follower notices the gap and reads the title too", titleIs(deaf, "Unpublished"))
	deafHeard.check(t)
}

func titleIs(c *runtime.Client, want string) func() bool {
	return func() bool {
		got, err := titleField.Get(ctx, c)
		return err == nil && got == want
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// heardValues records the values a client's hooks see for countField.
type heardValues struct {
	mu   sync.Mutex
	vals []int64
}

func monotonic(t *testing.T, c *runtime.Client) *heardValues {
	h := &heardValues{}
	if err := countField.OnChange(c, func(_ context.Context, _, v int64) error {
		h.mu.Lock()
		h.vals = append(h.vals, v)
		h.mu.Unlock()
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return h
}

// check fails t if the hooks saw a value go back or come twice.
func (h *heardValues) check(t *testing.T) {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	for i := 1; i < len(h.vals); i++ {
		if h.vals[i] <= h.vals[i-1] {
			t.Errorf("the follower's hooks saw %v: a value backwards or twice", h.vals)
		}
	}
}

// TestNoticesCarrySecretsSealed: what a role that may only LISTEN hears of
// a secret's change, through Postgres and through Redis, holds the sealed
// value, never the plaintext, and a follower decrypts it with its keyring.
func TestNoticesCarrySecretsSealed(t *testing.T) {
	const plaintext = "correct-horse-battery-staple"
	b := newBackends(t)
	conn, err := pgx.Connect(ctx, testenv.DatabaseURL())
	must(t, err)
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	_, err = conn.Exec(ctx, "LISTEN "+pgx.Identifier{b.store.Channel()}.Sanitize())
	must(t, err)
	notifier := rediscache.NewNotifier(b.redis, rediscache.NotifierOptions{Prefix: b.prefix})
	sub := b.redis.Subscribe(ctx, notifier.Channel(itSchema.App()))
	t.Cleanup(func() { _ = sub.Close() })
	_, err = sub.Receive(ctx) // the subscription's confirmation
	must(t, err)
	follower := started(t, b.store, nil, runtime.Options{Notifier: notifier, ReconcileInterval: time.Hour})
	writer := withNotifier(t, b, notifier)
	must(t, secretF.Set(ctx, writer, value.NewSecret(plaintext)))

	waitCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var pgPayload string
	for !strings.Contains(pgPayload, secretF.Path()) { // the channel is the database's: other tests write too
		msg, err := conn.WaitForNotification(waitCtx)
		must(t, err)
		pgPayload = msg.Payload
	}
	redisMsg, err := sub.ReceiveMessage(waitCtx)
	must(t, err)
	for via, payload := range map[string]string{"Postgres": pgPayload, "Redis": redisMsg.Payload} {
		if strings.Contains(payload, plaintext) || !strings.Contains(payload, secretF.Path()) {
			t.Errorf("the %s notice %s: want the secret's path with its sealed value, never the plaintext", via, payload)
		}
	}
	eventually(t, "the follower decrypts the secret it was told of", func() bool {
		got, err := secretF.Get(ctx, follower)
		return err == nil && got.Reveal() == plaintext
	})
}

// withNotifier returns an unstarted client of the test's store that
// publishes through n.
func withNotifier(t *testing.T, b *backends, n runtime.Notifier) *runtime.Client {
	t.Helper()
	c, err := runtime.NewClient(itSchema, b.store, runtime.Options{Notifier: n, Secrets: oldKeys})
	must(t, err)
	return c
}

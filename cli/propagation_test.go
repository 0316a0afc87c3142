package cli_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-sysconfig/sysconfig/cli"
	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/rediscache"
	"github.com/go-sysconfig/sysconfig/runtime/value"
	"github.com/go-sysconfig/sysconfig/schema"
)

// bound is the staleness bound of the app clients of these tests.
const bound = time.Second

// TestRunningClientsSeeTheWrite runs two app clients beside the CLI: one
// started (snapshot, notified by Postgres) and one with the snapshot off,
// reading through Redis. Each sees a write of the CLI within the bound;
// without a Redis URL, the CLI leaves the Redis entry as it was, and the
// Redis reader still sees the write within the bound.
func TestRunningClientsSeeTheWrite(t *testing.T) {
	o := newOperator(t)
	ctx := context.Background()
	started := o.appClient(false)
	if err := started.Start(ctx); err != nil {
		t.Fatal(err)
	}
	viaRedis := o.appClient(true)
	o.waitFor(t, viaRedis, "My Shop") // fills Redis with the default
	o.step(0, "", "set", "shop.site.title", "Black Friday", "--actor", "alice")
	o.waitFor(t, started, "Black Friday")
	o.waitFor(t, viaRedis, "Black Friday")
	delete(o.env, "SYSCONFIG_REDIS_URL")
	o.step(0, "", "set", "shop.site.title", "Cyber Monday", "--actor", "alice")
	o.waitFor(t, started, "Cyber Monday")
	o.waitFor(t, viaRedis, "Cyber Monday")
}

// TestRedisNotifiedClientsHearTheCLI: a started app client hearing of
// changes through Redis pub/sub only (its reconcile off; with a Notifier
// of its own it does not LISTEN to Postgres) sees a write of the CLI given
// the Redis URL: the CLI publishes it under the same prefix.
func TestRedisNotifiedClientsHearTheCLI(t *testing.T) {
	o := newOperator(t)
	c := o.client("testdata/shop.yaml", runtime.Options{Cache: o.cache(), StalenessBound: time.Hour, ReconcileInterval: time.Hour,
		Notifier: rediscache.NewNotifier(o.rdb, rediscache.NotifierOptions{Prefix: o.prefix})})
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	o.step(0, "", "set", "shop.site.title", "Heard through Redis", "--actor", "alice")
	o.waitFor(t, c, "Heard through Redis")
}

// appClient returns a client of testdata/shop.yaml with the test's
// staleness bound and the app's Redis; snapshotOff makes it read through
// Redis.
func (o *operator) appClient(snapshotOff bool) *runtime.Client {
	return o.client("testdata/shop.yaml", runtime.Options{Cache: o.cache(), StalenessBound: bound, DisableSnapshot: snapshotOff})
}

// waitFor fails the test unless c reads want as the title within the
// staleness bound (and a little for the scheduler).
func (o *operator) waitFor(t *testing.T, c *runtime.Client, want string) {
	t.Helper()
	start := time.Now()
	for {
		v, err := c.Get(context.Background(), "shop.site.title")
		if err == nil && v.Value == want {
			t.Logf("%q seen after %v", want, time.Since(start).Round(time.Millisecond))
			return
		}
		if time.Since(start) > bound+bound/2 {
			t.Fatalf("after %v the client reads %v (%v), want %q", time.Since(start), v.Value, err, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestLibraryWithCustomValidator runs the CLI as an app builds it into its
// own binary: with its schema and its custom validator registered, a field
// declaring the validator is written, checked by it.
func TestLibraryWithCustomValidator(t *testing.T) {
	o := newOperator(t)
	value.RegisterValidator("sku", func(v any) error {
		if !strings.HasPrefix(v.(string), "SKU-") {
			return errors.New("must start with SKU-")
		}
		return nil
	})
	s, err := schema.Load("testdata/shop.yaml")
	if err != nil {
		t.Fatal(err)
	}
	opts := cli.Options{Schema: s.Runtime(), Getenv: func(name string) string { return o.env[name] }}
	for _, c := range []struct {
		value, want string
		code        int
	}{
		{"AB", "invalid value for shop.email.sku_prefix: must start with SKU-", cli.ExitError},
		{"SKU-1", "SKU-1", cli.ExitOK},
	} {
		var stdout, stderr bytes.Buffer
		opts.Stdout, opts.Stderr = &stdout, &stderr
		code := cli.Main([]string{"set", "shop.email.sku_prefix", c.value, "--actor", "alice"}, opts)
		if code != c.code || !strings.Contains(stdout.String()+stderr.String(), c.want) {
			t.Errorf("set %s: exit %d, stdout %q, stderr %q; want exit %d and %q", c.value, code, &stdout, &stderr, c.code, c.want)
		}
	}
}

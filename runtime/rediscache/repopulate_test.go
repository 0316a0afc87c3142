package rediscache_test

import (
	"context"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/go-sysconfig/sysconfig/internal/localredis"
	"github.com/go-sysconfig/sysconfig/internal/servercost"
	"github.com/go-sysconfig/sysconfig/internal/testenv"
	"github.com/go-sysconfig/sysconfig/runtime"
	rediscache "github.com/go-sysconfig/sysconfig/runtime/rediscache"
)

var _ runtime.Repopulator = (*rediscache.Cache)(nil)

// repopulateKey is the Redis key of app's repopulation state under prefix.
func repopulateKey(prefix, app string) string { return prefix + "repopulate:" + app }

func claim(t *testing.T, c *rediscache.Cache, app string) runtime.Claim {
	t.Helper()
	got, err := c.ClaimRepopulation(context.Background(), app)
	if err != nil {
		t.Fatalf("ClaimRepopulation(%q): %v", app, err)
	}
	return got
}

func checkClaim(t *testing.T, c *rediscache.Cache, app string, want runtime.Claim) {
	t.Helper()
	if got := claim(t, c, app); got != want {
		t.Fatalf("ClaimRepopulation(%q) = %v, want %v", app, got, want)
	}
}

func finish(t *testing.T, c *rediscache.Cache, app string) {
	t.Helper()
	if err := c.FinishRepopulation(context.Background(), app); err != nil {
		t.Fatalf("FinishRepopulation(%q): %v", app, err)
	}
}

// checkState checks the raw state and expiry of app's repopulation key.
func checkState(t *testing.T, e env, app, want string, maxTTL time.Duration) {
	t.Helper()
	ctx := context.Background()
	key := repopulateKey(e.prefix, app)
	got, err := e.raw.Get(ctx, key).Result()
	if err != nil || got != want {
		t.Errorf("GET %s = %q, %v; want %q", key, got, err, want)
	}
	pttl, err := e.raw.PTTL(ctx, key).Result()
	if err != nil || pttl <= 0 || pttl > maxTTL {
		t.Errorf("PTTL %s = %v, %v; want in (0, %v]", key, pttl, err, maxTTL)
	}
}

func TestRepopulationLifecycle(t *testing.T) {
	eachMode(t, rediscache.Options{}, func(t *testing.T, e env) {
		checkClaim(t, e.cache, "app", runtime.ClaimWon)
		checkState(t, e, "app", "running", rediscache.DefaultClaimTTL)
		checkClaim(t, e.cache, "app", runtime.ClaimBusy)
		finish(t, e.cache, "app")
		checkState(t, e, "app", "done", rediscache.DefaultDoneTTL)
		checkClaim(t, e.cache, "app", runtime.ClaimDone)
		checkClaim(t, e.cache, "app", runtime.ClaimDone)
	})
}

func TestRepopulationDoneExpires(t *testing.T) {
	eachMode(t, rediscache.Options{DoneTTL: 50 * time.Millisecond}, func(t *testing.T, e env) {
		checkClaim(t, e.cache, "app", runtime.ClaimWon)
		finish(t, e.cache, "app")
		checkClaim(t, e.cache, "app", runtime.ClaimDone)
		waitExpired(t, e, "app")
		checkClaim(t, e.cache, "app", runtime.ClaimWon)
	})
}

// TestRepopulationClaimExpires covers a winner that died: once its claim
// lapses, another process wins.
func TestRepopulationClaimExpires(t *testing.T) {
	eachMode(t, rediscache.Options{ClaimTTL: 50 * time.Millisecond}, func(t *testing.T, e env) {
		checkClaim(t, e.cache, "app", runtime.ClaimWon)
		checkClaim(t, e.cache, "app", runtime.ClaimBusy)
		waitExpired(t, e, "app")
		checkClaim(t, e.cache, "app", runtime.ClaimWon)
	})
}

// waitExpired waits until Redis has expired app's repopulation key.
func waitExpired(t *testing.T, e env, app string) {
	t.Helper()
	key := repopulateKey(e.prefix, app)
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		n, err := e.raw.Exists(context.Background(), key).Result()
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s has not expired after 5s", key)
}

func TestRepopulationConcurrentClaimsHaveOneWinner(t *testing.T) {
	eachMode(t, rediscache.Options{}, func(t *testing.T, e env) {
		const claimers = 20
		claims := make([]runtime.Claim, claimers)
		var wg sync.WaitGroup
		for i := range claimers {
			wg.Go(func() {
				c, err := e.cache.ClaimRepopulation(context.Background(), "app")
				if err != nil {
					t.Error(err)
				}
				claims[i] = c
			})
		}
		wg.Wait()
		count := map[runtime.Claim]int{}
		for _, c := range claims {
			count[c]++
		}
		if count[runtime.ClaimWon] != 1 || count[runtime.ClaimBusy] != claimers-1 {
			t.Errorf("claims = %v, want one ClaimWon and %d ClaimBusy", count, claimers-1)
		}
	})
}

func TestRepopulationAppsAreIndependent(t *testing.T) {
	eachMode(t, rediscache.Options{}, func(t *testing.T, e env) {
		checkClaim(t, e.cache, "billing", runtime.ClaimWon)
		checkClaim(t, e.cache, "shop", runtime.ClaimWon)
		finish(t, e.cache, "billing")
		checkClaim(t, e.cache, "billing", runtime.ClaimDone)
		checkClaim(t, e.cache, "shop", runtime.ClaimBusy)
		checkClaim(t, e.cache, "search", runtime.ClaimWon)
	})
}

// TestRepopulationOverwritesOtherValues checks that a key holding neither
// state, whatever its value or type, counts as missing.
func TestRepopulationOverwritesOtherValues(t *testing.T) {
	eachMode(t, rediscache.Options{}, func(t *testing.T, e env) {
		ctx := context.Background()
		key := repopulateKey(e.prefix, "app")
		for _, raw := range []string{"", "garbage", "Running", "DONE", "running ", "1:s:x"} {
			if err := e.raw.Set(ctx, key, raw, 0).Err(); err != nil {
				t.Fatal(err)
			}
			checkClaim(t, e.cache, "app", runtime.ClaimWon)
			checkState(t, e, "app", "running", rediscache.DefaultClaimTTL)
		}
		if err := e.raw.Del(ctx, key).Err(); err != nil {
			t.Fatal(err)
		}
		if err := e.raw.HSet(ctx, key, "f", "v").Err(); err != nil {
			t.Fatal(err)
		}
		checkClaim(t, e.cache, "app", runtime.ClaimWon)
		checkState(t, e, "app", "running", rediscache.DefaultClaimTTL)
	})
}

// TestRepopulationKeyIsNotAnEntry checks that the repopulation key and the
// entries live side by side: claiming touches no entry, and a fill or a
// delete touches no claim.
func TestRepopulationKeyIsNotAnEntry(t *testing.T) {
	eachMode(t, rediscache.Options{}, func(t *testing.T, e env) {
		entry := set("app.section.field@abc123", 1, "x")
		fill(t, e.cache, entry)
		checkClaim(t, e.cache, "app", runtime.ClaimWon)
		checkResult(t, get(t, e.cache, entry.Key)[0], found(entry))
		if err := e.cache.Delete(context.Background(), []string{entry.Key}); err != nil {
			t.Fatal(err)
		}
		checkClaim(t, e.cache, "app", runtime.ClaimBusy)
	})
}

func TestRepopulationWithoutCachedScript(t *testing.T) {
	eachMode(t, rediscache.Options{}, func(t *testing.T, e env) {
		if err := e.raw.ScriptFlush(context.Background()).Err(); err != nil {
			t.Fatal(err)
		}
		checkClaim(t, e.cache, "app", runtime.ClaimWon)
	})
}

func TestRepopulationUnreachableFailsFast(t *testing.T) {
	client := unreachable(t, &goredis.Options{MaxRetries: -1, DialerRetries: 1})
	for name, c := range map[string]goredis.UniversalClient{"single": client, "pipelined": pipelineOnly{client}} {
		t.Run(name, func(t *testing.T) {
			cache := rediscache.New(c, rediscache.Options{})
			ops := map[string]func(ctx context.Context) error{
				"Claim": func(ctx context.Context) error {
					_, err := cache.ClaimRepopulation(ctx, "app")
					return err
				},
				"Finish": func(ctx context.Context) error { return cache.FinishRepopulation(ctx, "app") },
			}
			for op, run := range ops {
				start := time.Now()
				err := run(context.Background())
				if took := time.Since(start); err == nil || took > time.Second {
					t.Errorf("%s: err = %v after %v; want an error within 1s", op, err, took)
				}
			}
		})
	}
}

func TestRepopulationCancelledContext(t *testing.T) {
	client, prefix := testenv.Redis(t)
	c := rediscache.New(client, rediscache.Options{Prefix: prefix})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.ClaimRepopulation(ctx, "app"); err == nil {
		t.Error("ClaimRepopulation with a cancelled context succeeded")
	}
	if err := c.FinishRepopulation(ctx, "app"); err == nil {
		t.Error("FinishRepopulation with a cancelled context succeeded")
	}
	checkClaim(t, c, "app", runtime.ClaimWon)
}

// TestRepopulationQuestionCostsNoScript: once an app is claimed or done,
// asking again — what every started client does at each reconcile — is a
// GET, not a script; only a claim runs one. Counted by a private server.
func TestRepopulationQuestionCostsNoScript(t *testing.T) {
	srv := localredis.NewServer(t, localredis.Options{})
	client := goredis.NewClient(&goredis.Options{Addr: srv.Addr()})
	t.Cleanup(func() { _ = client.Close() })
	c := rediscache.New(client, rediscache.Options{})
	scripts := func() int64 {
		calls := servercost.ParseCommandStats(client.Info(context.Background(), "commandstats").Val())
		return calls["eval"] + calls["evalsha"]
	}
	checkClaim(t, c, "app", runtime.ClaimWon)
	claimed := scripts()
	for range 10 {
		checkClaim(t, c, "app", runtime.ClaimBusy)
	}
	finish(t, c, "app")
	for range 10 {
		checkClaim(t, c, "app", runtime.ClaimDone)
	}
	if n := scripts() - claimed; n != 0 || claimed == 0 {
		t.Errorf("the claim ran %d script(s) and 20 questions after it %d, want 1 or 2 and none", claimed, n)
	}
}

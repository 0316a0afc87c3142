package rediscache

import (
	"context"
	"errors"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/go-sysconfig/sysconfig/runtime"
)

var _ runtime.Repopulator = (*Cache)(nil)

// The states a repopulation key holds (see the package documentation).
const (
	stateRunning = "running"
	stateDone    = "done"
)

// ClaimRepopulation implements runtime.Repopulator on the app's
// repopulation key: "running" answers runtime.ClaimBusy and "done"
// runtime.ClaimDone, read with one GET (every started client asks at each
// reconcile, so the common answer costs no script); anything else — a
// missing key, or one holding another value — is claimed with one atomic
// script, which makes it "running" for Options.ClaimTTL and lets the caller
// win unless another process claimed it first.
func (c *Cache) ClaimRepopulation(ctx context.Context, app string) (runtime.Claim, error) {
	keys := []string{c.repopulateKey(app)}
	var reply string
	err := c.call(ctx, func(ctx context.Context) (err error) {
		reply, err = c.client.Get(ctx, keys[0]).Result()
		switch {
		case reply == stateRunning:
			reply = "busy"
			return nil
		case reply == stateDone:
			reply = "done"
			return nil
		case err != nil && !errors.Is(err, goredis.Nil) && !goredis.HasErrorPrefix(err, "WRONGTYPE"):
			return err
		}
		reply, err = claimScript.Run(ctx, c.client, keys, stateRunning, stateDone, c.claimPTTL).Text()
		return err
	})
	if err != nil {
		return 0, c.failed(err)
	}
	return parseClaim(reply)
}

// FinishRepopulation implements runtime.Repopulator: it sets the app's
// repopulation key to "done" for Options.DoneTTL. It does not check that
// the caller holds the claim: a winner whose claim expired while it worked
// still marks the app done, which is harmless because fills are
// version-gated and so repopulating twice is only wasted work.
func (c *Cache) FinishRepopulation(ctx context.Context, app string) error {
	return c.failed(c.call(ctx, func(ctx context.Context) error {
		return c.client.Set(ctx, c.repopulateKey(app), stateDone, c.doneTTL).Err()
	}))
}

// repopulateKey returns the Redis key of app's repopulation state.
func (c *Cache) repopulateKey(app string) string {
	return c.prefix + "repopulate:" + app
}

// parseClaim maps the claim script's reply to a runtime.Claim.
func parseClaim(reply string) (runtime.Claim, error) {
	switch reply {
	case "won":
		return runtime.ClaimWon, nil
	case "busy":
		return runtime.ClaimBusy, nil
	case "done":
		return runtime.ClaimDone, nil
	}
	return 0, fmt.Errorf("sysconfig/rediscache: unexpected repopulation claim reply %q", reply)
}

// millis returns d in whole milliseconds, at least one; def replaces a d
// that is not positive.
func millis(d, def time.Duration) int64 {
	if d <= 0 {
		d = def
	}
	return max(d.Milliseconds(), 1)
}

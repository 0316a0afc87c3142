package localredis

import (
	"context"
	"errors"
	"fmt"
	"time"
)

const (
	// pollInterval is how often a condition is checked again while waiting.
	pollInterval = 20 * time.Millisecond
	// attemptTimeout bounds one check, so that a node that hangs cannot use
	// up the whole wait.
	attemptTimeout = 2 * time.Second
	// maxWait bounds every wait, whatever the caller's deadline.
	maxWait = 30 * time.Second
)

// permanentError ends a wait at once: retrying cannot help.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }

// permanent marks err as one that waiting cannot cure.
func permanent(err error) error { return &permanentError{err} }

// waitFor calls check until it returns nil, returns a permanent error, or
// ctx ends, or maxWait has passed. check returns why the condition does not
// hold yet; the last reason goes into the timeout error, which names what
// was awaited.
func waitFor(ctx context.Context, what string, check func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, maxWait)
	defer cancel()
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	for {
		err := attempt(ctx, check)
		if err == nil {
			return nil
		}
		var p *permanentError
		if errors.As(err, &p) {
			return p.err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("localredis: gave up waiting for %s: %w; last: %v", what, ctx.Err(), err)
		case <-tick.C:
		}
	}
}

// attempt runs one check under attemptTimeout.
func attempt(ctx context.Context, check func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, attemptTimeout)
	defer cancel()
	return check(ctx)
}

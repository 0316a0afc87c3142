package cli

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// runHistory prints the change sets the flags select, newest first.
func runHistory(ctx context.Context, inv *invocation) error {
	q, err := inv.changeQuery(time.Now())
	if err != nil {
		return err
	}
	return inv.withSession(ctx, false, func(s *session) error {
		sets, err := s.client.Changes(ctx, q)
		if err != nil {
			return err
		}
		if err := inv.recordReveal(ctx, s.client, writtenSecrets(s.client.Schema(), sets)); err != nil {
			return err
		}
		return inv.writeChanges(sets, false)
	})
}

// changeQuery builds history's query from its arguments and flags; now is
// what a --since duration counts back from.
func (inv *invocation) changeQuery(now time.Time) (runtime.ChangeQuery, error) {
	q := runtime.ChangeQuery{Actor: inv.historyActor, Limit: inv.limit, Before: inv.before, Reveal: inv.reveal}
	if len(inv.args) == 1 {
		q.Path = inv.args[0]
	}
	if inv.limit < 0 {
		return q, usagef("--limit %d: give a number of change sets > 0", inv.limit)
	}
	since, err := parseSince(inv.since, now)
	q.Since = since
	return q, err
}

// parseSince reads --since: empty, an RFC 3339 time, or a Go duration
// counted back from now.
func parseSince(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, usagef("--since %q: give an RFC 3339 time (2026-05-01T10:00:00Z) or a duration ago (2h)", s)
}

// runRevert reverts PATH@VERSION or a change set, then prints the change it
// wrote.
func runRevert(ctx context.Context, inv *invocation) error {
	path, version, byPath, err := parseRevertTarget(inv.args[0])
	if err != nil {
		return err
	}
	return inv.withSession(ctx, true, func(s *session) error {
		var id string
		if byPath {
			if _, err = writable(s.client, path); err == nil {
				id, err = s.client.RevertPath(inv.attributed(ctx), path, version)
			}
		} else {
			id, err = s.client.RevertChange(inv.attributed(ctx), inv.args[0], inv.force...)
		}
		if err != nil {
			return err
		}
		sets, err := s.client.Changes(ctx, runtime.ChangeQuery{ID: id, Limit: 1})
		if err != nil {
			return err
		}
		return inv.writeChanges(sets, true)
	})
}

// parseRevertTarget reads revert's argument: PATH@VERSION (byPath), or else
// a change ID.
func parseRevertTarget(arg string) (path string, version int64, byPath bool, err error) {
	i := strings.LastIndexByte(arg, '@')
	if i < 0 {
		return "", 0, false, nil
	}
	version, err = strconv.ParseInt(arg[i+1:], 10, 64)
	if err != nil || version < 1 {
		return "", 0, false, usagef("%q: write PATH@VERSION with a version >= 1, such as shop.site.title@42", arg)
	}
	return arg[:i], version, true, nil
}

package integration

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/keyring"
	"github.com/go-sysconfig/sysconfig/runtime/memory"
	"github.com/go-sysconfig/sysconfig/runtime/value"
)

// onEveryStore runs test on the memory store and on the Postgres store:
// the audit rules are the client's, and must hold on both.
func onEveryStore(t *testing.T, test func(t *testing.T, store runtime.Store)) {
	t.Run("memory", func(t *testing.T) { test(t, memory.NewStore()) })
	t.Run("postgres", func(t *testing.T) { test(t, newBackends(t).store) })
}

// auditClient returns a client of store with keys, without a cache.
func auditClient(t *testing.T, store runtime.Store, keys *keyring.Keyring) *runtime.Client {
	t.Helper()
	c, err := runtime.NewClient(itSchema, store, runtime.Options{Secrets: keys})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// set writes text at path and returns the version it got.
func set(t *testing.T, c *runtime.Client, path, text string) int64 {
	t.Helper()
	if err := c.Set(ctx, path, text); err != nil {
		t.Fatalf("Set(%s): %v", path, err)
	}
	return current(t, c, path).Version
}

// current reads path from the store.
func current(t *testing.T, c *runtime.Client, path string) runtime.Value {
	t.Helper()
	v, err := c.Get(ctx, path)
	if err != nil {
		t.Fatalf("Get(%s): %v", path, err)
	}
	return v
}

// changeCount returns how many change sets the app has.
func changeCount(t *testing.T, c *runtime.Client) int {
	t.Helper()
	sets, err := c.Changes(ctx, runtime.ChangeQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return len(sets)
}

// newest returns the app's newest change set.
func newest(t *testing.T, c *runtime.Client) runtime.ChangeSet {
	t.Helper()
	sets, err := c.Changes(ctx, runtime.ChangeQuery{Limit: 1})
	if err != nil || len(sets) != 1 {
		t.Fatalf("Changes = %+v, %v", sets, err)
	}
	return sets[0]
}

// refused checks that a revert failed as want says and wrote nothing.
func refused(t *testing.T, c *runtime.Client, what string, err, want error, changes int) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s = %v, want an error matching %v", what, err, want)
	}
	t.Logf("%s: %v", what, err)
	if n := changeCount(t, c); n != changes {
		t.Errorf("%s wrote: %d change sets, want %d", what, n, changes)
	}
}

var opsInfo = runtime.ChangeInfo{Actor: "ops", Reason: "roll back", Source: runtime.FromCLI}

// TestRevertPath: PATH@VERSION puts the value the path held at that
// version back, as a new change recorded as a revert by the caller; a
// version after a reset, or before the first write, means no override.
func TestRevertPath(t *testing.T) {
	onEveryStore(t, func(t *testing.T, store runtime.Store) {
		c := auditClient(t, store, oldKeys)
		path := countField.Path()
		set(t, c, titleField.Path(), "first") // so that v1 - 1 is a version, before the path's first write
		v1 := set(t, c, path, "1")
		v2 := set(t, c, path, "2")
		set(t, c, titleField.Path(), "between")
		set(t, c, path, "3")
		id, err := c.RevertPath(runtime.WithChangeInfo(ctx, opsInfo), path, v2+1)
		if err != nil {
			t.Fatal(err)
		}
		if v := current(t, c, path); v.Value != int64(2) || !v.Set {
			t.Errorf("after reverting to %d: %+v, want 2", v2+1, v)
		}
		cs := newest(t, c)
		want := runtime.ChangeInfo{Actor: "ops", Reason: "roll back", Source: runtime.FromRevert}
		if cs.ID != id || cs.ChangeInfo != want || cs.Reverts != path+"@"+strconv.FormatInt(v2+1, 10) || len(cs.Writes) != 1 {
			t.Errorf("the revert's change set = %+v, want %s by %+v reverting %s@%d", cs, id, want, path, v2+1)
		}
		if h, _ := c.History(ctx, path, 10); len(h) != 4 || h[1].Value != "3" || h[3].Value != "1" || h[3].Version != v1 {
			t.Errorf("history after the revert = %+v, want every write kept and the revert on top", h)
		}
		if err := c.Reset(ctx, path); err != nil {
			t.Fatal(err)
		}
		reset := current(t, c, path).Version
		set(t, c, path, "4")
		for _, version := range []int64{reset, v1 - 1} {
			if _, err := c.RevertPath(ctx, path, version); err != nil {
				t.Fatalf("RevertPath(%d): %v", version, err)
			}
			if v := current(t, c, path); v.Set {
				t.Errorf("after reverting to %d, with no override then: %+v, want no override", version, v)
			}
		}
	})
}

// TestRevertValidatesAgainstTheCurrentSchema: an old value that a
// tightened validator refuses is not put back, with ErrInvalid.
func TestRevertValidatesAgainstTheCurrentSchema(t *testing.T) {
	onEveryStore(t, func(t *testing.T, store runtime.Store) {
		c := auditClient(t, store, oldKeys)
		path := titleField.Path() // min_length 2 now; "x" passed when it was written
		old := orphan(t, store, runtime.Write{Path: path, Value: "x"})[0].New.Version
		set(t, c, path, "fine")
		id := newest(t, c).ID
		set(t, c, path, "later")
		n := changeCount(t, c)
		_, err := c.RevertPath(ctx, path, old)
		var invalid *runtime.ValidationError
		if !errors.As(err, &invalid) || invalid.Path != path {
			t.Errorf("RevertPath to a value the schema refuses = %v, want a *ValidationError for %s", err, path)
		}
		refused(t, c, "RevertPath to a value the schema refuses", err, runtime.ErrInvalid, n)
		_, err = c.RevertChange(ctx, id, path)
		refused(t, c, "RevertChange to a value the schema refuses", err, runtime.ErrInvalid, n)
		if v := current(t, c, path); v.Value != "later" {
			t.Errorf("after the refused reverts: %+v", v)
		}
	})
}

// twoPathChange sets count to 1, then count to 2 and title (never set
// before) to "new" in one change set, which it returns.
func twoPathChange(t *testing.T, c *runtime.Client) runtime.ChangeSet {
	t.Helper()
	set(t, c, countField.Path(), "1")
	if err := c.SetMany(ctx, runtime.AssignText(countField.Path(), "2"), runtime.AssignText(titleField.Path(), "new")); err != nil {
		t.Fatal(err)
	}
	return newest(t, c)
}

// TestRevertChange puts back every path of a change set, as one new
// change naming it; an unknown change is ErrUnknownChange.
func TestRevertChange(t *testing.T) {
	onEveryStore(t, func(t *testing.T, store runtime.Store) {
		c := auditClient(t, store, oldKeys)
		target := twoPathChange(t, c)
		id, err := c.RevertChange(runtime.WithChangeInfo(ctx, opsInfo), target.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v := current(t, c, countField.Path()); v.Value != int64(1) {
			t.Errorf("count after the revert = %+v, want 1", v)
		}
		if v := current(t, c, titleField.Path()); v.Set {
			t.Errorf("title after the revert = %+v, want no override, as before the change", v)
		}
		if cs := newest(t, c); cs.ID != id || cs.Reverts != target.ID || cs.Source != runtime.FromRevert || len(cs.Writes) != 2 {
			t.Errorf("the revert's change set = %+v, want %s reverting %s", cs, id, target.ID)
		}
		n := changeCount(t, c)
		_, err = c.RevertChange(ctx, runtime.NewChangeID())
		refused(t, c, "RevertChange of an unknown change", err, runtime.ErrUnknownChange, n)
	})
}

// TestRevertChangeRefusesPathsChangedSince: a change set whose paths were
// written later is not reverted unless the caller names those paths.
func TestRevertChangeRefusesPathsChangedSince(t *testing.T) {
	onEveryStore(t, func(t *testing.T, store runtime.Store) {
		c := auditClient(t, store, oldKeys)
		target := twoPathChange(t, c).ID
		set(t, c, countField.Path(), "3")
		n := changeCount(t, c)
		_, err := c.RevertChange(ctx, target)
		var since *runtime.ChangedSinceError
		if !errors.As(err, &since) || !slices.Equal(since.Paths, []string{countField.Path()}) {
			t.Errorf("RevertChange = %v, want a *ChangedSinceError naming %s", err, countField.Path())
		}
		refused(t, c, "RevertChange of paths changed since", err, runtime.ErrConflict, n)
		_, err = c.RevertChange(ctx, target, countField.Path(), "shop.limits.typo")
		refused(t, c, "RevertChange forcing a path the change did not write", err, runtime.ErrInvalid, n)
		if _, err := c.RevertChange(ctx, target, countField.Path()); err != nil {
			t.Fatalf("RevertChange forcing %s: %v", countField.Path(), err)
		}
		if v := current(t, c, countField.Path()); v.Value != int64(1) {
			t.Errorf("count after the forced revert = %+v, want 1", v)
		}
	})
}

// TestRevertIsOptimistic: a path written between the moment the revert
// read it and its commit makes the revert fail with ErrConflict.
func TestRevertIsOptimistic(t *testing.T) {
	onEveryStore(t, func(t *testing.T, store runtime.Store) {
		racing := &racingStore{Store: store}
		c := auditClient(t, racing, oldKeys)
		v1 := set(t, c, countField.Path(), "1")
		set(t, c, countField.Path(), "2")
		racing.race = func() { orphan(t, store, runtime.Write{Path: countField.Path(), Value: "9"}) }
		n := changeCount(t, c) + 1 // the racing write
		_, err := c.RevertPath(ctx, countField.Path(), v1)
		refused(t, c, "RevertPath racing a write", err, runtime.ErrConflict, n)
		if v := current(t, c, countField.Path()); v.Value != int64(9) {
			t.Errorf("after the conflict: %+v, want the racing write's 9", v)
		}
	})
}

// racingStore runs race once, just before the next Apply.
type racingStore struct {
	runtime.Store
	race func()
}

func (s *racingStore) Apply(ctx context.Context, ch runtime.Change) ([]runtime.Applied, error) {
	if race := s.race; race != nil {
		s.race = nil
		race()
	}
	return s.Store.Apply(ctx, ch)
}

// TestRevertOfASecretUnderADroppedKey fails with the decrypt error and
// writes nothing; with the key, it puts the secret back sealed under the
// primary key.
func TestRevertOfASecretUnderADroppedKey(t *testing.T) {
	onEveryStore(t, func(t *testing.T, store runtime.Store) {
		path := secretF.Path()
		v1 := set(t, auditClient(t, store, oldKeys), path, "first-secret")
		both := auditClient(t, store, mustKeyring(newKey, oldKey))
		set(t, both, path, "second-secret")
		target := newest(t, both).ID
		dropped := auditClient(t, store, mustKeyring(newKey))
		n := changeCount(t, dropped)
		_, err := dropped.RevertPath(ctx, path, v1)
		refused(t, dropped, "RevertPath to a secret under a dropped key", err, runtime.ErrSecret, n)
		_, err = dropped.RevertChange(ctx, target)
		refused(t, dropped, "RevertChange to a secret under a dropped key", err, runtime.ErrSecret, n)
		if _, err := both.RevertChange(ctx, target); err != nil {
			t.Fatal(err)
		}
		if v := current(t, dropped, path); v.Value.(value.Secret).Reveal() != "first-secret" {
			t.Error("the reverted secret does not read back under the new key alone")
		}
		for _, w := range newest(t, both).Writes {
			if w.New.Value != value.Redacted || w.Old.Value != value.Redacted {
				t.Errorf("the revert of a secret is listed as %+v, want redacted values", w)
			}
		}
	})
}

package runtime_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/value"
)

// lastChange returns the attribution of the newest history entry of path.
func lastChange(t *testing.T, c *runtime.Client, path string) runtime.HistoryEntry {
	t.Helper()
	h, err := c.History(ctx, path, 1)
	if err != nil || len(h) != 1 {
		t.Fatalf("History(%s) = %+v, %v", path, h, err)
	}
	return h[0]
}

func TestWritesRecordTheirAttribution(t *testing.T) {
	e := newEnv(t, nil)
	info := runtime.ChangeInfo{Actor: "alice", Reason: "black friday", Source: runtime.FromAdmin}
	if err := maxField.Set(runtime.WithChangeInfo(ctx, info), e.client, 50); err != nil {
		t.Fatal(err)
	}
	if got := lastChange(t, e.client, maxField.Path()).ChangeInfo; got != info {
		t.Errorf("a typed setter recorded %+v, want %+v", got, info)
	}
	if err := e.client.SetMany(ctx, maxField.Assign(60), titleField.Assign("Bazaar")); err != nil {
		t.Fatal(err)
	}
	want := runtime.ChangeInfo{Source: runtime.FromAPI}
	a, b := lastChange(t, e.client, maxField.Path()), lastChange(t, e.client, titleField.Path())
	if a.ChangeInfo != want || b.ChangeInfo != want {
		t.Errorf("a write without attribution recorded %+v and %+v, want %+v", a.ChangeInfo, b.ChangeInfo, want)
	}
	if a.ChangeID == "" || a.ChangeID != b.ChangeID {
		t.Errorf("one SetMany recorded changes %q and %q, want one", a.ChangeID, b.ChangeID)
	}
}

func TestUnrecordableAttributionIsInvalid(t *testing.T) {
	e := newEnv(t, nil)
	cases := map[string]runtime.ChangeInfo{
		"unknown source": {Source: "cron"},
		"long actor":     {Actor: strings.Repeat("a", runtime.MaxActorSize+1)},
		"long reason":    {Reason: strings.Repeat("r", runtime.MaxReasonSize+1)},
		"NUL in actor":   {Actor: "a\x00b"},
		"not UTF-8":      {Reason: "\xff"},
	}
	for name, info := range cases {
		err := maxField.Set(runtime.WithChangeInfo(ctx, info), e.client, 5)
		if !errors.Is(err, runtime.ErrInvalid) {
			t.Errorf("%s: Set = %v, want ErrInvalid", name, err)
		}
	}
	if set, _ := maxField.IsSet(ctx, e.client); set {
		t.Error("a write with an unrecordable attribution was written")
	}
	ok := runtime.ChangeInfo{Actor: strings.Repeat("a", runtime.MaxActorSize), Reason: "ünïcode", Source: runtime.FromCLI}
	if err := maxField.Set(runtime.WithChangeInfo(ctx, ok), e.client, 5); err != nil {
		t.Errorf("Set with an attribution at the limits = %v", err)
	}
}

func TestRotationIsRecordedAsSuch(t *testing.T) {
	e := newEnv(t, nil)
	if err := apiKeyField.Set(ctx, e.client, value.NewSecret("s3cr3t-value")); err != nil {
		t.Fatal(err)
	}
	rotating, err := runtime.NewClient(testSchema, e.store, runtime.Options{Secrets: mustKeyring(newKey, oldKey)})
	if err != nil {
		t.Fatal(err)
	}
	info := runtime.ChangeInfo{Actor: "ops", Reason: "yearly rotation", Source: runtime.FromCLI}
	if r, err := rotating.RotateSecrets(runtime.WithChangeInfo(ctx, info)); err != nil || r.Rotated != 1 {
		t.Fatalf("RotateSecrets = %+v, %v", r, err)
	}
	info.Source = runtime.FromRotation
	if got := lastChange(t, rotating, apiKeyField.Path()).ChangeInfo; got != info {
		t.Errorf("rotation recorded %+v, want %+v", got, info)
	}
}

func TestChangesListsChangeSetsWithSecretsRedacted(t *testing.T) {
	e := newEnv(t, nil)
	alice := runtime.WithChangeInfo(ctx, runtime.ChangeInfo{Actor: "alice", Reason: "new key", Source: runtime.FromCLI})
	if err := e.client.SetMany(alice, apiKeyField.Assign(value.NewSecret("s3cr3t-1")), maxField.Assign(20)); err != nil {
		t.Fatal(err)
	}
	if err := apiKeyField.Set(ctx, e.client, value.NewSecret("s3cr3t-2")); err != nil {
		t.Fatal(err)
	}
	sets, err := e.client.Changes(ctx, runtime.ChangeQuery{})
	if err != nil || len(sets) != 2 {
		t.Fatalf("Changes = %+v, %v; want 2 change sets", sets, err)
	}
	if sets[1].Actor != "alice" || sets[1].Reason != "new key" || sets[0].Source != runtime.FromAPI {
		t.Errorf("change sets = %+v, want alice's older than the api's", sets)
	}
	key, limit := sets[1].Writes[0], sets[1].Writes[1]
	if key.New.Value != value.Redacted || key.Old.Value != "" || limit.New.Value != "20" {
		t.Errorf("alice's writes = %+v, want the secret redacted, never set before, and 20", sets[1].Writes)
	}
	if w := sets[0].Writes[0]; w.New.Value != value.Redacted || w.Old.Value != value.Redacted {
		t.Errorf("the second secret write = %+v, want both values redacted", w)
	}
	h, err := e.client.History(ctx, apiKeyField.Path(), 10)
	if err != nil || len(h) != 2 || h[0].Value != value.Redacted || h[0].OldValue != value.Redacted || h[1].OldValue != "" {
		t.Errorf("History of a secret = %+v, %v; want redacted values", h, err)
	}
}

func TestChangesRevealsSecretsOnlyWithTheKeyring(t *testing.T) {
	e := newEnv(t, nil)
	if err := apiKeyField.Set(ctx, e.client, value.NewSecret("s3cr3t-1")); err != nil {
		t.Fatal(err)
	}
	sets, err := e.client.Changes(ctx, runtime.ChangeQuery{Reveal: true})
	if err != nil || len(sets) != 1 || sets[0].Writes[0].New.Value != "s3cr3t-1" {
		t.Errorf("Changes revealing = %+v, %v; want the plaintext", sets, err)
	}
	without, _ := runtime.NewClient(testSchema, e.store, runtime.Options{Logger: slogTo(&syncWriter{})})
	if _, err := without.Changes(ctx, runtime.ChangeQuery{Reveal: true}); !errors.Is(err, runtime.ErrNoKeyring) {
		t.Errorf("revealing without a keyring = %v, want ErrNoKeyring", err)
	}
	dropped, _ := runtime.NewClient(testSchema, e.store, runtime.Options{Secrets: mustKeyring(newKey)})
	if _, err := dropped.Changes(ctx, runtime.ChangeQuery{Reveal: true}); !errors.Is(err, runtime.ErrSecret) {
		t.Errorf("revealing a secret sealed under a dropped key = %v, want ErrSecret", err)
	}
	if sets, err := dropped.Changes(ctx, runtime.ChangeQuery{}); err != nil || sets[0].Writes[0].New.Value != value.Redacted {
		t.Errorf("listing without revealing after the key was dropped = %+v, %v", sets, err)
	}
}

func TestChangesOfRemovedFieldsAreRedacted(t *testing.T) {
	e := newEnv(t, nil)
	_, err := e.store.Apply(ctx, runtime.Change{ID: runtime.NewChangeID(), App: "t",
		Writes: []runtime.Write{{Path: "t.site.removed", Value: "v1:old:maybe-a-secret"}}})
	if err != nil {
		t.Fatal(err)
	}
	sets, err := e.client.Changes(ctx, runtime.ChangeQuery{Path: "t.site.removed", Reveal: true})
	if err != nil || len(sets) != 1 || sets[0].Writes[0].New.Value != value.Redacted {
		t.Errorf("Changes of a removed field = %+v, %v; want its value redacted", sets, err)
	}
	if _, err := e.client.Changes(ctx, runtime.ChangeQuery{Section: "nope"}); !errors.Is(err, runtime.ErrUnknownPath) {
		t.Errorf("Changes of an unknown section = %v, want ErrUnknownPath", err)
	}
}

// TestRecordReveal: a reveal is one change set that writes nothing, names
// each secret once and carries its attribution; what is not a secret, or
// cannot be attributed, is refused and nothing is recorded; a reveal
// cannot be reverted.
func TestRecordReveal(t *testing.T) {
	e := newEnv(t, nil)
	if err := apiKeyField.Set(ctx, e.client, value.NewSecret("k")); err != nil {
		t.Fatal(err)
	}
	info := runtime.ChangeInfo{Actor: "carol", Reason: "ticket 42", Source: runtime.FromCLI}
	id, err := e.client.RecordReveal(runtime.WithChangeInfo(ctx, info), apiKeyField.Path(), apiKeyField.Path())
	if err != nil {
		t.Fatal(err)
	}
	refusals := map[string]struct {
		ctx   context.Context
		paths []string
		want  error
	}{
		"not a secret":    {ctx, []string{apiKeyField.Path(), titleField.Path()}, runtime.ErrInvalid},
		"unknown path":    {ctx, []string{"shop.nope.nope"}, runtime.ErrUnknownPath},
		"bad attribution": {runtime.WithChangeInfo(ctx, runtime.ChangeInfo{Reason: "\xff"}), []string{apiKeyField.Path()}, runtime.ErrInvalid},
	}
	for name, r := range refusals {
		if _, err := e.client.RecordReveal(r.ctx, r.paths...); !errors.Is(err, r.want) {
			t.Errorf("%s: RecordReveal = %v, want %v", name, err, r.want)
		}
	}
	if none, err := e.client.RecordReveal(ctx); none != "" || err != nil {
		t.Errorf("RecordReveal() = %q, %v; want nothing recorded", none, err)
	}
	sets, err := e.client.Changes(ctx, runtime.ChangeQuery{})
	if err != nil || len(sets) != 2 {
		t.Fatalf("Changes = %+v, %v; want the write and one reveal", sets, err)
	}
	r := sets[0]
	if r.ID != id || r.ChangeInfo != info || len(r.Writes) != 0 || len(r.Revealed) != 1 || r.Revealed[0] != apiKeyField.Path() {
		t.Errorf("reveal recorded as %+v", r)
	}
	if _, err := e.client.RevertChange(ctx, id); !errors.Is(err, runtime.ErrInvalid) {
		t.Errorf("RevertChange(a reveal) = %v, want ErrInvalid", err)
	}
}

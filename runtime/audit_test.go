package runtime_test

import (
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

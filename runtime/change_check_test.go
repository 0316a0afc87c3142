package runtime_test

import (
	"errors"
	"testing"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// TestChangeCheck: each thing a store must refuse before touching its
// backend is ErrInvalid; a well-formed change passes.
func TestChangeCheck(t *testing.T) {
	id := runtime.NewChangeID()
	ok := runtime.Change{ID: id, App: "shop", Writes: []runtime.Write{{Path: "shop.a.b"}}, Revealed: []string{"shop.a.c"}}
	if err := ok.Check(); err != nil {
		t.Fatalf("a well-formed change: %v", err)
	}
	bad := map[string]runtime.Change{
		"empty app":          {ID: id},
		"dotted app":         {ID: id, App: "sh.op"},
		"ID not a UUID":      {ID: "42", App: "shop"},
		"path of other app":  {ID: id, App: "shop", Writes: []runtime.Write{{Path: "shopx.a.b"}}},
		"revealed elsewhere": {ID: id, App: "shop", Revealed: []string{"other.a.b"}},
		"path written twice": {ID: id, App: "shop", Writes: []runtime.Write{{Path: "shop.a.b"}, {Path: "shop.a.b", Reset: true}}},
	}
	for name, ch := range bad {
		if err := ch.Check(); !errors.Is(err, runtime.ErrInvalid) {
			t.Errorf("%s: Check = %v, want ErrInvalid", name, err)
		}
	}
	if !runtime.IsChangeID(id) || runtime.IsChangeID(id[:35]+"g") {
		t.Error("IsChangeID misjudges a UUID")
	}
}

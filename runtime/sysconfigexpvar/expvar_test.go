package sysconfigexpvar_test

import (
	"encoding/json"
	"expvar"
	"log/slog"
	"testing"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/memory"
	"github.com/go-sysconfig/sysconfig/runtime/sysconfigexpvar"
)

var (
	countField = runtime.IntField("count", 7, runtime.Meta{})
	schema     = runtime.NewSchema("ev", runtime.NewSection("main", "Main", "", countField))
)

func TestPublishedVarReadsTheStatsEachTime(t *testing.T) {
	c, err := runtime.NewClient(schema, memory.NewStore(), runtime.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	sysconfigexpvar.Publish("sysconfig_ev", c)
	read := func() map[string]any {
		t.Helper()
		var v map[string]any
		if err := json.Unmarshal([]byte(expvar.Get("sysconfig_ev").String()), &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	before := read()
	if before["app"] != "ev" || before["sysconfig_writes_committed_total"] != 0.0 {
		t.Errorf("before a write: %v", before)
	}
	if len(before) != len(runtime.Stats{}.Metrics())+1 {
		t.Errorf("%d values, want every metric and the app", len(before))
	}
	if err := countField.Set(t.Context(), c, 8); err != nil {
		t.Fatal(err)
	}
	if got := read()["sysconfig_writes_committed_total"]; got != 1.0 {
		t.Errorf("after a write: sysconfig_writes_committed_total = %v, want 1", got)
	}
}

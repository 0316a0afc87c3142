package runtime_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/memory"
	"github.com/go-sysconfig/sysconfig/runtime/value"
)

// envOf returns an Options.Env reading vars instead of the process's
// environment.
func envOf(vars map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := vars[name]
		return v, ok
	}
}

// pinnedClient returns a client of testSchema over store, pinned by vars,
// started when start is set.
func pinnedClient(t *testing.T, store *memory.Store, vars map[string]string, start bool) *runtime.Client {
	t.Helper()
	c, err := runtime.NewClient(testSchema, store, runtime.Options{
		Cache: memory.NewCache(), Secrets: testKeys, Env: envOf(vars), Logger: slogTo(&syncWriter{})})
	if err != nil {
		t.Fatal(err)
	}
	if start {
		if err := c.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(c.Close)
	return c
}

var pinVars = map[string]string{
	"T__SITE__TITLE":       "Pinned",
	"T__SITE__THEME":       "dark",
	"T__SITE__API_KEY":     "from-the-env",
	"T__LIMITS__MAX_ITEMS": "42",
}

func TestFieldsPinnedByTheEnvironment(t *testing.T) {
	for _, started := range []bool{false, true} {
		t.Run(map[bool]string{false: "through the store", true: "snapshot"}[started], func(t *testing.T) {
			ctx := context.Background()
			c := pinnedClient(t, memory.NewStore(), pinVars, started)
			if got, _ := titleField.Get(ctx, c); got != "Pinned" {
				t.Errorf("title = %q, want the pinned value", got)
			}
			if got, _ := themeField.Get(ctx, c); got != Theme("dark") {
				t.Errorf("theme = %q, want dark, typed", got)
			}
			if got, _ := apiKeyField.Get(ctx, c); got.Reveal() != "from-the-env" {
				t.Error("a pinned secret does not read as its variable")
			}
			if got, _ := maxField.Get(ctx, c.Snapshot()); got != 42 {
				t.Errorf("max_items through a snapshot view = %d, want 42", got)
			}
			if got, _ := ttlField.Get(ctx, c); got != time.Minute {
				t.Errorf("an unpinned field reads %v, want its default", got)
			}
			v, err := c.Get(ctx, "t.site.title")
			if err != nil || v.Source != runtime.SourceEnv || !v.Set || v.Version != 0 {
				t.Errorf("Get = %+v, %v; want source env, set, version 0", v, err)
			}
			all, err := c.All(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range all {
				_, pinned := pinVars[value.EnvVar(v.Path)]
				if (v.Source == runtime.SourceEnv) != pinned {
					t.Errorf("All: %s has source %v", v.Path, v.Source)
				}
			}
		})
	}
}

func TestWritesToAPinnedFieldAreRefused(t *testing.T) {
	ctx := context.Background()
	store := memory.NewStore()
	c := pinnedClient(t, store, pinVars, true)
	for name, write := range map[string]func() error{
		"typed set": func() error { return titleField.Set(ctx, c, "Other") },
		"text set":  func() error { return c.Set(ctx, "t.site.title", "Other") },
		"reset":     func() error { return titleField.Reset(ctx, c) },
		"set many":  func() error { return c.SetMany(ctx, ttlField.Assign(time.Hour), maxField.Assign(7)) },
		"via view":  func() error { return titleField.Set(ctx, c.Snapshot(), "Other") },
	} {
		err := write()
		var pinned *runtime.PinnedError
		if !errors.Is(err, runtime.ErrPinned) || !errors.As(err, &pinned) || pinned.Variable == "" {
			t.Errorf("%s: %v, want a *PinnedError", name, err)
		}
		if errors.Is(err, runtime.ErrUnavailable) || errors.Is(err, runtime.ErrInvalid) {
			t.Errorf("%s: %v also matches another sentinel", name, err)
		}
	}
	recs, err := store.Load(ctx, []string{"t.site.title", "t.limits.ttl", "t.limits.max_items"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r.Version != 0 {
			t.Errorf("the store holds %+v; refused writes must write nothing", r)
		}
	}
}

func TestAPinIsThisProcessesAlone(t *testing.T) {
	ctx := context.Background()
	store := memory.NewStore()
	pinned := pinnedClient(t, store, pinVars, true)
	other := pinnedClient(t, store, nil, true)
	var titleHooks, ttlHooks atomic.Int32
	if err := titleField.OnChange(pinned, func(context.Context, string, string) error { titleHooks.Add(1); return nil }); err != nil {
		t.Fatal(err)
	}
	if err := ttlField.OnChange(pinned, func(context.Context, time.Duration, time.Duration) error { ttlHooks.Add(1); return nil }); err != nil {
		t.Fatal(err)
	}
	if err := other.SetMany(ctx, titleField.Assign("Stored"), ttlField.Assign(time.Hour)); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the pinned process sees the ttl written elsewhere", func() bool { got, _ := ttlField.Get(ctx, pinned); return got == time.Hour })
	eventually(t, "the ttl hook runs", func() bool { return ttlHooks.Load() == 1 })
	if got, _ := titleField.Get(ctx, pinned); got != "Pinned" {
		t.Errorf("the pinned process reads %q after another wrote", got)
	}
	if got, _ := titleField.Get(ctx, other); got != "Stored" {
		t.Errorf("the other process reads %q, want the stored value", got)
	}
	time.Sleep(50 * time.Millisecond) // a title hook would have run with the ttl one
	if n := titleHooks.Load(); n != 0 {
		t.Errorf("the pinned field's hook ran %d times in the pinning process", n)
	}
}

func TestAnInvalidPinMakesNoClient(t *testing.T) {
	const canary = "Zz-canary-value-9"
	for _, tc := range []struct{ variable, text string }{
		{"T__SITE__TITLE", "ab"},                        // min_length 3
		{"T__SITE__TITLE", "lower case"},                // regex ^[A-Z]
		{"T__SITE__TITLE", "Two\nlines"},                // a string is one line
		{"T__SITE__TITLE", "Bad\x00byte"},               // NUL
		{"T__SITE__TITLE", "Bad \xff UTF-8"},            // invalid UTF-8
		{"T__SITE__THEME", "purple"},                    // not a choice
		{"T__LIMITS__MAX_ITEMS", "500"},                 // range 1..100
		{"T__LIMITS__MAX_ITEMS", canary},                // not a number
		{"T__LIMITS__MAX_ITEMS", ""},                    // empty
		{"T__LIMITS__TTL", "NaN"},                       // not a duration
		{"T__LIMITS__PRICE", "Infinity"},                // not a decimal
		{"T__LIMITS__FLAG", "maybe"},                    // not a bool
		{"T__SITE__TAGS", `["a", null]`},                // a null item
		{"T__SITE__TITLE", strings.Repeat("A", 65<<10)}, // over MaxValueSize
	} {
		_, err := runtime.NewClient(testSchema, memory.NewStore(), runtime.Options{
			Env: envOf(map[string]string{tc.variable: tc.text})})
		var envErr *runtime.EnvError
		if !errors.Is(err, runtime.ErrInvalid) || !errors.As(err, &envErr) {
			t.Errorf("%s=%.20q: %v, want an *EnvError matching ErrInvalid", tc.variable, tc.text, err)
			continue
		}
		path := "t." + strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(tc.variable, "T__"), "__", "."))
		if envErr.Variable != tc.variable || envErr.Path != path ||
			!strings.Contains(err.Error(), tc.variable) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: %v does not name the variable and %s", tc.variable, err, path)
		}
		if strings.Contains(err.Error(), canary) || len(err.Error()) > 500 {
			t.Errorf("%s: the message quotes the value: %.200q", tc.variable, err)
		}
	}
}

func TestASchemaNamesItsOwnVariable(t *testing.T) {
	named := runtime.StringField("title", "Shop", runtime.Meta{Env: "SHOP_TITLE"})
	schema := runtime.NewSchema("t", runtime.NewSection("site", "Site", "", named))
	if named.EnvVar() != "SHOP_TITLE" || titleField.EnvVar() != "T__SITE__TITLE" {
		t.Fatalf("EnvVar: %q and %q", named.EnvVar(), titleField.EnvVar())
	}
	for _, tc := range []struct {
		vars map[string]string
		want string
	}{
		{map[string]string{"SHOP_TITLE": "Named"}, "Named"},
		{map[string]string{"T__SITE__TITLE": "Derived"}, "Shop"}, // the derived name no longer pins it
	} {
		c, err := runtime.NewClient(schema, memory.NewStore(), runtime.Options{Env: envOf(tc.vars)})
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := named.Get(context.Background(), c); got != tc.want {
			t.Errorf("with %v, title = %q, want %q", tc.vars, got, tc.want)
		}
	}
}

func TestWithoutEnvNothingIsPinned(t *testing.T) {
	t.Setenv("T__SITE__TITLE", "From the process")
	e := newEnv(t, nil)
	if got, _ := titleField.Get(context.Background(), e.client); got != "Shop" {
		t.Errorf("title = %q: a client without Options.Env read the environment", got)
	}
}

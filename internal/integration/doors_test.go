package integration

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/go-sysconfig/sysconfig/internal/hostile"
	"github.com/go-sysconfig/sysconfig/runtime/value"

	"github.com/shopspring/decimal"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/memory"
)

// The doors schema: one field of every kind, app "doors".
type doorsTheme string

var (
	dString   = runtime.StringField("string", "", runtime.Meta{})
	dText     = runtime.TextField("text", "", runtime.Meta{})
	dInt      = runtime.IntField("int", 0, runtime.Meta{})
	dFloat    = runtime.FloatField("float", 0, runtime.Meta{})
	dDecimal  = runtime.DecimalField("decimal", decimal.Zero, runtime.Meta{})
	dBool     = runtime.BoolField("bool", false, runtime.Meta{})
	dSelect   = runtime.SelectField("select", doorsTheme("light"), []doorsTheme{"light", "dark"}, runtime.Meta{})
	dDuration = runtime.DurationField("duration", 0, runtime.Meta{})
	dList     = runtime.StringListField("list", nil, runtime.Meta{})
	dSecret   = runtime.SecretField("secret", runtime.Meta{})

	doorsSchema = runtime.NewSchema("doors", runtime.NewSection("all", "All", "",
		dString, dText, dInt, dFloat, dDecimal, dBool, dSelect, dDuration, dList, dSecret))

	// doorsFields is the field of each kind that the inputs of package
	// hostile go into.
	doorsFields = map[value.Kind]runtime.Descriptor{value.KindString: dString, value.KindText: dText,
		value.KindInt: dInt, value.KindFloat: dFloat, value.KindDecimal: dDecimal, value.KindBool: dBool,
		value.KindSelect: dSelect, value.KindDuration: dDuration, value.KindStringList: dList, value.KindSecret: dSecret}
)

// TestEveryDoorRefusesHostileValues writes every input of hostile.Inputs
// through every door — the typed setter, the text setter, SetMany typed
// and as text, Field.Validate — on the memory backends and on the real
// Postgres and Redis. An accepted value reads back identical; a refused one
// is ErrInvalid (never ErrUnavailable), its message does not quote it, and
// nothing is written: the stored record, the history and the cache entry
// are as they were.
func TestEveryDoorRefusesHostileValues(t *testing.T) {
	t.Run("memory", func(t *testing.T) {
		testDoors(t, memory.NewStore(), memory.NewCache())
	})
	t.Run("postgres+redis", func(t *testing.T) {
		b := newBackends(t)
		testDoors(t, b.store, b.cache)
	})
}

func testDoors(t *testing.T, store runtime.Store, cache runtime.Cache) {
	c, err := runtime.NewClient(doorsSchema, store, runtime.Options{Cache: cache, Secrets: oldKeys})
	if err != nil {
		t.Fatal(err)
	}
	for k, inputs := range hostile.Inputs() {
		d := doorsFields[k]
		for _, in := range inputs {
			for _, door := range doorsOf(d, in) {
				t.Run(fmt.Sprintf("%s/%s/%s", k, in.Name, door.name), func(t *testing.T) {
					checkDoor(t, c, store, cache, d, in, door)
				})
			}
		}
	}
}

// door is one way into the runtime: it writes (or validates) an input.
type door struct {
	name   string
	writes bool // false for Validate, which stores nothing
	enter  func(c *runtime.Client) error
}

// doorsOf returns the doors an input can go through.
func doorsOf(d runtime.Descriptor, in hostile.Input) []door {
	var doors []door
	if in.Typed != nil {
		doors = append(doors,
			door{"typed Set", true, func(c *runtime.Client) error { return c.SetMany(ctx, assign(d, in.Typed)) }},
			door{"SetMany typed", true, func(c *runtime.Client) error {
				return c.SetMany(ctx, assign(d, in.Typed), runtime.Unassign(partner(d)))
			}},
			door{"Validate", false, func(*runtime.Client) error { return validate(d, in.Typed) }})
	}
	if !in.NoText {
		doors = append(doors,
			door{"text Set", true, func(c *runtime.Client) error { return c.Set(ctx, d.Path(), in.Text) }},
			door{"SetMany text", true, func(c *runtime.Client) error {
				return c.SetMany(ctx, runtime.AssignText(d.Path(), in.Text), runtime.Unassign(partner(d)))
			}},
			door{"Parse", false, func(*runtime.Client) error { _, err := d.Parse(in.Text); return err }})
	}
	return doors
}

// partner is the other field a SetMany door resets with d, in one change.
func partner(d runtime.Descriptor) string {
	if d == runtime.Descriptor(dBool) {
		return dInt.Path()
	}
	return dBool.Path()
}

// checkDoor enters in through door and checks the outcome.
func checkDoor(t *testing.T, c *runtime.Client, store runtime.Store, cache runtime.Cache,
	d runtime.Descriptor, in hostile.Input, door door) {
	before := observe(t, store, cache, d)
	err := door.enter(c)
	if in.OK {
		if err != nil {
			t.Fatalf("refused: %v", err)
		}
		if door.writes {
			checkReadBack(t, c, d, in)
		}
		return
	}
	if !errors.Is(err, runtime.ErrInvalid) || errors.Is(err, runtime.ErrUnavailable) {
		t.Fatalf("error = %v, want ErrInvalid (and not ErrUnavailable)", err)
	}
	if msg := err.Error(); len(msg) > 500 || (len(in.Text) > 2 && strings.Contains(msg, in.Text)) {
		t.Errorf("the error quotes the value (%d bytes): %.200q", len(msg), msg)
	}
	if after := observe(t, store, cache, d); after != before {
		t.Errorf("a refused write changed the backends:\nbefore %s\nafter  %s", before, after)
	}
}

// checkReadBack reads d back through a fresh client and compares it with
// the input.
func checkReadBack(t *testing.T, c *runtime.Client, d runtime.Descriptor, in hostile.Input) {
	v, err := c.Get(ctx, d.Path())
	if err != nil {
		t.Fatalf("read back: %v", err)
	}
	want := in.Typed
	if want == nil {
		parsed, err := d.Parse(in.Text)
		if err != nil {
			t.Fatalf("Parse of an accepted text: %v", err)
		}
		want = parsed
	}
	if got, wantText := v.Text(), value.Format(d.Kind(), want); d.Kind() != value.KindSecret && got != wantText {
		t.Errorf("read back %.80q, want %.80q", got, wantText)
	}
	if s, ok := v.Value.(value.Secret); ok && s.Reveal() != want.(value.Secret).Reveal() {
		t.Error("the secret does not read back identical")
	}
	if f, ok := v.Value.(float64); ok && math.Float64bits(f) != math.Float64bits(want.(float64)) {
		t.Errorf("read back float bits %x, want %x", math.Float64bits(f), math.Float64bits(want.(float64)))
	}
}

// observe describes what the backends hold for d: the stored record, the
// number of history entries and the cache entry.
func observe(t *testing.T, store runtime.Store, cache runtime.Cache, d runtime.Descriptor) string {
	t.Helper()
	recs, err := store.Load(ctx, []string{d.Path()})
	if err != nil {
		t.Fatal(err)
	}
	hist, err := store.History(ctx, d.Path(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	res, err := cache.Get(ctx, []string{d.CacheKey()})
	if err != nil {
		t.Fatal(err)
	}
	r := recs[0]
	return fmt.Sprintf("record v%d set=%v len=%d; %d history entries; cache found=%v v%d",
		r.Version, r.Set, len(r.Value), len(hist), res[0].Found, res[0].Version)
}

// assign returns the typed update of d to v.
func assign(d runtime.Descriptor, v any) runtime.Update {
	switch f := d.(type) {
	case *runtime.Field[string]:
		return f.Assign(v.(string))
	case *runtime.Field[int64]:
		return f.Assign(v.(int64))
	case *runtime.Field[float64]:
		return f.Assign(v.(float64))
	case *runtime.Field[decimal.Decimal]:
		return f.Assign(v.(decimal.Decimal))
	case *runtime.Field[bool]:
		return f.Assign(v.(bool))
	case *runtime.Field[doorsTheme]:
		return f.Assign(doorsTheme(v.(string)))
	case *runtime.Field[time.Duration]:
		return f.Assign(v.(time.Duration))
	case *runtime.Field[[]string]:
		return f.Assign(v.([]string))
	case *runtime.Field[value.Secret]:
		return f.Assign(v.(value.Secret))
	}
	panic(fmt.Sprintf("no typed door for %T", d))
}

// validate runs d's typed Validate on v.
func validate(d runtime.Descriptor, v any) error {
	switch f := d.(type) {
	case *runtime.Field[string]:
		return f.Validate(v.(string))
	case *runtime.Field[int64]:
		return f.Validate(v.(int64))
	case *runtime.Field[float64]:
		return f.Validate(v.(float64))
	case *runtime.Field[decimal.Decimal]:
		return f.Validate(v.(decimal.Decimal))
	case *runtime.Field[bool]:
		return f.Validate(v.(bool))
	case *runtime.Field[doorsTheme]:
		return f.Validate(doorsTheme(v.(string)))
	case *runtime.Field[time.Duration]:
		return f.Validate(v.(time.Duration))
	case *runtime.Field[[]string]:
		return f.Validate(v.([]string))
	case *runtime.Field[value.Secret]:
		return f.Validate(v.(value.Secret))
	}
	panic(fmt.Sprintf("no Validate for %T", d))
}

package configtest_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"

	sysruntime "github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/configtest"
	"github.com/go-sysconfig/sysconfig/runtime/value"
)

// A schema as generated code would declare it.
var (
	titleField = sysruntime.StringField("title", "My Shop", sysruntime.Meta{
		Validators: []value.Validator{value.MinLength(3)},
	})
	pageSizeField = sysruntime.IntField("page_size", 20, sysruntime.Meta{})
	tokenField    = sysruntime.SecretField("token", sysruntime.Meta{})
	shopSchema    = sysruntime.NewSchema("shop",
		sysruntime.NewSection("site", "Site", "", titleField, pageSizeField, tokenField))
)

// get reads f through client, failing the test on an error.
func get[T any](t *testing.T, client *sysruntime.Client, f *sysruntime.Field[T]) T {
	t.Helper()
	v, err := f.Get(context.Background(), client)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestNewGivesAStartedClientWithDefaults(t *testing.T) {
	client := configtest.New(t, shopSchema)
	if !client.Ready() {
		t.Fatal("client is not started")
	}
	if got := get(t, client, titleField); got != "My Shop" {
		t.Errorf("title = %q, want the default", got)
	}
}

func TestSecretsWorkWithoutSetUp(t *testing.T) {
	client := configtest.New(t, shopSchema)
	configtest.Override(t, client, tokenField, value.NewSecret("s3cret"))
	if got := get(t, client, tokenField).Reveal(); got != "s3cret" {
		t.Errorf("token = %q", got)
	}
}

func TestOverrideIsUndoneWhenTheTestEnds(t *testing.T) {
	client := configtest.New(t, shopSchema)
	t.Run("unset before", func(t *testing.T) {
		configtest.Override(t, client, pageSizeField, 5)
		if got := get(t, client, pageSizeField); got != 5 {
			t.Errorf("page size = %d, want 5", got)
		}
	})
	if set, _ := pageSizeField.IsSet(context.Background(), client); set {
		t.Error("the override outlived its test: the field is still set")
	}

	configtest.Override(t, client, titleField, "Outer")
	t.Run("nested", func(t *testing.T) {
		configtest.Override(t, client, titleField, "Inner")
		configtest.Override(t, client, titleField, "Innermost")
		if got := get(t, client, titleField); got != "Innermost" {
			t.Errorf("title = %q", got)
		}
	})
	if got := get(t, client, titleField); got != "Outer" {
		t.Errorf("after the subtest, title = %q, want the outer override back", got)
	}
}

func TestParallelTestsDoNotSeeEachOthersOverrides(t *testing.T) {
	for i := range 8 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			client := configtest.New(t, shopSchema)
			want := fmt.Sprintf("Shop %d", i)
			configtest.Override(t, client, titleField, want)
			for range 50 {
				if got := get(t, client, titleField); got != want {
					t.Fatalf("title = %q, want %q", got, want)
				}
			}
		})
	}
}

// fatalTB records the first fatal failure instead of ending the test; the
// rest of testing.TB is the real test's.
type fatalTB struct {
	testing.TB
	mu       sync.Mutex
	messages []string
}

func (f *fatalTB) Helper() {}

func (f *fatalTB) Fatalf(format string, args ...any) {
	f.mu.Lock()
	f.messages = append(f.messages, fmt.Sprintf(format, args...))
	f.mu.Unlock()
	runtime.Goexit() // as FailNow does
}

// callFatal runs fn with tb in its own goroutine, as testing runs a test,
// and returns what tb recorded.
func callFatal(tb *fatalTB, fn func(testing.TB)) []string {
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(tb)
	}()
	<-done
	return tb.messages
}

func TestInvalidOverrideFailsWithTheValidatorsMessage(t *testing.T) {
	client := configtest.New(t, shopSchema)
	got := callFatal(&fatalTB{TB: t}, func(tb testing.TB) {
		configtest.Override(tb, client, titleField, "ab")
	})
	if len(got) != 1 || !strings.Contains(got[0], "must be at least 3 characters") ||
		!strings.Contains(got[0], "shop.site.title") {
		t.Fatalf("failures = %q, want one naming the field and the validator's message", got)
	}
	if set, _ := titleField.IsSet(context.Background(), client); set {
		t.Error("the refused override was written")
	}
}

func TestOverrideOfAnUnknownFieldFails(t *testing.T) {
	client := configtest.New(t, shopSchema)
	other := sysruntime.StringField("title", "", sysruntime.Meta{})
	sysruntime.NewSchema("other", sysruntime.NewSection("site", "Site", "", other))
	got := callFatal(&fatalTB{TB: t}, func(tb testing.TB) {
		configtest.Override(tb, client, other, "x")
	})
	if len(got) != 1 {
		t.Fatalf("failures = %q, want one", got)
	}
}

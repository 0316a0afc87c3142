package configtest_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/go-sysconfig/sysconfig/runtime/configtest"
)

// A test of app code sets up its configuration in three lines. With a
// generated package the fields are config.SiteTitleField and so on, and
// config.New(client) gives the typed accessors.
func Example() {
	t := newExampleT() // in a real test: the test's own t
	defer t.end()

	client := configtest.New(t, shopSchema)
	configtest.Override(t, client, titleField, "Test shop")

	title, _ := titleField.Get(context.Background(), client)
	fmt.Println(title)
	// Output: Test shop
}

// exampleT stands in for a test's *testing.T, which an Example has not:
// it runs the cleanups when the example ends and prints failures.
type exampleT struct {
	testing.TB
	cleanups []func()
}

func newExampleT() *exampleT { return &exampleT{} }

func (t *exampleT) Helper()                        {}
func (t *exampleT) Cleanup(fn func())              { t.cleanups = append(t.cleanups, fn) }
func (t *exampleT) Log(args ...any)                {}
func (t *exampleT) Errorf(format string, a ...any) { fmt.Printf(format+"\n", a...) }
func (t *exampleT) Fatalf(format string, a ...any) { panic(fmt.Sprintf(format, a...)) }

// end runs the cleanups, last registered first, as testing does.
func (t *exampleT) end() {
	for _, fn := range slices.Backward(t.cleanups) {
		fn()
	}
}

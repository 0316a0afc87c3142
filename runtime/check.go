package runtime

import (
	"fmt"

	"github.com/go-sysconfig/sysconfig/runtime/value"
)

// DefaultMaxValueSize is the largest value, in bytes of its canonical text,
// that a Client accepts when Options.MaxValueSize is zero: 64 KiB.
const DefaultMaxValueSize = 64 << 10

// checkSized is value.Check, and a limit of maxSize bytes on v's canonical
// text (before a secret is sealed).
func checkSized(k value.Kind, v any, maxSize int) error {
	if err := value.Check(k, v); err != nil {
		return err
	}
	if size := len(value.Format(k, v)); size > maxSize {
		return fmt.Errorf("is %d bytes long, more than the limit of %d", size, maxSize)
	}
	return nil
}

package keyring_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/keyring"
)

func ExampleParse() {
	// A fixed key (the bytes 0 to 31) for this example only: make real
	// keys with keyring.Generate and keep them out of source code.
	kr, err := keyring.Parse(`
# newest first: the first key is the primary
2025-06:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=
`)
	if err != nil {
		fmt.Println(err)
		return
	}
	sealed, err := kr.Seal("billing.api_token", "s3cret")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.HasPrefix(sealed, "v1:2025-06:"), kr.Current(sealed))

	plaintext, err := kr.Open("billing.api_token", sealed)
	fmt.Println(plaintext, err)

	// A value opens only under the path it was sealed for.
	_, err = kr.Open("billing.webhook_secret", sealed)
	fmt.Println(errors.Is(err, runtime.ErrSecret))
	fmt.Println(err)
	// Output:
	// true true
	// s3cret <nil>
	// true
	// sysconfig: cannot decrypt billing.webhook_secret (key "2025-06"): authentication failed: wrong key, tampered value, or a value moved from another field
}

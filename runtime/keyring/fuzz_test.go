package keyring_test

import (
	"errors"
	"testing"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// fuzzSealed is secretText sealed for path with test key k1, fixed so that
// every fuzzing process knows the one input that may open.
const fuzzSealed = "v1:k1:D-NzbxygH38LSp1mpaZikbX_Z_83iZ1yI_aHXhe1zAbkmXM"

// FuzzOpen checks that Open never panics and that, for any text but a value
// Seal returned, it fails with a *runtime.DecryptError and an empty string.
func FuzzOpen(f *testing.F) {
	kr := mustParse(f, line("k1", "k1")+","+line("k2", "k2"))
	sealed := fuzzSealed
	f.Add(sealed)
	f.Add(sealed[:len(sealed)-1])
	f.Add("v1:k2:" + sealed[len("v1:k1:"):])
	f.Add("v1:k3:" + sealed[len("v1:k1:"):])
	for _, tc := range malformedCases {
		f.Add(tc.sealed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := kr.Open(path, s)
		_ = kr.Current(s)
		if err == nil {
			if s != sealed || got != secretText {
				t.Fatalf("Open(%q) = %q, nil; only the sealed value may open", s, got)
			}
			return
		}
		var de *runtime.DecryptError
		if got != "" || !errors.As(err, &de) || !errors.Is(err, runtime.ErrSecret) || de.Path != path || de.Reason == "" {
			t.Fatalf("Open(%q) = %q, %v; want \"\" and a *runtime.DecryptError for %s", s, got, err, path)
		}
	})
}

package sqlitestore_test

import (
	"fmt"
	"testing"

	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/sqlitestore"
)

// BenchmarkLoad10000 loads 10,000 paths, half of them written, in one
// statement: what a client's Start costs on a 10,000-field schema.
func BenchmarkLoad10000(b *testing.B) {
	s := open(b, newFile(b), sqlitestore.Options{})
	paths := make([]string, 10_000)
	var writes []runtime.Write
	for i := range paths {
		paths[i] = fmt.Sprintf("app.s%03d.f%05d", i/100, i)
		if i%2 == 0 {
			writes = append(writes, set(paths[i], fmt.Sprint(i)))
		}
	}
	if _, err := s.Apply(ctx, change(writes...)); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := s.Load(ctx, paths); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkApply is one write of one path, committed and synced.
func BenchmarkApply(b *testing.B) {
	s := open(b, newFile(b), sqlitestore.Options{})
	for i := 0; b.Loop(); i++ {
		if _, err := s.Apply(ctx, change(set("app.s.a", fmt.Sprint(i)))); err != nil {
			b.Fatal(err)
		}
	}
}

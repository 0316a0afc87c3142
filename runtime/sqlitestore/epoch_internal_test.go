package sqlitestore

import (
	"context"
	"path/filepath"
	"testing"
)

// TestReadBeforeALaterMarkIsNoRestore: a read that began before another
// goroutine saw a later position returns an older one; only positions
// seen before the read began can prove that the file went back.
func TestReadBeforeALaterMarkIsNoRestore(t *testing.T) {
	ctx := context.Background()
	s, err := Open(filepath.Join(t.TempDir(), "x.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.EnsureSchema(ctx); err != nil {
		t.Fatal(err)
	}
	before, err := s.Epoch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	at := position{epoch: before}
	err = s.readAt(ctx, func() (position, error) {
		s.mark.raise(position{epoch: before, version: 5}) // seen meanwhile, by another goroutine
		return at, nil
	})
	if err != nil {
		t.Fatalf("readAt: %v", err)
	}
	if after, _ := s.Epoch(ctx); after != before {
		t.Errorf("a read that began before a later position was seen started epoch %d", after)
	}
}

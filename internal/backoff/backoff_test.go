package backoff

import (
	"context"
	"testing"
	"time"
)

// TestDelays: the delay doubles from Min, stops at Max, starts again from
// Min after Reset, and Sleep ends early with its context.
func TestDelays(t *testing.T) {
	b := Backoff{Min: time.Millisecond, Max: 4 * time.Millisecond}
	var got []time.Duration
	for range 4 {
		if err := b.Sleep(context.Background()); err != nil {
			t.Fatal(err)
		}
		got = append(got, b.delay)
	}
	b.Reset()
	_ = b.Sleep(context.Background())
	got = append(got, b.delay)
	want := []time.Duration{1, 2, 4, 4, 1}
	for i := range want {
		if got[i] != want[i]*time.Millisecond {
			t.Fatalf("delays %v, want %v ms", got, want)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	slow := Backoff{Min: time.Hour, Max: time.Hour}
	if err := slow.Sleep(ctx); err != context.Canceled {
		t.Errorf("Sleep with a cancelled context = %v", err)
	}
}

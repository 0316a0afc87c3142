//go:build !linux

package main

import (
	"context"
	"errors"
	"io"
)

// fleet fails the fleet rows: their private servers (internal/localpg)
// run on Linux only.
func (rep *report) fleet(context.Context, io.Writer) {
	err := errors.New("the fleet rows start private servers, which needs Linux")
	for _, id := range []string{"6a", "6b", "6c", "6d", "11a", "11b", "11c", "11d", "12"} {
		rep.fail(id, err)
	}
}

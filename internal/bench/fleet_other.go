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
	for _, id := range []string{"6a", "6b", "6c", "6d", "13a", "13b", "13c", "13d", "14"} {
		rep.fail(id, err)
	}
}

package app

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/privacyloket/privacyloket/shared/idcheck"
)

// TestOneTableAtATime: a result file or extract is read into its table while no other is in
// this process; a second waits, then is answered busy rather than doubling the memory.
func TestOneTableAtATime(t *testing.T) {
	inside := make(chan struct{})
	leave := make(chan struct{})
	go readTable(context.Background(), func() error {
		close(inside)
		<-leave
		return nil
	})
	<-inside
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	ran := false
	if err := readTable(ctx, func() error { ran = true; return nil }); !errors.Is(err, idcheck.ErrBusy) || ran {
		t.Errorf("a second read while one runs: %v, ran %v; want busy, not run", err, ran)
	}
	close(leave)
	if err := readTable(context.Background(), func() error { ran = true; return nil }); err != nil || !ran {
		t.Errorf("a read after the first ended: %v, ran %v", err, ran)
	}
}

package app

import (
	"context"
	"time"
)

// TickResult counts what one sweep did.
type TickResult struct {
	Cases   int // cases with work due
	Letters int // letters queued
	Relayed int // pending letters published again
}

// Tick runs everything that is due as of now. It is idempotent: letters have deterministic
// ids, so a second tick with the same now, or a redelivered one, queues nothing twice.
func (s *Service) Tick(ctx context.Context, now time.Time) (TickResult, error) {
	var res TickResult
	n, err := s.RelayOutbox(ctx, now)
	if err != nil {
		return res, err
	}
	res.Relayed = n
	return res, nil
}

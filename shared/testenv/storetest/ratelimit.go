package storetest

import (
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/privacyloket/privacyloket/shared/app"
)

func rateLimits(t *testing.T, s Subject) {
	now := time.Date(2026, 3, 27, 10, 20, 0, 0, time.UTC)
	limits := []app.Limit{{Key: "ip-x", Max: 5, Window: time.Hour}, {Key: "mail-y", Max: 2, Window: time.Hour}}
	for i := range 2 {
		c := newCase(fmt.Sprintf("PL-RATE-%d", i))
		c.SubmittedAt = now
		if err := s.Submit(ctx, c, app.Change{}, limits); err != nil {
			t.Fatalf("submission %d: %v", i, err)
		}
	}
	// Reading the counters counts nothing: it says what Submit would say.
	var rl *app.RateLimitedError
	for range 3 {
		if err := s.Limited(ctx, limits, now); !errors.As(err, &rl) || rl.RetryAfter != 40*time.Minute {
			t.Fatalf("Limited at the limit: %v, want *RateLimitedError of 40m", err)
		}
	}
	if err := s.Limited(ctx, limits[:1], now); err != nil {
		t.Errorf("Limited under the limit: %v (reading must not count)", err)
	}
	if err := s.Limited(ctx, limits, now.Add(40*time.Minute)); err != nil {
		t.Errorf("Limited in the next window: %v", err)
	}
	c := newCase("PL-RATE-2")
	c.SubmittedAt = now
	err := s.Submit(ctx, c, app.Change{}, limits)
	if !errors.As(err, &rl) {
		t.Fatalf("third submission: %v, want *RateLimitedError", err)
	}
	if rl.RetryAfter != 40*time.Minute {
		t.Errorf("RetryAfter = %s, want 40m (the end of the hour window)", rl.RetryAfter)
	}
	if _, err := s.Case(ctx, c.Reference); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("a rate-limited case was stored: %v", err)
	}
	// Another key, or the next window, is not limited.
	c.SubmittedAt = now.Add(40 * time.Minute)
	if err := s.Submit(ctx, c, app.Change{}, limits); err != nil {
		t.Errorf("submission in the next window: %v", err)
	}
	d := newCase("PL-RATE-3")
	d.SubmittedAt = now
	if err := s.Submit(ctx, d, app.Change{}, []app.Limit{{Key: "ip-x", Max: 5, Window: time.Hour}}); err != nil {
		t.Errorf("submission under another key's limit: %v", err)
	}
}

// Submissions that race for the last place under a limit: exactly one gets it.
func concurrentLimits(t *testing.T, s Subject) {
	now := time.Date(2026, 3, 27, 10, 20, 0, 0, time.UTC)
	limits := []app.Limit{{Key: "mail-race", Max: 1, Window: time.Hour}}
	var n atomic.Int32
	errLimited := errors.New("rate limited")
	oneWinner(t, 5, "Submit under a limit of one", errLimited, func() error {
		c := newCase(fmt.Sprintf("PL-RACE-%d", n.Add(1)))
		c.SubmittedAt = now
		err := s.Submit(ctx, c, app.Change{}, limits)
		var rl *app.RateLimitedError
		if errors.As(err, &rl) {
			return errLimited
		}
		return err
	})
}

// Count counts attempts that store no case, against the same counters as Submit.
func countLimits(t *testing.T, s Subject) {
	now := time.Date(2026, 3, 27, 10, 20, 0, 0, time.UTC)
	limits := []app.Limit{{Key: "count-ip", Max: 2, Window: time.Hour}, {Key: "count-other", Max: 9, Window: time.Hour}}
	for i := range 2 {
		if err := s.Count(ctx, limits, now); err != nil {
			t.Fatalf("count %d: %v", i+1, err)
		}
	}
	var rl *app.RateLimitedError
	if err := s.Count(ctx, limits, now); !errors.As(err, &rl) || rl.RetryAfter != 40*time.Minute {
		t.Fatalf("third count: %v, want *RateLimitedError of 40m", err)
	}
	// The refused count counted nothing, under any of its limits: seven more fit under the other.
	for i := range 7 {
		if err := s.Count(ctx, limits[1:], now); err != nil {
			t.Fatalf("count %d under the other limit: %v", i+1, err)
		}
	}
	if err := s.Count(ctx, limits[1:], now); !errors.As(err, &rl) {
		t.Errorf("tenth count under a limit of 9: %v, want *RateLimitedError", err)
	}
	// Counts and submissions share their counters.
	c := newCase("PL-COUNT-1")
	c.SubmittedAt = now
	if err := s.Submit(ctx, c, app.Change{}, limits[:1]); !errors.As(err, &rl) {
		t.Errorf("a submission after two counts under a limit of 2: %v, want *RateLimitedError", err)
	}
	if err := s.Count(ctx, limits, now.Add(40*time.Minute)); err != nil {
		t.Errorf("count in the next window: %v", err)
	}
	if err := s.Count(ctx, nil, now); err != nil {
		t.Errorf("count under no limit: %v", err)
	}
}

// Counts that race for the last place under a limit: exactly one gets it.
func concurrentCounts(t *testing.T, s Subject) {
	now := time.Date(2026, 3, 27, 10, 20, 0, 0, time.UTC)
	limits := []app.Limit{{Key: "count-race", Max: 1, Window: time.Hour}}
	errLimited := errors.New("rate limited")
	oneWinner(t, 5, "Count under a limit of one", errLimited, func() error {
		err := s.Count(ctx, limits, now)
		var rl *app.RateLimitedError
		if errors.As(err, &rl) {
			return errLimited
		}
		return err
	})
}

package memstore

import (
	"context"
	"time"

	"github.com/privacyloket/privacyloket/shared/app"
)

// Limited implements app.CaseStore.
func (s *Store) Limited(ctx context.Context, limits []app.Limit, now time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err := s.countersAt(limits, now)
	return err
}

// Count implements app.CaseStore.
func (s *Store) Count(ctx context.Context, limits []app.Limit, now time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ks, err := s.countersAt(limits, now)
	if err != nil {
		return err
	}
	s.countOn(ks)
	return nil
}

// windowCounter names the counter of one limit for the window that holds now.
type windowCounter struct {
	id  string
	end time.Time
}

// countersAt returns the counters of limits as of now, or a *app.RateLimitedError when one is
// full. The caller holds s.mu.
func (s *Store) countersAt(limits []app.Limit, now time.Time) ([]windowCounter, error) {
	ks := make([]windowCounter, len(limits))
	for i, l := range limits {
		ks[i].id, ks[i].end = l.Counter(now)
		if s.counters[ks[i].id].count >= l.Max {
			return nil, &app.RateLimitedError{RetryAfter: ks[i].end.Sub(now).Round(time.Second)}
		}
	}
	return ks, nil
}

// countOn counts one more on each counter, kept a day past its window as in Firestore. The
// caller holds s.mu.
func (s *Store) countOn(ks []windowCounter) {
	for _, k := range ks {
		s.counters[k.id] = counter{count: s.counters[k.id].count + 1, expireAt: stamp(k.end.Add(24 * time.Hour))}
	}
}

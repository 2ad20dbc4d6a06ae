package firestoredb

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"cloud.google.com/go/firestore"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/request"
)

// Limited implements app.CaseStore: one read per limit, outside any transaction.
func (s *Store) Limited(ctx context.Context, limits []app.Limit, now time.Time) error {
	if err := s.open(); err != nil {
		return err
	}
	for _, l := range limits {
		id, end := l.Counter(now)
		snap, err := s.c.Collection(colRateLimits).Doc(id).Get(ctx)
		switch {
		case status.Code(err) == codes.NotFound:
			continue
		case err != nil:
			return fmt.Errorf("read rate limit: %w", err)
		}
		v, _ := snap.DataAt("count")
		if n, _ := v.(int64); n >= int64(l.Max) {
			return &app.RateLimitedError{RetryAfter: end.Sub(now).Round(time.Second)}
		}
	}
	return nil
}

// Count implements app.CaseStore: every counter read and counted on in one transaction.
func (s *Store) Count(ctx context.Context, limits []app.Limit, now time.Time) error {
	if err := s.open(); err != nil {
		return err
	}
	counters := make([]counter, len(limits))
	refs := make([]*firestore.DocumentRef, len(limits))
	for i, l := range limits {
		id, end := l.Counter(now)
		refs[i] = s.c.Collection(colRateLimits).Doc(id)
		counters[i] = counter{ref: refs[i], max: int64(l.Max), end: end}
	}
	if len(refs) == 0 {
		return nil
	}
	return s.c.RunTransaction(ctx, func(ctx context.Context, tx *firestore.Transaction) error {
		snaps, err := tx.GetAll(refs)
		if err != nil {
			return fmt.Errorf("read rate limits: %w", err)
		}
		counts := make([]int64, len(counters))
		for i, k := range counters {
			if snaps[i].Exists() {
				v, _ := snaps[i].DataAt("count")
				counts[i], _ = v.(int64)
			}
			if counts[i] >= k.max {
				return &app.RateLimitedError{RetryAfter: k.end.Sub(now).Round(time.Second)}
			}
		}
		for i, k := range counters {
			if err := tx.Set(k.ref, map[string]any{"count": counts[i] + 1, "expireAt": k.end.Add(24 * time.Hour)}); err != nil {
				return err
			}
		}
		return nil
	})
}

// Submit implements app.CaseStore: the case, with its first letters and events, and a count
// under each rate limit, in one transaction. Most submissions are the first under each of their
// limits (a new address, a new window), so Submit first creates the counters without reading
// them: a transaction that only writes, one round trip fewer, which fails as a whole when a
// counter (or the case) exists already. Only then does it read the counters and count on. A
// counter this instance has written (or found full) goes straight to reading: a second one from
// an address (a household, an office, a flood) pays no failed attempt.
func (s *Store) Submit(ctx context.Context, c *request.Case, ch app.Change, limits []app.Limit) error {
	if err := s.open(); err != nil {
		return err
	}
	now := c.SubmittedAt
	counters := make([]counter, len(limits))
	first := true
	for i, l := range limits {
		id, end := l.Counter(now)
		counters[i] = counter{ref: s.c.Collection(colRateLimits).Doc(id), max: int64(l.Max), end: end}
		first = first && l.Max > 0 && !s.counted.has(id, now)
	}
	submit := func(read bool) error {
		return s.c.RunTransaction(ctx, func(ctx context.Context, tx *firestore.Transaction) error {
			return s.submitIn(tx, c, ch, counters, read)
		})
	}
	var err error
	if first {
		err = submit(false)
	}
	if !first || status.Code(err) == codes.AlreadyExists {
		err = submit(true)
	}
	if status.Code(err) == codes.AlreadyExists {
		return app.ErrExists
	}
	var limited *app.RateLimitedError
	if err == nil || errors.As(err, &limited) {
		// Written, or read and found full: a retry is counted on at once.
		for _, k := range counters {
			s.counted.add(k.ref.ID, k.end, now)
		}
	}
	return err
}

// counter is a rate limit's count for one window.
type counter struct {
	ref *firestore.DocumentRef
	max int64
	end time.Time
}

// submitIn writes a new case in tx with a count under each limit. Unless read, the counters
// are created (the submission is the first in their windows); read, each is checked against
// its limit and counted on.
func (s *Store) submitIn(tx *firestore.Transaction, c *request.Case, ch app.Change, counters []counter, read bool) error {
	counts := make([]int64, len(counters))
	if read && len(counters) > 0 {
		refs := make([]*firestore.DocumentRef, len(counters))
		for i, k := range counters {
			refs[i] = k.ref
		}
		snaps, err := tx.GetAll(refs) // every counter in one round trip
		if err != nil {
			return fmt.Errorf("read rate limits: %w", err)
		}
		for i, k := range counters {
			if snaps[i].Exists() {
				v, _ := snaps[i].DataAt("count")
				counts[i], _ = v.(int64)
			}
			if counts[i] >= k.max {
				return &app.RateLimitedError{RetryAfter: k.end.Sub(c.SubmittedAt).Round(time.Second)}
			}
		}
	}
	c.Version = 1
	d := toCaseDoc(c)
	if err := writeChange(c, ch, d); err != nil {
		return err
	}
	if err := tx.Create(s.caseRef(c.Reference), d); err != nil {
		return err
	}
	for i, k := range counters {
		v := map[string]any{"count": counts[i] + 1, "expireAt": k.end.Add(24 * time.Hour)}
		var err error
		if read {
			err = tx.Set(k.ref, v)
		} else {
			err = tx.Create(k.ref, v)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// counterSet remembers the rate-limit counters an instance has written or found full, until their
// windows end. It is a hint, never the count: a counter it does not know is created with a
// precondition that fails if it exists after all.
type counterSet struct {
	mu sync.Mutex
	m  map[string]time.Time // counter id → end of its window
}

// maxCounted bounds the memory: 4 096 ids of about 50 bytes.
const maxCounted = 4096

func (k *counterSet) has(id string, now time.Time) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	end, ok := k.m[id]
	return ok && now.Before(end)
}

func (k *counterSet) add(id string, end, now time.Time) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.m) >= maxCounted {
		for id, e := range k.m {
			if !now.Before(e) {
				delete(k.m, id)
			}
		}
	}
	if k.m == nil || len(k.m) >= maxCounted {
		k.m = map[string]time.Time{} // forgetting costs one failed attempt per counter
	}
	k.m[id] = end
}

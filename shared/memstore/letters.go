package memstore

import (
	"context"
	"slices"
	"time"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/outbox"
)

// ClaimLetter implements app.OutboxStore.
func (s *Store) ClaimLetter(ctx context.Context, id string, now, lease time.Time) (*outbox.Letter, error) {
	return s.changeLetter(ctx, id, func(l *outbox.Letter) error { return claim(l, now, lease) })
}

// claim marks l as being sent until lease: ErrAlreadySent when it was sent, failed for good or
// went to post, ErrLeased when a sender holds it now.
func claim(l *outbox.Letter, now, lease time.Time) error {
	switch l.Status {
	case outbox.Sent, outbox.Failed, outbox.ToPost, outbox.Posted:
		return app.ErrAlreadySent
	case outbox.Sending:
		if !l.LeaseUntil.IsZero() && now.Before(l.LeaseUntil) {
			return app.ErrLeased
		}
	}
	l.Status, l.LeaseUntil, l.AttemptedAt = outbox.Sending, stamp(lease), stamp(now)
	l.Attempts++
	return nil
}

// ClaimCaseLetters implements app.OutboxStore.
func (s *Store) ClaimCaseLetters(ctx context.Context, id string, now, lease time.Time) ([]*outbox.Letter, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.letters[id]
	if !ok {
		return nil, app.ErrNotFound
	}
	ids := []string{id}
	if cur.Reference != "" {
		var others []string
		for other, l := range s.letters {
			if other != id && l.Reference == cur.Reference {
				others = append(others, other)
			}
		}
		slices.Sort(others)
		ids = append(ids, others...)
	}
	var out []*outbox.Letter
	var firstErr error
	for _, x := range ids {
		c := clone(s.letters[x])
		if err := claim(c, now, lease); err != nil {
			if x == id {
				firstErr = err
			}
			continue
		}
		s.letters[x] = c
		out = append(out, clone(c))
	}
	if len(out) == 0 {
		return nil, firstErr
	}
	return out, nil
}

// FinishLetters implements app.OutboxStore.
func (s *Store) FinishLetters(ctx context.Context, now time.Time, outcomes []app.LetterOutcome) error {
	for _, o := range outcomes {
		if err := s.FinishLetter(ctx, o.ID, o.Status, now, o.Error); err != nil {
			return err
		}
	}
	return nil
}

// changeLetter changes a copy of a letter and stores it, as a transaction would: fn changes
// the letter, or refuses with an error that changeLetter returns as it is. app.ErrNotFound
// when there is no such letter.
func (s *Store) changeLetter(ctx context.Context, id string, fn func(l *outbox.Letter) error) (*outbox.Letter, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.letters[id]
	if !ok {
		return nil, app.ErrNotFound
	}
	l := clone(cur)
	if err := fn(l); err != nil {
		return nil, err
	}
	s.letters[id] = l
	return clone(l), nil
}

// QueueLetter implements app.OutboxStore: a letter that belongs to no case, stored once.
func (s *Store) QueueLetter(ctx context.Context, l *outbox.Letter) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.letters[l.ID]; ok {
		return app.ErrExists
	}
	ls, err := storedLetters([]*outbox.Letter{l})
	if err != nil {
		return err
	}
	s.letters[l.ID] = ls[0] // kept until its own RetainUntil
	return nil
}

// FinishLetter implements app.OutboxStore.
func (s *Store) FinishLetter(ctx context.Context, id string, st outbox.Status, now time.Time, errText string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.letters[id]
	if !ok {
		return nil // deleted meanwhile (retention); nothing left to record
	}
	l := clone(cur)
	l.Status, l.LeaseUntil, l.LastError = st, time.Time{}, errText
	if st == outbox.Sent {
		l.SentAt = stamp(now)
	}
	s.letters[id] = l
	return nil
}

// PendingLetters implements app.OutboxStore: per status at most max letters created before
// olderThan, oldest first, of which those tried since retryAfter or leased now are left out.
func (s *Store) PendingLetters(ctx context.Context, olderThan, retryAfter time.Time, max int) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for _, st := range []outbox.Status{outbox.Pending, outbox.Sending} {
		var found []*outbox.Letter
		for _, l := range s.letters {
			if l.Status == st && l.CreatedAt.Before(olderThan) {
				found = append(found, l)
			}
		}
		slices.SortFunc(found, byCreated)
		for _, l := range found[:min(max, len(found))] {
			if !l.AttemptedAt.IsZero() && l.AttemptedAt.After(retryAfter) {
				continue
			}
			if st == outbox.Sending && !l.LeaseUntil.IsZero() && l.LeaseUntil.After(olderThan) {
				continue // a sender holds it right now
			}
			ids = append(ids, l.ID)
		}
	}
	return ids, nil
}

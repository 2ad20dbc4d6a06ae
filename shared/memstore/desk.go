package memstore

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strings"
	"time"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/request"
)

// OpenCases implements app.DeskStore.
func (s *Store) OpenCases(ctx context.Context, limit int) ([]*request.Case, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	var running, unconfirmed []*request.Case
	for _, c := range s.cases {
		switch {
		case c.Status.Open():
			running = append(running, clone(c))
		case c.Status == request.AwaitingConfirmation:
			unconfirmed = append(unconfirmed, clone(c))
		}
	}
	s.mu.Unlock()
	slices.SortFunc(running, func(a, b *request.Case) int {
		return cmp.Or(a.DueDate.Compare(b.DueDate), strings.Compare(a.Reference, b.Reference))
	})
	slices.SortFunc(unconfirmed, func(a, b *request.Case) int {
		return cmp.Or(a.SubmittedAt.Compare(b.SubmittedAt), strings.Compare(a.Reference, b.Reference))
	})
	all := append(running, unconfirmed...)
	return all[:min(limit, len(all))], nil
}

// RunningCases implements app.DeskStore.
func (s *Store) RunningCases(ctx context.Context, dueBy civil.Date, limit int) ([]*request.Case, error) {
	return s.casesWhere(ctx, limit, func(c *request.Case) bool { return c.Status.Open() && !c.DueDate.After(dueBy) })
}

// CasesIn implements app.DeskStore.
func (s *Store) CasesIn(ctx context.Context, st request.Status, limit int) ([]*request.Case, error) {
	return s.casesWhere(ctx, limit, func(c *request.Case) bool { return c.Status == st })
}

// CountRunning implements app.DeskStore.
func (s *Store) CountRunning(ctx context.Context) (int, error) {
	cs, err := s.casesWhere(ctx, math.MaxInt, func(c *request.Case) bool { return c.Status.Open() })
	return len(cs), err
}

// casesWhere lists at most limit cases for which keep holds, by due date, then reference.
func (s *Store) casesWhere(ctx context.Context, limit int, keep func(c *request.Case) bool) ([]*request.Case, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	var out []*request.Case
	for _, c := range s.cases {
		if keep(c) {
			out = append(out, clone(c))
		}
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b *request.Case) int {
		return cmp.Or(a.DueDate.Compare(b.DueDate), strings.Compare(a.Reference, b.Reference))
	})
	return out[:min(limit, len(out))], nil
}

// CasesReceived implements app.DeskStore.
func (s *Store) CasesReceived(ctx context.Context, from, to civil.Date) ([]app.CaseEvents, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	var out []app.CaseEvents
	for ref, c := range s.cases {
		if !c.Received.IsZero() && !c.Received.Before(from) && c.Received.Before(to) {
			out = append(out, app.CaseEvents{Case: clone(c), Events: s.eventsOf(ref)})
		}
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b app.CaseEvents) int {
		return cmp.Or(a.Case.Received.Compare(b.Case.Received), strings.Compare(a.Case.Reference, b.Case.Reference))
	})
	return out, nil
}

// LettersToPost implements app.DeskStore.
func (s *Store) LettersToPost(ctx context.Context, max int) ([]*outbox.Letter, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*outbox.Letter
	for _, l := range s.letters {
		if l.Status == outbox.ToPost {
			out = append(out, clone(l))
		}
	}
	slices.SortFunc(out, byCreated)
	return out[:min(max, len(out))], nil
}

// byCreated orders letters as the (status, createdAt) index does: oldest first, then by id.
func byCreated(a, b *outbox.Letter) int {
	return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID))
}

// MarkPosted implements app.DeskStore.
func (s *Store) MarkPosted(ctx context.Context, id string, at time.Time) (*outbox.Letter, error) {
	return s.changeLetter(ctx, id, func(l *outbox.Letter) error {
		switch l.Status {
		case outbox.Posted:
			return app.ErrAlreadyPosted
		case outbox.ToPost:
		default:
			return app.ErrNotPostable
		}
		l.Status, l.SentAt = outbox.Posted, stamp(at)
		return nil
	})
}

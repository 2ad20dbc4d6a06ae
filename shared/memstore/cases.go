package memstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/request"
)

// Submit implements app.CaseStore.
func (s *Store) Submit(ctx context.Context, c *request.Case, ch app.Change, limits []app.Limit) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ks, err := s.countersAt(limits, c.SubmittedAt)
	if err != nil {
		return err
	}
	c.Version = 1
	if _, ok := s.cases[c.Reference]; ok {
		return app.ErrExists
	}
	for _, l := range ch.Letters {
		if _, ok := s.letters[l.ID]; ok {
			return app.ErrExists
		}
	}
	letters, err := storedLetters(ch.Letters)
	if err != nil {
		return err
	}
	s.cases[c.Reference] = clone(c)
	s.writeChange(c, ch, letters)
	s.countOn(ks)
	return nil
}

// writeChange stores letters not stored yet (ids are deterministic, so a repeated change sends
// nothing twice), with the case's retention, and appends the events. The caller holds s.mu.
func (s *Store) writeChange(c *request.Case, ch app.Change, letters []*outbox.Letter) {
	for _, l := range letters {
		if _, ok := s.letters[l.ID]; !ok {
			l.RetainUntil = stamp(c.RetainUntil)
			s.letters[l.ID] = l
		}
	}
	for _, e := range ch.Events {
		e.At = stamp(e.At)
		s.events[c.Reference] = append(s.events[c.Reference], e)
	}
}

// retain gives the case's letters its retention (its events have the case's own, as in the
// Firestore case document). The caller holds s.mu.
func (s *Store) retain(ref string, until time.Time) {
	for id, l := range s.letters {
		if l.Reference == ref {
			l = clone(l)
			l.RetainUntil = stamp(until)
			s.letters[id] = l
		}
	}
}

// Update implements app.CaseStore. It is optimistic, as a Firestore transaction is: fn runs
// on a copy, and when another writer committed meanwhile it runs again on the new state.
func (s *Store) Update(ctx context.Context, ref string, fn func(c *request.Case) (app.Change, error)) (*request.Case, error) {
	c, _, err := s.update(ctx, ref, fn, false)
	return c, err
}

// UpdateParts implements app.CaseStore.
func (s *Store) UpdateParts(ctx context.Context, ref string, fn func(c *request.Case) (app.Change, error)) (*request.Case, []request.Event, []*outbox.Letter, error) {
	c, p, err := s.update(ctx, ref, fn, true)
	if err != nil {
		return c, nil, nil, err
	}
	return c, p.events, p.letters, nil
}

// parts are a case's events and letters as one commit left them.
type parts struct {
	events  []request.Event
	letters []*outbox.Letter
}

// update is Update, returning also the case's parts as committed when withParts.
func (s *Store) update(ctx context.Context, ref string, fn func(c *request.Case) (app.Change, error), withParts bool) (*request.Case, parts, error) {
	for range maxAttempts {
		if err := ctx.Err(); err != nil {
			return nil, parts{}, err
		}
		s.mu.Lock()
		base, ok := s.cases[ref]
		s.mu.Unlock()
		if !ok {
			return nil, parts{}, app.ErrNotFound
		}
		c := clone(base)
		ch, err := fn(c)
		if err != nil {
			return c, parts{}, err
		}
		letters, err := storedLetters(ch.Letters)
		if err != nil {
			return nil, parts{}, err
		}
		s.mu.Lock()
		if s.cases[ref] != base {
			s.mu.Unlock()
			continue // another transaction won; run fn again on what it wrote
		}
		s.commit(base, c, ch, letters)
		var p parts
		if withParts {
			p = parts{events: s.eventsOf(ref), letters: s.lettersOf(ref)}
		}
		s.mu.Unlock()
		return c, p, nil
	}
	return nil, parts{}, fmt.Errorf("update case %s: too much contention", ref)
}

// commit stores c, changed by fn from base, with its change. The caller holds s.mu.
func (s *Store) commit(base, c *request.Case, ch app.Change, letters []*outbox.Letter) {
	c.Version++
	s.cases[c.Reference] = clone(c)
	if !stamp(c.RetainUntil).Equal(base.RetainUntil) {
		s.retain(c.Reference, c.RetainUntil)
	}
	s.writeChange(c, ch, letters)
	if ch.DeleteIDCopy {
		delete(s.idCopies, c.Reference)
	}
}

// Case implements app.CaseStore.
func (s *Store) Case(ctx context.Context, ref string) (*request.Case, error) {
	c, _, err := s.caseParts(ctx, ref, false)
	return c, err
}

// CaseParts implements app.CaseStore.
func (s *Store) CaseParts(ctx context.Context, ref string) (*request.Case, []request.Event, []*outbox.Letter, error) {
	c, p, err := s.caseParts(ctx, ref, true)
	return c, p.events, p.letters, err
}

// caseParts returns the case, and its events and letters when withParts; app.ErrNotFound
// when there is no such case.
func (s *Store) caseParts(ctx context.Context, ref string, withParts bool) (*request.Case, parts, error) {
	if err := ctx.Err(); err != nil {
		return nil, parts{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.cases[ref]
	if !ok {
		return nil, parts{}, app.ErrNotFound
	}
	var p parts
	if withParts {
		p = parts{events: s.eventsOf(ref), letters: s.lettersOf(ref)}
	}
	return clone(c), p, nil
}

// Events implements app.CaseStore.
func (s *Store) Events(ctx context.Context, ref string) ([]request.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.eventsOf(ref), nil
}

// eventsOf is a copy of the case's events, in the order they were written. The caller holds
// s.mu.
func (s *Store) eventsOf(ref string) []request.Event {
	return clone(append([]request.Event{}, s.events[ref]...))
}

// Letters implements app.CaseStore, in id order as Firestore returns them.
func (s *Store) Letters(ctx context.Context, ref string) ([]*outbox.Letter, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lettersOf(ref), nil
}

// lettersOf is a copy of the case's letters, in id order. The caller holds s.mu.
func (s *Store) lettersOf(ref string) []*outbox.Letter {
	out := []*outbox.Letter{}
	for _, l := range s.letters {
		if l.Reference == ref {
			out = append(out, clone(l))
		}
	}
	slices.SortFunc(out, func(a, b *outbox.Letter) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// DueCases implements app.CaseStore: ordered by NextActionAt, then reference.
func (s *Store) DueCases(ctx context.Context, now time.Time, max int) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	type due struct {
		ref string
		at  time.Time
	}
	var all []due
	for ref, c := range s.cases {
		if !c.NextActionAt.IsZero() && !c.NextActionAt.After(now) {
			all = append(all, due{ref, c.NextActionAt})
		}
	}
	s.mu.Unlock()
	slices.SortFunc(all, func(a, b due) int {
		return cmp.Or(a.at.Compare(b.at), strings.Compare(a.ref, b.ref))
	})
	var refs []string
	for _, d := range all[:min(max, len(all))] {
		refs = append(refs, d.ref)
	}
	return refs, nil
}

// DeleteCase implements app.CaseStore.
func (s *Store) DeleteCase(ctx context.Context, ref string, keepCase bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.idCopies, ref)
	for k, b := range s.results {
		if b.ref == ref {
			delete(s.results, k)
		}
	}
	for id, l := range s.letters {
		if l.Reference == ref {
			delete(s.letters, id)
		}
	}
	delete(s.events, ref)
	if !keepCase {
		delete(s.cases, ref)
	}
	return nil
}

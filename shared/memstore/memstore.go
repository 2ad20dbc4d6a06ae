// Package memstore keeps cases, letters, events, rate-limit counters and sealed blobs in memory,
// with the semantics of the Firestore adapter (shared/firestoredb): transactional updates whose
// function may run more than once, letter leases, the same query orders and limits, instants
// stored in UTC at microsecond precision. The use-case tests run on it without emulators, and
// shared/testenv/storetest holds both implementations to one contract. It is safe for concurrent use.
package memstore

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/request"
)

// maxAttempts bounds how often Update runs its function when other writers keep winning
// (Firestore's client gives up after a handful of aborted transactions too).
const maxAttempts = 50

// Store implements app.CaseStore, app.OutboxStore, app.BlobStore and app.DeskStore in memory.
type Store struct {
	mu       sync.Mutex
	cases    map[string]*request.Case // replaced, never changed in place: the pointer is the version
	events   map[string][]event
	letters  map[string]*outbox.Letter
	counters map[string]counter
	idCopies map[string]blob
	results  map[string]blob // by resultKey(ref, attempt key)
}

var (
	_ app.CaseStore   = (*Store)(nil)
	_ app.OutboxStore = (*Store)(nil)
	_ app.BlobStore   = (*Store)(nil)
	_ app.DeskStore   = (*Store)(nil)
)

type event struct {
	request.Event
	seq      int       // the case version times 100 plus the index, as in Firestore
	expireAt time.Time // TTL safety net
}

type counter struct {
	count    int
	expireAt time.Time
}

type blob struct {
	ref      string
	data     []byte
	kind     string
	expireAt time.Time
}

// New returns an empty store.
func New() *Store {
	return &Store{
		cases: map[string]*request.Case{}, events: map[string][]event{}, letters: map[string]*outbox.Letter{},
		counters: map[string]counter{}, idCopies: map[string]blob{}, results: map[string]blob{},
	}
}

// Limited implements app.CaseStore.
func (s *Store) Limited(ctx context.Context, limits []app.Limit, now time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range limits {
		key, end := l.Counter(now)
		if s.counters[key].count >= l.Max {
			return &app.RateLimitedError{RetryAfter: end.Sub(now).Round(time.Second)}
		}
	}
	return nil
}

// Count implements app.CaseStore.
func (s *Store) Count(ctx context.Context, limits []app.Limit, now time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := make([]string, len(limits))
	ends := make([]time.Time, len(limits))
	for i, l := range limits {
		keys[i], ends[i] = l.Counter(now)
		if s.counters[keys[i]].count >= l.Max {
			return &app.RateLimitedError{RetryAfter: ends[i].Sub(now).Round(time.Second)}
		}
	}
	for i, k := range keys {
		s.counters[k] = counter{count: s.counters[k].count + 1, expireAt: stamp(ends[i].Add(24 * time.Hour))}
	}
	return nil
}

// Submit implements app.CaseStore.
func (s *Store) Submit(ctx context.Context, c *request.Case, ch app.Change, limits []app.Limit) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	now := c.SubmittedAt
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := make([]string, len(limits))
	ends := make([]time.Time, len(limits))
	for i, l := range limits {
		keys[i], ends[i] = l.Counter(now)
		if s.counters[keys[i]].count >= l.Max {
			return &app.RateLimitedError{RetryAfter: ends[i].Sub(now).Round(time.Second)}
		}
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
	for i, k := range keys {
		s.counters[k] = counter{count: s.counters[k].count + 1, expireAt: stamp(ends[i].Add(24 * time.Hour))}
	}
	return nil
}

// writeChange stores letters not stored yet (ids are deterministic, so a repeated change sends
// nothing twice) and events, both with the case's retention. The caller holds s.mu.
func (s *Store) writeChange(c *request.Case, ch app.Change, letters []*outbox.Letter) {
	for _, l := range letters {
		if _, ok := s.letters[l.ID]; !ok {
			l.RetainUntil = stamp(c.RetainUntil)
			s.letters[l.ID] = l
		}
	}
	for i, e := range ch.Events {
		e.At = stamp(e.At)
		s.events[c.Reference] = append(s.events[c.Reference], event{Event: e, seq: c.Version*100 + i, expireAt: stamp(c.RetainUntil)})
	}
}

// retain gives the case's events and letters its retention. The caller holds s.mu.
func (s *Store) retain(ref string, until time.Time) {
	evs := s.events[ref]
	for i := range evs {
		evs[i].expireAt = stamp(until)
	}
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
	for range maxAttempts {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		s.mu.Lock()
		base, ok := s.cases[ref]
		s.mu.Unlock()
		if !ok {
			return nil, app.ErrNotFound
		}
		c := clone(base)
		ch, err := fn(c)
		if err != nil {
			return c, err
		}
		letters, err := storedLetters(ch.Letters)
		if err != nil {
			return nil, err
		}
		s.mu.Lock()
		if s.cases[ref] != base {
			s.mu.Unlock()
			continue // another transaction won; run fn again on what it wrote
		}
		c.Version++
		s.cases[ref] = clone(c)
		if !stamp(c.RetainUntil).Equal(base.RetainUntil) {
			s.retain(ref, c.RetainUntil)
		}
		s.writeChange(c, ch, letters)
		if ch.DeleteIDCopy {
			delete(s.idCopies, ref)
		}
		s.mu.Unlock()
		return c, nil
	}
	return nil, fmt.Errorf("update case %s: too much contention", ref)
}

// Case implements app.CaseStore.
func (s *Store) Case(ctx context.Context, ref string) (*request.Case, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.cases[ref]
	if !ok {
		return nil, app.ErrNotFound
	}
	return clone(c), nil
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

// events_ lists the case's events in order. The caller holds s.mu.
func (s *Store) eventsOf(ref string) []request.Event {
	evs := s.sortedEvents(ref)
	out := make([]request.Event, len(evs))
	for i, e := range evs {
		out[i] = e.Event
	}
	return out
}

// sortedEvents is a copy of the case's stored events, in the order they were written. The
// caller holds s.mu.
func (s *Store) sortedEvents(ref string) []event {
	evs := slices.Clone(s.events[ref])
	slices.SortStableFunc(evs, func(a, b event) int { return cmp.Compare(a.seq, b.seq) })
	return evs
}

// Letters implements app.CaseStore, in id order as Firestore returns them.
func (s *Store) Letters(ctx context.Context, ref string) ([]*outbox.Letter, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []*outbox.Letter{}
	for _, l := range s.letters {
		if l.Reference == ref {
			out = append(out, clone(l))
		}
	}
	slices.SortFunc(out, func(a, b *outbox.Letter) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
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

// QueueLetter implements app.LetterQueue: a letter that belongs to no case, stored once.
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

// PutIDCopy implements app.BlobStore.
func (s *Store) PutIDCopy(ctx context.Context, ref string, sealed []byte, kind string, expireAt time.Time) error {
	return s.put(ctx, s.idCopies, ref, sealed, kind, expireAt)
}

// IDCopy implements app.BlobStore.
func (s *Store) IDCopy(ctx context.Context, ref string) ([]byte, string, error) {
	return s.get(ctx, s.idCopies, ref)
}

// DeleteIDCopy implements app.BlobStore.
func (s *Store) DeleteIDCopy(ctx context.Context, ref string) error {
	return s.remove(ctx, s.idCopies, ref)
}

// PutAccessPackage implements app.BlobStore.
func (s *Store) PutAccessPackage(ctx context.Context, ref, key string, sealed []byte, expireAt time.Time) error {
	return s.putAs(ctx, s.results, resultKey(ref, key), ref, sealed, "application/zip", expireAt)
}

// AccessPackage implements app.BlobStore.
func (s *Store) AccessPackage(ctx context.Context, ref, key string) ([]byte, error) {
	b, _, err := s.get(ctx, s.results, resultKey(ref, key))
	return b, err
}

// DeleteAccessPackage implements app.BlobStore.
func (s *Store) DeleteAccessPackage(ctx context.Context, ref, key string) error {
	return s.remove(ctx, s.results, resultKey(ref, key))
}

func resultKey(ref, key string) string { return ref + "\x00" + key }

func (s *Store) put(ctx context.Context, m map[string]blob, ref string, data []byte, kind string, expireAt time.Time) error {
	return s.putAs(ctx, m, ref, ref, data, kind, expireAt)
}

func (s *Store) putAs(ctx context.Context, m map[string]blob, id, ref string, data []byte, kind string, expireAt time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m[id] = blob{ref: ref, data: slices.Clone(data), kind: kind, expireAt: stamp(expireAt)}
	return nil
}

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

func (s *Store) get(ctx context.Context, m map[string]blob, ref string) ([]byte, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := m[ref]
	if !ok {
		return nil, "", app.ErrNotFound
	}
	return append([]byte{}, b.data...), b.kind, nil
}

func (s *Store) remove(ctx context.Context, m map[string]blob, ref string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(m, ref)
	return nil
}

// EventsExpireAt lists the TTL of the case's events, in the order Events lists them (for the
// store contract, as a test against Firestore reads the documents).
func (s *Store) EventsExpireAt(ctx context.Context, ref string) ([]time.Time, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	evs := s.sortedEvents(ref)
	s.mu.Unlock()
	out := make([]time.Time, len(evs))
	for i, e := range evs {
		out[i] = e.expireAt
	}
	return out, nil
}

// Dump describes every stored record, one a line, for tests that check what is left behind
// (as a test against Firestore lists every document).
func (s *Store) Dump() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var lines []string
	for ref, c := range s.cases {
		lines = append(lines, fmt.Sprintf("cases/%s %+v", ref, dump(c)))
	}
	for ref, evs := range s.events {
		for _, e := range evs {
			lines = append(lines, fmt.Sprintf("cases/%s/events %+v expireAt=%s", ref, e.Event, e.expireAt))
		}
	}
	for id, l := range s.letters {
		lines = append(lines, fmt.Sprintf("letters/%s %+v", id, dump(l)))
	}
	for k, c := range s.counters {
		lines = append(lines, fmt.Sprintf("ratelimits/%s %+v", k, c))
	}
	for ref, b := range s.idCopies {
		lines = append(lines, fmt.Sprintf("idcopies/%s kind=%s size=%d expireAt=%s", ref, b.kind, len(b.data), b.expireAt))
	}
	for k, b := range s.results {
		lines = append(lines, fmt.Sprintf("results/%s kind=%s size=%d expireAt=%s", strings.ReplaceAll(k, "\x00", "@"), b.kind, len(b.data), b.expireAt))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// dump spells out a record including what its pointers point to.
func dump(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// storedLetters returns the letters as Firestore would hand them back: data and links through
// JSON, instants in UTC at microsecond precision.
func storedLetters(ls []*outbox.Letter) ([]*outbox.Letter, error) {
	out := make([]*outbox.Letter, len(ls))
	for i, l := range ls {
		c := clone(l)
		if err := roundTrip(&c.Data); err != nil {
			return nil, fmt.Errorf("encode letter data: %w", err)
		}
		if err := roundTrip(&c.Links); err != nil {
			return nil, fmt.Errorf("encode letter links: %w", err)
		}
		out[i] = c
	}
	return out, nil
}

func roundTrip[T any](v *T) error {
	b, err := json.Marshal(*v)
	if err != nil {
		return err
	}
	var out T
	if err := json.Unmarshal(b, &out); err != nil {
		return err
	}
	*v = out
	return nil
}

// stamp is an instant as Firestore keeps it: UTC, whole microseconds, no monotonic reading.
func stamp(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

var timeType = reflect.TypeFor[time.Time]()

// clone deep-copies v, storing every instant in it as stamp does, so that no caller shares
// memory with the store and what comes back looks as it would from Firestore.
func clone[T any](v T) T {
	return copyValue(reflect.ValueOf(&v).Elem()).Interface().(T)
}

func copyValue(v reflect.Value) reflect.Value {
	out := reflect.New(v.Type()).Elem()
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == timeType {
			out.Set(reflect.ValueOf(stamp(v.Interface().(time.Time))))
			return out
		}
		out.Set(v) // unexported fields as they are
		for i := range v.NumField() {
			if out.Field(i).CanSet() {
				out.Field(i).Set(copyValue(v.Field(i)))
			}
		}
	case reflect.Pointer:
		if !v.IsNil() {
			p := reflect.New(v.Type().Elem())
			p.Elem().Set(copyValue(v.Elem()))
			out.Set(p)
		}
	case reflect.Slice:
		if !v.IsNil() {
			s := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
			for i := range v.Len() {
				s.Index(i).Set(copyValue(v.Index(i)))
			}
			out.Set(s)
		}
	case reflect.Map:
		if !v.IsNil() {
			m := reflect.MakeMapWithSize(v.Type(), v.Len())
			for it := v.MapRange(); it.Next(); {
				m.SetMapIndex(it.Key(), copyValue(it.Value()))
			}
			out.Set(m)
		}
	case reflect.Interface:
		if !v.IsNil() {
			out.Set(copyValue(v.Elem()))
		}
	default:
		out.Set(v)
	}
	return out
}

package firestoredb

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"cloud.google.com/go/firestore"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/outbox"
)

// A case's letters are in its case document (a map by id, with counts of those still to be
// sent and those to post, by which the relay and the desk find cases); a letter of no case is a
// document of the letters collection.

// lettersOf decodes letter documents.
func lettersOf(snaps []*firestore.DocumentSnapshot) ([]*outbox.Letter, error) {
	out := make([]*outbox.Letter, 0, len(snaps))
	for _, snap := range snaps {
		var d letterDoc
		if err := snap.DataTo(&d); err != nil {
			return nil, fmt.Errorf("decode letter: %w", err)
		}
		l, err := fromLetterDoc(snap.Ref.ID, &d)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

// ClaimLetter implements app.OutboxStore.
func (s *Store) ClaimLetter(ctx context.Context, id string, now, lease time.Time) (*outbox.Letter, error) {
	return s.changeLetter(ctx, id, func(d *letterDoc) error { return claim(d, now, lease) })
}

// claim marks d as being sent until lease: ErrAlreadySent when it was sent, failed for good or
// went to post, ErrLeased when a sender holds it now.
func claim(d *letterDoc, now, lease time.Time) error {
	switch outbox.Status(d.Status) {
	case outbox.Sent, outbox.Failed, outbox.ToPost, outbox.Posted:
		return app.ErrAlreadySent
	case outbox.Sending:
		if d.LeaseUntil != nil && now.Before(*d.LeaseUntil) {
			return app.ErrLeased
		}
	}
	d.Status = string(outbox.Sending)
	d.LeaseUntil = ptr(lease)
	d.AttemptedAt = ptr(now)
	d.Attempts++
	return nil
}

// ClaimCaseLetters implements app.OutboxStore: one read and one write of the case document
// for all the letters it claims.
func (s *Store) ClaimCaseLetters(ctx context.Context, id string, now, lease time.Time) ([]*outbox.Letter, error) {
	ref := outbox.ReferenceOf(id)
	if ref == "" {
		l, err := s.ClaimLetter(ctx, id, now, lease)
		if err != nil {
			return nil, err
		}
		return []*outbox.Letter{l}, nil
	}
	if err := s.open(); err != nil {
		return nil, err
	}
	var out []*outbox.Letter
	err := s.changeCaseLetters(ctx, ref, func(d *caseDoc) ([]string, error) {
		claimed, letters, err := claimAll(d, id, now, lease)
		out = letters
		return claimed, err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// claimAll claims in case document d every letter that can be sent now, id's first, and
// returns their ids and the letters as claimed. When none can be claimed it returns
// app.ErrNotFound (no letter id) or the reason id could not be claimed.
func claimAll(d *caseDoc, id string, now, lease time.Time) ([]string, []*outbox.Letter, error) {
	if first := d.Letters[id]; first == nil || first.Kind == "" {
		return nil, nil, app.ErrNotFound
	}
	ids := []string{id}
	for other, l := range d.Letters {
		if other != id && l.Kind != "" {
			ids = append(ids, other)
		}
	}
	slices.Sort(ids[1:])
	var (
		claimed  []string
		letters  []*outbox.Letter
		firstErr error
	)
	for _, x := range ids {
		if err := claim(d.Letters[x], now, lease); err != nil {
			if x == id {
				firstErr = err
			}
			continue
		}
		l, err := d.letter(x)
		if err != nil {
			return nil, nil, err
		}
		claimed, letters = append(claimed, x), append(letters, l)
	}
	if len(claimed) == 0 {
		return nil, nil, firstErr
	}
	return claimed, letters, nil
}

// FinishLetters implements app.OutboxStore: a case's letters in one write, without a read. The
// outcomes move the case's counts by what they settle; the next change of the case counts
// again. A letter or case deleted meanwhile (retention) is no error: nothing is left to record.
func (s *Store) FinishLetters(ctx context.Context, now time.Time, outcomes []app.LetterOutcome) error {
	if err := s.open(); err != nil {
		return err
	}
	byCase := map[string][]firestore.Update{}
	var refs []string
	settled, posted := map[string]int{}, map[string]int{}
	for _, o := range outcomes {
		ref := outbox.ReferenceOf(o.ID)
		if ref == "" {
			// A letter of no case: a document of its own.
			_, err := s.c.Collection(colLetters).Doc(o.ID).Update(ctx, finishUpdates(nil, o.Status, now, o.Error))
			if err != nil && status.Code(err) != codes.NotFound {
				return fmt.Errorf("finish letter %s: %w", o.ID, err)
			}
			continue
		}
		if _, ok := byCase[ref]; !ok {
			refs = append(refs, ref)
		}
		byCase[ref] = append(byCase[ref], finishUpdates(firestore.FieldPath{"letters", o.ID}, o.Status, now, o.Error)...)
		if o.Status != outbox.Pending && o.Status != outbox.Sending {
			settled[ref]++
		}
		if o.Status == outbox.ToPost {
			posted[ref]++
		}
	}
	for _, ref := range refs {
		up := byCase[ref]
		if n := settled[ref]; n > 0 {
			up = append(up, firestore.Update{Path: "unsettled", Value: firestore.Increment(-n)})
		}
		if n := posted[ref]; n > 0 {
			up = append(up, firestore.Update{Path: "toPost", Value: firestore.Increment(n)})
		}
		if _, err := s.caseRef(ref).Update(ctx, up); err != nil && status.Code(err) != codes.NotFound {
			return fmt.Errorf("finish letters of %s: %w", ref, err)
		}
	}
	return nil
}

// finishUpdates records a sender's outcome on the letter at path.
func finishUpdates(path firestore.FieldPath, st outbox.Status, now time.Time, errText string) []firestore.Update {
	field := func(name string) firestore.FieldPath { return append(slices.Clip(path), name) }
	up := []firestore.Update{
		{FieldPath: field("status"), Value: string(st)},
		{FieldPath: field("leaseUntil"), Value: nil},
		{FieldPath: field("lastError"), Value: errText},
	}
	if st == outbox.Sent {
		up = append(up, firestore.Update{FieldPath: field("sentAt"), Value: now.UTC()})
	}
	return up
}

// changeLetter changes a letter in a transaction and returns it as written: fn changes the
// document, or refuses with an error that changeLetter returns as it is. app.ErrNotFound when
// there is no such letter. A case's letter is changed in the case document (one read and one
// write, whatever else the case holds), a letter of no case in its own.
func (s *Store) changeLetter(ctx context.Context, id string, fn func(d *letterDoc) error) (*outbox.Letter, error) {
	if err := s.open(); err != nil {
		return nil, err
	}
	ref := outbox.ReferenceOf(id)
	if ref == "" {
		return s.changeQueuedLetter(ctx, id, fn)
	}
	var out *outbox.Letter
	err := s.changeCaseLetters(ctx, ref, func(d *caseDoc) ([]string, error) {
		ld := d.Letters[id]
		if ld == nil || ld.Kind == "" {
			return nil, app.ErrNotFound
		}
		if err := fn(ld); err != nil {
			return nil, err
		}
		var err error
		out, err = d.letter(id)
		return []string{id}, err
	})
	return out, err
}

// changeCaseLetters changes letters of case ref in one transaction: one read and one write of
// the case document. fn changes d's letters and returns the ids it changed (none: nothing is
// written), or refuses with an error that changeCaseLetters returns as it is. app.ErrNotFound
// when there is no such case.
func (s *Store) changeCaseLetters(ctx context.Context, ref string, fn func(d *caseDoc) ([]string, error)) error {
	doc := s.caseRef(ref)
	return s.c.RunTransaction(ctx, func(ctx context.Context, tx *firestore.Transaction) error {
		d, err := getIn[caseDoc](tx, doc)
		if err != nil {
			return err
		}
		ids, err := fn(d)
		if err != nil || len(ids) == 0 {
			return err
		}
		d.count()
		ups := []firestore.Update{{Path: "unsettled", Value: d.Unsettled}, {Path: "toPost", Value: d.ToPost}}
		for _, id := range ids {
			ups = append(ups, firestore.Update{FieldPath: firestore.FieldPath{"letters", id}, Value: d.Letters[id]})
		}
		return tx.Update(doc, ups)
	})
}

// changeQueuedLetter is changeLetter for a letter of no case, a document of its own.
func (s *Store) changeQueuedLetter(ctx context.Context, id string, fn func(d *letterDoc) error) (*outbox.Letter, error) {
	var out *outbox.Letter
	ref := s.c.Collection(colLetters).Doc(id)
	err := s.c.RunTransaction(ctx, func(ctx context.Context, tx *firestore.Transaction) error {
		d, err := getIn[letterDoc](tx, ref)
		if err != nil {
			return err
		}
		if err := fn(d); err != nil {
			return err
		}
		if err := tx.Set(ref, d); err != nil {
			return err
		}
		out, err = fromLetterDoc(id, d)
		return err
	})
	return out, err
}

// QueueLetter implements app.OutboxStore: a letter that belongs to no case, stored once, kept
// until its own RetainUntil (the TTL).
func (s *Store) QueueLetter(ctx context.Context, l *outbox.Letter) error {
	if err := s.open(); err != nil {
		return err
	}
	d, err := toLetterDoc(l)
	if err != nil {
		return err
	}
	_, err = s.c.Collection(colLetters).Doc(l.ID).Create(ctx, d)
	if status.Code(err) == codes.AlreadyExists {
		return app.ErrExists
	}
	if err != nil {
		return fmt.Errorf("queue letter: %w", err)
	}
	return nil
}

// FinishLetter implements app.OutboxStore.
func (s *Store) FinishLetter(ctx context.Context, id string, st outbox.Status, now time.Time, errText string) error {
	return s.FinishLetters(ctx, now, []app.LetterOutcome{{ID: id, Status: st, Error: errText}})
}

// PendingLetters implements app.OutboxStore. A letter that a sender tried since retryAfter is left to
// Pub/Sub's own retries; one never tried, or not for a while, is returned.
func (s *Store) PendingLetters(ctx context.Context, olderThan, retryAfter time.Time, max int) ([]string, error) {
	if err := s.open(); err != nil {
		return nil, err
	}
	// Letters of no case are documents of their own; a case's letters are in the case documents
	// that count unsettled ones (normally only those being sent this moment).
	cases, err := s.casesWith(ctx, "unsettled")
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, st := range []outbox.Status{outbox.Pending, outbox.Sending} {
		found, err := s.lettersInStatus(ctx, st, olderThan, max, cases)
		if err != nil {
			return nil, err
		}
		// The oldest max of this status, then those not tried lately and not held by a sender.
		slices.SortFunc(found, func(a, b idLetter) int {
			return cmp.Or(a.d.CreatedAt.Compare(b.d.CreatedAt), strings.Compare(a.id, b.id))
		})
		for _, f := range found[:min(max, len(found))] {
			if f.d.AttemptedAt != nil && f.d.AttemptedAt.After(retryAfter) {
				continue
			}
			if st == outbox.Sending && f.d.LeaseUntil != nil && f.d.LeaseUntil.After(olderThan) {
				continue // a sender holds it right now
			}
			ids = append(ids, f.id)
		}
	}
	return ids, nil
}

// lettersInStatus returns the letters in status st created before olderThan: the oldest max
// letters of no case, and those of cases.
func (s *Store) lettersInStatus(ctx context.Context, st outbox.Status, olderThan time.Time, max int, cases []*caseDoc) ([]idLetter, error) {
	snaps, err := s.c.Collection(colLetters).Where("status", "==", string(st)).Where("createdAt", "<", olderThan.UTC()).
		Limit(max).Documents(ctx).GetAll()
	if err != nil {
		return nil, err
	}
	var found []idLetter
	for _, snap := range snaps {
		var d letterDoc
		if err := snap.DataTo(&d); err != nil {
			return nil, err
		}
		found = append(found, idLetter{snap.Ref.ID, &d})
	}
	for _, c := range cases {
		for id, d := range c.Letters {
			if d.Kind != "" && d.Status == string(st) && d.CreatedAt.Before(olderThan) {
				found = append(found, idLetter{id, d})
			}
		}
	}
	return found, nil
}

// idLetter is a letter document with its id.
type idLetter struct {
	id string
	d  *letterDoc
}

// maxCasesWithLetters bounds the cases one outbox or desk query reads: normally a handful, as
// many as have letters in flight (or waiting to be posted).
const maxCasesWithLetters = 1000

// casesWith returns the case documents whose count field (unsettled, toPost) is above zero.
func (s *Store) casesWith(ctx context.Context, field string) ([]*caseDoc, error) {
	snaps, err := s.c.Collection(colCases).Where(field, ">", 0).Limit(maxCasesWithLetters).Documents(ctx).GetAll()
	if err != nil {
		return nil, fmt.Errorf("cases with %s letters: %w", field, err)
	}
	out := make([]*caseDoc, 0, len(snaps))
	for _, snap := range snaps {
		var d caseDoc
		if err := snap.DataTo(&d); err != nil {
			return nil, fmt.Errorf("decode case: %w", err)
		}
		out = append(out, &d)
	}
	return out, nil
}

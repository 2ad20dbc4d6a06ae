package firestoredb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"cloud.google.com/go/firestore"
	"google.golang.org/api/iterator"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/request"
)

// Update implements app.CaseStore: one read and one write of the case document, whatever
// letters and events the change adds.
func (s *Store) Update(ctx context.Context, ref string, fn func(c *request.Case) (app.Change, error)) (*request.Case, error) {
	c, _, err := s.update(ctx, ref, fn)
	return c, err
}

// UpdateParts implements app.CaseStore: the events and letters as committed come from the
// document the transaction wrote, with no second read.
func (s *Store) UpdateParts(ctx context.Context, ref string, fn func(c *request.Case) (app.Change, error)) (*request.Case, []request.Event, []*outbox.Letter, error) {
	c, d, err := s.update(ctx, ref, fn)
	if err != nil {
		return c, nil, nil, err
	}
	letters, err := lettersIn(d)
	if err != nil {
		return nil, nil, nil, err
	}
	return c, fromEventDocs(d.Events), letters, nil
}

// update runs fn on the case in a transaction and writes the case document with the letters
// and events of fn's change. It returns the case and the document as committed; on an error
// from fn, the case as fn left it.
func (s *Store) update(ctx context.Context, ref string, fn func(c *request.Case) (app.Change, error)) (*request.Case, *caseDoc, error) {
	if err := s.open(); err != nil {
		return nil, nil, err
	}
	var (
		out     *request.Case
		written *caseDoc
	)
	err := s.c.RunTransaction(ctx, func(ctx context.Context, tx *firestore.Transaction) error {
		d, err := getIn[caseDoc](tx, s.caseRef(ref))
		if err != nil {
			return err
		}
		c := fromCaseDoc(ref, d)
		ch, err := fn(c)
		if err != nil {
			out = c
			return err
		}
		c.Version++
		nd, err := s.commitChange(ctx, tx, c, ch, d)
		if err != nil {
			return err
		}
		out, written = c, nd
		return nil
	})
	if err != nil {
		return out, nil, err
	}
	return out, written, nil
}

// commitChange writes, in tx, case c (changed from its document d) with what ch adds, and
// deletes the case's ID copy when ch says so. It returns the case document written.
func (s *Store) commitChange(ctx context.Context, tx *firestore.Transaction, c *request.Case, ch app.Change, d *caseDoc) (*caseDoc, error) {
	// Reads must precede writes in a transaction: the ID copy's chunks are counted first.
	var chunks int64
	if ch.DeleteIDCopy {
		var err error
		if chunks, err = s.idCopyChunks(tx, c.Reference); err != nil {
			return nil, err
		}
	}
	nd := toCaseDoc(c)
	nd.Letters, nd.Events = d.Letters, d.Events
	if err := writeChange(c, ch, nd); err != nil {
		return nil, err
	}
	if size := nd.approxSize(); size > largeCaseDoc {
		slog.WarnContext(ctx, "case document large", "reference", c.Reference, "approx_bytes", size,
			"letters", len(nd.Letters), "events", len(nd.Events))
	}
	if err := tx.Set(s.caseRef(c.Reference), nd); err != nil {
		return nil, err
	}
	if ch.DeleteIDCopy {
		if err := s.deleteIDCopyIn(tx, c.Reference, chunks); err != nil {
			return nil, err
		}
	}
	return nd, nil
}

// writeChange adds the change's letters and events to nd, the document of case c about to be
// written. A letter the case has already is skipped: letter ids are deterministic, so a
// repeated change sends nothing twice.
func writeChange(c *request.Case, ch app.Change, nd *caseDoc) error {
	for _, l := range ch.Letters {
		if outbox.ReferenceOf(l.ID) != c.Reference {
			// Its id names another case, which holds it (outbox.ID): not this case's to write.
			return fmt.Errorf("letter %s is not one of case %s: %w", l.ID, c.Reference, app.ErrExists)
		}
		if _, ok := nd.Letters[l.ID]; ok {
			continue
		}
		d, err := toLetterDoc(l)
		if err != nil {
			return err
		}
		d.ExpireAt = nil // the case's own
		if nd.Letters == nil {
			nd.Letters = map[string]*letterDoc{}
		}
		nd.Letters[l.ID] = d
	}
	nd.count()
	for _, e := range ch.Events {
		nd.Events = append(nd.Events, eventDoc{At: instant(e.At), Actor: e.Actor, Action: string(e.Action), Detail: e.Detail})
	}
	return nil
}

// Case implements app.CaseStore.
func (s *Store) Case(ctx context.Context, ref string) (*request.Case, error) {
	d, err := s.caseDoc(ctx, ref)
	if err != nil {
		return nil, err
	}
	return fromCaseDoc(ref, d), nil
}

// CaseParts implements app.CaseStore in one read of the case document.
func (s *Store) CaseParts(ctx context.Context, ref string) (*request.Case, []request.Event, []*outbox.Letter, error) {
	d, err := s.caseDoc(ctx, ref)
	if err != nil {
		return nil, nil, nil, err
	}
	letters, err := lettersIn(d)
	if err != nil {
		return nil, nil, nil, err
	}
	return fromCaseDoc(ref, d), fromEventDocs(d.Events), letters, nil
}

// Events implements app.CaseStore: none for a case that does not exist.
func (s *Store) Events(ctx context.Context, ref string) ([]request.Event, error) {
	d, err := s.caseDoc(ctx, ref)
	if errors.Is(err, app.ErrNotFound) {
		return []request.Event{}, nil
	}
	if err != nil {
		return nil, err
	}
	return fromEventDocs(d.Events), nil
}

// Letters implements app.CaseStore: one read of the case document; none for a case that does
// not exist.
func (s *Store) Letters(ctx context.Context, ref string) ([]*outbox.Letter, error) {
	d, err := s.caseDoc(ctx, ref)
	if errors.Is(err, app.ErrNotFound) {
		return []*outbox.Letter{}, nil
	}
	if err != nil {
		return nil, err
	}
	return lettersIn(d)
}

// caseDoc reads the case document; app.ErrNotFound when there is none.
func (s *Store) caseDoc(ctx context.Context, ref string) (*caseDoc, error) {
	if err := s.open(); err != nil {
		return nil, err
	}
	snap, err := s.caseRef(ref).Get(ctx)
	if status.Code(err) == codes.NotFound {
		return nil, app.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get case: %w", err)
	}
	var d caseDoc
	if err := snap.DataTo(&d); err != nil {
		return nil, fmt.Errorf("decode case: %w", err)
	}
	return &d, nil
}

// lettersIn returns the letters of case document d, in id order.
func lettersIn(d *caseDoc) ([]*outbox.Letter, error) {
	out := make([]*outbox.Letter, 0, len(d.Letters))
	for id, ld := range d.Letters {
		if ld.Kind == "" {
			continue // an outcome recorded after the letter was deleted; nothing to show
		}
		l, err := d.letter(id)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	slices.SortFunc(out, func(a, b *outbox.Letter) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// DueCases implements app.CaseStore. The range filter on one field needs only Firestore's
// automatic single-field index; documents without nextActionAt are not in it at all.
func (s *Store) DueCases(ctx context.Context, now time.Time, max int) ([]string, error) {
	if err := s.open(); err != nil {
		return nil, err
	}
	it := s.c.Collection(colCases).Where("nextActionAt", "<=", now.UTC()).OrderBy("nextActionAt", firestore.Asc).
		Limit(max).Select().Documents(ctx)
	defer it.Stop()
	var refs []string
	for {
		snap, err := it.Next()
		if errors.Is(err, iterator.Done) {
			return refs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("due cases: %w", err)
		}
		refs = append(refs, snap.Ref.ID)
	}
}

// DeleteCase implements app.CaseStore: the ID copy and access packages first, the case (with
// its events and letters) last, so a crash part-way leaves a case the next Tick finds and
// deletes again. A stub keeps the case without its events and letters.
func (s *Store) DeleteCase(ctx context.Context, ref string, keepCase bool) error {
	if err := s.open(); err != nil {
		return err
	}
	if err := s.DeleteIDCopy(ctx, ref); err != nil {
		return err
	}
	if err := s.deleteAccessPackages(ctx, ref); err != nil {
		return err
	}
	if keepCase {
		up := []firestore.Update{{Path: "events", Value: firestore.Delete}, {Path: "letters", Value: firestore.Delete},
			{Path: "unsettled", Value: firestore.Delete}, {Path: "toPost", Value: firestore.Delete}}
		if _, err := s.caseRef(ref).Update(ctx, up); err != nil && status.Code(err) != codes.NotFound {
			return fmt.Errorf("clear case parts: %w", err)
		}
		return nil
	}
	if _, err := s.caseRef(ref).Delete(ctx); err != nil {
		return fmt.Errorf("delete case: %w", err)
	}
	return nil
}

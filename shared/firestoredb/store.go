// Package firestoredb is the Firestore adapter: it implements the app stores with transactions, so
// that a case, the letters its change causes and its audit events are written all or nothing.
package firestoredb

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"cloud.google.com/go/civil"
	"cloud.google.com/go/firestore"
	"cloud.google.com/go/firestore/apiv1/firestorepb"
	"google.golang.org/api/iterator"
	"google.golang.org/api/option"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/request"
)

// Collection names.
const (
	colCases      = "cases"
	colEvents     = "events" // sub-collection of a case
	colLetters    = "letters"
	colRateLimits = "ratelimits"
	colIDCopies   = "idcopies"
	colResults    = "results" // sealed access packages
	colChunks     = "chunks"  // sub-collection of an ID copy
)

// chunkSize keeps each ID-copy chunk well under Firestore's 1 MiB document limit.
const chunkSize = 512 << 10

// Index is a composite index a query of this package needs; Terraform declares each one.
type Index struct {
	Collection string
	Fields     []IndexField
}

// IndexField is one field of a composite index.
type IndexField struct {
	Path       string
	Descending bool
}

// Indexes lists every composite index the queries below need (the emulator needs none;
// production does). Terraform tests check each is declared.
var Indexes = []Index{
	// PendingLetters and LettersToPost.
	{Collection: colLetters, Fields: []IndexField{{Path: "status"}, {Path: "createdAt"}}},
	// OpenCases: cases whose clock runs, by due date.
	{Collection: colCases, Fields: []IndexField{{Path: "status"}, {Path: "dueDate"}}},
	// OpenCases: unconfirmed cases, by submission.
	{Collection: colCases, Fields: []IndexField{{Path: "status"}, {Path: "submittedAt"}}},
}

// GroupFieldIndex is a single-field index with collection-group scope (ascending) that a
// collection-group query needs; Firestore keeps such indexes only where declared.
type GroupFieldIndex struct{ Collection, Field string }

// GroupFieldIndexes lists them; Terraform declares each as a google_firestore_field with an
// index_config of query_scope COLLECTION_GROUP.
var GroupFieldIndexes = []GroupFieldIndex{
	{Collection: colEvents, Field: "received"}, // CasesReceived: a period's events
}

// TTLField is a field Firestore's TTL policy deletes documents by.
type TTLField struct{ Collection, Field string }

// TTLFields lists the TTL safety nets; Terraform declares a policy for each. ("chunks" is a
// collection group: the chunks of every ID copy.)
var TTLFields = []TTLField{
	{Collection: colCases, Field: "expireAt"},
	{Collection: colEvents, Field: "expireAt"},
	{Collection: colLetters, Field: "expireAt"},
	{Collection: colRateLimits, Field: "expireAt"},
	{Collection: colIDCopies, Field: "expireAt"},
	{Collection: colResults, Field: "expireAt"},
	{Collection: colChunks, Field: "expireAt"},
}

// UnindexedFields are fields no query filters or orders by. Firestore indexes every field of a
// document (and each field of a map) unless told not to; Terraform exempts these, so that a case
// write updates a few index entries instead of one for each field of every event and letter.
var UnindexedFields = []TTLField{
	{Collection: colCases, Field: "events"},
	{Collection: colCases, Field: "letters"},
}

// Store implements app.CaseStore, app.OutboxStore, app.BlobStore and app.DeskStore on Firestore.
type Store struct {
	// c is the client; a Store made by Dial sets it on first use (connect), and every method
	// that reaches Firestore calls open first, after which c is safe to read.
	c       *firestore.Client
	connect func() error
	counted counterSet // rate-limit counters known to exist
}

var (
	_ app.CaseStore   = (*Store)(nil)
	_ app.OutboxStore = (*Store)(nil)
	_ app.BlobStore   = (*Store)(nil)
	_ app.DeskStore   = (*Store)(nil)
)

// New wraps a client.
func New(c *firestore.Client) (*Store, error) {
	if c == nil {
		return nil, errors.New("firestoredb: client is required")
	}
	return &Store{c: c}, nil
}

// Dial returns a Store for project whose client is created on its first use, not now: a
// function instance that answers without Firestore (a form page, a refused link) starts
// without dialling it or looking up credentials. opts go to firestore.NewClient.
func Dial(project string, opts ...option.ClientOption) (*Store, error) {
	if project == "" {
		return nil, errors.New("firestoredb: project is required")
	}
	s := &Store{}
	s.connect = sync.OnceValue(func() error {
		c, err := firestore.NewClient(context.Background(), project, opts...)
		if err != nil {
			return fmt.Errorf("firestore client: %w", err)
		}
		s.c = c
		return nil
	})
	return s, nil
}

// open makes sure the client exists (see Dial).
func (s *Store) open() error {
	if s.connect == nil {
		return nil
	}
	return s.connect()
}

func (s *Store) caseRef(ref string) *firestore.DocumentRef { return s.c.Collection(colCases).Doc(ref) }

// writeChange adds the change's letters to nd, the case document about to be written, skipping
// any the case has already (in nd or, written before, listed in parts): letter ids are
// deterministic, so a repeated change sends nothing twice. It appends the events to nd's own
// list when embedded; a case written before the store kept them there gets event documents.
func (s *Store) writeChange(tx *firestore.Transaction, c *request.Case, ch app.Change, nd *caseDoc, parts *partsDoc, embedded bool) error {
	for _, l := range ch.Letters {
		if outbox.ReferenceOf(l.ID) != c.Reference {
			// Its id names another case, which holds it (outbox.ID): not this case's to write.
			return fmt.Errorf("letter %s is not one of case %s: %w", l.ID, c.Reference, app.ErrExists)
		}
		if _, ok := nd.Letters[l.ID]; ok || (parts != nil && slices.Contains(parts.Letters, l.ID)) {
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
	for i, e := range ch.Events {
		d := eventDoc{At: e.At.UTC(), Actor: e.Actor, Action: e.Action, Detail: e.Detail, Seq: c.Version*100 + i}
		if embedded {
			// Kept in the case document, the event lives exactly as long as the case.
			nd.Events = append(nd.Events, d)
			continue
		}
		d.ExpireAt, d.Received = ptr(c.RetainUntil), dateString(c.Received)
		if err := tx.Create(s.caseRef(c.Reference).Collection(colEvents).NewDoc(), d); err != nil {
			return err
		}
	}
	return nil
}

// Update implements app.CaseStore.
func (s *Store) Update(ctx context.Context, ref string, fn func(c *request.Case) (app.Change, error)) (*request.Case, error) {
	c, _, _, err := s.update(ctx, ref, fn, nil)
	return c, err
}

// UpdateEvents is Update that also returns the case's audit events as committed, in the order
// they were written: they are in the case document the transaction read, so the caller needs
// no second read. A case written before it kept its events has them listed after the commit.
func (s *Store) UpdateEvents(ctx context.Context, ref string, fn func(c *request.Case) (app.Change, error)) (*request.Case, []request.Event, error) {
	c, events, embedded, err := s.update(ctx, ref, fn, nil)
	if err != nil || embedded {
		return c, events, err
	}
	events, err = s.eventDocuments(ctx, ref)
	return c, events, err
}

// CaseEvents returns the case with its audit events in one read (Case and Events in one); a
// case written before it kept its events has them listed as well.
func (s *Store) CaseEvents(ctx context.Context, ref string) (*request.Case, []request.Event, error) {
	d, err := s.caseDoc(ctx, ref)
	if err != nil {
		return nil, nil, err
	}
	if d.Parts != nil {
		return fromCaseDoc(ref, d), fromEventDocs(d.Events), nil
	}
	events, err := s.eventDocuments(ctx, ref)
	return fromCaseDoc(ref, d), events, err
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

// update is Update, returning also the case's events when the case keeps them (isKept), and
// the document it wrote in *written when written is not nil.
func (s *Store) update(ctx context.Context, ref string, fn func(c *request.Case) (app.Change, error), written **caseDoc) (_ *request.Case, kept []request.Event, isKept bool, _ error) {
	if err := s.open(); err != nil {
		return nil, nil, false, err
	}
	var out *request.Case
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
		// Reads must precede writes in a transaction. The case names its letters; one written
		// before it did has each new letter looked up instead.
		parts := d.Parts
		if parts == nil {
			parts = &partsDoc{}
			for _, l := range ch.Letters {
				if _, ok := d.Letters[l.ID]; ok {
					continue
				}
				ls, err := tx.Get(s.c.Collection(colLetters).Doc(l.ID))
				if err == nil && ls.Exists() {
					parts.Letters = append(parts.Letters, l.ID)
				} else if err != nil && status.Code(err) != codes.NotFound {
					return err
				}
			}
		}
		var chunks int64
		if ch.DeleteIDCopy {
			hs, err := tx.Get(s.c.Collection(colIDCopies).Doc(ref))
			if err == nil {
				v, _ := hs.DataAt("chunks")
				chunks, _ = v.(int64)
			} else if status.Code(err) != codes.NotFound {
				return err
			}
		}
		// A new retention moves the TTL of every event and letter of the case with it; a new
		// day of receipt moves the events' copy. Events kept in the case document move with it.
		retain := !val(d.ExpireAt).Equal(c.RetainUntil.UTC().Truncate(time.Microsecond))
		receive := d.Received != dateString(c.Received)
		var events, letters []*firestore.DocumentRef
		switch {
		case d.Parts != nil:
			if retain {
				for _, id := range d.Parts.Letters {
					letters = append(letters, s.c.Collection(colLetters).Doc(id))
				}
			}
		case !retain && !receive:
		default:
			if events, letters, err = s.caseParts(tx, ref); err != nil {
				return err
			}
		}
		c.Version++
		var eventUp []firestore.Update
		if retain {
			eventUp = append(eventUp, firestore.Update{Path: "expireAt", Value: ptr(c.RetainUntil)})
			for _, l := range letters {
				if err := tx.Update(l, []firestore.Update{{Path: "expireAt", Value: ptr(c.RetainUntil)}}); err != nil {
					return err
				}
			}
		}
		if receive {
			eventUp = append(eventUp, firestore.Update{Path: "received", Value: dateString(c.Received)})
		}
		for _, e := range events {
			if err := tx.Update(e, eventUp); err != nil {
				return err
			}
		}
		nd := toCaseDoc(c)
		nd.Letters = d.Letters
		if d.Parts != nil {
			// Only a case that named every part from the start can name them all now.
			nd.Parts, nd.Events = parts, d.Events
		}
		if err := s.writeChange(tx, c, ch, nd, parts, d.Parts != nil); err != nil {
			return err
		}
		if size := nd.approxSize(); size > largeCaseDoc {
			slog.WarnContext(ctx, "case document large", "reference", ref, "approx_bytes", size,
				"letters", len(nd.Letters), "events", len(nd.Events))
		}
		if err := tx.Set(s.caseRef(ref), nd); err != nil {
			return err
		}
		if ch.DeleteIDCopy {
			head := s.c.Collection(colIDCopies).Doc(ref)
			for i := int64(0); i < chunks; i++ {
				if err := tx.Delete(head.Collection(colChunks).Doc(fmt.Sprint(i))); err != nil {
					return err
				}
			}
			if err := tx.Delete(head); err != nil {
				return err
			}
		}
		out = c
		if written != nil {
			*written = nd
		}
		kept, isKept = nil, d.Parts != nil
		if isKept {
			kept = fromEventDocs(nd.Events)
		}
		return nil
	})
	if err != nil {
		return out, nil, false, err
	}
	return out, kept, isKept, nil
}

// caseParts lists, inside tx, the case's events and letters.
func (s *Store) caseParts(tx *firestore.Transaction, ref string) (events, letters []*firestore.DocumentRef, err error) {
	es, err := tx.Documents(s.caseRef(ref).Collection(colEvents).Select()).GetAll()
	if err != nil {
		return nil, nil, fmt.Errorf("list events: %w", err)
	}
	ls, err := tx.Documents(s.c.Collection(colLetters).Where("reference", "==", ref).Select()).GetAll()
	if err != nil {
		return nil, nil, fmt.Errorf("list letters: %w", err)
	}
	for _, snap := range es {
		events = append(events, snap.Ref)
	}
	for _, snap := range ls {
		letters = append(letters, snap.Ref)
	}
	return events, letters, nil
}

// Case implements app.CaseStore.
func (s *Store) Case(ctx context.Context, ref string) (*request.Case, error) {
	d, err := s.caseDoc(ctx, ref)
	if err != nil {
		return nil, err
	}
	return fromCaseDoc(ref, d), nil
}

// Events implements app.CaseStore: none for a case that does not exist.
func (s *Store) Events(ctx context.Context, ref string) ([]request.Event, error) {
	d, err := s.caseDoc(ctx, ref)
	switch {
	case errors.Is(err, app.ErrNotFound):
		return []request.Event{}, nil
	case err != nil:
		return nil, err
	case d.Parts != nil:
		return fromEventDocs(d.Events), nil
	}
	return s.eventDocuments(ctx, ref)
}

// eventDocuments lists, in order, the events of a case written before its events were kept in
// it: documents of their own.
func (s *Store) eventDocuments(ctx context.Context, ref string) ([]request.Event, error) {
	snaps, err := s.caseRef(ref).Collection(colEvents).OrderBy("seq", firestore.Asc).Documents(ctx).GetAll()
	if err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	out := make([]request.Event, 0, len(snaps))
	for _, snap := range snaps {
		var d eventDoc
		if err := snap.DataTo(&d); err != nil {
			return nil, fmt.Errorf("decode event: %w", err)
		}
		out = append(out, d.event())
	}
	return out, nil
}

// Letters implements app.CaseStore: one read of the case document; letters a case wrote before
// it kept them there are listed from the letters collection as well.
func (s *Store) Letters(ctx context.Context, ref string) ([]*outbox.Letter, error) {
	d, err := s.caseDoc(ctx, ref)
	if errors.Is(err, app.ErrNotFound) {
		return []*outbox.Letter{}, nil
	}
	if err != nil {
		return nil, err
	}
	return s.lettersIn(ctx, ref, d)
}

// CaseParts is Case, Events and Letters from one read of the case document (for a case written
// before it kept its parts, the rest is listed as well).
func (s *Store) CaseParts(ctx context.Context, ref string) (*request.Case, []request.Event, []*outbox.Letter, error) {
	d, err := s.caseDoc(ctx, ref)
	if err != nil {
		return nil, nil, nil, err
	}
	events := fromEventDocs(d.Events)
	if d.Parts == nil {
		if events, err = s.eventDocuments(ctx, ref); err != nil {
			return nil, nil, nil, err
		}
	}
	letters, err := s.lettersIn(ctx, ref, d)
	if err != nil {
		return nil, nil, nil, err
	}
	return fromCaseDoc(ref, d), events, letters, nil
}

// UpdateParts is Update that also returns the case's events and letters as committed, from
// the document the transaction wrote.
func (s *Store) UpdateParts(ctx context.Context, ref string, fn func(c *request.Case) (app.Change, error)) (*request.Case, []request.Event, []*outbox.Letter, error) {
	var written *caseDoc
	c, events, embedded, err := s.update(ctx, ref, fn, &written)
	if err != nil {
		return c, nil, nil, err
	}
	if !embedded {
		if events, err = s.eventDocuments(ctx, ref); err != nil {
			return nil, nil, nil, err
		}
	}
	letters, err := s.lettersIn(ctx, ref, written)
	if err != nil {
		return nil, nil, nil, err
	}
	return c, events, letters, nil
}

// lettersIn returns the letters of case d, in id order.
func (s *Store) lettersIn(ctx context.Context, ref string, d *caseDoc) ([]*outbox.Letter, error) {
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
	if d.Parts == nil || len(d.Parts.Letters) > 0 {
		snaps, err := s.c.Collection(colLetters).Where("reference", "==", ref).Documents(ctx).GetAll()
		if err != nil {
			return nil, fmt.Errorf("list letters: %w", err)
		}
		old, err := lettersOf(snaps)
		if err != nil {
			return nil, err
		}
		out = append(out, old...)
	}
	slices.SortFunc(out, func(a, b *outbox.Letter) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

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
		out = nil
		first := d.Letters[id]
		if first == nil || first.Kind == "" {
			return nil, app.ErrNotFound
		}
		ids := []string{id}
		for other, l := range d.Letters {
			if other != id && l.Kind != "" {
				ids = append(ids, other)
			}
		}
		slices.Sort(ids[1:])
		var claimed []string
		var firstErr error
		for _, x := range ids {
			if err := claim(d.Letters[x], now, lease); err != nil {
				if x == id {
					firstErr = err
				}
				continue
			}
			l, err := d.letter(x)
			if err != nil {
				return nil, err
			}
			claimed, out = append(claimed, x), append(out, l)
		}
		if len(claimed) == 0 {
			return nil, firstErr
		}
		return claimed, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
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

// getIn reads and decodes the document at ref inside tx; app.ErrNotFound when there is none.
func getIn[T any](tx *firestore.Transaction, ref *firestore.DocumentRef) (*T, error) {
	snap, err := tx.Get(ref)
	if status.Code(err) == codes.NotFound {
		return nil, app.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	var d T
	if err := snap.DataTo(&d); err != nil {
		return nil, fmt.Errorf("decode %s: %w", ref.Parent.ID, err)
	}
	return &d, nil
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

// QueueLetter implements app.LetterQueue: a letter that belongs to no case, stored once, kept
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

// PutIDCopy implements app.BlobStore.
func (s *Store) PutIDCopy(ctx context.Context, ref string, sealed []byte, kind string, expireAt time.Time) error {
	return s.putBlob(ctx, colIDCopies, ref, ref, sealed, kind, expireAt, false)
}

// IDCopy implements app.BlobStore.
func (s *Store) IDCopy(ctx context.Context, ref string) ([]byte, string, error) {
	return s.blob(ctx, colIDCopies, ref)
}

// DeleteIDCopy implements app.BlobStore.
func (s *Store) DeleteIDCopy(ctx context.Context, ref string) error {
	return s.deleteBlob(ctx, colIDCopies, ref)
}

// resultID is the document id of an access package: the reference, and the attempt key after
// an "@" when there is one. The head also records the reference, so DeleteCase finds them all.
func resultID(ref, key string) (string, error) {
	if key == "" {
		return ref, nil
	}
	if strings.ContainsAny(key, "/@") {
		return "", fmt.Errorf("access package key %q: no / or @ allowed", key)
	}
	return ref + "@" + key, nil
}

// PutAccessPackage implements app.BlobStore.
func (s *Store) PutAccessPackage(ctx context.Context, ref, key string, sealed []byte, expireAt time.Time) error {
	id, err := resultID(ref, key)
	if err != nil {
		return err
	}
	// A package under a key is one decide attempt's own (app: a random key per attempt), so
	// there is nothing to clear first and no need to list chunks (a query Firestore bills as a
	// read even when it finds nothing). Were a key ever reused, the head still counts only the
	// new chunks, and DeleteAccessPackage and the TTL remove any left beyond them. The legacy
	// empty key is cleared as before.
	return s.putBlob(ctx, colResults, id, ref, sealed, "application/zip", expireAt, key != "")
}

// AccessPackage implements app.BlobStore.
func (s *Store) AccessPackage(ctx context.Context, ref, key string) ([]byte, error) {
	id, err := resultID(ref, key)
	if err != nil {
		return nil, err
	}
	b, _, err := s.blob(ctx, colResults, id)
	return b, err
}

// DeleteAccessPackage implements app.BlobStore.
func (s *Store) DeleteAccessPackage(ctx context.Context, ref, key string) error {
	id, err := resultID(ref, key)
	if err != nil {
		return err
	}
	return s.deleteBlob(ctx, colResults, id)
}

// deleteAccessPackages deletes every access package of a case, whatever its key.
func (s *Store) deleteAccessPackages(ctx context.Context, ref string) error {
	if err := s.open(); err != nil {
		return err
	}
	heads, err := s.c.Collection(colResults).Where("reference", "==", ref).Select().Documents(ctx).GetAll()
	if err != nil {
		return fmt.Errorf("list access packages: %w", err)
	}
	for _, h := range heads {
		if err := s.deleteBlob(ctx, colResults, h.Ref.ID); err != nil {
			return err
		}
	}
	return s.deleteBlob(ctx, colResults, ref) // also one stored before heads named their case
}

// putBlob stores sealed bytes in chunks, the chunks first and the head last, so a reader never
// sees a head without its chunks. A blob that replaces an earlier one overwrites it.
func (s *Store) putBlob(ctx context.Context, col, id, ref string, sealed []byte, kind string, expireAt time.Time, fresh bool) error {
	if err := s.open(); err != nil {
		return err
	}
	if !fresh {
		if err := s.clearBlob(ctx, col, id); err != nil {
			return err
		}
	}
	head := s.c.Collection(col).Doc(id)
	if len(sealed) <= chunkSize {
		// Small enough to sit in the head: one document to write and one to read.
		_, err := head.Set(ctx, map[string]any{"chunks": 0, "data": sealed, "kind": kind, "size": len(sealed), "expireAt": expireAt.UTC(), "reference": ref})
		return err
	}
	n := 0
	for off := 0; off < len(sealed); off += chunkSize {
		end := min(off+chunkSize, len(sealed))
		if _, err := head.Collection(colChunks).Doc(fmt.Sprint(n)).Set(ctx, map[string]any{"data": sealed[off:end], "expireAt": expireAt.UTC()}); err != nil {
			return fmt.Errorf("write chunk: %w", err)
		}
		n++
	}
	_, err := head.Set(ctx, map[string]any{"chunks": n, "kind": kind, "size": len(sealed), "expireAt": expireAt.UTC(), "reference": ref})
	return err
}

func (s *Store) blob(ctx context.Context, col, ref string) ([]byte, string, error) {
	if err := s.open(); err != nil {
		return nil, "", err
	}
	head := s.c.Collection(col).Doc(ref)
	snap, err := head.Get(ctx)
	if status.Code(err) == codes.NotFound {
		return nil, "", app.ErrNotFound
	}
	if err != nil {
		return nil, "", err
	}
	var h struct {
		Chunks int64  `firestore:"chunks"`
		Data   []byte `firestore:"data"`
		Kind   string `firestore:"kind"`
		Size   int64  `firestore:"size"`
	}
	if err := snap.DataTo(&h); err != nil {
		return nil, "", err
	}
	if h.Chunks == 0 && int64(len(h.Data)) == h.Size {
		return h.Data, h.Kind, nil // kept in the head
	}
	out := make([]byte, 0, h.Size)
	for i := int64(0); i < h.Chunks; i++ {
		cs, err := head.Collection(colChunks).Doc(fmt.Sprint(i)).Get(ctx)
		if err != nil {
			return nil, "", fmt.Errorf("read chunk: %w", err)
		}
		b, _ := cs.DataAt("data")
		bb, _ := b.([]byte)
		out = append(out, bb...)
	}
	return out, h.Kind, nil
}

// deleteBlob deletes the head, then every chunk, also orphans of a failed upload: a reader
// sees the blob whole or not at all.
func (s *Store) deleteBlob(ctx context.Context, col, ref string) error {
	if err := s.open(); err != nil {
		return err
	}
	return s.dropBlob(ctx, col, ref, false)
}

// clearBlob makes way for a new blob: as deleteBlob, but when there are no chunks it leaves
// the head alone (the new head overwrites it), which saves a write for a blob stored anew.
func (s *Store) clearBlob(ctx context.Context, col, ref string) error {
	return s.dropBlob(ctx, col, ref, true)
}

func (s *Store) dropBlob(ctx context.Context, col, ref string, keepBareHead bool) error {
	head := s.c.Collection(col).Doc(ref)
	refs, err := head.Collection(colChunks).DocumentRefs(ctx).GetAll()
	if err != nil {
		return fmt.Errorf("list chunks: %w", err)
	}
	if len(refs) == 0 && keepBareHead {
		return nil
	}
	if _, err := head.Delete(ctx); err != nil {
		return fmt.Errorf("delete head: %w", err)
	}
	for _, r := range refs {
		if _, err := r.Delete(ctx); err != nil {
			return fmt.Errorf("delete chunk: %w", err)
		}
	}
	return nil
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

// DeleteCase implements app.CaseStore: the ID copy, letters and events first, the case last, so a
// crash part-way leaves a case the next Tick finds and deletes again.
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
	bw := s.c.BulkWriter(ctx)
	letters, err := s.c.Collection(colLetters).Where("reference", "==", ref).Select().Documents(ctx).GetAll()
	if err != nil {
		return fmt.Errorf("list letters: %w", err)
	}
	events, err := s.caseRef(ref).Collection(colEvents).DocumentRefs(ctx).GetAll()
	if err != nil {
		return fmt.Errorf("list events: %w", err)
	}
	var jobs []*firestore.BulkWriterJob
	for _, l := range letters {
		j, err := bw.Delete(l.Ref)
		if err != nil {
			return err
		}
		jobs = append(jobs, j)
	}
	for _, e := range events {
		j, err := bw.Delete(e)
		if err != nil {
			return err
		}
		jobs = append(jobs, j)
	}
	bw.End()
	for _, j := range jobs {
		if _, err := j.Results(); err != nil {
			return fmt.Errorf("delete case documents: %w", err)
		}
	}
	if keepCase {
		// The stub names no parts and keeps no events or letters any more.
		up := []firestore.Update{{Path: "parts", Value: &partsDoc{}}, {Path: "events", Value: firestore.Delete},
			{Path: "letters", Value: firestore.Delete}, {Path: "unsettled", Value: firestore.Delete}, {Path: "toPost", Value: firestore.Delete}}
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

// OpenCases implements app.DeskStore with two indexed queries: the cases whose clock runs by
// (status, dueDate), then the unconfirmed ones by (status, submittedAt).
func (s *Store) OpenCases(ctx context.Context, limit int) ([]*request.Case, error) {
	if err := s.open(); err != nil {
		return nil, err
	}
	out, err := s.cases(ctx, s.c.Collection(colCases).Where("status", "in", running).OrderBy("dueDate", firestore.Asc).Limit(limit))
	if err != nil || len(out) >= limit {
		return out, err
	}
	more, err := s.cases(ctx, s.c.Collection(colCases).Where("status", "==", string(request.AwaitingConfirmation)).
		OrderBy("submittedAt", firestore.Asc).Limit(limit-len(out)))
	return append(out, more...), err
}

// running are the statuses in which a case's clock runs.
var running = []string{string(request.AwaitingIdentity), string(request.InProgress), string(request.AwaitingThirdParty)}

// RunningCases implements app.DeskStore on the (status, dueDate) index.
func (s *Store) RunningCases(ctx context.Context, dueBy civil.Date, limit int) ([]*request.Case, error) {
	if err := s.open(); err != nil {
		return nil, err
	}
	return s.cases(ctx, s.c.Collection(colCases).Where("status", "in", running).Where("dueDate", "<=", dueBy.String()).
		OrderBy("dueDate", firestore.Asc).Limit(limit))
}

// CasesIn implements app.DeskStore on the (status, dueDate) index.
func (s *Store) CasesIn(ctx context.Context, st request.Status, limit int) ([]*request.Case, error) {
	if err := s.open(); err != nil {
		return nil, err
	}
	return s.cases(ctx, s.c.Collection(colCases).Where("status", "==", string(st)).OrderBy("dueDate", firestore.Asc).Limit(limit))
}

// CountRunning implements app.DeskStore with a count aggregation: Firestore bills one read per
// 1 000 cases counted, and returns none of them.
func (s *Store) CountRunning(ctx context.Context) (int, error) {
	if err := s.open(); err != nil {
		return 0, err
	}
	q := s.c.Collection(colCases).Where("status", "in", running)
	res, err := q.NewAggregationQuery().WithCount("n").Get(ctx)
	if err != nil {
		return 0, fmt.Errorf("count running cases: %w", err)
	}
	v, ok := res["n"].(*firestorepb.Value)
	if !ok {
		return 0, fmt.Errorf("count running cases: unexpected result %T", res["n"])
	}
	return int(v.GetIntegerValue()), nil
}

// CasesReceived implements app.DeskStore in two queries, both ranges on the day of receipt:
// the cases (Firestore's automatic single-field index), and their events as one
// collection-group query on the copy each event keeps (a collection-group single-field index
// on events.received, declared in Terraform). Each reads only the period's documents.
func (s *Store) CasesReceived(ctx context.Context, from, to civil.Date) ([]app.CaseEvents, error) {
	if err := s.open(); err != nil {
		return nil, err
	}
	var (
		cases  []*request.Case
		kept   = map[string][]request.Event{} // events kept in the case document, by case
		legacy bool                           // a case whose events are documents of their own
	)
	it := s.c.Collection(colCases).Where("received", ">=", from.String()).
		Where("received", "<", to.String()).OrderBy("received", firestore.Asc).Documents(ctx)
	defer it.Stop()
	for {
		snap, err := it.Next()
		if errors.Is(err, iterator.Done) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("query cases: %w", err)
		}
		var d caseDoc
		if err := snap.DataTo(&d); err != nil {
			return nil, fmt.Errorf("decode case: %w", err)
		}
		cases = append(cases, fromCaseDoc(snap.Ref.ID, &d))
		if d.Parts != nil {
			kept[snap.Ref.ID] = fromEventDocs(d.Events)
		} else {
			legacy = true
		}
	}
	if !legacy {
		out := make([]app.CaseEvents, len(cases))
		for i, c := range cases {
			out[i] = app.CaseEvents{Case: c, Events: kept[c.Reference]}
		}
		return out, nil
	}
	type seqEvent struct {
		seq int
		e   request.Event
	}
	byCase := map[string][]seqEvent{}
	evs := s.c.CollectionGroup(colEvents).Where("received", ">=", from.String()).Where("received", "<", to.String()).Documents(ctx)
	defer evs.Stop()
	for {
		snap, err := evs.Next()
		if errors.Is(err, iterator.Done) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("events of received cases: %w", err)
		}
		parent := snap.Ref.Parent.Parent
		if parent == nil || parent.Parent.ID != colCases {
			continue
		}
		var d eventDoc
		if err := snap.DataTo(&d); err != nil {
			return nil, fmt.Errorf("decode event: %w", err)
		}
		byCase[parent.ID] = append(byCase[parent.ID], seqEvent{d.Seq, d.event()})
	}
	out := make([]app.CaseEvents, len(cases))
	for i, c := range cases {
		if e, ok := kept[c.Reference]; ok {
			out[i] = app.CaseEvents{Case: c, Events: e}
			continue
		}
		evs := byCase[c.Reference]
		slices.SortStableFunc(evs, func(a, b seqEvent) int { return cmp.Compare(a.seq, b.seq) })
		out[i] = app.CaseEvents{Case: c, Events: make([]request.Event, len(evs))}
		for k, e := range evs {
			out[i].Events[k] = e.e
		}
	}
	return out, nil
}

// cases runs a query on cases.
func (s *Store) cases(ctx context.Context, q firestore.Query) ([]*request.Case, error) {
	it := q.Documents(ctx)
	defer it.Stop()
	var out []*request.Case
	for {
		snap, err := it.Next()
		if errors.Is(err, iterator.Done) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("query cases: %w", err)
		}
		var d caseDoc
		if err := snap.DataTo(&d); err != nil {
			return nil, fmt.Errorf("decode case: %w", err)
		}
		out = append(out, fromCaseDoc(snap.Ref.ID, &d))
	}
}

// LettersToPost implements app.DeskStore on the (status, createdAt) index.
func (s *Store) LettersToPost(ctx context.Context, max int) ([]*outbox.Letter, error) {
	if err := s.open(); err != nil {
		return nil, err
	}
	snaps, err := s.c.Collection(colLetters).Where("status", "==", string(outbox.ToPost)).
		OrderBy("createdAt", firestore.Asc).Limit(max).Documents(ctx).GetAll()
	if err != nil {
		return nil, fmt.Errorf("letters to post: %w", err)
	}
	out, err := lettersOf(snaps)
	if err != nil {
		return nil, err
	}
	cases, err := s.casesWith(ctx, "toPost")
	if err != nil {
		return nil, err
	}
	for _, c := range cases {
		for id, d := range c.Letters {
			if d.Kind != "" && d.Status == string(outbox.ToPost) {
				l, err := c.letter(id)
				if err != nil {
					return nil, err
				}
				out = append(out, l)
			}
		}
	}
	slices.SortFunc(out, func(a, b *outbox.Letter) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID))
	})
	return out[:min(max, len(out))], nil
}

// MarkPosted implements app.DeskStore.
func (s *Store) MarkPosted(ctx context.Context, id string, at time.Time) (*outbox.Letter, error) {
	return s.changeLetter(ctx, id, func(d *letterDoc) error {
		switch outbox.Status(d.Status) {
		case outbox.Posted:
			return app.ErrAlreadyPosted
		case outbox.ToPost:
		default:
			return app.ErrNotPostable
		}
		d.Status, d.SentAt = string(outbox.Posted), ptr(at)
		return nil
	})
}

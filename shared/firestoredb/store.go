// Package firestoredb is the Firestore adapter: it implements the app stores with transactions, so
// that a case, the letters its change causes and its audit events are written all or nothing.
//
// A case is one document of the cases collection that holds its audit events and its letters
// as well: writing one costs no document of its own, reading the case reads them all, and they
// live exactly as long as the case. Letters that belong to no case are documents of the letters
// collection; sealed ID copies and access packages are documents of their own, split into
// chunks when large; rate-limit counters are one document per key and window.
package firestoredb

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"cloud.google.com/go/firestore"
	"google.golang.org/api/option"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/privacyloket/privacyloket/shared/app"
)

// Collection names.
const (
	colCases      = "cases"
	colLetters    = "letters" // letters of no case
	colRateLimits = "ratelimits"
	colIDCopies   = "idcopies"
	colResults    = "results" // sealed access packages
	colChunks     = "chunks"  // sub-collection of an ID copy or access package
)

// chunkSize keeps each blob chunk well under Firestore's 1 MiB document limit.
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

// Indexes lists every composite index the queries of this package need (the emulator needs
// none; production does). Terraform tests check each is declared.
var Indexes = []Index{
	// PendingLetters and LettersToPost: letters of no case.
	{Collection: colLetters, Fields: []IndexField{{Path: "status"}, {Path: "createdAt"}}},
	// OpenCases, RunningCases, CasesIn: cases whose clock runs, by due date.
	{Collection: colCases, Fields: []IndexField{{Path: "status"}, {Path: "dueDate"}}},
	// OpenCases: unconfirmed cases, by submission.
	{Collection: colCases, Fields: []IndexField{{Path: "status"}, {Path: "submittedAt"}}},
}

// TTLField is a field Firestore's TTL policy deletes documents by.
type TTLField struct{ Collection, Field string }

// TTLFields lists the TTL safety nets; Terraform declares a policy for each. ("chunks" is a
// collection group: the chunks of every ID copy and access package.)
var TTLFields = []TTLField{
	{Collection: colCases, Field: "expireAt"},
	{Collection: colLetters, Field: "expireAt"},
	{Collection: colRateLimits, Field: "expireAt"},
	{Collection: colIDCopies, Field: "expireAt"},
	{Collection: colResults, Field: "expireAt"},
	{Collection: colChunks, Field: "expireAt"},
	{Collection: colSessions, Field: "expireAt"},
	{Collection: colStaff, Field: "expireAt"},
	{Collection: colExtracts, Field: "expireAt"}, // search tasks' extracts (tasks.go)
}

// UnindexedFields are fields no query filters or orders by. Firestore indexes every field of a
// document (and each field of a map) unless told not to; Terraform exempts these, so that a case
// write updates a few index entries instead of one for each field of every event and letter.
var UnindexedFields = []TTLField{
	{Collection: colCases, Field: "events"},
	{Collection: colCases, Field: "letters"},
	{Collection: colCases, Field: "searches"}, // the search tasks, one JSON field (tasks.go)
}

// Store implements the app's stores on Firestore.
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

package app

import (
	"context"
	"errors"
	"strconv"
	"time"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/request"
)

// The persistence the use cases need: CaseStore, OutboxStore, DeskStore and BlobStore here,
// SessionStore beside the desk sessions (desk_session.go). An App is built with one of each
// (New refuses a missing one) and asks nothing else of them. shared/firestoredb implements every
// one on Firestore, shared/memstore in memory; shared/testenv/storetest is the contract both pass.
//
// Rate-limit counters have no interface of their own: a submission counts against its limits
// in the same transaction that stores it (a refused or failed submission counts for nothing),
// so the limits travel with CaseStore.Submit.

// CaseStore keeps cases with their audit events and the letters their changes cause. Every
// method that changes a case does so in one transaction together with those letters and events.
//
// Every part of a case lives exactly as long as the case (docs/rules.md §6): the store gives each
// event and letter it writes the case's RetainUntil as its TTL, and when a change moves the
// case's RetainUntil it moves the TTL of all the case's events and letters in the same
// transaction. Letter.RetainUntil is therefore not consulted for a case's letters.
type CaseStore interface {
	// Submit stores a new case with its first letters and event, counting the submission against
	// limits in the same transaction. It sets c.Version to 1. It returns ErrExists when the
	// reference (or a letter id) is taken and a *RateLimitedError when a limit is reached; then
	// nothing is stored.
	Submit(ctx context.Context, c *request.Case, ch Change, limits []Limit) error
	// Limited reads the counters of limits as of now without counting: a *RateLimitedError
	// when one is reached, so that a submission can be refused before anything costly is done.
	// Submit counts and checks again in its transaction.
	Limited(ctx context.Context, limits []Limit, now time.Time) error
	// Count counts one attempt under each of limits as of now, in one transaction: a
	// *RateLimitedError when one is reached, and then nothing is counted. It serves what is
	// limited without storing a case (an upload's inspection, a desk sign-in).
	Count(ctx context.Context, limits []Limit, now time.Time) error
	// Update loads the case, lets fn change it and returns what else to write, and commits all
	// of it atomically, raising the case's Version by one. fn may run more than once
	// (transaction retries): it must not have side effects. An error from fn aborts and is
	// returned as is, with the case as fn left it. ErrNotFound when the case is absent. Letters
	// whose id already exists are not written again.
	Update(ctx context.Context, ref string, fn func(c *request.Case) (Change, error)) (*request.Case, error)
	// UpdateParts is Update that also returns the case's events and letters as committed (what
	// Events and Letters would read right after), from the write of the case alone where the
	// store keeps them together. On an error it returns no events and no letters.
	UpdateParts(ctx context.Context, ref string, fn func(c *request.Case) (Change, error)) (*request.Case, []request.Event, []*outbox.Letter, error)
	// Case returns the case, or ErrNotFound.
	Case(ctx context.Context, ref string) (*request.Case, error)
	// CaseParts is Case, Events and Letters in one, from the read of the case alone where the
	// store keeps them together; ErrNotFound when the case is absent.
	CaseParts(ctx context.Context, ref string) (*request.Case, []request.Event, []*outbox.Letter, error)
	// Events lists the case's audit events in the order they were written.
	Events(ctx context.Context, ref string) ([]request.Event, error)
	// Letters lists the case's letters, ordered by id.
	Letters(ctx context.Context, ref string) ([]*outbox.Letter, error)
	// DueCases lists the references of cases whose NextActionAt is at or before now, oldest
	// first: the Tick reads only these, never all open cases.
	DueCases(ctx context.Context, now time.Time, max int) ([]string, error)
	// DeleteCase removes a case's events, letters, ID copy and access package, and the case
	// itself unless keepCase (an expired request keeps a stub without personal data).
	DeleteCase(ctx context.Context, ref string, keepCase bool) error
}

// OutboxStore is what the sender and the outbox relay need of stored letters, and where the
// letters of no case are queued.
type OutboxStore interface {
	// QueueLetter stores a letter that belongs to no case (a desk link, a digest, the monthly
	// report, the decree-days warning), once: ErrExists when its id is taken.
	QueueLetter(ctx context.Context, l *outbox.Letter) error
	// ClaimLetter marks a pending letter as being sent until lease; ErrAlreadySent when it was
	// sent or failed for good, ErrLeased when another sender holds it, ErrNotFound when absent.
	ClaimLetter(ctx context.Context, id string, now, lease time.Time) (*outbox.Letter, error)
	// FinishLetter records the outcome of a claimed letter: Sent, Failed (for good) or Pending
	// (a transient failure, to be retried) with the error text. A letter deleted meanwhile is
	// no error.
	FinishLetter(ctx context.Context, id string, status outbox.Status, now time.Time, errText string) error
	// ClaimCaseLetters claims, until lease, every letter of id's case that can be sent now
	// (pending, or held by a sender whose lease ran out), id's first when it can: one claim
	// covers the letters one change of a case caused, so the sender sends them together. A
	// letter of no case is claimed alone. When none can be claimed it returns ErrNotFound (no
	// letter id), ErrLeased (another sender holds id) or ErrAlreadySent.
	ClaimCaseLetters(ctx context.Context, id string, now, lease time.Time) ([]*outbox.Letter, error)
	// FinishLetters records the outcomes of letters claimed together, each as FinishLetter
	// would (a case's letters in one write).
	FinishLetters(ctx context.Context, now time.Time, outcomes []LetterOutcome) error
	// PendingLetters lists letters still pending that were created before olderThan and not
	// attempted since retryAfter: the outbox relay republishes them in case a publish was lost
	// or Pub/Sub gave up on them (dead-lettered during a long mail outage).
	PendingLetters(ctx context.Context, olderThan, retryAfter time.Time, max int) ([]string, error)
}

// LetterOutcome is what became of one claimed letter: Sent, Failed (for good), ToPost, or
// Pending again (a transient failure, Error says which) to be retried.
type LetterOutcome struct {
	ID     string
	Status outbox.Status
	Error  string
}

// BlobStore keeps sealed ID copies and access packages, outside the case transaction (they can
// exceed its size). A Put replaces what was there; a read of nothing is ErrNotFound; deleting
// nothing is no error.
type BlobStore interface {
	PutIDCopy(ctx context.Context, ref string, sealed []byte, kind string, expireAt time.Time) error
	IDCopy(ctx context.Context, ref string) (sealed []byte, kind string, err error)
	DeleteIDCopy(ctx context.Context, ref string) error
	// Access packages likewise, until their download link expires, each under the key of the
	// attempt that made it: two concurrent decides store two packages, the one whose
	// transaction commits records its key on the case, and the other deletes only its own.
	// DeleteCase removes every package of the case, whatever its key.
	PutAccessPackage(ctx context.Context, ref, key string, sealed []byte, expireAt time.Time) error
	AccessPackage(ctx context.Context, ref, key string) ([]byte, error)
	DeleteAccessPackage(ctx context.Context, ref, key string) error
	// A key is required and holds no "/" or "@".
}

// DeskStore is what the privacy desk reads and marks: the open cases, a period's cases with
// their audit trails, and the letters that go by post. Each read is a query on an index that
// holds only what it shows (a period's events included): none reads all cases.
type DeskStore interface {
	// OpenCases lists at most limit cases that are not decided, closed or expired: those whose
	// clock runs (awaiting_identity, in_progress, awaiting_third_party) by due date, earliest
	// first, then unconfirmed ones (no due date yet) by submission, oldest first; equal keys by
	// reference.
	OpenCases(ctx context.Context, limit int) ([]*request.Case, error)
	// RunningCases lists at most limit cases whose clock runs and whose due date is on or
	// before dueBy, earliest first, equal dates by reference: the daily digest reads only the
	// cases it reports, however many are open.
	RunningCases(ctx context.Context, dueBy civil.Date, limit int) ([]*request.Case, error)
	// CasesIn lists at most limit cases in status st, by due date as RunningCases.
	CasesIn(ctx context.Context, st request.Status, limit int) ([]*request.Case, error)
	// CountRunning counts the cases whose clock runs (awaiting_identity, in_progress,
	// awaiting_third_party), without reading them.
	CountRunning(ctx context.Context) (int, error)
	// CasesReceived lists the cases received on a day in [from, to), by day of receipt, then
	// reference, each with its audit events in the order they were written.
	CasesReceived(ctx context.Context, from, to civil.Date) ([]CaseEvents, error)
	// LettersToPost lists at most max letters waiting to be printed and posted (status
	// outbox.ToPost), oldest first.
	LettersToPost(ctx context.Context, max int) ([]*outbox.Letter, error)
	// MarkPosted records that a letter to post was posted at at and returns it. ErrNotFound
	// when absent, ErrAlreadyPosted when it was posted before, ErrNotPostable when it is a
	// letter that goes by e-mail; then nothing changes.
	MarkPosted(ctx context.Context, id string, at time.Time) (*outbox.Letter, error)
}

// CaseEvents is a case with its audit trail.
type CaseEvents struct {
	Case   *request.Case
	Events []request.Event
}

// Errors of DeskStore.MarkPosted.
var (
	ErrAlreadyPosted = errors.New("letter already posted")
	ErrNotPostable   = errors.New("letter does not go by post")
)

// Change is what a use case writes alongside a case.
type Change struct {
	Letters []*outbox.Letter
	Events  []request.Event
	// DeleteIDCopy removes the stored ID copy in the same transaction.
	DeleteIDCopy bool
}

// Limit is one rate-limit counter a submission counts against.
type Limit struct {
	Key    string // pseudonymous: a keyed hash, never the address itself
	Max    int
	Window time.Duration
}

// Counter is the id of l's counter for the window that holds now (the key and the window's
// start), and the instant that window ends: every store counts under the same ids.
func (l Limit) Counter(now time.Time) (id string, end time.Time) {
	start := now.Truncate(l.Window)
	return l.Key + "-" + strconv.FormatInt(start.Unix(), 10), start.Add(l.Window)
}

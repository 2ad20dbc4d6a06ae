package firestoredb

import (
	"encoding/json"
	"fmt"
	"time"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/letter"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/request"
)

// The document shapes. Dates are stored as "YYYY-MM-DD" strings (calendar dates have no time
// zone); instants as timestamps; optional values as pointers, left out while unset
// (omitempty): a query skips a document without the field as it skips a null, and a case
// stores (and Firestore indexes) only what it holds.

type personDoc struct {
	Name      string `firestore:"name"`
	Email     string `firestore:"email"`
	BirthDate string `firestore:"birthDate"`
	Phone     string `firestore:"phone,omitempty"`
	Address   string `firestore:"address,omitempty"`
}

type repDoc struct {
	Name     string `firestore:"name"`
	Email    string `firestore:"email"`
	Capacity string `firestore:"capacity"`
}

type identityDoc struct {
	CopyRequired bool       `firestore:"copyRequired,omitempty"`
	CopyHeld     bool       `firestore:"copyHeld,omitempty"`
	CopyUploaded *time.Time `firestore:"copyUploaded,omitempty"`
	CopyKind     string     `firestore:"copyKind,omitempty"`
	RequestedAt  *time.Time `firestore:"requestedAt,omitempty"`
	AskedAt      *time.Time `firestore:"askedAt,omitempty"`
	CheckedBy    string     `firestore:"checkedBy,omitempty"`
	CheckedAt    *time.Time `firestore:"checkedAt,omitempty"`
	Method       string     `firestore:"method,omitempty"`
	DocumentType string     `firestore:"documentType,omitempty"`
	// RepresentationChecked: staff saw proof of the representative's authority.
	RepresentationChecked bool   `firestore:"representationChecked,omitempty"`
	Outcome               string `firestore:"outcome,omitempty"`
}

type thirdPartyDoc struct {
	Name         string     `firestore:"name"`
	Email        string     `firestore:"email"`
	Address      string     `firestore:"address,omitempty"`
	AskedAt      time.Time  `firestore:"askedAt"`
	ObjectionDue string     `firestore:"objectionDue"`
	Answer       string     `firestore:"answer,omitempty"`
	Comment      string     `firestore:"comment,omitempty"`
	AnsweredAt   *time.Time `firestore:"answeredAt,omitempty"`
	Mask         bool       `firestore:"mask"`
}

type decisionDoc struct {
	Outcome        string    `firestore:"outcome"`
	Motivation     string    `firestore:"motivation,omitempty"`
	Ground         string    `firestore:"ground,omitempty"`
	Evidence       string    `firestore:"evidence,omitempty"`
	Fee            string    `firestore:"fee,omitempty"`
	FeeBasis       string    `firestore:"feeBasis,omitempty"`
	Recipients     []string  `firestore:"recipients,omitempty"`
	RecipientsNote string    `firestore:"recipientsNote,omitempty"`
	NoRecipients   bool      `firestore:"noRecipients,omitempty"`
	Correction     string    `firestore:"correctionSummary,omitempty"`
	AccessInfo     string    `firestore:"accessInfo,omitempty"`
	DecidedBy      string    `firestore:"decidedBy"`
	DecidedAt      time.Time `firestore:"decidedAt"`
}

type resultDoc struct {
	Key       string    `firestore:"key,omitempty"`
	StoredAt  time.Time `firestore:"storedAt"`
	ExpiresAt time.Time `firestore:"expiresAt"`
	Size      int       `firestore:"size"`
	Downloads int       `firestore:"downloads"`
}

type caseDoc struct {
	Type           string         `firestore:"type"`
	Status         string         `firestore:"status"`
	Lang           string         `firestore:"lang"`
	Subject        personDoc      `firestore:"subject"`
	Relation       string         `firestore:"relation,omitempty"`
	Channel        string         `firestore:"channel,omitempty"`
	Details        string         `firestore:"details,omitempty"`
	Proposed       string         `firestore:"proposedChanges,omitempty"`
	Motivation     string         `firestore:"motivation,omitempty"`
	Reason         string         `firestore:"reason,omitempty"`
	TransferTo     string         `firestore:"transferTo,omitempty"`
	Representative *repDoc        `firestore:"representative,omitempty"`
	Signature      string         `firestore:"signature"`
	SubmittedAt    time.Time      `firestore:"submittedAt"`
	ConfirmedAt    *time.Time     `firestore:"confirmedAt,omitempty"`
	Received       string         `firestore:"received"`
	DueDate        string         `firestore:"dueDate"`
	Extended       bool           `firestore:"extended,omitempty"`
	SuspendedDays  int            `firestore:"suspendedDays,omitempty"`
	ClockStopped   bool           `firestore:"clockStopped,omitempty"`
	Identity       identityDoc    `firestore:"identity"`
	ThirdParty     *thirdPartyDoc `firestore:"thirdParty,omitempty"`
	Decision       *decisionDoc   `firestore:"decision,omitempty"`
	Result         *resultDoc     `firestore:"result,omitempty"`
	ClosedAt       *time.Time     `firestore:"closedAt,omitempty"`
	UpdatedAt      time.Time      `firestore:"updatedAt"`
	NextActionAt   *time.Time     `firestore:"nextActionAt,omitempty"`
	Version        int            `firestore:"version"`
	LinkGeneration int            `firestore:"linkGeneration,omitempty"`
	TickFailures   int            `firestore:"tickFailures,omitempty"`
	Handler        string         `firestore:"handler,omitempty"`
	Approval       *approvalDoc   `firestore:"approval,omitempty"`
	// ExpireAt is the Firestore TTL field: a second safety net behind the Tick's retention.
	ExpireAt *time.Time `firestore:"expireAt,omitempty"`
	// Events is the case's audit trail in the order it was written, kept in the case document,
	// so that writing an event costs no document of its own and it lives exactly as long as the
	// case.
	Events []eventDoc `firestore:"events,omitempty"`
	// Letters are the case's letters by id, kept in the case document like its events: writing
	// one costs no document of its own, listing them is the read of the case, and they live
	// exactly as long as the case.
	Letters map[string]*letterDoc `firestore:"letters,omitempty"`
	// Unsettled counts the letters still to be sent (pending or being sent), ToPost those
	// waiting to be printed and posted: the outbox relay and the desk find cases by them. Every
	// change of the case counts them again from Letters; a sender's outcome moves them by one.
	Unsettled int `firestore:"unsettled,omitempty"`
	ToPost    int `firestore:"toPost,omitempty"`
	// Searches are the case's search tasks (tasks.go).
	Searches string `firestore:"searches,omitempty"`
}

// largeCaseDoc is half of Firestore's limit for one document (1 MiB): a case past it logs
// "case document large" on every change, which an alert counts (terraform/monitoring.tf).
const largeCaseDoc = 512 << 10

// approxSize estimates the encoded size of d from what grows in it: its letters' texts and its
// events. It errs on the large side.
func (d *caseDoc) approxSize() int {
	n := 4<<10 + len(d.Details) + len(d.Proposed) + len(d.Motivation)
	if x := d.Decision; x != nil {
		n += len(x.Motivation) + len(x.RecipientsNote) + len(x.Correction) + len(x.AccessInfo)
	}
	for id, l := range d.Letters {
		n += 256 + len(id) + len(l.Payload) + len(l.Links) + len(l.To) + len(l.LastError)
	}
	for _, e := range d.Events {
		n += 128 + len(e.Actor) + len(e.Action) + len(e.Detail)
	}
	return n
}

// count sets Unsettled and ToPost from Letters.
func (d *caseDoc) count() {
	d.Unsettled, d.ToPost = 0, 0
	for _, l := range d.Letters {
		switch outbox.Status(l.Status) {
		case outbox.Pending, outbox.Sending:
			d.Unsettled++
		case outbox.ToPost:
			d.ToPost++
		}
	}
}

// letter returns the case's letter id as the app sees it: its retention is the case's.
func (d *caseDoc) letter(id string) (*outbox.Letter, error) {
	l, err := fromLetterDoc(id, d.Letters[id])
	if err != nil {
		return nil, err
	}
	l.RetainUntil = val(d.ExpireAt)
	return l, nil
}

// eventDoc is one audit event of a case, in the case document's list.
type eventDoc struct {
	At     time.Time `firestore:"at"`
	Actor  string    `firestore:"actor"`
	Action string    `firestore:"action"`
	Detail string    `firestore:"detail,omitempty"`
}

// letterDoc is a letter: in its case document's map (where ExpireAt is unset: the case's own
// counts) or, for a letter of no case, a document of the letters collection.
type letterDoc struct {
	Reference   string     `firestore:"reference"`
	Kind        string     `firestore:"kind"`
	Lang        string     `firestore:"lang"`
	To          string     `firestore:"to"`
	Payload     string     `firestore:"payload"` // letter.Data as JSON
	Links       string     `firestore:"links"`   // []outbox.Link as JSON
	DueDate     string     `firestore:"dueDate,omitempty"`
	Status      string     `firestore:"status"`
	Attempts    int        `firestore:"attempts,omitempty"`
	CreatedAt   time.Time  `firestore:"createdAt"`
	SentAt      *time.Time `firestore:"sentAt,omitempty"`
	LeaseUntil  *time.Time `firestore:"leaseUntil,omitempty"`
	LastError   string     `firestore:"lastError,omitempty"`
	AttemptedAt *time.Time `firestore:"attemptedAt,omitempty"`
	ExpireAt    *time.Time `firestore:"expireAt,omitempty"` // TTL
}

// instant is t as Firestore keeps it: UTC, whole microseconds, so that the letters and events
// a write returns from the document it wrote are what a read of it returns.
func instant(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func ptr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = instant(t)
	return &t
}

func val(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

func dateString(d civil.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func parseDate(s string) civil.Date {
	if s == "" {
		return civil.Date{}
	}
	d, _ := civil.ParseDate(s)
	return d
}

func toCaseDoc(c *request.Case) *caseDoc {
	d := &caseDoc{
		Type: string(c.Type), Status: string(c.Status), Lang: c.Lang,
		Subject: personDoc{Name: c.Subject.Name, Email: c.Subject.Email, BirthDate: dateString(c.Subject.BirthDate),
			Phone: c.Subject.Phone, Address: c.Subject.Address},
		Relation: string(c.Relation), Channel: string(c.Channel), Details: c.Details, Proposed: c.Proposed, Motivation: c.Motivation, Reason: c.Reason, TransferTo: c.TransferTo,
		Signature: c.Signature, SubmittedAt: c.SubmittedAt.UTC(), ConfirmedAt: ptr(c.ConfirmedAt),
		Received: dateString(c.Received), DueDate: dateString(c.DueDate), Extended: c.Extended,
		SuspendedDays: c.SuspendedDays, ClockStopped: c.ClockStopped,
		Identity: identityDoc{CopyRequired: c.Identity.CopyRequired, CopyHeld: c.Identity.CopyHeld,
			CopyUploaded: ptr(c.Identity.CopyUploaded), CopyKind: c.Identity.CopyKind, RequestedAt: ptr(c.Identity.RequestedAt),
			AskedAt: ptr(c.Identity.AskedAt), CheckedBy: c.Identity.CheckedBy, CheckedAt: ptr(c.Identity.CheckedAt),
			Method: string(c.Identity.Method), DocumentType: string(c.Identity.DocumentType),
			RepresentationChecked: c.Identity.RepresentationChecked, Outcome: string(c.Identity.Outcome)},
		ClosedAt: ptr(c.ClosedAt), UpdatedAt: c.UpdatedAt.UTC(), NextActionAt: ptr(c.NextActionAt), ExpireAt: ptr(c.RetainUntil), Version: c.Version,
		LinkGeneration: c.LinkGeneration, TickFailures: c.TickFailures, Handler: c.Handler, Approval: toApprovalDoc(c.Approval),
	}
	if r := c.Representative; r != nil {
		d.Representative = &repDoc{Name: r.Name, Email: r.Email, Capacity: string(r.Capacity)}
	}
	if tp := c.ThirdParty; tp != nil {
		d.ThirdParty = &thirdPartyDoc{Name: tp.Name, Email: tp.Email, Address: tp.Address, AskedAt: tp.AskedAt.UTC(), ObjectionDue: dateString(tp.ObjectionDue),
			Answer: string(tp.Answer), Comment: tp.Comment, AnsweredAt: ptr(tp.AnsweredAt), Mask: tp.Mask}
	}
	if x := c.Decision; x != nil {
		d.Decision = &decisionDoc{Outcome: string(x.Outcome), Motivation: x.Motivation, Ground: string(x.Ground), Evidence: x.Evidence, Fee: x.Fee, FeeBasis: string(x.FeeBasis), Recipients: x.Recipients,
			RecipientsNote: x.RecipientsNote, NoRecipients: x.NoRecipients, Correction: x.CorrectionSummary, AccessInfo: x.AccessInfo,
			DecidedBy: x.DecidedBy, DecidedAt: x.DecidedAt.UTC()}
	}
	if r := c.Result; r != nil {
		d.Result = &resultDoc{Key: r.Key, StoredAt: r.StoredAt.UTC(), ExpiresAt: r.ExpiresAt.UTC(), Size: r.Size, Downloads: r.Downloads}
	}
	d.Searches = searchesDoc(c.Searches)
	return d
}

func fromCaseDoc(ref string, d *caseDoc) *request.Case {
	c := &request.Case{
		Reference: ref, Type: request.Type(d.Type), Status: request.Status(d.Status), Lang: d.Lang,
		Subject: request.Person{Name: d.Subject.Name, Email: d.Subject.Email, BirthDate: parseDate(d.Subject.BirthDate),
			Phone: d.Subject.Phone, Address: d.Subject.Address},
		Relation: request.Relation(d.Relation), Channel: request.Channel(d.Channel), Details: d.Details, Proposed: d.Proposed, Motivation: d.Motivation, Reason: d.Reason, TransferTo: d.TransferTo,
		Signature: d.Signature, SubmittedAt: d.SubmittedAt, ConfirmedAt: val(d.ConfirmedAt),
		Received: parseDate(d.Received), DueDate: parseDate(d.DueDate), Extended: d.Extended,
		SuspendedDays: d.SuspendedDays, ClockStopped: d.ClockStopped,
		Identity: request.Identity{CopyRequired: d.Identity.CopyRequired, CopyHeld: d.Identity.CopyHeld,
			CopyUploaded: val(d.Identity.CopyUploaded), CopyKind: d.Identity.CopyKind, RequestedAt: val(d.Identity.RequestedAt),
			AskedAt: val(d.Identity.AskedAt), CheckedBy: d.Identity.CheckedBy, CheckedAt: val(d.Identity.CheckedAt),
			Method: request.VerificationMethod(d.Identity.Method), DocumentType: request.DocumentType(d.Identity.DocumentType),
			RepresentationChecked: d.Identity.RepresentationChecked, Outcome: request.IdentityOutcome(d.Identity.Outcome)},
		ClosedAt: val(d.ClosedAt), UpdatedAt: d.UpdatedAt, NextActionAt: val(d.NextActionAt), RetainUntil: val(d.ExpireAt), Version: d.Version,
		LinkGeneration: d.LinkGeneration, TickFailures: d.TickFailures, Handler: d.Handler, Approval: fromApprovalDoc(d.Approval),
	}
	if r := d.Representative; r != nil {
		c.Representative = &request.Representative{Name: r.Name, Email: r.Email, Capacity: request.Capacity(r.Capacity)}
	}
	if tp := d.ThirdParty; tp != nil {
		c.ThirdParty = &request.ThirdParty{Name: tp.Name, Email: tp.Email, Address: tp.Address, AskedAt: tp.AskedAt, ObjectionDue: parseDate(tp.ObjectionDue),
			Answer: request.ThirdPartyAnswer(tp.Answer), Comment: tp.Comment, AnsweredAt: val(tp.AnsweredAt), Mask: tp.Mask}
	}
	if x := d.Decision; x != nil {
		c.Decision = &request.Decision{Outcome: request.Outcome(x.Outcome), Motivation: x.Motivation, Ground: request.Ground(x.Ground), Evidence: x.Evidence, Fee: x.Fee, FeeBasis: request.FeeBasis(x.FeeBasis), Recipients: x.Recipients,
			RecipientsNote: x.RecipientsNote, NoRecipients: x.NoRecipients, CorrectionSummary: x.Correction, AccessInfo: x.AccessInfo,
			DecidedBy: x.DecidedBy, DecidedAt: x.DecidedAt}
	}
	if r := d.Result; r != nil {
		c.Result = &request.Result{Key: r.Key, StoredAt: r.StoredAt, ExpiresAt: r.ExpiresAt, Size: r.Size, Downloads: r.Downloads}
	}
	c.Searches = fromSearchesDoc(d.Searches)
	return c
}

func toLetterDoc(l *outbox.Letter) (*letterDoc, error) {
	payload, err := json.Marshal(l.Data)
	if err != nil {
		return nil, fmt.Errorf("encode letter data: %w", err)
	}
	links, err := json.Marshal(l.Links)
	if err != nil {
		return nil, fmt.Errorf("encode letter links: %w", err)
	}
	return &letterDoc{
		Reference: l.Reference, Kind: string(l.Kind), Lang: l.Lang, To: l.To,
		Payload: string(payload), Links: string(links), DueDate: dateString(l.DueDate),
		Status: string(l.Status), Attempts: l.Attempts, CreatedAt: instant(l.CreatedAt),
		SentAt: ptr(l.SentAt), LeaseUntil: ptr(l.LeaseUntil), LastError: l.LastError, ExpireAt: ptr(l.RetainUntil), AttemptedAt: ptr(l.AttemptedAt),
	}, nil
}

func fromLetterDoc(id string, d *letterDoc) (*outbox.Letter, error) {
	l := &outbox.Letter{
		ID: id, Reference: d.Reference, Kind: letter.Kind(d.Kind), Lang: d.Lang, To: d.To,
		DueDate: parseDate(d.DueDate), Status: outbox.Status(d.Status), Attempts: d.Attempts,
		CreatedAt: d.CreatedAt, SentAt: val(d.SentAt), LeaseUntil: val(d.LeaseUntil), LastError: d.LastError, RetainUntil: val(d.ExpireAt), AttemptedAt: val(d.AttemptedAt),
	}
	if err := json.Unmarshal([]byte(d.Payload), &l.Data); err != nil {
		return nil, fmt.Errorf("decode letter data: %w", err)
	}
	if err := json.Unmarshal([]byte(d.Links), &l.Links); err != nil {
		return nil, fmt.Errorf("decode letter links: %w", err)
	}
	return l, nil
}

// fromEventDocs returns the events of a case document, in the order they were written.
func fromEventDocs(ds []eventDoc) []request.Event {
	out := make([]request.Event, len(ds))
	for i, d := range ds {
		out[i] = request.Event{At: d.At, Actor: d.Actor, Action: request.Action(d.Action), Detail: d.Detail}
	}
	return out
}

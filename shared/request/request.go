// Package request is the case aggregate: request types, statuses, the state machine as one
// transition table, and validation of a submission. It imports no cloud SDK.
package request

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"cloud.google.com/go/civil"
)

// Type is the right the requester exercises (docs/rules.md §1).
type Type string

const (
	Access        Type = "access"
	Rectification Type = "rectification"
	Erasure       Type = "erasure"
	Objection     Type = "objection"
	Complaint     Type = "complaint"
	// Restriction of processing (GDPR 18) and data portability (GDPR 20): rights neither seed
	// names, on the GDPR month (docs/rules.md §1).
	Restriction Type = "restriction"
	Portability Type = "portability"
)

// Types lists every request type in form order (docs/contract.md §3).
var Types = []Type{Access, Rectification, Erasure, Objection, Complaint, Restriction, Portability}

// Valid reports whether t is a known type.
func (t Type) Valid() bool { return slices.Contains(Types, t) }

// Status is where a case stands (docs/contract.md §3).
type Status string

const (
	AwaitingConfirmation Status = "awaiting_confirmation"
	AwaitingIdentity     Status = "awaiting_identity"
	InProgress           Status = "in_progress"
	AwaitingThirdParty   Status = "awaiting_third_party"
	// AwaitingApproval: a drafted decision waits for a second staff member (docs/rules.md §8).
	// No decision exists yet: the clock runs on and the requester sees in_progress.
	AwaitingApproval Status = "awaiting_approval"
	Decided          Status = "decided"
	Closed           Status = "closed"
	Expired          Status = "expired"
)

// Open reports whether the case still runs against a deadline.
func (s Status) Open() bool {
	return s == AwaitingIdentity || s == InProgress || s == AwaitingThirdParty || s == AwaitingApproval
}

// Finished reports whether the case is over: decided, closed or expired. A finished case
// allows no staff action and its staff pages show no personal data (docs/contract.md §3). A
// request awaiting confirmation is neither Open nor Finished.
func (s Status) Finished() bool {
	return s == Decided || s == Closed || s == Expired
}

// Action is something done to a case: a transition of the state machine below, or what its
// audit trail records (actions.go).
type Action string

const (
	ActConfirm         Action = "confirm"
	ActUploadIdentity  Action = "upload_identity"
	ActVerifyIdentity  Action = "verify_identity"
	ActRejectIdentity  Action = "reject_identity"
	ActRequestIdentity Action = "request_identity"
	ActExtend          Action = "extend"
	ActConsult         Action = "consult_third_party"
	ActThirdPartyDone  Action = "third_party_done"
	ActDecide          Action = "decide"
	ActWithdraw        Action = "withdraw"
	ActExpire          Action = "expire"
	ActClose           Action = "close"
	// ActRevokeLinks stops every staff link of a case issued before now (docs/contract.md §3).
	ActRevokeLinks Action = "revoke_links"
)

// StaffActions are the actions staff may post to StaffCase, in page order.
var StaffActions = []Action{ActVerifyIdentity, ActRejectIdentity, ActRequestIdentity, ActExtend, ActConsult, ActThirdPartyDone, ActDecide, ActWithdraw, ActRevokeLinks}

// transition is one row of the state machine: from any of From, the action leads to To
// (an empty To keeps the status).
type transition struct {
	From []Status
	To   Status
}

// transitions is the whole state machine. An action/status pair not in it is refused.
var transitions = map[Action]transition{
	ActConfirm:        {From: []Status{AwaitingConfirmation}, To: ""}, // to is decided by the ID policy
	ActUploadIdentity: {From: []Status{AwaitingIdentity}},
	// Identity is verified before anything is disclosed or changed (docs/rules.md §2): from
	// awaiting_identity after a copy or a visit, from in_progress by the details we hold.
	ActVerifyIdentity:  {From: []Status{AwaitingIdentity, InProgress}, To: InProgress},
	ActRejectIdentity:  {From: []Status{AwaitingIdentity}},
	ActRequestIdentity: {From: []Status{InProgress, AwaitingIdentity}, To: AwaitingIdentity},
	// From awaiting_approval, extend and withdraw cancel the draft (docs/contract.md §3): app
	// puts the case back in the status the decision was drafted in.
	ActExtend:         {From: []Status{AwaitingIdentity, InProgress, AwaitingThirdParty, AwaitingApproval}},
	ActConsult:        {From: []Status{InProgress}, To: AwaitingThirdParty},
	ActThirdPartyDone: {From: []Status{AwaitingThirdParty}, To: InProgress},
	// From awaiting_identity only as a refusal on identity_not_established, after the requester
	// was asked (app refuses the rest); from awaiting_third_party the third party's data counts
	// as masked (docs/contract.md §3).
	ActDecide:   {From: []Status{InProgress, AwaitingThirdParty, AwaitingIdentity}, To: Decided},
	ActWithdraw: {From: []Status{AwaitingIdentity, InProgress, AwaitingThirdParty, AwaitingApproval}, To: Closed},
	ActExpire:   {From: []Status{AwaitingConfirmation}, To: Expired},
	ActClose:    {From: []Status{Decided}, To: Closed},
	// A finished case allows no action: its links show nothing personal anyway.
	ActRevokeLinks: {From: []Status{AwaitingIdentity, InProgress, AwaitingThirdParty, AwaitingApproval}},
}

// ErrNotAllowed is returned for an action the case's status does not allow.
var ErrNotAllowed = errors.New("action not allowed in this status")

// Allowed reports whether a may be applied in status s.
func Allowed(a Action, s Status) bool {
	t, ok := transitions[a]
	if !ok {
		return false
	}
	for _, f := range t.From {
		if f == s {
			return true
		}
	}
	return false
}

// Next returns the status after a, or ErrNotAllowed. For ActConfirm the caller passes the
// status the ID policy asks for as confirmTo.
func Next(a Action, s Status, confirmTo Status) (Status, error) {
	if !Allowed(a, s) {
		return s, fmt.Errorf("%s in %s: %w", a, s, ErrNotAllowed)
	}
	if a == ActConfirm {
		return confirmTo, nil
	}
	if to := transitions[a].To; to != "" {
		return to, nil
	}
	return s, nil
}

// Person is the data subject or the representative as given on the form.
type Person struct {
	Name      string
	Email     string
	BirthDate civil.Date
	Phone     string
	Address   string
}

// Representative acts for a subject under 16 or not legally competent (docs/rules.md §1).
type Representative struct {
	Name     string
	Email    string
	Capacity Capacity
}

// Identity records how identity was established: never the document itself (docs/rules.md §2).
type Identity struct {
	CopyRequired bool      // the profile or staff asked for an ID copy
	CopyHeld     bool      // an encrypted copy is stored and awaits checking
	CopyUploaded time.Time // when the copy arrived
	CopyKind     string    // media type of the held copy
	RequestedAt  time.Time // when the controller last asked for identification (clock suspension)
	// AskedAt is when the requester was last asked for proof of identity (whether or not the
	// clock stands still): only after that may a request be refused on identity_not_established.
	AskedAt      time.Time
	CheckedBy    string // staff address
	CheckedAt    time.Time
	Method       VerificationMethod
	DocumentType DocumentType // for in_person and id_copy
	// RepresentationChecked says staff saw proof of the representative's authority (docs/rules.md §1).
	RepresentationChecked bool
	Outcome               IdentityOutcome
}

// Case is one privacy-rights request and everything decided about it.
type Case struct {
	Reference string
	Type      Type
	Status    Status
	Lang      string
	Subject   Person
	Relation  Relation // optional: "" when not given
	// Channel is how the request reached the organisation; "" is the web form (ChannelWeb).
	Channel    Channel
	Details    string
	Proposed   string
	Motivation string
	// Reason is, for a restriction, why the processing should be restricted (GDPR 18(1)).
	Reason string
	// TransferTo is, for portability, the e-mail address of the organisation that should
	// receive the data directly (GDPR 20(2)); "" when the requester named none.
	TransferTo     string
	Representative *Representative
	Signature      string

	SubmittedAt time.Time
	ConfirmedAt time.Time
	Received    civil.Date // day of receipt: the clock counts from here
	DueDate     civil.Date // zero until the clock starts
	Extended    bool
	// SuspendedDays counts the whole days the clock stood still while waiting for identity.
	SuspendedDays int
	// ClockStopped says the case's one suspension has begun (docs/rules.md §2): a later
	// request for proof of identity does not stop the clock again.
	ClockStopped bool
	Identity     Identity
	ThirdParty   *ThirdParty // the consulted third party, if any
	Decision     *Decision   // set when decided
	// Approval is the drafted decision while it waits for a second staff member (four eyes,
	// docs/rules.md §8); nil otherwise.
	Approval *Approval
	// Result describes the access package while it is stored (sealed) for download.
	Result *Result
	// Searches are the case's search and carry-out tasks, one per system (search.go).
	Searches []SearchTask
	// Handler is the staff address (or the privacy officer's) that handles the case and gets
	// its reminders first; "" when no one does and every staff address gets them.
	Handler   string
	ClosedAt  time.Time
	UpdatedAt time.Time
	// NextActionAt is the earliest moment the Tick has work for this case; the Tick queries on it.
	NextActionAt time.Time
	// Version counts the case's committed changes; it orders its audit events.
	Version int
	// RetainUntil is when the case and everything about it must be gone (retention, docs/rules.md §6).
	// The Tick deletes it then; Firestore's TTL on the same moment is the safety net.
	RetainUntil time.Time
	// LinkGeneration is raised by revoke_links: a staff link works only while the generation it
	// carries is the case's (linktoken.Claims.Current).
	LinkGeneration int
	// TickFailures counts the Tick's consecutive failures on this case; each one pushes
	// NextActionAt further back, so a case that cannot be processed does not block the others.
	TickFailures int
}

// Recipient is where letters to the requester go: the representative when there is one.
func (c *Case) Recipient() (name, email string) {
	if c.Representative != nil {
		return c.Representative.Name, c.Representative.Email
	}
	return c.Subject.Name, c.Subject.Email
}

// ThirdParty is someone named in the file whose view is asked before disclosure (docs/rules.md §4).
type ThirdParty struct {
	Name, Email string
	// Address is where a consultation by post goes when no e-mail address is known.
	Address      string
	AskedAt      time.Time
	ObjectionDue civil.Date // the last day to object
	Answer       ThirdPartyAnswer
	Comment      string
	AnsweredAt   time.Time
	// Mask says the third party's data must be made unreadable in what is disclosed: they
	// objected, or could not be reached in time.
	Mask bool
}

// Decision is the answer to the request.
type Decision struct {
	Outcome    Outcome
	Motivation string
	Ground     Ground // "" when granted, and always for a complaint
	// Evidence is, for a refusal on Accurate, which evidence would change the decision.
	Evidence string
	// Fee is a reasonable fee in euros ("12,50"), announced in the decision, and FeeBasis why
	// it may be charged (FeeExcessive, FeeFurtherCopy); "" for a free request, as nearly all are.
	Fee            string
	FeeBasis       FeeBasis
	Recipients     []string // rectification/erasure: who was informed
	RecipientsNote string   // or why informing them was impossible or disproportionate
	// NoRecipients: staff confirmed the data went to no one, so no one had to be informed.
	NoRecipients bool
	// CorrectionSummary is what was actually corrected or erased, in the staff's words: the
	// only thing a correction notice tells a recipient (docs/rules.md §4).
	CorrectionSummary string
	// AccessInfo is what staff add to the profile's GDPR 15(1) answers for this case.
	AccessInfo string
	DecidedBy  string
	DecidedAt  time.Time
}

// Approval is a drafted decision waiting for approval: the decision as drafted (DecidedBy is
// its author), the status it was drafted in, and the access package it would send.
type Approval struct {
	Draft     Decision
	From      Status
	DraftedAt time.Time
	// TransferConfirmed: for portability, the author confirmed the receiving organisation.
	TransferConfirmed bool
	// ResultKey, ResultSize, ResultExpires and ResultExtracts describe the access package the
	// draft built (sealed, under its own key); ResultKey is "" when it sends none.
	ResultKey      string
	ResultSize     int
	ResultExpires  time.Time
	ResultExtracts int
}

// Result is the access package held for download.
type Result struct {
	// Key is the blob key of the package the decision that committed stored (BlobStore).
	Key       string
	StoredAt  time.Time
	ExpiresAt time.Time
	Size      int
	Downloads int
}

// Event is one line of a case's audit trail: who did what, when. Detail never holds an ID copy.
type Event struct {
	At     time.Time
	Actor  string // "requester", "system", or a staff address
	Action Action
	Detail string
}

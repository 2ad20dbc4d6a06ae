// Package letter writes every e-mail the product sends (docs/rules.md §4, docs/contract.md §5): one
// template per kind and language, rendered to a subject, a plain-text part and an HTML part.
package letter

import (
	"errors"
	"slices"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/request"
)

// Kind is the kind of a letter; its value is the SendGrid category (docs/contract.md §5).
type Kind string

// The kinds of letter, in the order a case usually meets them.
const (
	ConfirmEmail           Kind = "confirm_email"
	ConfirmReminder        Kind = "confirm_reminder"
	Receipt                Kind = "receipt"
	StaffCase              Kind = "staff_case"
	IDRequested            Kind = "id_requested"
	IDRejected             Kind = "id_rejected"
	StaffReminder          Kind = "staff_reminder"
	StaffOverdue           Kind = "staff_overdue"
	DelayNotice            Kind = "delay_notice"
	ThirdPartyConsultation Kind = "third_party_consultation"
	Decision               Kind = "decision"
	ResultReady            Kind = "result_ready"
	CorrectionNotice       Kind = "correction_notice"
	// IdentityConfirmed: identity is established; states the due date, which moved if the
	// clock stood still (docs/contract.md §5).
	IdentityConfirmed Kind = "identity_confirmed"
	// Withdrawn: the requester withdrew; the request is closed without a decision (docs/rules.md §4).
	Withdrawn Kind = "withdrawn"
	// PortabilityTransfer brings the organisation a portability requester named the download
	// link of their data, once staff confirmed its address (GDPR 20(2)).
	PortabilityTransfer Kind = "portability_transfer"
	// TermPassed goes to the requester the working day after a due date passed without a
	// decision: an apology, when we now expect to decide, and the routes (docs/rules.md §4).
	TermPassed Kind = "term_passed"
	// DecreeDaysMissing warns the privacy officer and staff, once per year, that a coming year
	// has no decree-day data (docs/rules.md §3). It is about no single case: it has no reference.
	DecreeDaysMissing Kind = "decree_days_missing"
	// DeskLink brings a staff member their personal desk link after signing in (docs/contract.md
	// §3 "The desk"). StaffDigest is the morning list of work; AccountabilityReport is last
	// month's figures for the privacy officer. None is about a single case.
	DeskLink             Kind = "desk_link"
	StaffDigest          Kind = "staff_digest"
	AccountabilityReport Kind = "accountability_report"
)

var kinds = []Kind{
	ConfirmEmail, ConfirmReminder, Receipt, StaffCase, IDRequested, IDRejected, StaffReminder,
	StaffOverdue, DelayNotice, ThirdPartyConsultation, Decision, ResultReady, CorrectionNotice, PortabilityTransfer,
	IdentityConfirmed, Withdrawn, TermPassed, DecreeDaysMissing, DeskLink, StaffDigest, AccountabilityReport,
	SearchTask, SearchReminder, SearchOverdue, SearchCancelled, SearchReassigned, CarryOutTask, // search.go
	ApprovalRequest, ApprovalOverdue, DecisionReturned, ApprovalCancelled, // approval.go
}

// Kinds returns every kind of letter. The slice is the caller's to change.
func Kinds() []Kind { return slices.Clone(kinds) }

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool { return slices.Contains(kinds, k) }

// StatesDueDate reports whether a letter of this kind states Data.DueDate, the case's due
// date, so that the mailer adds it as custom_args.dueDate (docs/contract.md §5). Letters about
// identity do not: while the clock may stand still there is no fixed date to state.
func (k Kind) StatesDueDate() bool {
	switch k {
	case Receipt, StaffCase, StaffReminder, StaffOverdue, DelayNotice, IdentityConfirmed, TermPassed, SearchOverdue,
		ApprovalRequest, ApprovalOverdue, DecisionReturned, ApprovalCancelled:
		return true
	}
	return false
}

// AboutACase reports whether a letter of this kind is about one case: it then carries the
// case's reference and request type (docs/contract.md §5).
func (k Kind) AboutACase() bool {
	switch k {
	case DecreeDaysMissing, DeskLink, StaffDigest, AccountabilityReport:
		return false
	}
	return true
}

// PostKind reports whether a letter of kind k can go by post: every letter to the requester
// except those that confirm an e-mail address, the consultation of a third party, who rarely
// has an e-mail address we know (docs/rules.md §4), and the notice of GDPR 19 to a recipient
// the register names with a postal address only.
func (k Kind) PostKind() bool {
	return k.Audience() == ToRequester && k != ConfirmEmail && k != ConfirmReminder || k == ThirdPartyConsultation || k == CorrectionNotice
}

// Audience is who receives a letter.
type Audience string

// The audiences of letters.
const (
	ToRequester      Audience = "requester"       // the data subject, or their representative
	ToStaff          Audience = "staff"           // one staff member handling the case
	ToPrivacyOfficer Audience = "privacy_officer" // the organisation's privacy officer
	ToThirdParty     Audience = "third_party"     // someone named in the file of an access request
	ToRecipient      Audience = "recipient"       // an organisation that received or receives the data (GDPR 19, 20(2))
)

// Audience returns who receives a letter of kind k, or "" for an unknown kind.
func (k Kind) Audience() Audience {
	switch k {
	case ConfirmEmail, ConfirmReminder, Receipt, IDRequested, IDRejected, DelayNotice, Decision, ResultReady,
		IdentityConfirmed, Withdrawn, TermPassed:
		return ToRequester
	case StaffCase, StaffReminder, DeskLink, StaffDigest:
		return ToStaff
	case StaffOverdue, DecreeDaysMissing, AccountabilityReport:
		return ToPrivacyOfficer
	case ThirdPartyConsultation:
		return ToThirdParty
	case CorrectionNotice, PortabilityTransfer:
		return ToRecipient
	}
	if a := approvalAudience(k); a != "" {
		return a
	}
	return searchAudience(k)
}

// Message is a rendered letter: one e-mail with a text and an HTML part.
type Message struct{ Subject, Text, HTML string }

// Org is the organisation that sends the letter.
type Org struct {
	Name                string
	Website             string // as it should be read, e.g. "www.valleiwonen.nl"
	PostalAddress       string // one line, e.g. "Postbus 105, 1200 AC Hilversum"
	Phone               string // for requesters without a computer; "" when not known
	VisitingAddress     string // one line; "" when the organisation names none
	ComplaintsContact   string // how to complain to the organisation itself; shown as it is, on its own line
	PrivacyOfficerEmail string
	// The privacy officer (FG) as every decision names them (GDPR 38(4)): a name or the role,
	// a phone number and a postal address on one line, beside PrivacyOfficerEmail.
	PrivacyOfficerName, PrivacyOfficerPhone, PrivacyOfficerAddress string
	// Committee is the complaints committee a complaint decision names (Woningwet art. 55b).
	Committee Committee
}

// Committee is the organisation's klachtencommissie: who, how to apply, and the term.
type Committee struct{ Name, HowToApply, Term string }

// Link keys in Data.Links.
const (
	LinkConfirm    = "confirm"
	LinkStatus     = "status"
	LinkStaff      = "staff"
	LinkUpload     = "upload"
	LinkThirdParty = "third_party"
	LinkDownload   = "download"
	LinkDesk       = "desk"
	LinkReport     = "report"
)

// DefaultEscalationWeeks is the term to petition the court after a decision on a request, or
// after its due date when no decision came (UAVG art. 35(2)). It does not apply to a decision
// on a complaint. A complaint to the Autoriteit Persoonsgegevens has no time limit, and the AP
// no longer mediates or advises (that was Wbp art. 47).
const DefaultEscalationWeeks = 6

// Data is everything a letter may say. Each kind uses a part of it; Render reports what a
// kind needs and lacks.
type Data struct {
	Reference string
	Org       Org
	// RecipientName is used in the salutation; empty gives a neutral one.
	RecipientName string
	RequestType   request.Type
	// Received is the day of receipt.
	Received civil.Date `json:",omitzero"`
	// DueDate is the case's due date; zero when not applicable.
	DueDate civil.Date `json:",omitzero"`
	// PreviousDueDate is, in a delay notice, the due date before the extension.
	PreviousDueDate civil.Date `json:",omitzero"`
	// ExpectedOn is, in term_passed, the day by which we now expect to decide.
	ExpectedOn civil.Date `json:",omitzero"`
	// Links are absolute, already signed URLs by key (LinkConfirm, ...).
	Links map[string]string
	// LinksExpire is the last day on which the links work; zero when not stated.
	LinksExpire civil.Date `json:",omitzero"`
	// Reason is why an ID copy is asked for or was rejected, in the staff member's words.
	Reason string
	// WithdrawnVia is, in a withdrawn letter, how the requester told us they withdraw.
	WithdrawnVia request.Channel `json:",omitempty"`
	// Explanation is why a term is extended; a delay notice must give one (GDPR 12(3)).
	Explanation string
	// ClockSuspended says the term stands still until the requester sends proof of identity
	// (docs/rules.md §3, EDPB 01/2022 §159).
	ClockSuspended bool
	// CopyDeleted says, in identity_confirmed, that we held a copy of the proof of identity and
	// have now deleted it: only then does the letter say so (docs/rules.md §4).
	CopyDeleted bool `json:",omitempty"`
	// Colleague is set when the letter goes to staff or the privacy officer: it greets a
	// colleague and carries no footer meant for the requester. Render sets it from the kind.
	Colleague bool `json:"-"`
	// Reminder says an id_requested letter reminds the requester of the request for proof of
	// identity made on AskedOn, which they have not answered (docs/rules.md §2).
	Reminder bool       `json:",omitempty"`
	AskedOn  civil.Date `json:",omitzero"`
	// Representative is set when a legal representative acts for the subject (docs/rules.md §1):
	// letters then go to the representative and say on whose behalf.
	Representative *Representative
	Staff          *StaffInfo
	Decision       *DecisionInfo
	ThirdParty     *ThirdPartyInfo
	Correction     *CorrectionInfo
	// Transfer is, in portability_transfer, whose data the receiving organisation gets.
	Transfer *TransferInfo `json:",omitempty"`
	// EscalationWeeks is the term to petition the court after a decision; zero means
	// DefaultEscalationWeeks.
	EscalationWeeks int
	// Extendable says the profile allows this request type to be extended: only then does a
	// receipt promise a delay notice (docs/rules.md §4).
	Extendable bool
	// MissingYear is, in decree_days_missing, the year without decree-day data.
	MissingYear int `json:",omitzero"`
	// ByPost says the letter goes by post to a requester without an e-mail address: it then
	// names no e-mail and no link, but how to call, write or visit, and an access result comes
	// on paper. Only letters to the requester can go by post (PostKind).
	ByPost bool `json:",omitempty"`
	// Desk is, in staff_digest and accountability_report, the work or the figures they list.
	Desk *DeskInfo `json:",omitempty"`
	// Search is, in the letters of a search task, the task (search.go).
	Search *SearchInfo `json:",omitempty"`
	// Approval is, in the letters of four eyes, the drafted decision (approval.go).
	Approval *ApprovalInfo `json:",omitempty"`
}

// DeskInfo is what a staff_digest lists and an accountability_report states. It names cases
// by reference only.
type DeskInfo struct {
	Open    int        // open cases now
	Overdue []DeskItem // past their due date, most overdue first
	DueSoon []DeskItem // due within the reminder window
	// IdentityWaiting are cases in awaiting_identity whose requester has not answered the
	// request for proof of identity within the profile's reply term, longest waiting first.
	// Their clock stands still, so they are never overdue; staff must act (refuse on
	// identity_not_established, or try another way).
	IdentityWaiting []DeskItem `json:",omitempty"`
	ToPost          int        // letters waiting to be printed and posted
	ToPostOverdue   int        // of which waiting since before today
	// The report's period and headline figures (accountability_report).
	From, To      civil.Date `json:",omitzero"`
	Received      int
	Decided       int
	OnTime, Late  int
	OverdueNow    int
	Extended      int
	OnTimePercent string // "93%", or "" when nothing was decided
	MedianDays    string // "" when nothing was decided
}

// DeskItem is one case in a digest.
type DeskItem struct {
	Reference string
	Type      request.Type
	DueDate   civil.Date `json:",omitzero"`
	DaysLeft  int        // negative when overdue
	// AskedOn is, in IdentityWaiting, the day proof of identity was asked for.
	AskedOn civil.Date `json:",omitzero"`
}

// Representative is a legal representative acting for the data subject.
type Representative struct {
	Name        string
	Capacity    request.Capacity // "" when not given
	SubjectName string
}

// StaffInfo is what a staff member needs to pick up a case. It never holds an ID copy.
type StaffInfo struct {
	SubjectName string
	Status      request.Status
	DaysLeft    int // days until DueDate; negative once it has passed
	DaysOverdue int // days past DueDate; when zero, -DaysLeft is used
	Extended    bool
	// IdentityAskedOn, in a staff_reminder, says the reminder is about a requester who has not
	// answered a request for proof of identity since that day (the clock may stand still).
	IdentityAskedOn civil.Date `json:",omitzero"`
}

// DecisionInfo is the decision on a request.
type DecisionInfo struct {
	Outcome    request.Outcome
	Motivation string         // required unless granted: every refusal is motivated (V, A §14)
	Ground     request.Ground // a refusal ground (docs/rules.md §5); required when a request (not a complaint) is refused
	// Evidence is, with the ground Accurate, which evidence would change the decision.
	Evidence string
	// Fee is a reasonable fee in euros ("12,50") and FeeBasis why (request.FeeExcessive,
	// request.FeeFurtherCopy); "" when the request is free, as every request under GDPR 15-22
	// is unless the decision says otherwise (docs/rules.md §4).
	Fee      string
	FeeBasis request.FeeBasis
	// Recipients are the organisations informed of a rectification, erasure or restriction
	// (GDPR 19), each as the requester reads it: "WoningNet (privacy@woningnet.nl)", or an
	// address staff typed.
	Recipients []string
	// RecipientsNote explains why not every recipient could be informed, or how.
	RecipientsNote string
	// NoRecipients says the data went to no one else, so no one had to be informed.
	NoRecipients bool
	// Unchanged are recipients staff confirmed but not told: nothing could be changed in the
	// data they received (every system that gave it them answered its carry-out "not possible").
	Unchanged []string
	// ThirdPartyMasked says others' data was made unreadable in an access result.
	ThirdPartyMasked bool
	// TransferTo is, for portability, the organisation the requester asked us to send the data
	// to (GDPR 20(2)); TransferSent says staff confirmed its address and we sent it.
	TransferTo   string
	TransferSent bool
	// AccessInfo is the information of GDPR 15(1)(a)-(h) an access answer carries.
	AccessInfo *AccessInfo
}

// AccessInfo is the organisation's standard answer to GDPR 15(1), in the letter's language,
// and what staff added for this case.
type AccessInfo struct {
	Purposes, Categories, Recipients, Retention, Source, AutomatedDecisions string
	Particular                                                              string
}

// ThirdPartyInfo is the term a consulted third party has to object.
type ThirdPartyInfo struct {
	ObjectionDays int
	ObjectionDue  civil.Date `json:",omitzero"`
	// StateTerm says the profile states the term to the third party (V: 14 days).
	StateTerm bool
}

// TransferInfo tells the organisation a portability requester named whose data it receives.
type TransferInfo struct {
	SubjectName string
}

// CorrectionInfo tells a recipient organisation what changed.
type CorrectionInfo struct {
	// Summary is what was actually corrected or erased, written by staff; never the
	// requester's own text, never what was refused, never why they asked.
	Summary string
	// SubjectName names the person so the recipient can find the record.
	SubjectName string
	// Recipient and RecipientAddress are, for a notice by post, the organisation and its postal
	// address (one line) on the envelope.
	Recipient, RecipientAddress string `json:",omitempty"`
}

// Errors Render wraps, for errors.Is.
var (
	ErrUnknownKind     = errors.New("letter: unknown kind")
	ErrUnknownLanguage = errors.New("letter: unknown language")
	ErrInvalidData     = errors.New("letter: invalid data")
)

// Package letter writes every e-mail the product sends (RULES.md §4, CONTRACT.md §5): one
// template per kind and language, rendered to a subject, a plain-text part and an HTML part.
package letter

import (
	"errors"
	"slices"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/request"
)

// Kind is the kind of a letter; its value is the SendGrid category (CONTRACT.md §5).
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
)

var kinds = []Kind{
	ConfirmEmail, ConfirmReminder, Receipt, StaffCase, IDRequested, IDRejected, StaffReminder,
	StaffOverdue, DelayNotice, ThirdPartyConsultation, Decision, ResultReady, CorrectionNotice,
}

// Kinds returns every kind of letter. The slice is the caller's to change.
func Kinds() []Kind { return slices.Clone(kinds) }

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool { return slices.Contains(kinds, k) }

// StatesDueDate reports whether a letter of this kind states Data.DueDate, the case's due
// date, so that the mailer adds it as custom_args.dueDate (CONTRACT.md §5). Letters about
// identity do not: while the clock may stand still there is no fixed date to state.
func (k Kind) StatesDueDate() bool {
	switch k {
	case Receipt, StaffCase, StaffReminder, StaffOverdue, DelayNotice:
		return true
	}
	return false
}

// Audience is who receives a letter.
type Audience string

// The audiences of letters.
const (
	ToRequester      Audience = "requester"       // the data subject, or their representative
	ToStaff          Audience = "staff"           // one staff member handling the case
	ToPrivacyOfficer Audience = "privacy_officer" // the organisation's privacy officer
	ToThirdParty     Audience = "third_party"     // someone named in the file of an access request
	ToRecipient      Audience = "recipient"       // an organisation that received the data (GDPR 19)
)

// Audience returns who receives a letter of kind k, or "" for an unknown kind.
func (k Kind) Audience() Audience {
	switch k {
	case ConfirmEmail, ConfirmReminder, Receipt, IDRequested, IDRejected, DelayNotice, Decision, ResultReady:
		return ToRequester
	case StaffCase, StaffReminder:
		return ToStaff
	case StaffOverdue:
		return ToPrivacyOfficer
	case ThirdPartyConsultation:
		return ToThirdParty
	case CorrectionNotice:
		return ToRecipient
	}
	return ""
}

// Message is a rendered letter: one e-mail with a text and an HTML part.
type Message struct{ Subject, Text, HTML string }

// Org is the organisation that sends the letter.
type Org struct {
	Name                string
	Website             string // as it should be read, e.g. "www.valleiwonen.nl"
	PostalAddress       string // one line
	ComplaintsContact   string // how to complain to the organisation itself; shown as it is, on its own line
	PrivacyOfficerEmail string
}

// Link keys in Data.Links.
const (
	LinkConfirm    = "confirm"
	LinkStatus     = "status"
	LinkStaff      = "staff"
	LinkUpload     = "upload"
	LinkThirdParty = "third_party"
	LinkDownload   = "download"
)

// DefaultEscalationWeeks is the term to go to court after a decision (UAVG art. 35(2)) and,
// after a complaint decision, to ask the Autoriteit Persoonsgegevens to mediate (A §16).
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
	// Links are absolute, already signed URLs by key (LinkConfirm, ...).
	Links map[string]string
	// LinksExpire is the last day on which the links work; zero when not stated.
	LinksExpire civil.Date `json:",omitzero"`
	// Reason is why an ID copy is asked for or was rejected, in the staff member's words.
	Reason string
	// Explanation is why a term is extended; a delay notice must give one (GDPR 12(3)).
	Explanation string
	// ClockSuspended says the term stands still until the requester sends proof of identity
	// (RULES.md §3, EDPB 01/2022 §159).
	ClockSuspended bool
	// Representative is set when a legal representative acts for the subject (RULES.md §1):
	// letters then go to the representative and say on whose behalf.
	Representative *Representative
	Staff          *StaffInfo
	Decision       *DecisionInfo
	ThirdParty     *ThirdPartyInfo
	Correction     *CorrectionInfo
	// EscalationWeeks is the term to go to court or to the Autoriteit Persoonsgegevens after
	// a decision; zero means DefaultEscalationWeeks.
	EscalationWeeks int
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
}

// DecisionInfo is the decision on a request.
type DecisionInfo struct {
	Outcome    request.Outcome
	Motivation string         // required unless granted: every refusal is motivated (V, A §14)
	Ground     request.Ground // a refusal ground (RULES.md §5); required when a request (not a complaint) is refused
	// Recipients are the organisations informed of a rectification or erasure (GDPR 19).
	Recipients []string
	// RecipientsNote explains why not every recipient could be informed.
	RecipientsNote string
	// NoRecipients says the data went to no one else, so no one had to be informed.
	NoRecipients bool
	// ThirdPartyMasked says others' data was made unreadable in an access result.
	ThirdPartyMasked bool
}

// ThirdPartyInfo is the term a consulted third party has to object.
type ThirdPartyInfo struct {
	ObjectionDays int
	ObjectionDue  civil.Date `json:",omitzero"`
	// StateTerm says the profile states the term to the third party (V: 14 days).
	StateTerm bool
}

// CorrectionInfo tells a recipient organisation what changed.
type CorrectionInfo struct {
	// Summary is what changed, naming the person so the recipient can find the record;
	// never why the requester asked.
	Summary string
}

// Errors Render wraps, for errors.Is.
var (
	ErrUnknownKind     = errors.New("letter: unknown kind")
	ErrUnknownLanguage = errors.New("letter: unknown language")
	ErrInvalidData     = errors.New("letter: invalid data")
)

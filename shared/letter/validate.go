package letter

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/request"
)

// Problem is one thing wrong with the data for a letter.
type Problem struct {
	Field   string // as in Data, e.g. "DueDate", `Links["status"]`, "Decision.Motivation"
	Message string
}

// DataError lists every problem with the data for one letter at once.
type DataError struct {
	Kind     Kind
	Problems []Problem
}

func (e *DataError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Field + " " + p.Message
	}
	return fmt.Sprintf("letter %s: invalid data: %s", e.Kind, strings.Join(parts, "; "))
}

// Is makes every DataError match ErrInvalidData.
func (e *DataError) Is(target error) bool { return target == ErrInvalidData }

// Fields returns the fields with a problem, in the order found.
func (e *DataError) Fields() []string {
	f := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		f[i] = p.Field
	}
	return f
}

// requiredLinks are the links a kind cannot do without: its one action.
var requiredLinks = map[Kind]string{
	ConfirmEmail:           LinkConfirm,
	ConfirmReminder:        LinkConfirm,
	Receipt:                LinkStatus,
	StaffCase:              LinkStaff,
	IDRequested:            LinkUpload,
	IDRejected:             LinkUpload,
	StaffReminder:          LinkStaff,
	StaffOverdue:           LinkStaff,
	ThirdPartyConsultation: LinkThirdParty,
	ResultReady:            LinkDownload,
	PortabilityTransfer:    LinkDownload,
	IdentityConfirmed:      LinkStatus,
	TermPassed:             LinkStatus,
	DeskLink:               LinkDesk,
	StaffDigest:            LinkDesk,
	AccountabilityReport:   LinkReport,
	SearchTask:             LinkSearch,
	SearchReminder:         LinkSearch,
	CarryOutTask:           LinkSearch,
	SearchReassigned:       LinkSearch,
	SearchOverdue:          LinkStaff,
	ApprovalRequest:        LinkApprove,
	ApprovalOverdue:        LinkApprove,
	DecisionReturned:       LinkStaff,
	ApprovalCancelled:      LinkStaff,
}

type checker struct{ problems []Problem }

func (c *checker) add(field, format string, args ...any) {
	c.problems = append(c.problems, Problem{Field: field, Message: fmt.Sprintf(format, args...)})
}

func (c *checker) text(field, v string) {
	if strings.TrimSpace(v) == "" {
		c.add(field, "is missing")
	}
}

// date checks a date that the letter states: required says a zero date is a problem too.
func (c *checker) date(field string, d civil.Date, required bool) {
	switch {
	case d.IsZero():
		if required {
			c.add(field, "is missing")
		}
	case !d.IsValid():
		c.add(field, "is not a valid date (%s)", d)
	}
}

// validate reports everything kind needs from d and lacks, and everything d has that is wrong.
func validate(kind Kind, d Data) error {
	var c checker
	if !kind.AboutACase() {
		c.text("Org.Name", d.Org.Name)
		checkLinks(&c, kind, d)
		if d.ByPost {
			c.add("ByPost", "is set, but a %s cannot go by post", kind)
		}
		switch kind {
		case DecreeDaysMissing:
			if d.MissingYear < 2000 {
				c.add("MissingYear", "is missing")
			}
		case StaffDigest:
			if d.Desk == nil {
				c.add("Desk", "is missing")
			}
		case AccountabilityReport:
			if d.Desk == nil {
				c.add("Desk", "is missing")
			} else {
				c.date("Desk.From", d.Desk.From, true)
				c.date("Desk.To", d.Desk.To, true)
			}
		}
		if len(c.problems) > 0 {
			return &DataError{Kind: kind, Problems: c.problems}
		}
		return nil
	}
	c.text("Reference", d.Reference)
	c.text("Org.Name", d.Org.Name)
	switch {
	case d.RequestType == "":
		c.add("RequestType", "is missing")
	case !d.RequestType.Valid():
		c.add("RequestType", "is unknown (%q)", d.RequestType)
	case kind == CorrectionNotice && !request.Corrects(d.RequestType):
		c.add("RequestType", "must be rectification, erasure or restriction for a correction notice (got %q)", d.RequestType)
	}

	checkLinks(&c, kind, d)
	c.date("LinksExpire", d.LinksExpire, (kind == ResultReady || kind == PortabilityTransfer) && !d.ByPost)
	if d.ByPost {
		if !kind.PostKind() {
			c.add("ByPost", "is set, but a %s cannot go by post", kind)
		}
		c.text("Org.PostalAddress", d.Org.PostalAddress)
	}
	needReceived := kind == Receipt || kind == StaffCase || kind == DelayNotice
	c.date("Received", d.Received, needReceived)
	c.date("DueDate", d.DueDate, kind.StatesDueDate())
	c.date("PreviousDueDate", d.PreviousDueDate, kind == DelayNotice)
	c.date("ExpectedOn", d.ExpectedOn, kind == TermPassed)
	if kind == TermPassed && d.ExpectedOn.IsValid() && d.DueDate.IsValid() && !d.ExpectedOn.After(d.DueDate) {
		c.add("ExpectedOn", "must be after the missed DueDate (%s is not after %s)", d.ExpectedOn, d.DueDate)
	}
	if kind == DelayNotice && d.DueDate.IsValid() && d.PreviousDueDate.IsValid() && !d.DueDate.After(d.PreviousDueDate) {
		c.add("DueDate", "must be after PreviousDueDate (%s is not after %s)", d.DueDate, d.PreviousDueDate)
	}
	if kind == IDRequested && d.Reminder {
		c.date("AskedOn", d.AskedOn, true)
	} else if kind == IDRequested || kind == IDRejected {
		c.text("Reason", d.Reason)
	}
	if d.Reminder && kind != IDRequested {
		c.add("Reminder", "is set, but only an %s can remind", IDRequested)
	}
	if kind == Withdrawn && !d.WithdrawnVia.Told() {
		c.add("WithdrawnVia", "must say how the requester withdrew: email, letter, phone or counter (got %q)", d.WithdrawnVia)
	}
	if kind == DelayNotice {
		c.text("Explanation", d.Explanation)
	}
	if d.EscalationWeeks < 0 {
		c.add("EscalationWeeks", "must not be negative (got %d)", d.EscalationWeeks)
	}
	if r := d.Representative; r != nil && (kind.Audience() == ToRequester || kind.Audience() == ToStaff) {
		c.text("Representative.SubjectName", r.SubjectName)
		if !knownCapacity(r.Capacity) {
			c.add("Representative.Capacity", "is unknown (%q)", r.Capacity)
		}
	}

	switch kind {
	case StaffReminder:
		if d.Staff == nil {
			c.add("Staff", "is missing")
		} else if d.Staff.DaysLeft < 0 && d.Staff.IdentityAskedOn.IsZero() {
			c.add("Staff.DaysLeft", "is negative (%d): the due date has passed, send %s instead", d.Staff.DaysLeft, StaffOverdue)
		}
	case StaffOverdue:
		if d.Staff == nil {
			c.add("Staff", "is missing")
		} else if daysOverdue(d.Staff) < 1 {
			c.add("Staff.DaysOverdue", "must be at least 1 (got %d, DaysLeft %d)", d.Staff.DaysOverdue, d.Staff.DaysLeft)
		}
	case Decision:
		checkDecision(&c, d)
	case ThirdPartyConsultation:
		checkThirdParty(&c, d.ThirdParty)
	case SearchTask, SearchReminder, SearchOverdue, SearchCancelled, SearchReassigned, CarryOutTask:
		checkSearch(&c, kind, d.Search)
	case ApprovalRequest, ApprovalOverdue, DecisionReturned, ApprovalCancelled:
		checkApproval(&c, kind, d.Approval)
	case PortabilityTransfer:
		if d.RequestType != request.Portability {
			c.add("RequestType", "must be portability for a portability transfer (got %q)", d.RequestType)
		}
		if d.Transfer == nil {
			c.add("Transfer", "is missing")
		} else {
			c.text("Transfer.SubjectName", d.Transfer.SubjectName)
		}
	case CorrectionNotice:
		if d.Correction == nil {
			c.add("Correction", "is missing")
		} else {
			c.text("Correction.Summary", d.Correction.Summary)
			c.text("Correction.SubjectName", d.Correction.SubjectName)
			if d.ByPost { // the envelope names the organisation and its address
				c.text("Correction.Recipient", d.Correction.Recipient)
				c.text("Correction.RecipientAddress", d.Correction.RecipientAddress)
			}
		}
	}
	if len(c.problems) > 0 {
		return &DataError{Kind: kind, Problems: c.problems}
	}
	return nil
}

// checkLinks requires the kind's own link and refuses any link that is not an absolute http(s)
// URL: a relative or javascript: link in an e-mail is broken or dangerous.
func checkLinks(c *checker, kind Kind, d Data) {
	// A letter by post has no links: it says how to call, write or visit instead.
	if key, ok := requiredLinks[kind]; ok && d.Links[key] == "" && !(d.ByPost && kind.PostKind()) {
		c.add(fmt.Sprintf("Links[%q]", key), "is missing")
	}
	keys := make([]string, 0, len(d.Links))
	for k := range d.Links {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := d.Links[k]
		if v == "" {
			continue
		}
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || strings.ContainsAny(v, " \t\r\n") {
			c.add(fmt.Sprintf("Links[%q]", k), "is not an absolute http(s) URL")
		}
	}
}

func checkDecision(c *checker, d Data) {
	dec := d.Decision
	if dec == nil {
		c.add("Decision", "is missing")
		return
	}
	switch {
	case dec.Outcome == "":
		c.add("Decision.Outcome", "is missing")
	case !dec.Outcome.Valid():
		c.add("Decision.Outcome", "is unknown (%q)", dec.Outcome)
	}
	if dec.Outcome != request.Granted {
		c.text("Decision.Motivation", dec.Motivation)
	}
	switch {
	case dec.Ground != "" && !dec.Ground.Valid():
		c.add("Decision.Ground", "is unknown (%q)", dec.Ground)
	case dec.Ground != "" && d.RequestType.Valid() && !dec.Ground.Fits(d.RequestType):
		// A complaint restricts no right: its decision has no ground. Any other refusal names
		// the real reason, one that fits its type (docs/rules.md §5).
		c.add("Decision.Ground", "does not fit a %s (%q)", d.RequestType, dec.Ground)
	case dec.Ground == "" && dec.Outcome == request.Refused && d.RequestType != request.Complaint:
		c.add("Decision.Ground", "is missing: a refusal names its ground")
	}
	if dec.Ground == request.Accurate {
		c.text("Decision.Evidence", dec.Evidence)
	}
	switch {
	case dec.Fee != "" && (dec.FeeBasis != request.FeeExcessive && dec.FeeBasis != request.FeeFurtherCopy):
		c.add("Decision.FeeBasis", "must say why a fee may be charged: %s or %s (got %q)", request.FeeExcessive, request.FeeFurtherCopy, dec.FeeBasis)
	case dec.Fee != "" && (dec.Outcome == request.Refused || d.RequestType == request.Complaint):
		c.add("Decision.Fee", "is set on a refusal or a complaint, which cost nothing")
	}
	changed := dec.Outcome == request.Granted || dec.Outcome == request.PartlyGranted
	if changed && request.Corrects(d.RequestType) &&
		len(dec.Recipients) == 0 && strings.TrimSpace(dec.RecipientsNote) == "" && !dec.NoRecipients && len(dec.Unchanged) == 0 {
		c.add("Decision.Recipients", "is missing: name who was informed, or set RecipientsNote or NoRecipients (GDPR 19)")
	}
	for i, r := range dec.Recipients {
		if strings.TrimSpace(r) == "" {
			c.add(fmt.Sprintf("Decision.Recipients[%d]", i), "is empty")
		}
	}
}

func checkThirdParty(c *checker, tp *ThirdPartyInfo) {
	if tp == nil {
		c.add("ThirdParty", "is missing")
		return
	}
	if tp.StateTerm && tp.ObjectionDays <= 0 {
		c.add("ThirdParty.ObjectionDays", "must be positive when the term is stated (got %d)", tp.ObjectionDays)
	}
	c.date("ThirdParty.ObjectionDue", tp.ObjectionDue, tp.StateTerm)
}

// daysOverdue prefers the explicit count and falls back on a negative DaysLeft.
func daysOverdue(s *StaffInfo) int {
	if s.DaysOverdue > 0 {
		return s.DaysOverdue
	}
	return -s.DaysLeft
}

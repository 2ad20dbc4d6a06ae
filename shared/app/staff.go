package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/deadline"
	"github.com/privacyloket/privacyloket/shared/letter"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/request"
)

// DocumentTypes are the identity documents staff can record, as plain strings for pages.
//
// Deprecated: use request.DocumentTypes.
var DocumentTypes = request.Strings(request.DocumentTypes)

// NotAllowedError explains why an action was refused; it matches ErrNotAllowed.
type NotAllowedError struct{ Reason string }

func (e *NotAllowedError) Error() string        { return "not allowed: " + e.Reason }
func (e *NotAllowedError) Is(target error) bool { return target == ErrNotAllowed }

// StaffLink is a verified staff link as the use cases need it: the address it is personal to
// (linktoken.Claims.Subject) and the case's link generation it was made in (Claims.Generation).
type StaffLink struct {
	Holder     string
	Generation int
}

// LinkOf is the StaffLink of verified claims.
func LinkOf(c linktoken.Claims) StaffLink {
	return StaffLink{Holder: c.Subject, Generation: c.Generation}
}

// ErrLinkRevoked refuses a staff link whose holder is no longer on the staff list (profile or
// STAFF_EMAILS) nor the privacy officer, or that was made before the case's links were
// revoked. The handlers answer it like a token that does not verify (403).
var ErrLinkRevoked = errors.New("staff link revoked")

// mayHoldLink reports whether addr may use a staff link now: a staff address or the privacy
// officer. Taking an address off the list revokes every link it holds.
func (s *core) mayHoldLink(addr string) bool {
	addr = strings.ToLower(strings.TrimSpace(addr))
	if addr == "" {
		return false
	}
	if po := s.d.Profile.Organisation.PrivacyOfficerEmail; po != "" && strings.EqualFold(po, addr) {
		return true
	}
	for _, st := range s.staff {
		if strings.EqualFold(st, addr) {
			return true
		}
	}
	return false
}

// checkLink is the check of a staff link at the moment of use, against the case as it is.
func (s *core) checkLink(c *request.Case, by StaffLink) error {
	if !s.mayHoldLink(by.Holder) {
		return fmt.Errorf("%s: holder not on the staff list: %w", c.Reference, ErrLinkRevoked)
	}
	if !(linktoken.Claims{Generation: by.Generation}).Current(c.LinkGeneration) {
		return fmt.Errorf("%s: link from before revoke_links: %w", c.Reference, ErrLinkRevoked)
	}
	return nil
}

// StaffInput is one staff action with its fields.
type StaffInput struct {
	Action request.Action
	// verify_identity: how identity was established (docs/rules.md §2), the document seen for
	// in_person and id_copy, and, when a representative acts, that proof of their authority
	// was seen (docs/rules.md §1).
	Method                request.VerificationMethod
	DocumentType          request.DocumentType
	RepresentationChecked bool
	Reason                string
	Explanation           string
	// withdraw: how the requester told us they withdraw (e-mail, letter, phone, counter), and
	// an optional note. Only the requester withdraws (docs/rules.md §4).
	How, Note string
	// decide
	Outcome    request.Outcome
	Motivation string
	Ground     request.Ground
	// Evidence says which evidence would change a refusal on "accurate" (CJEU C-247/23).
	Evidence string
	// Fee (euros, "12,50") and FeeBasis (excessive, further_copy): a reasonable fee announced
	// in the decision, only where the profile charges one (docs/rules.md §4).
	Fee, FeeBasis  string
	Recipients     []string // rectification/erasure: e-mails of third parties to inform
	RecipientsNote string   // why informing them is impossible or disproportionate
	// RecipientAddresses are the e-mail addresses staff found for organisations the register
	// names without one: the organisation's name (nl or en) → where its notice goes. An address
	// confirms the organisation as a ticked box does (art19.go).
	RecipientAddresses map[string]string
	// NoRecipients: staff confirm the data went to no one, so no one had to be informed.
	NoRecipients bool
	// CorrectionSummary is what was actually corrected or erased, in the staff's words: the
	// only thing the recipients are told (required when there are recipients).
	CorrectionSummary string
	// AccessInfo is what staff add to the profile's GDPR 15(1) answers for this case.
	AccessInfo string
	ResultFile []byte // access and portability: the data, JSON or CSV
	// TransferConfirmed: for portability, staff confirmed the address of the organisation the
	// requester named, which then gets the download link (GDPR 20(2)).
	TransferConfirmed bool
	// consult_third_party: the e-mail address, or else the postal address for a letter by post
	ThirdPartyName, ThirdPartyEmail, ThirdPartyAddress string
	// third_party_done: the answer a third party gave by phone, letter or at the counter
	// (agree or object), and what they said.
	ThirdPartyAnswer, Comment string
	// add_search, waive_search (search_staff.go); waive_search's reason is Reason.
	Search SearchInput
	// assign: the staff address (or the privacy officer's) that handles the case from now;
	// note: the text of an internal note (team.go).
	AssignTo, NoteText string
}

// Validate names every missing or invalid field at once, for a case of type t.
func (in StaffInput) Validate(t request.Type) []request.FieldError {
	var errs []request.FieldError
	req := func(field, v string) {
		if strings.TrimSpace(v) == "" {
			errs = append(errs, request.FieldError{Field: field, Code: "required"})
		} else if len(v) > 5000 {
			errs = append(errs, request.FieldError{Field: field, Code: "too_long"})
		}
	}
	switch in.Action {
	case request.ActVerifyIdentity:
		m := request.VerificationMethod(in.Method)
		switch {
		case in.Method == "":
			errs = append(errs, request.FieldError{Field: "method", Code: "required"})
		case !m.Valid():
			errs = append(errs, request.FieldError{Field: "method", Code: "invalid"})
		}
		switch {
		case m == request.VerifyKnownData && in.DocumentType != "":
			// Nothing was shown: recording a document would claim a check that did not happen.
			errs = append(errs, request.FieldError{Field: "documentType", Code: "invalid"})
		case (m == request.VerifyInPerson || m == request.VerifyIDCopy) && in.DocumentType == "":
			errs = append(errs, request.FieldError{Field: "documentType", Code: "required"})
		case in.DocumentType != "" && !request.DocumentType(in.DocumentType).Valid():
			errs = append(errs, request.FieldError{Field: "documentType", Code: "invalid"})
		}
	case request.ActRejectIdentity, request.ActRequestIdentity:
		req("reason", in.Reason)
	case request.ActWithdraw:
		switch how := request.Channel(in.How); {
		case in.How == "":
			errs = append(errs, request.FieldError{Field: "how", Code: "required"})
		case !how.Told():
			errs = append(errs, request.FieldError{Field: "how", Code: "invalid"})
		}
		if len(in.Note) > 5000 {
			errs = append(errs, request.FieldError{Field: "note", Code: "too_long"})
		}
	case request.ActExtend:
		req("explanation", in.Explanation)
	case request.ActDecide:
		errs = append(errs, in.validateDecision(t)...)
	case request.ActRevokeLinks:
	case request.ActConsult:
		// Neighbours in a nuisance file rarely have a known e-mail address: a postal address
		// will do, and the consultation goes by post (docs/rules.md §4).
		req("thirdPartyName", in.ThirdPartyName)
		switch {
		case in.ThirdPartyEmail != "" && !validEmail(in.ThirdPartyEmail):
			errs = append(errs, request.FieldError{Field: "thirdPartyEmail", Code: "email"})
		case in.ThirdPartyEmail == "" && strings.TrimSpace(in.ThirdPartyAddress) == "":
			errs = append(errs, request.FieldError{Field: "thirdPartyEmail", Code: "email_or_address"})
		}
		if len(in.ThirdPartyAddress) > 500 {
			errs = append(errs, request.FieldError{Field: "thirdPartyAddress", Code: "too_long"})
		}
	case request.ActThirdPartyDone:
		// A consulted third party answered by phone, by letter or at the counter: staff record it.
		if a := request.ThirdPartyAnswer(in.ThirdPartyAnswer); a != request.ThirdPartyAgrees && a != request.ThirdPartyObjects {
			errs = append(errs, request.FieldError{Field: "answer", Code: "required"})
		}
		if len(in.Comment) > 5000 {
			errs = append(errs, request.FieldError{Field: "comment", Code: "too_long"})
		}
	default:
		errs = append(errs, request.FieldError{Field: "action", Code: "invalid"})
	}
	return errs
}

// validateFor adds the checks that depend on the case itself: a representative's authority,
// the profile's rule that every correction is motivated, and a decision that must limit the
// answer because third parties' data is masked.
func (s *Casework) validateFor(c *request.Case, in StaffInput) []request.FieldError {
	errs := searchesRelax(c, in.Validate(c.Type))
	add := func(f, code string) {
		for _, e := range errs {
			if e.Field == f {
				return
			}
		}
		errs = append(errs, request.FieldError{Field: f, Code: code})
	}
	switch in.Action {
	case request.ActVerifyIdentity:
		if c.Representative != nil && !in.RepresentationChecked {
			add("representationChecked", "representation")
		}
	case request.ActDecide:
		if s.motivationRequired(c) && strings.TrimSpace(in.Motivation) == "" {
			add("motivation", "required")
		}
		for _, e := range append(s.validateFee(c, in), s.validateRecipients(c, in)...) {
			add(e.Field, e.Code)
		}
		if request.Ground(in.Ground) == request.RepresentationNotProven && c.Representative == nil {
			add("ground", "ground_no_representative")
		}
		if c.Type == request.Access && thirdPartyMasked(c) && request.Outcome(in.Outcome) == request.Granted {
			// Masked data is not disclosed: the answer is a partial grant (GDPR 15(4)).
			add("outcome", "third_party_masked")
		}
	}
	return errs
}

// thirdPartyMasked reports whether a consulted third party's data is (or, deciding now, will
// be) masked: they objected, did not answer in time, or have not answered yet.
func thirdPartyMasked(c *request.Case) bool {
	tp := c.ThirdParty
	return tp != nil && (tp.Mask || tp.Answer == request.ThirdPartyPending)
}

// StaffAct applies one staff action to a case in one transaction, with the letters it causes
// and an audit event naming the staff member who holds the link by. Two staff acting at once
// cannot both win: the transaction reads the case and the loser sees the new status. A link
// that no longer works (checkLink) is refused with ErrLinkRevoked before anything else, and
// invalid fields with a *ValidationError; both return no case.
//
// The checks run on the case the transaction reads, so an action costs one read of the case.
// Only a decision with an access result reads the case before: the package is built from it
// and stored outside the transaction (it can exceed a transaction's size).
func (s *Casework) StaffAct(ctx context.Context, ref string, by StaffLink, in StaffInput) (*request.Case, error) {
	if searchAction(in.Action) {
		return s.searchAct(ctx, ref, by, in)
	}
	if teamAction(in.Action) {
		return s.teamAct(ctx, ref, by, in)
	}
	staff := by.Holder
	now := s.d.Clock()
	prep, err := s.prepareSearches(ctx, ref, in)
	if err != nil {
		return nil, err
	}
	var pre *prepared
	if in.Action == request.ActDecide {
		pre = &prepared{}
		if len(in.ResultFile) > 0 || s.buildsFromSearches(in) {
			cur, events, letters, err := s.caseParts(ctx, ref)
			if err != nil {
				return nil, err
			}
			if err := s.checkLink(cur, by); err != nil {
				return nil, err
			}
			if errs := s.validateFor(cur, in); len(errs) > 0 {
				return nil, &ValidationError{Fields: errs}
			}
			if pre, err = s.prepareDecision(ctx, cur, events, letters, in, now); err != nil {
				return nil, err
			}
		}
	}
	// refused is a refusal of the link or the fields, found before anything changed.
	var refused error
	var letters []*outbox.Letter
	var dropKey string // the package of a draft that extend or withdraw cancelled
	c, err := s.update(ctx, ref, func(c *request.Case) (Change, error) {
		letters, refused, dropKey = nil, nil, ""
		if err := s.checkLink(c, by); err != nil {
			refused = err
			return Change{}, err
		}
		if errs := s.validateFor(c, in); len(errs) > 0 {
			refused = &ValidationError{Fields: errs}
			return Change{}, refused
		}
		next, err := s.allowed(c, in.Action, now)
		if err != nil {
			return Change{}, err
		}
		if err := decideAllowed(c, in); err != nil {
			return Change{}, err
		}
		if err := searchesAllow(c, in); err != nil {
			return Change{}, err
		}
		if err := searchesUnchanged(c, pre); err != nil {
			return Change{}, err
		}
		ch := Change{}
		drafted := false
		if c.Status == request.AwaitingApproval && (in.Action == request.ActExtend || in.Action == request.ActWithdraw) {
			// Until approval no decision exists: extend and withdraw cancel the draft.
			author, draft := "", c.Approval
			if draft != nil {
				author = draft.Draft.DecidedBy
			}
			dropKey = cancelDraft(c)
			letters = append(letters, s.draftCancelled(c, draft, now)...)
			if in.Action == request.ActExtend {
				next = c.Status
			}
			ch.Events = append(ch.Events, request.Event{At: now, Actor: staff, Action: ActDraftCancelled, Detail: author})
		}
		_, to := c.Recipient()
		detail, action := "", in.Action
		switch in.Action {
		case request.ActVerifyIdentity:
			s.endSuspension(c, now)
			// Only a case whose requester sent or was asked for a copy can have one stored
			// (an upload is stored before its case update, so "asked" counts): only then does
			// the store look for it.
			ch.DeleteIDCopy = c.Identity.CopyHeld || c.Identity.CopyRequired
			copyDeleted := c.Identity.CopyHeld
			c.Identity = request.Identity{CopyRequired: c.Identity.CopyRequired, AskedAt: c.Identity.AskedAt, CheckedBy: staff, CheckedAt: now,
				Method: request.VerificationMethod(in.Method), DocumentType: request.DocumentType(in.DocumentType),
				RepresentationChecked: in.RepresentationChecked, Outcome: request.IdentityVerified}
			// The clock runs again (or never stood still): the requester learns the due date.
			l := s.newLetter(c, letter.IdentityConfirmed, to, now.Format(time.RFC3339Nano), now)
			l.DueDate = c.DueDate
			l.Data.ClockSuspended = c.SuspendedDays > 0 // the date moved by the days the clock stood still
			l.Data.CopyDeleted = copyDeleted
			s.addLink(l, "status", "RequestStatus", linktoken.Status, "", "", now, s.d.Profile.Links.RequesterDays)
			letters = append(letters, l)
			detail = strings.TrimSpace(string(in.Method) + " " + string(in.DocumentType))
		case request.ActRejectIdentity:
			c.Identity.CopyHeld, c.Identity.CopyUploaded, c.Identity.CopyKind = false, time.Time{}, ""
			c.Identity.CheckedBy, c.Identity.CheckedAt, c.Identity.Outcome, c.Identity.DocumentType = staff, now, request.IdentityRejected, ""
			c.Identity.AskedAt = now
			ch.DeleteIDCopy = true
			l := s.newLetter(c, letter.IDRejected, to, now.Format(time.RFC3339Nano), now)
			l.Data.Reason = in.Reason
			s.identityClock(l, c, s.startSuspension(c, now))
			s.addLink(l, "upload", "UploadID", linktoken.Upload, "", "", now, s.d.Profile.Links.RequesterDays)
			letters = append(letters, l)
			detail = in.Reason
		case request.ActRequestIdentity:
			c.Identity.CopyRequired, c.Identity.AskedAt = true, now
			l := s.newLetter(c, letter.IDRequested, to, now.Format(time.RFC3339Nano), now)
			l.Data.Reason = in.Reason
			s.identityClock(l, c, s.startSuspension(c, now))
			s.addLink(l, "upload", "UploadID", linktoken.Upload, "", "", now, s.d.Profile.Links.RequesterDays)
			letters = append(letters, l)
			detail = in.Reason
		case request.ActExtend:
			newDue, err := s.d.Calendar.ExtendedDue(s.d.Profile, c.Type, c.Received, c.SuspendedDays)
			if err != nil {
				return Change{}, fmt.Errorf("extended due date: %w", err)
			}
			l := s.newLetter(c, letter.DelayNotice, to, "", now)
			l.Data.PreviousDueDate, l.Data.DueDate, l.Data.Explanation = c.DueDate, newDue, in.Explanation
			l.DueDate = newDue
			letters = append(letters, l)
			c.DueDate, c.Extended = newDue, true
			detail = in.Explanation
		case request.ActWithdraw:
			// The requester withdrew: the case closes without a decision, and they get a
			// letter saying so. Every other ending is a decision with a ground.
			c.ClosedAt = now
			c.Identity.CopyHeld = false
			c.Identity.RequestedAt = time.Time{}
			ch.DeleteIDCopy = true
			l := s.newLetter(c, letter.Withdrawn, to, "", now)
			l.Data.WithdrawnVia = request.Channel(in.How)
			letters = append(letters, l)
			detail = strings.TrimSpace(in.How + " " + strings.TrimSpace(in.Note))
		case request.ActDecide:
			if s.needsApproval(in) {
				// Four eyes: no letter to the requester, no decision yet (approval.go).
				letters = append(letters, s.draftDecision(c, staff, in, pre, now)...)
				next, action, drafted = request.AwaitingApproval, ActDecisionDrafted, true
				detail = string(in.Outcome) + " (" + string(in.Ground) + "): " + strings.TrimSpace(in.Motivation)
				break
			}
			letters = append(letters, s.decide(c, staff, in, pre, now)...)
			ch.DeleteIDCopy = c.Identity.CopyHeld
			c.Identity.CopyHeld = false
			detail = string(in.Outcome)
			if in.Ground != "" {
				detail += " (" + string(in.Ground) + ")"
			}
		case request.ActConsult:
			letters = append(letters, s.consult(c, in, now))
			detail = "third party consulted until " + c.ThirdParty.ObjectionDue.String()
		case request.ActThirdPartyDone:
			tp := c.ThirdParty
			tp.Answer, tp.Comment, tp.AnsweredAt = request.ThirdPartyAnswer(in.ThirdPartyAnswer), strings.TrimSpace(in.Comment), now
			tp.Mask = tp.Answer == request.ThirdPartyObjects
			action = request.Action("third_party_" + in.ThirdPartyAnswer) // as when the third party answers by link
		case request.ActRevokeLinks:
			// Every staff link made before now carries a lower generation and stops working;
			// letters from now on carry the new one.
			c.LinkGeneration++
		}
		if !drafted {
			letters = s.searchesOn(c, in, prep, letters, now)
		}
		c.Status, c.UpdatedAt = next, now
		c.NextActionAt = s.nextAction(c, now)
		ch.Letters = letters
		ch.Events = append(ch.Events, request.Event{At: now, Actor: staff, Action: action, Detail: detail})
		return ch, nil
	})
	if err != nil {
		if pre != nil && pre.stored {
			if derr := s.d.Blobs.DeleteAccessPackage(ctx, ref, pre.key); derr != nil {
				s.d.Logger.ErrorContext(ctx, "remove orphan access result failed", "reference", ref, "error", derr)
			}
		}
		if refused != nil {
			return nil, err
		}
		return c, err
	}
	s.d.Logger.InfoContext(ctx, "staff action", "reference", ref, "action", string(in.Action), "status", string(c.Status))
	s.dropPackage(ctx, ref, dropKey)
	s.publish(ctx, letters)
	s.markIntroduced(ctx, letters, now)
	s.dropExtracts(ctx, c)
	return c, nil
}

// decideAllowed narrows decide by the case's status (docs/contract.md §3): from awaiting_identity
// only as a refusal on identity_not_established or representation_not_proven, and only after
// the requester was asked. A refusal on identity_not_established needs the question anywhere:
// a case never ends on identity without the requester having been asked.
//
// A decision that discloses or changes something (anything but a refusal, on any type but a
// complaint) needs identity verified first (docs/rules.md §2).
func decideAllowed(c *request.Case, in StaffInput) error {
	if in.Action != request.ActDecide {
		return nil
	}
	ground := request.Ground(in.Ground)
	if ground == request.IdentityNotEstablished && (c.Identity.Outcome == request.IdentityVerified || !askedForIdentity(c)) {
		return &NotAllowedError{Reason: "identity_not_asked"}
	}
	if c.Status != request.AwaitingIdentity {
		if c.Type != request.Complaint && request.Outcome(in.Outcome) != request.Refused && c.Identity.Outcome != request.IdentityVerified {
			return &NotAllowedError{Reason: "identity_unverified"}
		}
		return nil
	}
	if !askedForIdentity(c) {
		return &NotAllowedError{Reason: "identity_not_asked"}
	}
	if request.Outcome(in.Outcome) != request.Refused || (ground != request.IdentityNotEstablished && ground != request.RepresentationNotProven) {
		return &NotAllowedError{Reason: "identity_pending"}
	}
	return nil
}

// askedForIdentity reports whether the requester was asked for proof of identity and has not
// sent it: only then may the request be refused because identity was not established.
func askedForIdentity(c *request.Case) bool {
	return (!c.Identity.AskedAt.IsZero() || !c.Identity.RequestedAt.IsZero()) && !c.Identity.CopyHeld
}

// startSuspension stops the clock while the controller waits for identification, where the
// profile says so (EDPB 01/2022 §159), and only as docs/rules.md §2 allows: once per case, for
// proof asked without undue delay (within identity.askWithinWorkingDays working days of
// receipt), never for a complaint, which needs no identity check. A clock already stopped
// keeps its start. An extended case may stand still too: CaseDue moves its extended date by
// the suspended days. It reports whether the clock stands still now.
func (s *core) startSuspension(c *request.Case, now time.Time) bool {
	if !c.Identity.RequestedAt.IsZero() {
		return true
	}
	if !s.d.Profile.Identity.SuspendClock || c.Type == request.Complaint || c.ClockStopped ||
		deadline.DateIn(now).After(s.askWithin(c.Received)) {
		return false
	}
	c.Identity.RequestedAt, c.ClockStopped = now, true
	return true
}

// askWithin is the last day on which asking for proof of identity stops the clock of a case
// received on received: identity.askWithinWorkingDays working days later (default 5), counted
// on the undisputed holidays only, so that the window is never longer than the law allows.
func (s *core) askWithin(received civil.Date) civil.Date {
	n := s.d.Profile.Identity.AskWithinWorkingDays
	if n <= 0 {
		n = 5
	}
	d := received
	for ; n > 0; n-- {
		d = d.AddDays(1)
		for !s.d.Calendar.IsGDPRWorkingDay(d) {
			d = d.AddDays(1)
		}
	}
	return d
}

// identityClock says in a letter that asks for proof of identity whether the clock stands
// still; when it runs on, the letter states the due date, unchanged (docs/rules.md §2).
func (s *core) identityClock(l *outbox.Letter, c *request.Case, suspended bool) {
	l.Data.ClockSuspended = suspended
	if !suspended {
		l.Data.DueDate, l.DueDate = c.DueDate, c.DueDate
	}
}

// endSuspension restarts the clock: the whole days it stood still are added at the end of the
// term, and an extension is kept (docs/rules.md §3).
func (s *core) endSuspension(c *request.Case, now time.Time) {
	if c.Identity.RequestedAt.IsZero() {
		return
	}
	days := int(deadline.DateIn(now).DaysSince(deadline.DateIn(c.Identity.RequestedAt)))
	c.Identity.RequestedAt = time.Time{}
	if days <= 0 {
		return
	}
	c.SuspendedDays += days
	if due, err := s.d.Calendar.CaseDue(s.d.Profile, c.Type, c.Received, c.SuspendedDays, c.Extended); err == nil {
		c.DueDate = due
	}
}

// UploadIdentity checks an ID copy that client cl sent through an upload link (idcheck: a
// refusal is an *idcheck.Rejection), stores it sealed and ends a clock suspension. A missing
// file is a *ValidationError naming idDocument. The case's state is checked before the file is
// opened: a case that takes no upload is a *NotAllowedError "no_upload" and nothing is
// inspected. The inspection counts against cl's per-IP limit (core.inspect).
func (s *Intake) UploadIdentity(ctx context.Context, ref string, cl Client, upload []byte) (*request.Case, error) {
	if s.d.Sealer == nil {
		return nil, errors.New("app: UploadIdentity needs a Sealer")
	}
	if upload == nil {
		return nil, &ValidationError{Fields: []request.FieldError{{Field: "idDocument", Code: "required"}}}
	}
	cur, err := s.d.Cases.Case(ctx, ref)
	if err != nil {
		return nil, err
	}
	if !uploadAllowed(cur) {
		return cur, &NotAllowedError{Reason: "no_upload"}
	}
	doc, err := s.inspect(ctx, cl, upload)
	if err != nil {
		return nil, fmt.Errorf("ID copy for %s: %w", ref, err)
	}
	if err := s.storeCopy(ctx, ref, doc); err != nil {
		return nil, err
	}
	now := s.d.Clock()
	c, err := s.update(ctx, ref, func(c *request.Case) (Change, error) {
		if !uploadAllowed(c) {
			return Change{}, &NotAllowedError{Reason: "no_upload"}
		}
		s.endSuspension(c, now)
		c.Identity.CopyHeld, c.Identity.CopyUploaded, c.Identity.CopyRequired, c.Identity.CopyKind = true, now, true, string(doc.Kind)
		c.Identity.CheckedBy, c.Identity.CheckedAt, c.Identity.Outcome = "", time.Time{}, ""
		c.UpdatedAt = now
		c.NextActionAt = s.nextAction(c, now)
		return Change{Events: []request.Event{{At: now, Actor: "requester", Action: "id_uploaded", Detail: string(doc.Kind)}}}, nil
	})
	if err != nil {
		if derr := s.d.Blobs.DeleteIDCopy(ctx, ref); derr != nil {
			s.d.Logger.ErrorContext(ctx, "remove orphan ID copy failed", "reference", ref, "error", derr)
		}
		return c, err
	}
	s.d.Logger.InfoContext(ctx, "ID copy uploaded", "reference", ref)
	return c, nil
}

// IDCopy returns the decrypted ID copy of a case for the staff member holding link by, and
// records the view in the case's timeline (who, when) before handing it out. A finished case
// shows no copy (*NotAllowedError "finished").
func (s *Casework) IDCopy(ctx context.Context, ref string, by StaffLink) ([]byte, string, error) {
	if s.d.Sealer == nil {
		return nil, "", errors.New("app: IDCopy needs a Sealer")
	}
	check := func(c *request.Case) error {
		if err := s.checkLink(c, by); err != nil {
			return err
		}
		if c.Status.Finished() {
			return &NotAllowedError{Reason: "finished"}
		}
		return nil
	}
	cur, err := s.d.Cases.Case(ctx, ref)
	if err != nil {
		return nil, "", err
	}
	if err := check(cur); err != nil {
		return nil, "", err
	}
	sealed, kind, err := s.d.Blobs.IDCopy(ctx, ref)
	if err != nil {
		return nil, "", err
	}
	plain, err := s.d.Sealer.Open(ref, sealed)
	if err != nil {
		return nil, "", fmt.Errorf("open ID copy of %s: %w", ref, err)
	}
	now := s.d.Clock()
	if _, err := s.update(ctx, ref, func(c *request.Case) (Change, error) {
		if err := check(c); err != nil {
			return Change{}, err
		}
		return Change{Events: []request.Event{{At: now, Actor: by.Holder, Action: "id_copy_viewed"}}}, nil
	}); err != nil {
		return nil, "", err
	}
	return plain, kind, nil
}

// motivationRequired reports whether the profile asks a motivation for every decision on c,
// granted included: rectification and erasure under MotivateCorrections.
func (s *core) motivationRequired(c *request.Case) bool {
	correcting := c.Type == request.Rectification || c.Type == request.Erasure
	return correcting && s.d.Profile.Decisions.MotivateCorrections
}

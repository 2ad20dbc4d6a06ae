package app

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/privacyloket/privacyloket/shared/deadline"
	"github.com/privacyloket/privacyloket/shared/letter"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/request"
)

// Four eyes (docs/rules.md §8, docs/contract.md §3): a decision the profile's approval names is
// drafted, not taken. It waits in awaiting_approval until a second staff member approves it
// (the letters go as drafted) or returns it with a comment; until then no decision exists.

// Audit actions of four eyes.
const (
	ActDecisionDrafted  = request.ActDecisionDrafted
	ActDecisionApproved = request.ActDecisionApproved
	ActDecisionReturned = request.ActDecisionReturned
	ActDraftCancelled   = request.ActDraftCancelled
)

// WaitingOnApprover: a drafted decision waits for a second staff member.
const WaitingOnApprover = "approver"

// Verdicts of an approver.
const (
	VerdictApprove = "approve"
	VerdictReturn  = "return"
)

// ErrOwnDecision refuses an approver's verdict on a decision they drafted themselves (403).
var ErrOwnDecision = errors.New("nobody approves their own decision")

// ApproverLink is a verified approval link: its holder, the case's link generation it was made
// in, and the draft it is for (linktoken.Claims.Scope).
type ApproverLink struct {
	Holder     string
	Generation int
	Draft      string
}

// ApproverLinkOf is the ApproverLink of verified claims.
func ApproverLinkOf(c linktoken.Claims) ApproverLink {
	return ApproverLink{Holder: c.Subject, Generation: c.Generation, Draft: c.Scope}
}

// Approvers are who may approve a drafted decision: the profile's approval.approvers, or the
// staff list and the privacy officer; each once.
func (s *core) Approvers() []string {
	list := s.d.Profile.Approval.Approvers
	if len(list) == 0 {
		return s.deskHolders()
	}
	var out []string
	seen := map[string]bool{}
	for _, a := range list {
		if k := strings.ToLower(strings.TrimSpace(a)); k != "" && !seen[k] {
			seen[k] = true
			out = append(out, a)
		}
	}
	return out
}

// approver is addr as the approvers' list spells it; "" when addr may not approve (now).
func (s *Team) approver(addr string) string {
	for _, a := range s.Approvers() {
		if strings.EqualFold(a, strings.TrimSpace(addr)) {
			return a
		}
	}
	return ""
}

// draftScope names one draft: a link for an earlier draft of the same case does not open it.
func draftScope(a *request.Approval) string { return strconv.FormatInt(a.DraftedAt.UnixMilli(), 10) }

// needsApproval reports whether decide in on c waits for approval.
func (s *Casework) needsApproval(in StaffInput) bool {
	return in.Action == request.ActDecide && s.d.Profile.Approval.NeedsApproval(in.Outcome, in.Ground)
}

// draftDecision records decision in on c as a draft by staff and returns the approval_request
// letters to every approver but staff. The access package the decision would send (pre) is
// kept under its own key until the verdict.
func (s *Casework) draftDecision(c *request.Case, staff string, in StaffInput, pre *prepared, now time.Time) []*outbox.Letter {
	d := request.Decision{Outcome: in.Outcome, Motivation: strings.TrimSpace(in.Motivation), Ground: in.Ground,
		Evidence: strings.TrimSpace(in.Evidence), Fee: in.Fee, FeeBasis: request.FeeBasis(in.FeeBasis),
		Recipients: in.recipientEntries(), RecipientsNote: strings.TrimSpace(in.RecipientsNote), NoRecipients: in.NoRecipients,
		CorrectionSummary: strings.TrimSpace(in.CorrectionSummary), AccessInfo: strings.TrimSpace(in.AccessInfo),
		DecidedBy: staff, DecidedAt: now}
	a := &request.Approval{Draft: d, From: c.Status, DraftedAt: now, TransferConfirmed: in.TransferConfirmed}
	if pre != nil && pre.stored {
		a.ResultKey, a.ResultSize, a.ResultExpires, a.ResultExtracts = pre.key, pre.size, pre.expires, pre.extracts
	}
	c.Approval = a
	var out []*outbox.Letter
	for _, ap := range s.Approvers() {
		if !strings.EqualFold(ap, staff) {
			out = append(out, s.approvalLetter(c, letter.ApprovalRequest, ap, now))
		}
	}
	return out
}

// approvalLetter is a letter of four eyes to approver to, with their personal approval link.
func (s *core) approvalLetter(c *request.Case, kind letter.Kind, to string, now time.Time) *outbox.Letter {
	a := c.Approval
	l := s.newLetter(c, kind, to, draftScope(a), now)
	l.Lang, l.DueDate, l.Data.RecipientName, l.Data.Representative = "nl", c.DueDate, "", nil
	l.Data.Org = s.orgIn("nl")
	l.Data.Staff = &letter.StaffInfo{SubjectName: c.Subject.Name, Status: request.AwaitingApproval, Extended: c.Extended,
		DaysLeft: int(c.DueDate.DaysSince(deadline.DateIn(now)))}
	l.Data.Approval = &letter.ApprovalInfo{DraftedBy: a.Draft.DecidedBy, Outcome: a.Draft.Outcome, Ground: a.Draft.Ground}
	s.addLink(l, letter.LinkApprove, "ApproveDecision", linktoken.Approve, to, draftScope(a), now, s.StaffCaseLinkDays(c.DueDate, now))
	l.Links[len(l.Links)-1].Claims.Generation = c.LinkGeneration // revoke_links stops it
	return l
}

// draftInput is the decide action a draft records, to be taken as drafted.
func draftInput(a *request.Approval) StaffInput {
	d := a.Draft
	return StaffInput{Action: request.ActDecide, Outcome: d.Outcome, Motivation: d.Motivation, Ground: d.Ground, Evidence: d.Evidence,
		Fee: d.Fee, FeeBasis: string(d.FeeBasis), Recipients: d.Recipients, RecipientsNote: d.RecipientsNote, NoRecipients: d.NoRecipients,
		CorrectionSummary: d.CorrectionSummary, AccessInfo: d.AccessInfo, TransferConfirmed: a.TransferConfirmed}
}

// draftPrepared is the access package a draft built, as decide takes it.
func draftPrepared(a *request.Approval) *prepared {
	return &prepared{stored: a.ResultKey != "", key: a.ResultKey, size: a.ResultSize, expires: a.ResultExpires, extracts: a.ResultExtracts}
}

// cancelDraft drops c's draft when extend or withdraw comes first (docs/contract.md §3): the
// case is back in the status it was drafted in. It returns the dropped draft's package key.
func cancelDraft(c *request.Case) (resultKey string) {
	a := c.Approval
	if a == nil {
		return ""
	}
	c.Status, c.Approval = returnTo(c, a), nil
	return a.ResultKey
}

// draftCancelled are the approval_cancelled letters of a cancelled draft a: to every approver
// but its author, whose approval links no longer work (docs/contract.md §3 "approvers are told").
func (s *Casework) draftCancelled(c *request.Case, a *request.Approval, now time.Time) []*outbox.Letter {
	if a == nil {
		return nil
	}
	var out []*outbox.Letter
	for _, to := range s.Approvers() {
		if strings.EqualFold(to, a.Draft.DecidedBy) {
			continue
		}
		l := s.staffLetter(c, letter.ApprovalCancelled, to, draftScope(a), now)
		l.Data.Approval = &letter.ApprovalInfo{DraftedBy: a.Draft.DecidedBy, Outcome: a.Draft.Outcome, Ground: a.Draft.Ground}
		out = append(out, l)
	}
	return out
}

// returnTo is the status a case goes back to when its draft is returned or cancelled: the one
// it was drafted in, unless a consulted third party answered meanwhile.
func returnTo(c *request.Case, a *request.Approval) request.Status {
	if a.From == request.AwaitingThirdParty && c.ThirdParty != nil && c.ThirdParty.Answer != request.ThirdPartyPending {
		return request.InProgress
	}
	return a.From
}

// Verdict is an approver's answer to a drafted decision.
type Verdict struct {
	Verdict string // approve or return
	Comment string // required to return
}

func (v Verdict) validate() []request.FieldError {
	var errs []request.FieldError
	switch v.Verdict {
	case VerdictApprove:
	case VerdictReturn:
		if c := strings.TrimSpace(v.Comment); c == "" {
			errs = append(errs, request.FieldError{Field: "comment", Code: "required"})
		}
	case "":
		errs = append(errs, request.FieldError{Field: "verdict", Code: "required"})
	default:
		errs = append(errs, request.FieldError{Field: "verdict", Code: "invalid"})
	}
	if len(v.Comment) > 5000 {
		errs = append(errs, request.FieldError{Field: "comment", Code: "too_long"})
	}
	return errs
}

// checkApprover is the check of an approval link at the moment of use: its holder still
// approves, the case's links were not revoked since, and it is for the draft that waits. A
// link whose draft was judged or cancelled answers 409; the author's own link 403.
func (s *Team) checkApprover(c *request.Case, by ApproverLink) error {
	if s.approver(by.Holder) == "" {
		return fmt.Errorf("%s: holder not an approver: %w", c.Reference, ErrLinkRevoked)
	}
	if !(linktoken.Claims{Generation: by.Generation}).Current(c.LinkGeneration) {
		return fmt.Errorf("%s: link from before revoke_links: %w", c.Reference, ErrLinkRevoked)
	}
	if c.Status != request.AwaitingApproval || c.Approval == nil || draftScope(c.Approval) != by.Draft {
		return &NotAllowedError{Reason: "already_judged"}
	}
	if strings.EqualFold(c.Approval.Draft.DecidedBy, by.Holder) {
		return fmt.Errorf("%s: %w", c.Reference, ErrOwnDecision)
	}
	return nil
}

// Judge applies an approver's verdict in one transaction: approve takes the decision as drafted
// (its letters go now, the moment of approval is the moment of decision); return puts the case
// back in the status it was drafted in, keeps the draft in the timeline with the comment, and
// tells its author. Two approvers at once: one wins, the other gets 409 already_judged.
func (s *Team) Judge(ctx context.Context, ref string, by ApproverLink, v Verdict) (*request.Case, error) {
	if errs := v.validate(); len(errs) > 0 {
		return nil, &ValidationError{Fields: errs}
	}
	now := s.d.Clock()
	var letters []*outbox.Letter
	var dropKey string
	c, err := s.update(ctx, ref, func(c *request.Case) (Change, error) {
		letters, dropKey = nil, ""
		if err := s.checkApprover(c, by); err != nil {
			return Change{}, err
		}
		a := c.Approval
		author, approver := a.Draft.DecidedBy, s.approver(by.Holder)
		ch := Change{}
		switch v.Verdict {
		case VerdictApprove:
			in := draftInput(a)
			c.Status, c.Approval = a.From, nil
			letters = s.decide(c, author, in, draftPrepared(a), now)
			ch.DeleteIDCopy = c.Identity.CopyHeld
			c.Identity.CopyHeld = false
			letters = s.searchesOn(c, in, nil, letters, now)
			c.Status = request.Decided
			detail := string(in.Outcome)
			if in.Ground != "" {
				detail += " (" + string(in.Ground) + ")"
			}
			ch.Events = []request.Event{
				{At: now, Actor: approver, Action: ActDecisionApproved, Detail: author},
				{At: now, Actor: author, Action: request.ActDecide, Detail: detail},
			}
		case VerdictReturn:
			comment := strings.TrimSpace(v.Comment)
			c.Status, c.Approval = returnTo(c, a), nil
			dropKey = a.ResultKey
			l := s.staffLetter(c, letter.DecisionReturned, author, draftScope(a), now)
			l.Data.Approval = &letter.ApprovalInfo{DraftedBy: author, Outcome: a.Draft.Outcome, Ground: a.Draft.Ground, ReturnedBy: approver, Comment: comment}
			letters = []*outbox.Letter{l}
			ch.Events = []request.Event{{At: now, Actor: approver, Action: ActDecisionReturned,
				Detail: fmt.Sprintf("%s, %s: %s", author, a.DraftedAt.UTC().Format(time.RFC3339), comment)}}
		}
		c.UpdatedAt = now
		c.NextActionAt = s.nextAction(c, now)
		ch.Letters = letters
		return ch, nil
	})
	if err != nil {
		return c, err
	}
	s.d.Logger.InfoContext(ctx, "decision judged", "reference", ref, "verdict", v.Verdict, "status", string(c.Status))
	s.dropPackage(ctx, ref, dropKey)
	s.publish(ctx, letters)
	s.markIntroduced(ctx, letters, now)
	s.dropExtracts(ctx, c)
	return c, nil
}

// approvalOverdueAt is when a draft still waiting is escalated: the morning of the case's
// internal target date, or the working morning after it was drafted when that came later.
func (s *core) approvalOverdueAt(c *request.Case) time.Time {
	d := s.InternalDate(c)
	if !s.d.Calendar.IsWorkingDay(d) {
		d = s.d.Calendar.PrevWorkingDay(d)
	}
	m := at(d)
	if drafted := c.Approval.DraftedAt; m.Before(drafted) {
		m = at(s.d.Calendar.NextWorkingDay(deadline.DateIn(drafted)))
	}
	return m
}

// approvalOverdue are the approval_overdue letters of c's draft: to every approver but its
// author, and the privacy officer.
func (s *Sweep) approvalOverdue(c *request.Case, now time.Time) []*outbox.Letter {
	a := c.Approval
	if a == nil {
		return nil
	}
	var out []*outbox.Letter
	seen := map[string]bool{strings.ToLower(a.Draft.DecidedBy): true}
	for _, to := range append(s.Approvers(), s.d.Profile.Organisation.PrivacyOfficerEmail) {
		if k := strings.ToLower(to); k != "" && !seen[k] {
			seen[k] = true
			out = append(out, s.approvalLetter(c, letter.ApprovalOverdue, to, now))
		}
	}
	return out
}

// uploadAllowed reports whether c takes an ID copy now: while it awaits identity, also when a
// decision drafted then waits for approval (the requester's answer is recorded and shown to
// the approver, docs/contract.md §3).
func uploadAllowed(c *request.Case) bool {
	if c.Status == request.AwaitingApproval && c.Approval != nil && c.Approval.From == request.AwaitingIdentity {
		return true
	}
	return request.Allowed(request.ActUploadIdentity, c.Status)
}

// requesterStatus is the status the requester sees: until approval no decision exists, so a
// drafted decision shows as in_progress (docs/contract.md §3).
func requesterStatus(st request.Status) request.Status {
	if st == request.AwaitingApproval {
		return request.InProgress
	}
	return st
}

// dropPackage removes the access package of a draft that will not be sent.
func (s *core) dropPackage(ctx context.Context, ref, key string) {
	if key == "" {
		return
	}
	if err := s.d.Blobs.DeleteAccessPackage(ctx, ref, key); err != nil {
		s.d.Logger.ErrorContext(ctx, "remove a draft's access package failed", "reference", ref, "error", err)
	}
}

// ApprovalView is what an approver sees: the case as the staff page shows it, the decision
// letter exactly as it will go, who drafted it, and whether this approver may judge it.
type ApprovalView struct {
	*StaffView
	Draft   *request.Approval
	Letter  *letter.Message // the decision letter to the requester as drafted
	Judged  bool            // the draft was judged or cancelled: nothing to do
	Own     bool            // the viewer drafted it
	Verdict string          // set after this approver's verdict
}

// ApprovalPage is the page of a drafted decision for the approver holding link by: the case as
// staff see it, and the decision letter to the requester exactly as approving it sends it. The
// view is recorded in the case's timeline. A draft that was judged or cancelled shows as such.
func (s *Team) ApprovalPage(ctx context.Context, ref string, by ApproverLink) (*ApprovalView, error) {
	now := s.d.Clock()
	c, events, letters, err := s.updateParts(ctx, ref, func(c *request.Case) (Change, error) {
		err := s.checkApprover(c, by)
		var na *NotAllowedError
		if err != nil && !errors.As(err, &na) && !errors.Is(err, ErrOwnDecision) {
			return Change{}, err
		}
		return Change{Events: []request.Event{{At: now, Actor: by.Holder, Action: request.ActCaseViewed}}}, nil
	})
	if err != nil {
		return nil, err
	}
	v := &ApprovalView{StaffView: s.staffView(c, events, letters)}
	if err := s.checkApprover(c, by); err != nil {
		v.Judged, v.Own = !errors.Is(err, ErrOwnDecision), errors.Is(err, ErrOwnDecision)
		if !v.Own {
			return v, nil
		}
	}
	a := c.Approval
	v.Draft = a
	// What approve will send: decide on a copy of the case, as Judge does on the case itself.
	cp := *c
	if c.ThirdParty != nil {
		tp := *c.ThirdParty
		cp.ThirdParty = &tp
	}
	cp.Searches = append([]request.SearchTask(nil), c.Searches...)
	cp.Status, cp.Approval = a.From, nil
	in := draftInput(a)
	out := s.decide(&cp, a.Draft.DecidedBy, in, draftPrepared(a), now)
	s.nameSearched(&cp, out)
	for _, l := range out {
		if l.Kind == letter.Decision {
			m, err := s.Render(l)
			if err != nil {
				return nil, fmt.Errorf("render draft of %s: %w", ref, err)
			}
			v.Letter = &letter.Message{Subject: m.Subject, Text: m.Text, HTML: m.HTML}
		}
	}
	return v, nil
}

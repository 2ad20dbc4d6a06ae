package app_test

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/deadline"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

const anna = "anna@corp.test"

// approvalLink is the ApproveDecision link of the approval_request to addr, as verified.
func approvalLink(t *testing.T, s *testenv.Stack, ref, addr string) app.ApproverLink {
	t.Helper()
	m := s.Mail.Await(t, "approval_request", addr, ref)
	u, err := url.Parse(m.Link("ApproveDecision"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.Signer.Verify(u.Query().Get("token"), linktoken.Approve, time.Unix(0, 0))
	if err != nil {
		t.Fatalf("approval link of %s: %v", addr, err)
	}
	return app.ApproverLinkOf(c)
}

// approveDraft approves c's draft as the privacy officer, when it waits for approval: for
// tests about what a decision does, not about four eyes.
func approveDraft(t *testing.T, s *testenv.Stack, c *request.Case) *request.Case {
	t.Helper()
	if c.Status != request.AwaitingApproval {
		return c
	}
	l := app.ApproverLink{Holder: s.Profile.Organisation.PrivacyOfficerEmail, Generation: c.LinkGeneration,
		Draft: strconv.FormatInt(c.Approval.DraftedAt.UnixMilli(), 10)}
	c, err := s.App.Team.Judge(ctx, c.Reference, l, app.Verdict{Verdict: app.VerdictApprove})
	if err != nil {
		t.Fatalf("approve: %v", err)
	}
	return c
}

func refuseExcessive(t *testing.T, s *testenv.Stack, ref string) *request.Case {
	t.Helper()
	c, err := s.App.Casework.StaffAct(ctx, ref, staffLink, app.StaffInput{Action: request.ActDecide, Outcome: "refused", Ground: "excessive", Evidence: "Vier gelijke verzoeken in één maand.",
		Motivation: "U vroeg deze maand drie keer dezelfde gegevens op: op 2, 9 en 16 maart."})
	if err != nil {
		t.Fatalf("decide: %v", err)
	}
	return c
}

// Four eyes (docs/rules.md §8; issue 22 item 4): a refusal as excessive is drafted, the
// approvers but its author are asked, the requester sees in_progress; the author cannot approve;
// two approvers at once: one wins, the other 409, one decision letter.
func TestFourEyesApprove(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		s := testenv.NewStack(t, testenv.Options{Backend: b, Staff: []string{"staff@corp.test", anna}})
		officer := s.Profile.Organisation.PrivacyOfficerEmail
		email := "vaak@tenant.test"
		c := ready(t, s, access(email))
		c = refuseExcessive(t, s, c.Reference)
		if c.Status != request.AwaitingApproval || c.Decision != nil || c.Approval == nil {
			t.Fatalf("after decide: %s, decision %v, draft %v", c.Status, c.Decision, c.Approval)
		}
		annaLink := approvalLink(t, s, c.Reference, anna)
		officerLink := approvalLink(t, s, c.Reference, officer)
		if n := s.Mail.Count("approval_request", staffLink.Holder, c.Reference); n != 0 {
			t.Errorf("the author got %d approval_request", n)
		}
		if st, err := s.App.Intake.Status(ctx, c.Reference); err != nil || st.Status != "in_progress" {
			t.Errorf("the requester's status: %+v %v, want in_progress", st, err)
		}
		if _, err := s.App.Casework.StaffAct(ctx, c.Reference, staffLink, app.StaffInput{Action: request.ActDecide, Outcome: "refused", Ground: "excessive", Evidence: "Vier gelijke verzoeken in één maand.", Motivation: "nogmaals"}); !errors.Is(err, app.ErrNotAllowed) {
			t.Errorf("decide again while awaiting approval: %v, want 409", err)
		}
		own := annaLink
		own.Holder = staffLink.Holder
		if _, err := s.App.Team.Judge(ctx, c.Reference, own, app.Verdict{Verdict: "approve"}); !errors.Is(err, app.ErrOwnDecision) {
			t.Errorf("the author approves: %v, want ErrOwnDecision", err)
		}

		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, l := range []app.ApproverLink{annaLink, officerLink} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = s.App.Team.Judge(ctx, c.Reference, l, app.Verdict{Verdict: "approve"})
			}()
		}
		wg.Wait()
		won, lost := 0, 0
		for _, err := range errs {
			var na *app.NotAllowedError
			switch {
			case err == nil:
				won++
			case errors.As(err, &na) && na.Reason == "already_judged":
				lost++
			default:
				t.Errorf("verdict: %v", err)
			}
		}
		if won != 1 || lost != 1 {
			t.Errorf("two approvers at once: %d won, %d already judged; want 1 and 1", won, lost)
		}
		today := deadline.DateIn(s.Clock.Now())
		if rep, _, err := s.App.Desk.Report(ctx, today.AddDays(-7), today); err != nil || rep.MedianDaysAwaitingApproval == nil {
			t.Errorf("report: %v, median wait for approval %v, want a figure", err, rep.MedianDaysAwaitingApproval)
		}
		got, _ := s.Store.Case(ctx, c.Reference)
		if got.Status != request.Decided || got.Decision == nil || got.Decision.DecidedBy != staffLink.Holder || got.Decision.Ground != "excessive" || got.Approval != nil {
			t.Fatalf("after approval: %s %+v", got.Status, got.Decision)
		}
		dec := s.Mail.Await(t, "decision", email, c.Reference)
		if !strings.Contains(dec.Text, "op 2, 9 en 16 maart") {
			t.Errorf("the decision letter is not the drafted one:\n%s", dec.Text)
		}
		settle(t, s, c.Reference)
		if n := s.Mail.Count("decision", email, c.Reference); n != 1 {
			t.Errorf("%d decision letters, want 1", n)
		}
		if _, err := s.App.Team.Judge(ctx, c.Reference, officerLink, app.Verdict{Verdict: "return", Comment: "te laat"}); !errors.Is(err, app.ErrNotAllowed) {
			t.Errorf("a verdict after approval: %v, want 409", err)
		}
	})
}

// return sends a draft back with a comment (decision_returned to the author, the draft in the
// timeline); extend cancels a draft; an approver who left the list cannot judge.
func TestFourEyesReturnCancelAndLeave(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		s := testenv.NewStack(t, testenv.Options{Backend: b, Staff: []string{"staff@corp.test", anna}})
		c := ready(t, s, access("terug@tenant.test"))
		c = refuseExcessive(t, s, c.Reference)
		l := approvalLink(t, s, c.Reference, anna)
		if _, err := s.App.Team.Judge(ctx, c.Reference, l, app.Verdict{Verdict: "return"}); err == nil {
			t.Error("return without a comment was accepted")
		}
		c, err := s.App.Team.Judge(ctx, c.Reference, l, app.Verdict{Verdict: "return", Comment: "Noem het bewijs van misbruik."})
		if err != nil || c.Status != request.InProgress || c.Approval != nil || c.Decision != nil {
			t.Fatalf("return: %v, %s", err, c.Status)
		}
		m := s.Mail.Await(t, "decision_returned", staffLink.Holder, c.Reference)
		if !strings.Contains(m.Text, "Noem het bewijs van misbruik.") || m.Link("StaffCase") == "" {
			t.Errorf("decision_returned:\n%s", m.Text)
		}
		events, _ := s.Store.Events(ctx, c.Reference)
		if e := events[len(events)-1]; e.Action != app.ActDecisionReturned || e.Actor != anna || !strings.Contains(e.Detail, "Noem het bewijs") || !strings.Contains(e.Detail, staffLink.Holder) {
			t.Errorf("return event %+v", e)
		}
		if n := s.Mail.Count("decision", "terug@tenant.test", c.Reference); n != 0 {
			t.Errorf("a returned draft sent %d decision letters", n)
		}
		today := deadline.DateIn(s.Clock.Now())
		if rep, _, err := s.App.Desk.Report(ctx, today.AddDays(-7), today); err != nil || rep.ReturnedByApprover != 1 {
			t.Errorf("report: %v, %d returned by an approver, want 1", err, rep.ReturnedByApprover)
		}

		// Drafted again; extend cancels the draft and its links.
		c = refuseExcessive(t, s, c.Reference)
		l2 := approvalLink(t, s, c.Reference, anna)
		c = staffAct(t, s, c.Reference, app.StaffInput{Action: request.ActExtend, Explanation: "Het dossier is groot."})
		if c.Status != request.InProgress || c.Approval != nil || !c.Extended {
			t.Errorf("extend on a draft: %s, draft %v, extended %v", c.Status, c.Approval, c.Extended)
		}
		if _, err := s.App.Team.Judge(ctx, c.Reference, l2, app.Verdict{Verdict: "approve"}); !errors.Is(err, app.ErrNotAllowed) {
			t.Errorf("approve a cancelled draft: %v, want 409", err)
		}
		s.Mail.Await(t, "approval_cancelled", anna, c.Reference)
		if n := s.Mail.Count("approval_cancelled", staffLink.Holder, c.Reference); n != 0 {
			t.Errorf("the author of a cancelled draft got %d approval_cancelled", n)
		}

		// An approver who leaves the list: their link dies.
		c = refuseExcessive(t, s, c.Reference)
		l3 := approvalLink(t, s, c.Reference, anna)
		s.Profile.Approval.Approvers = []string{staffLink.Holder, s.Profile.Organisation.PrivacyOfficerEmail}
		if _, err := s.App.Team.Judge(ctx, c.Reference, l3, app.Verdict{Verdict: "approve"}); !errors.Is(err, app.ErrLinkRevoked) {
			t.Errorf("an approver off the list: %v, want ErrLinkRevoked", err)
		}
	})
}

// A profile whose approval needs fewer than two distinct approvers does not start; a draft
// still waiting on the internal date is escalated (approval_overdue).
func TestFourEyesStartAndOverdue(t *testing.T) {
	t.Parallel()
	s := testenv.NewStack(t, testenv.Options{Backend: testenv.Memory, Staff: []string{"staff@corp.test", anna}, Now: amsterdam("2026-03-27 10:00")})
	p := *s.Profile
	p.Organisation.PrivacyOfficerEmail = ""
	d := s.Deps
	d.Profile, d.Staff = &p, []string{"solo@corp.test"}
	if _, err := app.New(d); err == nil || !strings.Contains(err.Error(), "two distinct approvers") {
		t.Errorf("one approver: %v", err)
	}
	p.Approval.Approvers = []string{"a@corp.test", "A@corp.test"}
	d.Staff = []string{"a@corp.test", "b@corp.test"}
	if _, err := app.New(d); err == nil {
		t.Error("approvers a and A (one person) started")
	}

	c := ready(t, s, access("wacht@tenant.test"))
	c = refuseExcessive(t, s, c.Reference)
	internal := s.App.InternalDate(c)
	tick(t, s, internal.AddDays(-1).String()+" 09:00")
	if n := s.Mail.Count("approval_overdue", anna, c.Reference); n != 0 {
		t.Errorf("approval_overdue before the internal date: %d", n)
	}
	tick(t, s, internal.String()+" 09:00")
	s.Mail.Await(t, "approval_overdue", anna, c.Reference)
	s.Mail.Await(t, "approval_overdue", s.Profile.Organisation.PrivacyOfficerEmail, c.Reference)
	if n := s.Mail.Count("approval_overdue", staffLink.Holder, c.Reference); n != 0 {
		t.Errorf("the author got %d approval_overdue", n)
	}
	v, _ := s.App.Desk.Desk(ctx, app.DeskFilter{})
	if len(v.Cases) != 1 || v.Cases[0].WaitingOn != app.WaitingOnApprover || v.Cases[0].Status != request.AwaitingApproval {
		t.Errorf("desk: %+v", v.Cases)
	}
}

// A consulted third party's answer that arrives while a decision waits for approval is
// recorded and shown to the approver; a return then puts the case in progress.
func TestFourEyesThirdPartyAnswersMeanwhile(t *testing.T) {
	t.Parallel()
	s := testenv.NewStack(t, testenv.Options{Backend: testenv.Memory, Staff: []string{"staff@corp.test", anna}})
	c := ready(t, s, access("buren@tenant.test"))
	c = staffAct(t, s, c.Reference, app.StaffInput{Action: request.ActConsult, ThirdPartyName: "Buurman", ThirdPartyEmail: "buur@elders.test"})
	c = refuseExcessive(t, s, c.Reference)
	if c.Approval == nil || c.Approval.From != request.AwaitingThirdParty {
		t.Fatalf("draft from %v", c.Approval)
	}
	c, err := s.App.Intake.ThirdPartyAnswer(ctx, c.Reference, "buur@elders.test", "object", "Liever niet.")
	if err != nil || c.Status != request.AwaitingApproval || c.ThirdParty.Answer != request.ThirdPartyObjects {
		t.Fatalf("third party answers meanwhile: %v, %s", err, c.Status)
	}
	v, err := s.App.Team.ApprovalPage(ctx, c.Reference, approvalLink(t, s, c.Reference, anna))
	if err != nil || v.Letter == nil || v.Case.ThirdParty.Comment != "Liever niet." {
		t.Fatalf("the approver's page: %v %+v", err, v)
	}
	c, err = s.App.Team.Judge(ctx, c.Reference, approvalLink(t, s, c.Reference, anna), app.Verdict{Verdict: "return", Comment: "Eerst de buurman meewegen."})
	if err != nil || c.Status != request.InProgress {
		t.Errorf("return after the third party answered: %v, %s; want in_progress", err, c.Status)
	}
}

// The shipped profiles' four eyes on every refusal: a refusal on identity_not_established
// waits for approval, and an ID copy that arrives meanwhile is taken and shown to the approver.
func TestFourEyesIdentityCopyMeanwhile(t *testing.T) {
	t.Parallel()
	s := testenv.NewStack(t, testenv.Options{Backend: testenv.Memory, Staff: []string{"staff@corp.test", anna}, FourEyes: true})
	c := submitConfirm(t, s, access("stil@tenant.test"))
	c = staffAct(t, s, c.Reference, app.StaffInput{Action: request.ActRequestIdentity, Reason: "Het adres klopt niet met onze gegevens."})
	c, err := s.App.Casework.StaffAct(ctx, c.Reference, staffLink, app.StaffInput{Action: request.ActDecide, Outcome: "refused", Ground: "identity_not_established",
		Motivation: "U stuurde geen bewijs van identiteit."})
	if err != nil || c.Status != request.AwaitingApproval {
		t.Fatalf("a refusal with four eyes on every refusal: %v, %s", err, c.Status)
	}
	if _, err := s.App.Intake.UploadIdentity(ctx, c.Reference, app.Client{}, testJPEG(t)); err != nil {
		t.Fatalf("an ID copy while the refusal waits: %v", err)
	}
	c, err = s.App.Team.Judge(ctx, c.Reference, approvalLink(t, s, c.Reference, anna), app.Verdict{Verdict: "return", Comment: "Er is nu een kopie: bekijk die eerst."})
	if err != nil || c.Status != request.AwaitingIdentity || !c.Identity.CopyHeld {
		t.Errorf("return: %v, %s, copy held %v", err, c.Status, c.Identity.CopyHeld)
	}
}

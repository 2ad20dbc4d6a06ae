package functions_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

// Four eyes over HTTP (docs/contract.md §3; issue 22 item 4): decide answers 202
// awaiting_approval, the approver's page shows the drafted letter, the author's own approval
// is 403, the first verdict wins and a second is 409, and the requester gets one decision.
func TestApproveDecisionOverHTTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testenv.Options{Backend: testenv.Memory, Staff: []string{"staff@corp.test", "anna@corp.test"}, FourEyes: true,
		Now: time.Date(2026, 3, 27, 9, 0, 0, 0, time.UTC)})
	ref := intakeCase(t, e, letterIntake("Vera Vaak"))
	staff := e.signIn(t, "staff@corp.test")
	tok := tokenOf(caseLinkOf(t, staff, ref))
	if resp, body := e.postJSON(t, "/StaffCase", map[string]any{"token": tok, "action": "verify_identity", "method": "known_data"}); resp.StatusCode != 200 {
		t.Fatalf("verify: %d %s", resp.StatusCode, body)
	}
	resp, body := e.postJSON(t, "/StaffCase", map[string]any{"token": tok, "action": "decide", "outcome": "refused", "ground": "protection_of_rights",
		"motivation": "Het dossier gaat over de rechten van uw buren."})
	if resp.StatusCode != http.StatusAccepted || !strings.Contains(body, `"status":"awaiting_approval"`) {
		t.Fatalf("decide a refusal: %d %s, want 202 awaiting_approval", resp.StatusCode, body)
	}

	_, casePage := e.do(t, "GET", "/StaffCase?token="+url.QueryEscape(tok), "", nil, nil)
	for _, want := range []string{"Wacht op goedkeuring", "Het dossier gaat over de rechten van uw buren."} {
		if !strings.Contains(casePage, want) {
			t.Errorf("the staff page of a drafted decision lacks %q", want)
		}
	}
	if strings.Contains(casePage, `value="decide"`) {
		t.Error("the staff page offers decide while a draft waits")
	}
	m := e.Mail.Await(t, "approval_request", "anna@corp.test", ref)
	link := m.Link("ApproveDecision")
	atok := tokenOf(link)
	_, page := e.do(t, "GET", "/ApproveDecision?token="+url.QueryEscape(atok), "", nil, nil)
	for _, want := range []string{"Het dossier gaat over de rechten van uw buren.", "staff@corp.test", `name="verdict" value="approve"`, ref} {
		if !strings.Contains(page, want) {
			t.Errorf("the approval page lacks %q", want)
		}
	}
	_, js := e.do(t, "GET", "/ApproveDecision?token="+url.QueryEscape(atok), "", nil, asJSON)
	if !strings.Contains(js, `"letter":{"subject"`) || !strings.Contains(js, `"draftedBy":"staff@corp.test"`) {
		t.Errorf("the approval JSON: %s", js)
	}

	claims, err := e.Signer.Verify(atok, linktoken.Approve, time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	claims.Subject = "staff@corp.test"
	own, _ := e.Signer.Sign(claims)
	if resp, body := e.postJSON(t, "/ApproveDecision", map[string]any{"token": own, "verdict": "approve"}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("the author approves: %d %s, want 403", resp.StatusCode, body)
	}
	if resp, body := e.postJSON(t, "/ApproveDecision", map[string]any{"token": atok, "verdict": "approve"}); resp.StatusCode != 200 || !strings.Contains(body, `"status":"decided"`) {
		t.Fatalf("approve: %d %s", resp.StatusCode, body)
	}
	po := e.Mail.Await(t, "approval_request", e.Profile.Organisation.PrivacyOfficerEmail, ref)
	if resp, body := e.postJSON(t, "/ApproveDecision", map[string]any{"token": tokenOf(po.Link("ApproveDecision")), "verdict": "return", "comment": "Te laat"}); resp.StatusCode != http.StatusConflict {
		t.Errorf("a second verdict: %d %s, want 409", resp.StatusCode, body)
	}
	_, page = e.do(t, "GET", "/ApproveDecision?token="+url.QueryEscape(atok), "", nil, nil)
	if !strings.Contains(page, "Over deze beslissing is al geoordeeld") {
		t.Error("the page of a judged draft does not say so")
	}
}

// Signing out everywhere ends the approval links the staff member holds (docs/contract.md §3).
func TestApproveLinkEndsWithSignOutEverywhere(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testenv.Options{Backend: testenv.Memory, Staff: []string{"staff@corp.test", "anna@corp.test"}, FourEyes: true,
		Now: time.Date(2026, 3, 27, 9, 0, 0, 0, time.UTC)})
	ref := intakeCase(t, e, letterIntake("Otto Uit"))
	staff := e.signIn(t, "staff@corp.test")
	tok := tokenOf(caseLinkOf(t, staff, ref))
	e.postJSON(t, "/StaffCase", map[string]any{"token": tok, "action": "verify_identity", "method": "known_data"})
	if resp, body := e.postJSON(t, "/StaffCase", map[string]any{"token": tok, "action": "decide", "outcome": "refused", "ground": "protection_of_rights",
		"motivation": "Rechten van anderen."}); resp.StatusCode != http.StatusAccepted {
		t.Fatalf("decide: %d %s", resp.StatusCode, body)
	}
	atok := tokenOf(e.Mail.Await(t, "approval_request", "anna@corp.test", ref).Link("ApproveDecision"))
	e.Clock.Add(time.Minute)
	anna := e.signIn(t, "anna@corp.test")
	if resp, _ := anna.post(t, url.Values{"action": {"sign_out_everywhere"}}, nil); resp.StatusCode >= 400 {
		t.Fatalf("sign out everywhere: %d", resp.StatusCode)
	}
	if resp, body := e.postJSON(t, "/ApproveDecision", map[string]any{"token": atok, "verdict": "approve"}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("an approval link from before signing out everywhere: %d %s, want 403", resp.StatusCode, body)
	}
}

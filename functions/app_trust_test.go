package functions_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

// Issue 11 item 1: the app's own Admit refuses a client over its per-IP limit before its
// upload is read: an executable that inspection would answer with 415 gets 429.
func TestIPLimitComesBeforeInspection(t *testing.T) {
	t.Parallel()
	one := 1
	e := newEnv(t, testenv.Options{RateIP: &one})
	b, _ := json.Marshal(with(valid(), "email", "first@tenant.test"))
	if resp, body := e.do(t, "POST", "/RequestForm", "application/json", bytes.NewReader(b), asJSON); resp.StatusCode != 201 {
		t.Fatalf("first submission: %d %s", resp.StatusCode, body)
	}
	exe := append([]byte("MZ\x90\x00"), bytes.Repeat([]byte{0}, 400)...)
	ct, body := multipartBody(t, with(valid(), "email", "second@tenant.test"), "id.jpg", exe)
	resp, out := e.do(t, "POST", "/RequestForm", ct, body, asJSON)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
		t.Errorf("upload over the IP limit: %d %s, want 429 before the file is inspected", resp.StatusCode, out)
	}
}

// Issue 11 item 3 over HTTP: a staff link of someone off the staff list, or from before
// revoke_links, answers 403 with the page that says what to do.
func TestRevokedStaffLinksAnswer403(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testenv.Options{})
	c, err := e.App.Intake.Submit(context.Background(), request.Submission{Type: "access", Name: "Carla", Email: "carla@tenant.test",
		BirthDate: "1980-05-17", Signature: "Carla", Declaration: true}, app.Client{IP: "192.0.2.1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.Intake.Confirm(context.Background(), c.Reference); err != nil {
		t.Fatal(err)
	}
	token := func(holder string) string {
		tok, err := e.Signer.Sign(linktoken.Claims{Purpose: linktoken.Staff, Reference: c.Reference, Subject: holder,
			Expires: e.Clock.Now().Add(time.Hour).Unix()})
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	page := func(tok string) int {
		resp, _ := e.do(t, "GET", "/StaffCase?token="+url.QueryEscape(tok), "", nil, asJSON)
		return resp.StatusCode
	}
	if got := page(token("left@corp.test")); got != 403 {
		t.Errorf("link of someone off the staff list: %d, want 403", got)
	}
	tok := token("staff@corp.test")
	if got := page(tok); got != 200 {
		t.Fatalf("link of a staff member: %d, want 200", got)
	}
	if resp, body := e.postJSON(t, "/StaffCase", map[string]any{"token": tok, "action": "revoke_links"}); resp.StatusCode != 200 {
		t.Fatalf("revoke_links: %d %s", resp.StatusCode, body)
	}
	if got := page(tok); got != 403 {
		t.Errorf("link from before revoke_links: %d, want 403", got)
	}
	if resp, _ := e.postJSON(t, "/StaffCase", map[string]any{"token": tok, "action": "extend", "explanation": "x"}); resp.StatusCode != 403 {
		t.Errorf("action with a link from before revoke_links: %d, want 403", resp.StatusCode)
	}
}

// After revoke_links from the staff page's form, the staff member who revoked goes on with a
// fresh link in the new generation; the link the form was posted with stays dead.
func TestRevokeLinksFormLeadsToAFreshLink(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testenv.Options{Backend: testenv.Memory})
	c, err := e.App.Intake.Submit(context.Background(), request.Submission{Type: "access", Name: "Carla", Email: "carla@tenant.test",
		BirthDate: "1980-05-17", Signature: "Carla", Declaration: true}, app.Client{IP: "192.0.2.1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.Intake.Confirm(context.Background(), c.Reference); err != nil {
		t.Fatal(err)
	}
	old, err := e.Signer.Sign(linktoken.Claims{Purpose: linktoken.Staff, Reference: c.Reference, Subject: "staff@corp.test",
		Expires: e.Clock.Now().Add(time.Hour).Unix()})
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"token": {old}, "action": {"revoke_links"}}
	resp, body := e.do(t, "POST", "/StaffCase", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()), nil)
	if resp.StatusCode != 303 {
		t.Fatalf("revoke_links form: %d %s", resp.StatusCode, body)
	}
	next := resp.Header.Get("Location")
	if !strings.HasPrefix(next, "/StaffCase?token=") || strings.Contains(next, url.QueryEscape(old)) {
		t.Fatalf("redirect to %q, want a fresh StaffCase link", next)
	}
	if resp, _ := e.do(t, "GET", next, "", nil, asJSON); resp.StatusCode != 200 {
		t.Errorf("fresh link: %d, want 200", resp.StatusCode)
	}
	if resp, _ := e.do(t, "GET", "/StaffCase?token="+url.QueryEscape(old), "", nil, asJSON); resp.StatusCode != 403 {
		t.Errorf("old link: %d, want 403", resp.StatusCode)
	}
}

// A refused staff link sends staff to the desk for a new one, not to "the newest e-mail" as a
// tenant is told.
func TestRefusedStaffLinkPointsToTheDesk(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testenv.Options{Backend: testenv.Memory})
	expired, err := e.Signer.Sign(linktoken.Claims{Purpose: linktoken.Staff, Reference: "PL-AAAA-BBBB", Subject: "staff@corp.test",
		Expires: e.Clock.Now().Add(-time.Minute).Unix()})
	if err != nil {
		t.Fatal(err)
	}
	resp, body := e.do(t, "GET", "/StaffCase?token="+url.QueryEscape(expired), "", nil, nil)
	if resp.StatusCode != 403 || !strings.Contains(body, "StaffDesk") {
		t.Errorf("expired staff link: %d, want 403 pointing to StaffDesk:\n%s", resp.StatusCode, body)
	}
	resp, body = e.do(t, "GET", "/RequestStatus?token="+url.QueryEscape(expired), "", nil, nil)
	if resp.StatusCode != 403 || strings.Contains(body, "StaffDesk") {
		t.Errorf("refused requester link: %d, want 403 without the desk:\n%s", resp.StatusCode, body)
	}
}

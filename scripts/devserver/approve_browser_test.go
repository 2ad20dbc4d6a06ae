package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/privacyloket/privacyloket/shared/devmailbox"
)

// TestBrowserFourEyes walks a refusal from decide to approval to the tenant's letter: the
// decision waits (202 awaiting_approval), the second staff member opens the approval link,
// reads the draft letter and approves it in the browser, and the decision reaches the tenant
// as drafted (docs/rules.md §8; issue 22).
func TestBrowserFourEyes(t *testing.T) {
	requireEmulators(t)
	ctx := newBrowser(t)
	s := startStack(t)
	wait, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	post := func(path, ctype string, body []byte) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequestWithContext(wait, http.MethodPost, s.base+path, bytes.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		req.Header.Set("Accept", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		if resp.StatusCode >= 300 {
			t.Fatalf("POST %s: %d %v", path, resp.StatusCode, out)
		}
		return resp.StatusCode, out
	}
	form := func(v url.Values) []byte { return []byte(v.Encode()) }
	email := "vier.ogen." + testProject(t, "") + "@tenant.test"
	sub, _ := json.Marshal(map[string]any{"type": "access", "name": "Vera Vier", "email": email, "birthDate": "1970-04-04",
		"signature": "Vera Vier", "declaration": true})
	_, out := post("/RequestForm", "application/json", sub)
	ref, _ := out["reference"].(string)
	letter := func(kind, to string) devmailbox.Message {
		t.Helper()
		m, err := s.mailbox.Wait(wait, func(m devmailbox.Message) bool {
			return m.Kind() == kind && m.CustomArgs["reference"] == ref && (to == "" || len(m.To) > 0 && m.To[0] == to)
		})
		if err != nil {
			t.Fatalf("%s for %s: %v", kind, ref, err)
		}
		return m
	}
	confirm := linkTo(t, letter("confirm_email", email).Text, "ConfirmRequest")
	post("/ConfirmRequest", "application/x-www-form-urlencoded", form(url.Values{"token": {tokenOf(t, confirm)}}))
	staff := tokenOf(t, linkTo(t, letter("staff_case", "staff@e2e.test").Text, "StaffCase"))
	post("/StaffCase", "application/x-www-form-urlencoded", form(url.Values{"token": {staff}, "action": {"verify_identity"}, "method": {"known_data"}}))
	const motivation = "Het dossier gaat over de rechten van uw buren; die wegen hier zwaarder."
	code, out := post("/StaffCase", "application/x-www-form-urlencoded", form(url.Values{"token": {staff}, "action": {"decide"}, "outcome": {"refused"},
		"ground": {"protection_of_rights"}, "motivation": {motivation}}))
	if code != http.StatusAccepted || out["status"] != "awaiting_approval" {
		t.Fatalf("decide a refusal: %d %v, want 202 awaiting_approval", code, out)
	}

	approve := linkTo(t, letter("approval_request", "").Text, "ApproveDecision")
	browse(t, ctx, "open the approval link",
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(approve),
		chromedp.WaitVisible(css(`form[action^="/ApproveDecision"] button`)),
	)
	if page := read(t, ctx, "the draft", chromedp.Text(css("main"))); !strings.Contains(page, motivation) || !strings.Contains(page, "staff@e2e.test") {
		t.Errorf("the approval page does not show the draft letter and its author:\n%s", page)
	}
	if png := read(t, ctx, "screenshot", chromedp.FullScreenshot(90)); len(png) > 0 {
		shot(t, "approve.png", png)
	}
	browse(t, ctx, "approve",
		chromedp.Click(css(`form[action^="/ApproveDecision"] button[type="submit"]:not(.secondary)`)),
		chromedp.WaitVisible(css("p.notice")),
	)
	if dec := letter("decision", email); !strings.Contains(dec.Text, motivation) {
		t.Errorf("the tenant's decision is not the approved draft:\n%s", dec.Text)
	}
}

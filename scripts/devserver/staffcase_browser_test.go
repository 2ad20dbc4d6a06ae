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
	"github.com/privacyloket/privacyloket/shared/web"
)

// TestBrowserStaffCaseOnALaptop works a case on StaffCase at 1280 × 900 (issue 24 item 5): the
// facts beside the actions, no word broken inside, a link back to the desk, a notice with the
// focus after each action, the new due date before extending, a reload that records no second
// view, a confirmation before a withdrawal, and the letters kept once the case is closed. With
// PRIVACYLOKET_SCREENSHOTS=docs/screenshots it writes staff-case.png.
func TestBrowserStaffCaseOnALaptop(t *testing.T) {
	requireEmulators(t)
	ctx := newBrowser(t)
	s := startStack(t)
	wait, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	post := func(path, ctype string, body []byte) map[string]any {
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
		return out
	}
	email := "laptop." + testProject(t, "") + "@tenant.test"
	sub, _ := json.Marshal(map[string]any{"type": "access", "name": "Wilhelmina Oosterhuis-Verstappen", "email": email, "birthDate": "1968-09-14",
		"phone": "06 12345678", "address": "Burgemeester van Reenensingel 101, 2803 PA Gouda", "relation": "tenant",
		"signature": "Wilhelmina Oosterhuis-Verstappen", "declaration": true})
	ref, _ := post("/RequestForm", "application/json", sub)["reference"].(string)
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
	post("/ConfirmRequest", "application/x-www-form-urlencoded", []byte(url.Values{"token": {tokenOf(t, confirm)}}.Encode()))
	staff := linkTo(t, letter("staff_case", "staff@e2e.test").Text, "StaffCase")

	browse(t, ctx, "open the case on a laptop",
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(staff),
		chromedp.WaitVisible(css(".case-actions")),
	)
	defer browse(t, ctx, "reset the viewport", chromedp.EmulateReset())
	if got := read(t, ctx, "back link", chromedp.Evaluate[string](`document.querySelector('.staff-case .back a')?.getAttribute('href') ?? ''`)); got != "/StaffDesk" {
		t.Errorf("the link back to the desk goes to %q, want /StaffDesk", got)
	}
	if !read(t, ctx, "two columns", chromedp.Evaluate[bool](`(() => {
		const f = document.querySelector('.case-facts').getBoundingClientRect(), a = document.querySelector('.case-actions').getBoundingClientRect();
		return a.left >= f.right && a.top < f.bottom && f.width > 400;
	})()`)) {
		t.Error("on a laptop the actions are not beside the facts")
	}
	if broken := read(t, ctx, "words broken", chromedp.Evaluate[[]string](midWordBreaksIn(".staff-case dd, .staff-case td, .staff-case th"))); len(broken) > 0 {
		t.Errorf("StaffCase breaks words in the middle: %q", broken)
	}
	checkAxe(t, ctx, "staff case on a laptop")

	// A reload records no second view within 30 minutes.
	browse(t, ctx, "reload twice", chromedp.Reload(), chromedp.WaitVisible(css(".case-actions")), chromedp.Reload(), chromedp.WaitVisible(css(".case-actions")))
	if n := read(t, ctx, "views", chromedp.Evaluate[int](`[...document.querySelectorAll('.staff-case table tbody tr')].filter(r => r.textContent.includes(`+jsString(web.T("nl", "event.case_viewed"))+`)).length`)); n != 1 {
		t.Errorf("after two reloads the timeline has %d views, want 1", n)
	}

	// Verify identity: the page says so where the eye is, with the focus.
	browse(t, ctx, "verify identity",
		chromedp.SetValue(css("#verify_identity-method"), "known_data"),
		chromedp.Click(css(`form.action:has(input[value="verify_identity"]) button`)),
		chromedp.WaitNotPresent(css("#verify_identity-method")), // the next page, not this one
		chromedp.WaitVisible(css("#done")),
	)
	if !focusedInView(t, ctx, "done") {
		t.Error("after verifying, the notice is not focused on the screen")
	}
	if got := read(t, ctx, "notice", chromedp.Text(css("#done"))); !strings.Contains(got, web.T("nl", "event.verify_identity")) {
		t.Errorf("notice after verifying = %q", got)
	}

	// Extend: the new due date is on the page before the button, and in the notice after.
	browse(t, ctx, "open the extension",
		chromedp.Click(css(`details.act:has(input[value="extend"]) summary`)),
		chromedp.WaitVisible(css("#extend-note")),
	)
	note := read(t, ctx, "extension note", chromedp.Text(css("#extend-note")))
	browse(t, ctx, "extend",
		chromedp.SendKeys(css("#extend-explanation"), "Het dossier ligt deels in het archief."),
		chromedp.Click(css(`form.action:has(input[value="extend"]) button`)),
		chromedp.WaitNotPresent(css("#extend-explanation")), // extended once, it is gone
		chromedp.WaitVisible(css("#done")),
	)
	done := read(t, ctx, "notice", chromedp.Text(css("#done")))
	due := read(t, ctx, "due date", chromedp.Evaluate[string](`[...document.querySelectorAll('.case-facts dt')].find(d => d.textContent === `+jsString(web.T("nl", "due"))+`).nextElementSibling.querySelector('strong').textContent`))
	if due == "" || !strings.Contains(note, due) || !strings.Contains(done, due) {
		t.Errorf("new due date %q: before extending the page said %q, after %q", due, note, done)
	}
	if !focusedInView(t, ctx, "done") {
		t.Error("after extending, the notice is not focused on the screen")
	}
	png := read(t, ctx, "staff case screenshot", chromedp.FullScreenshot(100))
	t.Logf("StaffCase on a laptop: %s", shot(t, "staff-case.png", png))

	// Withdraw: not without ticking the confirmation (the browser holds the form, no script).
	browse(t, ctx, "open the withdrawal",
		chromedp.Click(css(`details.act:has(input[value="withdraw"]) summary`)),
		chromedp.WaitVisible(css("#withdraw-confirm")),
	)
	if !read(t, ctx, "confirmation required", chromedp.Evaluate[bool](`!document.querySelector('form.action:has(input[value="withdraw"])').checkValidity()`)) {
		t.Error("the withdrawal can be sent without its confirmation")
	}
	browse(t, ctx, "withdraw",
		chromedp.SetValue(css("#withdraw-how"), "phone"),
		chromedp.Click(css("#withdraw-confirm")),
		chromedp.Click(css(`form.action:has(input[value="withdraw"]) button`)),
		chromedp.WaitNotPresent(css(".case-actions")), // closed: no actions
		chromedp.WaitVisible(css("#done")),
		chromedp.WaitVisible(css("#letters")),
	)
	letters := read(t, ctx, "letters", chromedp.Text(css("#letters")))
	for _, want := range []string{web.T("nl", "letter.receipt"), web.T("nl", "staff.channel.email")} {
		if !strings.Contains(letters, want) {
			t.Errorf("after the case closed the letters lack %q:\n%s", want, letters)
		}
	}
	if strings.Contains(letters, email) {
		t.Error("the closed case's letters name the requester's address")
	}
	checkAxe(t, ctx, "closed staff case")
}

// jsString is s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// midWordBreaksIn is midWordBreaks for the elements that selector names.
func midWordBreaksIn(selector string) string {
	return strings.Replace(midWordBreaks, `'main table td, main table th'`, jsString(selector), 1)
}

package main

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/privacyloket/privacyloket/shared/web"
)

// TestBrowserRefusedFormsOnAPhone sends two of the case page's smaller forms wrong on a phone:
// waive_search without a reason, and a note longer than the server takes (5000 bytes: the
// browser's maxlength counts characters, so 2600 "é" pass it). Each comes back with the error
// right above its field, the field described by it, the summary linking to it, what was chosen
// and typed kept, the page no wider than the screen, and axe finding nothing.
func TestBrowserRefusedFormsOnAPhone(t *testing.T) {
	requireEmulators(t)
	ctx := newBrowser(t)
	s := startStack(t)
	c := accessVerified(t, s)
	browse(t, ctx, "open the case on a phone",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(3), chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(c.staff),
		chromedp.WaitVisible(css("#waive_search-reason")),
	)
	defer browse(t, ctx, "reset the viewport", chromedp.EmulateReset())
	checkAxe(t, ctx, "case page with the checklist's forms on a phone")

	// The waive form opens on the first open task: staff pick the last one.
	system := read(t, ctx, "the last open task", chromedp.Evaluate[string](`[...document.querySelectorAll('#waive_search-system option')].at(-1).value`))
	browse(t, ctx, "waive a search without a reason",
		chromedp.SetValue(css("#waive_search-system"), system),
		chromedp.Click(css(`form.action:has(input[value="waive_search"]) button[type="submit"]`)),
		chromedp.WaitVisible(css("#waive_search-reason-error")),
	)
	refusedAt(t, ctx, "waive_search-reason", web.T("nl", "fielderr.required"))
	if got := read(t, ctx, "the system chosen", chromedp.Evaluate[string](`document.getElementById('waive_search-system').value`)); got != system {
		t.Errorf("after the refusal the waive form names system %q, want %q as chosen", got, system)
	}
	checkAxe(t, ctx, "refused waive form on a phone")

	long := strings.Repeat("é", 2600)
	browse(t, ctx, "write a note too long",
		chromedp.Evaluate[chromedp.Void](`document.getElementById('note-text').value = `+jsString(long)),
		chromedp.Click(css(`form.action:has(input[value="note"]) button[type="submit"]`)),
		chromedp.WaitVisible(css("#note-text-error")),
	)
	refusedAt(t, ctx, "note-text", web.T("nl", "fielderr.too_long"))
	if got := read(t, ctx, "the note typed", chromedp.Evaluate[string](`document.getElementById('note-text').value`)); got != long {
		t.Errorf("after the refusal the note holds %d characters, want the %d typed", len([]rune(got)), len([]rune(long)))
	}
	if read(t, ctx, "waive error gone", chromedp.Evaluate[bool](`document.getElementById('waive_search-reason-error') !== null`)) {
		t.Error("the waive form still shows the earlier refusal")
	}
	checkAxe(t, ctx, "refused note on a phone")
	t.Logf("refused note on a phone: %s", shot(t, "note-refused-phone.png", read(t, ctx, "screenshot", chromedp.FullScreenshot(90))))
}

// refusedAt checks the refusal of the field id on the page: the message right above the field,
// the field marked invalid and described by it, the one link of the summary pointing at it,
// and the page no wider than the screen.
func refusedAt(t *testing.T, ctx context.Context, id, message string) {
	t.Helper()
	if got := read(t, ctx, "the error of "+id, chromedp.Text(css("#"+id+"-error"))); got != message {
		t.Errorf("the error at %s says %q, want %q", id, got, message)
	}
	var at struct {
		Next, Invalid, DescribedBy string
		Gap                        float64
	}
	raw := read(t, ctx, "the field of "+id, chromedp.Evaluate[string](`(() => {
		const e = document.getElementById(`+jsString(id+"-error")+`), f = document.getElementById(`+jsString(id)+`);
		return JSON.stringify({Next: e.nextElementSibling?.id ?? '', Invalid: f.getAttribute('aria-invalid') ?? '',
			DescribedBy: f.getAttribute('aria-describedby') ?? '', Gap: f.getBoundingClientRect().top - e.getBoundingClientRect().bottom});
	})()`))
	if err := json.Unmarshal([]byte(raw), &at); err != nil {
		t.Fatal(err)
	}
	if at.Next != id || at.Gap < 0 || at.Gap > 40 {
		t.Errorf("the error of %s is not right above its field (next %q, %.0f px apart)", id, at.Next, at.Gap)
	}
	if at.Invalid != "true" || at.DescribedBy != id+"-error" {
		t.Errorf("%s: aria-invalid %q, aria-describedby %q", id, at.Invalid, at.DescribedBy)
	}
	if links := read(t, ctx, "summary", chromedp.Evaluate[[]string](`[...document.querySelectorAll('.summary a')].map(a => a.getAttribute('href'))`)); len(links) != 1 || links[0] != "#"+id {
		t.Errorf("the error summary links %v, want #%s only", links, id)
	}
	if read(t, ctx, "page width", chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)) {
		t.Error("on a phone the refused page is wider than the screen")
	}
}

// accessVerified submits and confirms an access request and has staff establish identity: its
// search tasks are open, the waive and note forms on the case page.
func accessVerified(t *testing.T, s *e2eStack) *e2eCase {
	t.Helper()
	wait, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	c := &e2eCase{t: t, s: s, email: "formulier." + testProject(t, "") + "@tenant.test", wait: wait}
	sub, _ := json.Marshal(map[string]any{"type": "access", "name": "Fenna Formulier", "email": c.email, "birthDate": "1975-03-03",
		"details": "Mijn huurdossier.", "signature": "Fenna Formulier", "declaration": true})
	c.ref, _ = c.post("/RequestForm", "application/json", sub)["reference"].(string)
	confirm := linkTo(t, c.letter("confirm_email", kind("confirm_email", "")).Text, "ConfirmRequest")
	c.post("/ConfirmRequest", "application/x-www-form-urlencoded", []byte(url.Values{"token": {tokenOf(t, confirm)}}.Encode()))
	c.staff = linkTo(t, c.letter("staff_case", kind("staff_case", "staff@e2e.test")).Text, "StaffCase")
	c.post("/StaffCase", "application/x-www-form-urlencoded", []byte(url.Values{"token": {tokenOf(t, c.staff)}, "action": {"verify_identity"}, "method": {"known_data"}}.Encode()))
	return c
}

package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/privacyloket/privacyloket/shared/devmailbox"
	"github.com/privacyloket/privacyloket/shared/web"
)

// TestBrowserDesk drives the privacy desk as staff would: sign in with an e-mail link, register
// a request taken by phone from a tenant without e-mail, print its receipt and mark it posted,
// read the report. With PRIVACYLOKET_SCREENSHOTS=docs/screenshots it writes the README's
// screenshots (desk.png, desk-phone.png, report.png, letter.png).
func TestBrowserDesk(t *testing.T) {
	requireEmulators(t)
	ctx := newBrowser(t)
	s := startStack(t)
	wait, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	browse(t, ctx, "a laptop screen", chromedp.EmulateViewport(1280, 900))

	// Sign-in: one field; the answer is the same for a stranger.
	answer := func(addr string) string {
		browse(t, ctx, "sign in as "+addr,
			chromedp.Navigate(s.base+"/StaffDesk"),
			chromedp.WaitVisible(css(`input[name="email"]`)),
			chromedp.SendKeys(css(`input[name="email"]`), addr),
			chromedp.Click(css(`form button[type="submit"]`)),
			chromedp.WaitVisible(css(`p.notice`)),
		)
		return read(t, ctx, "sign-in answer", chromedp.Text(css("main")))
	}
	if a, b := answer("stranger@else.test"), answer("staff@e2e.test"); a != b {
		t.Errorf("the sign-in answer differs for staff (%q) and a stranger (%q)", b, a)
	}
	link, err := s.mailbox.Wait(wait, func(m devmailbox.Message) bool {
		return m.Kind() == "desk_link" && len(m.To) == 1 && m.To[0] == "staff@e2e.test"
	})
	if err != nil {
		var seen []string
		for _, m := range s.mailbox.Messages() {
			seen = append(seen, m.Kind()+"→"+strings.Join(m.To, ","))
		}
		t.Fatalf("desk_link: %v (mailbox: %v)", err, seen)
	}
	// The link shows one button (a mail scanner that follows it signs no one in); the button
	// opens a session, and every desk page after it works by the session's cookie.
	browse(t, ctx, "open the desk link from the mailbox",
		chromedp.Navigate(s.mailURL+"/m/"+link.ID),
		chromedp.WaitVisible(css(`pre a[href*="/StaffDesk?"]`)),
		chromedp.Click(css(`pre a[href*="/StaffDesk?"]`)),
		chromedp.WaitVisible(css(`form input[name="token"] ~ button`)),
	)
	if read(t, ctx, "session before the button", chromedp.Evaluate[bool](`!!document.querySelector('ul.counts')`)) {
		t.Error("the desk link's page is the desk: following the link signed in")
	}
	browse(t, ctx, "open the desk with the button",
		chromedp.Click(css(`form input[name="token"] ~ button`)),
		chromedp.WaitVisible(css(`ul.counts`)),
	)
	deskURL := read(t, ctx, "desk location", chromedp.Location())
	if strings.Contains(deskURL, "token=") {
		t.Errorf("the desk's address carries a token: %s", deskURL)
	}
	if got, want := strings.TrimSpace(read(t, ctx, "h1", chromedp.Text(css("h1")))), web.T("nl", "desk.title"); got != want {
		t.Errorf("h1 = %q, want %q", got, want)
	}
	// The heading and the header name the same thing (issue 24 item 6).
	if brand := read(t, ctx, "brand", chromedp.Text(css("header .brand"))); !strings.Contains(web.T("nl", "desk.title"), strings.TrimPrefix(brand, "Vallei Wonen · ")) {
		t.Errorf("header %q and heading %q disagree", brand, web.T("nl", "desk.title"))
	}
	switchLanguage(t, ctx, "desk")

	// An intake with fields missing names each one in a summary that takes the focus and leads
	// to the field, and marks the fields inline (issue 24 item 3).
	browse(t, ctx, "register a request without a name",
		chromedp.SetValue(css("#f-channel"), "letter"),
		chromedp.Click(css(`form:has(input[value="intake"]) button[type="submit"]`)),
		chromedp.WaitVisible(css("#intake-errors")),
	)
	checkAxe(t, ctx, "desk with intake errors")
	if !focusedInView(t, ctx, "intake-errors") {
		t.Error("the intake's error summary does not have the focus on the screen")
	}
	hrefs := read(t, ctx, "summary links", chromedp.Evaluate[[]string](`[...document.querySelectorAll('#intake-errors a')].map(a => a.getAttribute('href'))`))
	for _, want := range []string{"#f-name", "#f-birthDate", "#f-email"} {
		if !slices.Contains(hrefs, want) {
			t.Errorf("the error summary leads to %v, not to %s", hrefs, want)
		}
		if !read(t, ctx, "inline "+want, chromedp.Evaluate[bool](`document.querySelector('`+want+`[aria-invalid="true"]') !== null && document.getElementById('`+want[1:]+`-error') !== null`)) {
			t.Errorf("%s is not marked inline", want)
		}
	}
	if got := read(t, ctx, "channel kept", chromedp.Evaluate[string](`document.getElementById('f-channel').value`)); got != "letter" {
		t.Errorf("the refused intake lost its channel: %q", got)
	}

	// Intake by phone, no e-mail: received long ago, so overdue and first on the desk.
	browse(t, ctx, "register a request by phone",
		chromedp.SetValue(css("#f-channel"), "phone"),
		chromedp.SetValue(css("#f-receivedOn"), time.Now().AddDate(0, -2, 0).Format(time.DateOnly)),
		chromedp.SetValue(css("#f-type"), "access"),
		chromedp.SendKeys(css("#f-name"), "Piet Telefoon"),
		chromedp.SetValue(css("#f-birthDate"), "1948-06-01"),
		chromedp.SendKeys(css("#f-address"), "Dorpsstraat 1, 3901 AB Veenendaal"),
		chromedp.Click(css(`form:has(input[value="intake"]) button[type="submit"]`)),
		chromedp.WaitVisible(css("#created")),
	)
	// The outcome shows where the eye is and has the focus (issue 24 item 2).
	if !focusedInView(t, ctx, "created") {
		t.Error("after an intake the notice with the new reference is not focused on the screen")
	}
	created := read(t, ctx, "created", chromedp.Text(css("#created")))
	ref := read(t, ctx, "reference", chromedp.Text(css("#created strong")))
	if !strings.HasPrefix(ref, "PL-") || !strings.Contains(created, web.T("nl", "desk.overdue")) {
		t.Fatalf("after intake: %q", created)
	}

	// The overview: the overdue case first, in red and in words; the counts agree with the rows.
	var first string
	deadline := time.Now().Add(time.Minute)
	for {
		browse(t, ctx, "reload the desk", chromedp.Navigate(deskURL), chromedp.WaitVisible(css("ul.counts")))
		first = read(t, ctx, "first row", chromedp.Evaluate[string](`(document.querySelector('table.cases tbody tr th a') || {}).textContent || ''`))
		if read(t, ctx, "letters to post", chromedp.Evaluate[bool](`!!document.querySelector('a[href*="view=letter"]')`)) || time.Now().After(deadline) {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	if strings.TrimSpace(first) != ref {
		t.Errorf("first row %q, want the overdue %s", first, ref)
	}
	lateRows := read(t, ctx, "late rows", chromedp.Evaluate[int](`document.querySelectorAll('table.cases tr.late').length`))
	lateCount := read(t, ctx, "overdue count", chromedp.Evaluate[string](`document.querySelectorAll('ul.counts li')[2].querySelector('strong').textContent`))
	if fmt.Sprint(lateRows) != strings.TrimSpace(lateCount) || lateRows < 1 {
		t.Errorf("%d late rows, the count says %s", lateRows, lateCount)
	}
	color := read(t, ctx, "late colour", chromedp.Evaluate[string](`getComputedStyle(document.querySelector('table.cases tr.late td')).color`))
	if color != "rgb(176, 0, 32)" {
		t.Errorf("an overdue row is %s, want the error red", color)
	}
	if name := read(t, ctx, "name column", chromedp.Text(css("table.cases tbody td.name"))); name != "Piet Telefoon" {
		t.Errorf("the first row names %q, want Piet Telefoon", name)
	}
	t.Logf("desk: %s", shot(t, "desk.png", read(t, ctx, "desk screenshot", chromedp.CaptureScreenshot())))

	// Search by name and by reference (issue 24 item 6).
	for _, q := range []string{"piet tele", strings.ToLower(ref)} {
		browse(t, ctx, "search "+q,
			chromedp.Navigate(deskURL),
			chromedp.WaitVisible(css("#filter-q")),
			chromedp.SendKeys(css("#filter-q"), q),
			chromedp.Click(css(`form[role="search"] button`)),
			chromedp.WaitVisible(css(`a.reset`)),
		)
		rows := read(t, ctx, "found", chromedp.Evaluate[[]string](`[...document.querySelectorAll('table.cases tbody th > a')].map(a => a.textContent)`))
		if !slices.Equal(rows, []string{ref}) {
			t.Errorf("search %q finds %v, want %s", q, rows, ref)
		}
		switchLanguage(t, ctx, "search "+q)
	}
	browse(t, ctx, "the desk on a phone", chromedp.EmulateViewport(390, 844), chromedp.Navigate(deskURL), chromedp.WaitVisible(css("ul.counts")))
	if read(t, ctx, "page width", chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`)) {
		t.Error("the desk scrolls sideways on a phone")
	}
	t.Logf("desk on a phone: %s", shot(t, "desk-phone.png", read(t, ctx, "phone screenshot", chromedp.CaptureScreenshot())))
	browse(t, ctx, "back to a laptop", chromedp.EmulateViewport(1280, 900))

	// The receipt by post: print it, then mark it posted.
	browse(t, ctx, "open the letter to print",
		chromedp.Navigate(deskURL),
		chromedp.WaitVisible(css(`a[href*="view=letter"]`)),
		chromedp.Click(css(`a[href*="view=letter"]`)),
		chromedp.WaitVisible(css("article.sheet")),
	)
	sheet := read(t, ctx, "sheet", chromedp.Text(css("article.sheet")))
	for _, want := range []string{"Piet Telefoon", "3901 AB Veenendaal", ref, "Vallei Wonen"} {
		if !strings.Contains(sheet, want) {
			t.Errorf("the printed letter lacks %q:\n%s", want, sheet)
		}
	}
	if strings.Contains(sheet, "token=") {
		t.Errorf("the printed letter holds a link:\n%s", sheet)
	}
	t.Logf("letter: %s", shot(t, "letter.png", read(t, ctx, "letter screenshot", chromedp.FullScreenshot(100))))
	// The receipt prints as one A4 page with Chromium's default settings (issue 24 item 11).
	if n := pdfPages(t, ctx); n != 1 {
		t.Errorf("the receipt prints on %d pages, want 1", n)
	}
	switchLanguage(t, ctx, "letter to print")
	browse(t, ctx, "mark it posted",
		chromedp.Click(css(`form input[value="posted"] ~ button`)),
		chromedp.WaitVisible(css(`p.notice[role="status"]`)),
	)
	if notice := read(t, ctx, "posted notice", chromedp.Text(css(`p.notice[role="status"]`))); !strings.Contains(notice, ref) {
		t.Errorf("after posting: %q", notice)
	}
	if !focusedInView(t, ctx, "posted") {
		t.Error("after posting the notice is not focused on the screen")
	}

	// The report: charts with their numbers beside them.
	browse(t, ctx, "open the report",
		chromedp.Navigate(deskURL),
		chromedp.WaitVisible(css(`a[href*="view=report"]`)),
		chromedp.Navigate(s.base+"/StaffDesk?view=report&from="+time.Now().AddDate(0, -3, 0).Format(time.DateOnly)+"&to="+time.Now().Format(time.DateOnly)),
		chromedp.WaitVisible(css("figure.chart")),
	)
	if n := read(t, ctx, "charts", chromedp.Evaluate[int](`document.querySelectorAll('figure.chart svg[role="img"] + table.chart-data').length`)); n != 4 {
		t.Errorf("%d charts with a table beside them, want 4", n)
	}
	// Dutch form: no header wraps, no label is cut (issue 24 item 7).
	if wrapped := read(t, ctx, "wrapped headers", chromedp.Evaluate[[]string](`[...document.querySelectorAll('table.chart-data thead th')].filter(th => th.getClientRects().length && th.getBoundingClientRect().height > 2.2 * parseFloat(getComputedStyle(th).lineHeight)).map(th => th.textContent)`)); len(wrapped) > 0 {
		t.Errorf("chart table headers wrap: %q", wrapped)
	}
	if cut := read(t, ctx, "cut labels", chromedp.Evaluate[int](`[...document.querySelectorAll('figure.chart svg text')].filter(x => x.textContent.includes('…')).length`)); cut > 0 {
		t.Errorf("%d chart labels are cut", cut)
	}
	switchLanguage(t, ctx, "report")
	t.Logf("report: %s", shot(t, "report.png", read(t, ctx, "report screenshot", chromedp.FullScreenshot(100))))

	// A period without requests says so, and offers periods to try (issue 24 item 6).
	browse(t, ctx, "an empty period",
		chromedp.Navigate(s.base+"/StaffDesk?view=report&from=2020-01-01&to=2020-01-31"),
		chromedp.WaitVisible(css("#report-empty a")),
	)

	// Sign out: the desk shows the sign-in page again.
	browse(t, ctx, "sign out",
		chromedp.Navigate(deskURL),
		chromedp.WaitVisible(css(`form input[value="sign_out"] ~ button`)),
		chromedp.Click(css(`form input[value="sign_out"] ~ button`)),
		chromedp.WaitNotPresent(css(`ul.counts`)),
		chromedp.WaitVisible(css(`input[name="email"]`)),
	)
	if notice := read(t, ctx, "signed-out notice", chromedp.Text(css(`p.notice`))); notice != web.T("nl", "desk.signin.out") {
		t.Errorf("after signing out: %q", notice)
	}
	switchLanguage(t, ctx, "sign-in page")
	browse(t, ctx, "the desk after signing out", chromedp.Navigate(deskURL), chromedp.WaitVisible(css(`input[name="email"]`)))
	if read(t, ctx, "session after sign-out", chromedp.Evaluate[bool](`!!document.querySelector('ul.counts')`)) {
		t.Error("the desk still opens after signing out")
	}
}

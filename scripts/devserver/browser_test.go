package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/privacyloket/privacyloket/shared/testenv/freeport"

	"cloud.google.com/go/civil"
	"cloud.google.com/go/pubsub/v2"
	"cloud.google.com/go/pubsub/v2/apiv1/pubsubpb"
	"github.com/GoogleCloudPlatform/functions-framework-go/funcframework"
	"github.com/chromedp/chromedp"

	"github.com/privacyloket/privacyloket/shared/devmailbox"
	"github.com/privacyloket/privacyloket/shared/fnkit"
	"github.com/privacyloket/privacyloket/shared/fnlist"
	"github.com/privacyloket/privacyloket/shared/web"
)

// chromiumPath is Debian's chromium; PRIVACYLOKET_CHROMIUM names another binary.
func chromiumPath() string {
	if p := os.Getenv("PRIVACYLOKET_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// e2eStack is the product served the way scripts/dev serves it, with an in-process mailbox.
type e2eStack struct {
	base    string // the functions, e.g. http://127.0.0.1:PORT
	mailbox *devmailbox.Mailbox
	mailURL string
	project string // the run's own project, for a later test that needs the push subscriptions again
	linkKey string // LINK_SIGNING_KEY, for a test that opens a page by a link no letter of its flow carries
}

// The Functions Framework keeps one registry per process and refuses a second registration
// of a name, so the stack is built once per test binary.
var (
	stackOnce sync.Once
	stack     *e2eStack
	stackErr  error
	// stackDone undoes what the stack set up, after every test that shares it has run: not
	// at the end of the first test that asked for it (TestMain).
	stackDone []func()
)

func TestMain(m *testing.M) {
	code := m.Run()
	for i := len(stackDone) - 1; i >= 0; i-- {
		stackDone[i]()
	}
	os.Exit(code)
}

func freePort(t *testing.T) string {
	t.Helper()
	p, err := freeport.Port()
	if err != nil {
		t.Fatal(err)
	}
	return strconv.Itoa(p)
}

func randomKey(t *testing.T) string {
	t.Helper()
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}

// startStack sets the environment of docs/contract.md §2, builds the functions from it, wires
// the Pub/Sub emulator to them and serves them on a free port.
func startStack(t *testing.T) *e2eStack {
	t.Helper()
	stackOnce.Do(func() {
		mb := devmailbox.New(0)
		mailSrv := httptest.NewServer(mb)
		stackDone = append(stackDone, mailSrv.Close)
		port := freePort(t)
		project := testProject(t, "demo-e2e-")
		s := &e2eStack{base: "http://127.0.0.1:" + port, mailbox: mb, mailURL: mailSrv.URL, project: project, linkKey: randomKey(t)}
		for k, v := range map[string]string{
			"GOOGLE_CLOUD_PROJECT":      project,
			"PUBLIC_BASE_URL":           s.base,
			"ORG_PROFILE":               e2eProfile(t), // vallei-wonen, its rent administration naming recipients
			"ALLOW_PLACEHOLDER_PROFILE": "true",
			"STAFF_EMAILS":              "staff@e2e.test",
			"SENDGRID_API_KEY":          "SG.e2e",
			"SENDGRID_API_HOST":         mailSrv.URL,
			"LINK_SIGNING_KEY":          s.linkKey,
			"ID_ENCRYPTION_KEY":         randomKey(t),
			"PSEUDONYM_KEY":             randomKey(t),
			"RATE_LIMIT_PER_IP":         "0",
			"RATE_LIMIT_PER_EMAIL":      "0",
			"FUNCTION_TARGET":           "",
		} {
			t.Setenv(k, v)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := fnkit.StartAll(ctx); err != nil {
			stackErr = fmt.Errorf("fnkit.StartAll: %w", err)
			return
		}
		ps, err := pubsub.NewClient(ctx, project)
		if err != nil {
			stackErr = err
			return
		}
		subs := pushSubscriptions(fnlist.All, s.base)
		if stackErr = ensureSubscriptions(ctx, ps, project, subs); stackErr != nil {
			return
		}
		// The emulator would push to a closed port for ever; the project is this run's own.
		stackDone = append(stackDone, func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			for _, sub := range subs {
				_ = ps.SubscriptionAdminClient.DeleteSubscription(ctx, &pubsubpb.DeleteSubscriptionRequest{
					Subscription: fmt.Sprintf("projects/%s/subscriptions/%s", project, sub.Name)})
			}
			ps.Close()
		})
		serveErr := make(chan error, 1)
		go func() { serveErr <- funcframework.StartHostPort("127.0.0.1", port) }()
		if stackErr = waitReady(ctx, s.base+"/"+firstHTTPFunction(fnlist.All), serveErr, readyTimeout); stackErr != nil {
			return
		}
		stack = s
	})
	if stackErr != nil {
		t.Fatal(stackErr)
	}
	return stack
}

// newBrowser starts headless Chromium with a fresh profile, or skips without one unless
// PRIVACYLOKET_REQUIRE_BROWSER=1.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath()
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("PRIVACYLOKET_REQUIRE_BROWSER") == "1" {
			t.Fatalf("chromium is required (PRIVACYLOKET_REQUIRE_BROWSER=1) but %s is missing: apt-get install chromium", path)
		}
		t.Skipf("no browser at %s (apt-get install chromium)", path)
	}
	profile := t.TempDir() // created before the browser, so removed after it has stopped
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(profile),
	)
	t.Cleanup(cancelAlloc)
	ctx, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(cancelBrowser)
	// Deadline for the whole session, so a page that never shows fails instead of hanging.
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// shot writes a PNG into the test's temp dir and, when PRIVACYLOKET_SCREENSHOTS names a
// directory, there too, for a person to look at.
func shot(t *testing.T, name string, png []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("PRIVACYLOKET_SCREENSHOTS"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

func browse(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func read[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

type css = chromedp.CSS

// linkTo is the first link to function name in a letter's text.
func linkTo(t *testing.T, text, name string) string {
	t.Helper()
	if u := regexp.MustCompile(`https?://[^\s<>"]+/` + name + `\?token=[^\s<>"]+`).FindString(text); u != "" {
		return u
	}
	t.Fatalf("no %s link in:\n%s", name, text)
	return ""
}

// TestBrowserEndToEnd drives the product as a requester would: the form, the thank-you page,
// the mailbox, the confirmation link and button, and the receipt.
func TestBrowserEndToEnd(t *testing.T) {
	requireEmulators(t)
	ctx := newBrowser(t)
	s := startStack(t)

	t.Run("form in English", func(t *testing.T) {
		browse(t, ctx, "open the English form",
			chromedp.Navigate(s.base+"/RequestForm?lang=en"),
			chromedp.WaitVisible(css("form")),
		)
		if got, want := read(t, ctx, "html lang", chromedp.Evaluate[string](`document.documentElement.lang`)), "en"; got != want {
			t.Errorf("html lang = %q, want %q", got, want)
		}
		if got, want := strings.TrimSpace(read(t, ctx, "h1", chromedp.Text(css("h1")))), web.T("en", "request_form.title"); got != want {
			t.Errorf("h1 = %q, want %q", got, want)
		}
		switchLanguage(t, ctx, "request form")
	})

	t.Run("empty submission names every required field", func(t *testing.T) {
		browse(t, ctx, "submit the empty form",
			chromedp.Navigate(s.base+"/RequestForm"),
			chromedp.WaitVisible(css("form")),
			chromedp.SendKeys(css("#phone"), "abc"),
			chromedp.Click(css(`form button[type="submit"]`)),
			chromedp.WaitVisible(css(".summary")),
		)
		// The server refuses a phone number that is none, next to the field (issue 24 item 10);
		// the summary never doubles punctuation and the type question says it is required.
		if got, want := strings.TrimSpace(read(t, ctx, "phone error", chromedp.Text(css("#phone-error")))), web.T("nl", "fielderr.phone"); got != want {
			t.Errorf("phone error = %q, want %q", got, want)
		}
		if got := read(t, ctx, "summary", chromedp.Text(css(".summary"))); strings.Contains(got, ".:") || strings.Contains(got, "?:") {
			t.Errorf("error summary doubles punctuation:\n%s", got)
		}
		if got, want := read(t, ctx, "type legend", chromedp.Text(css("#type legend"))), "("+web.T("nl", "required")+")"; !strings.Contains(got, want) {
			t.Errorf("type question %q does not say %q", got, want)
		}
		if got := read(t, ctx, "details label", chromedp.Text(css(`label[for="details"]`))); strings.Contains(got, web.T("nl", "optional")) {
			t.Errorf("the details label %q says it is optional and needed at once", got)
		}
		checkAxe(t, ctx, "request form with errors")
		hrefs := read(t, ctx, "summary links", chromedp.Evaluate[[]string](
			`[...document.querySelectorAll('.summary a')].map(a => a.getAttribute('href'))`))
		for _, want := range []string{"#type", "#name", "#email", "#birthDate", "#signature", "#declaration"} {
			if !slices.Contains(hrefs, want) {
				t.Errorf("error summary links %v, missing %s", hrefs, want)
			}
		}
		// Each summary link must lead to its field.
		if !read(t, ctx, "summary targets", chromedp.Evaluate[bool](
			`[...document.querySelectorAll('.summary a')].every(a => document.getElementById(a.getAttribute('href').slice(1)))`)) {
			t.Errorf("an error summary link points at no element: %v", hrefs)
		}
	})

	t.Run("request, confirm, receipt", func(t *testing.T) {
		email := "anna." + testProject(t, "") + "@tenant.test"
		browse(t, ctx, "fill in and submit the form",
			chromedp.Navigate(s.base+"/RequestForm"),
			chromedp.WaitVisible(css("form")),
			chromedp.Click(css(`input[name="type"][value="access"]`)),
			chromedp.SendKeys(css("#name"), "Anna Browser"),
			chromedp.SendKeys(css("#email"), email),
			// A date input takes keys in the browser's locale; its value is locale-free.
			chromedp.SetValue(css("#birthDate"), "1980-05-17"),
			chromedp.SendKeys(css("#signature"), "Anna Browser"),
			chromedp.Click(css("#declaration")),
			chromedp.Click(css(`form button[type="submit"]`)),
			chromedp.WaitVisible(css("dl.facts strong")),
		)
		ref := strings.TrimSpace(read(t, ctx, "reference", chromedp.Text(css("dl.facts strong"))))
		thanksURL := read(t, ctx, "location", chromedp.Location())
		if ref == "" || !strings.Contains(thanksURL, "submitted="+ref) {
			t.Fatalf("thank-you page at %s shows reference %q", thanksURL, ref)
		}
		// The thank-you page says where the e-mail went, and where else to look for it.
		if got := read(t, ctx, "sent to", chromedp.Text(css("#sent-to"))); got != email {
			t.Errorf("thank-you page says the e-mail went to %q, want %q", got, email)
		}
		if page := read(t, ctx, "thank-you page", chromedp.Text(css("main"))); !strings.Contains(page, web.T("nl", "thanks.spam")) {
			t.Errorf("thank-you page gives no spam hint:\n%s", page)
		}
		switchLanguage(t, ctx, "thank-you page")
		if got := read(t, ctx, "sent to", chromedp.Text(css("#sent-to"))); got != email {
			t.Errorf("after switching the language back, the thank-you page says %q", got)
		}

		wait, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		conf, err := s.mailbox.Wait(wait, func(m devmailbox.Message) bool {
			return m.Kind() == "confirm_email" && m.CustomArgs["reference"] == ref
		})
		if err != nil {
			t.Fatalf("confirm_email for %s: %v", ref, err)
		}
		if got, want := conf.To, []string{email}; !slices.Equal(got, want) {
			t.Errorf("confirm_email to %v, want %v", got, want)
		}

		browse(t, ctx, "open the mailbox, the letter, its link, and confirm",
			chromedp.Navigate(s.mailURL+"/"),
			chromedp.Click(css(fmt.Sprintf(`a[href="/m/%s"]`, conf.ID))),
			chromedp.WaitVisible(css(`pre a[href*="/ConfirmRequest?"]`)),
			chromedp.Click(css(`pre a[href*="/ConfirmRequest?"]`)),
			chromedp.WaitVisible(css(`form[action^="/ConfirmRequest"] button`)),
		)
		if page := read(t, ctx, "confirm page", chromedp.Text(css("main"))); !strings.Contains(page, ref) {
			t.Errorf("the confirm page does not show the reference %s:\n%s", ref, page)
		}
		switchLanguage(t, ctx, "confirm page")
		browse(t, ctx, "confirm",
			chromedp.Click(css(`form[action^="/ConfirmRequest"] button`)),
			chromedp.WaitNotPresent(css(`form[action^="/ConfirmRequest"] button`)),
			chromedp.WaitVisible(css("dl.facts")),
		)
		h1 := read(t, ctx, "h1", chromedp.Text(css("h1")))
		facts := read(t, ctx, "facts", chromedp.Text(css("dl.facts")))
		if got, want := strings.TrimSpace(h1), web.T("nl", "confirmed.title"); got != want {
			t.Errorf("after confirming, h1 = %q, want %q", got, want)
		}
		if !strings.Contains(facts, ref) || !strings.Contains(facts, web.T("nl", "due")) {
			t.Errorf("confirmed page facts %q lack the reference or the due date", facts)
		}

		receipt, err := s.mailbox.Wait(wait, func(m devmailbox.Message) bool {
			return m.Kind() == "receipt" && m.CustomArgs["reference"] == ref
		})
		if err != nil {
			t.Fatalf("receipt for %s: %v", ref, err)
		}
		due := receipt.CustomArgs["dueDate"]
		dueDate, err := civil.ParseDate(due)
		if err != nil {
			t.Errorf("receipt custom_args.dueDate = %q, not a date", due)
		}
		// With its weekday: a term may end on a Sunday (issue 24 item 10).
		if shownDue := web.DayDate(dueDate, "nl"); shownDue == "" || !strings.Contains(facts, shownDue) {
			t.Errorf("confirmed page %q does not show the receipt's due date %s as %q", facts, due, shownDue)
		}

		browse(t, ctx, "see the receipt in the mailbox",
			chromedp.Navigate(s.mailURL+"/"),
			chromedp.WaitVisible(css("table")),
		)
		kinds := read(t, ctx, "kinds", chromedp.Evaluate[[]string](`[...document.querySelectorAll('td.kind')].map(td => td.textContent)`))
		if !slices.Contains(kinds, "receipt") {
			t.Errorf("mailbox lists kinds %v, no receipt", kinds)
		}
		browse(t, ctx, "open the receipt",
			chromedp.Click(css(fmt.Sprintf(`a[href="/m/%s"]`, receipt.ID))),
			chromedp.WaitVisible(css("iframe")),
		)
		shown := read(t, ctx, "receipt details", chromedp.Text(css("dl")))
		if !strings.Contains(shown, "custom_args.dueDate") || !strings.Contains(shown, due) {
			t.Errorf("receipt page shows %q, want custom_args.dueDate %s", shown, due)
		}
		png := read(t, ctx, "receipt screenshot", chromedp.FullScreenshot(100))
		t.Logf("receipt in the mailbox: %s", shot(t, "mailbox-receipt.png", png))

		// Staff establish identity from data they already hold (docs/rules.md §2); the
		// requester's status page then shows that step in its timeline.
		staff, err := s.mailbox.Wait(wait, func(m devmailbox.Message) bool {
			return m.Kind() == "staff_case" && m.CustomArgs["reference"] == ref
		})
		if err != nil {
			t.Fatalf("staff_case for %s: %v", ref, err)
		}
		browse(t, ctx, "open the staff page",
			chromedp.Navigate(linkTo(t, staff.Text, "StaffCase")),
			chromedp.WaitVisible(css("#verify_identity-method")),
		)
		switchLanguage(t, ctx, "staff page")
		browse(t, ctx, "verify identity on the staff page",
			chromedp.SetValue(css("#verify_identity-method"), "known_data"),
			chromedp.Click(css(`form.action:has(input[value="verify_identity"]) button`)),
			chromedp.WaitNotPresent(css("#verify_identity-method")),
		)
		if page := read(t, ctx, "staff page", chromedp.Text(css("main"))); !strings.Contains(page, web.T("nl", "method.known_data")) {
			t.Errorf("after verifying, the staff page does not say how:\n%s", page)
		}
		png = read(t, ctx, "staff screenshot", chromedp.FullScreenshot(100))
		t.Logf("staff page after verifying: %s", shot(t, "staff-verified.png", png))
		browse(t, ctx, "open the status page",
			chromedp.Navigate(linkTo(t, receipt.Text, "RequestStatus")),
			chromedp.WaitVisible(css("h1")),
		)
		page := read(t, ctx, "status page", chromedp.Text(css("main")))
		for _, step := range []string{"event.submitted", "event.confirmed", "event.verify_identity"} {
			if !strings.Contains(page, web.T("nl", step)) {
				t.Errorf("status page timeline lacks %q:\n%s", web.T("nl", step), page)
			}
		}
		for _, want := range []string{web.T("nl", "status.next.heading"), web.T("nl", "status.next.in_progress"), web.T("nl", "contact.heading"), "Postbus 0000"} {
			if !strings.Contains(page, want) {
				t.Errorf("status page lacks %q:\n%s", want, page)
			}
		}
		if n := read(t, ctx, "column headers", chromedp.Evaluate[int](`document.querySelectorAll('main table thead th[scope=col]').length`)); n != 5 {
			t.Errorf("the status page's tables have %d column headers, want 5", n)
		}
		switchLanguage(t, ctx, "status page")

		// On a phone no word breaks in the middle and nothing scrolls sideways (issue 24 item 9).
		browse(t, ctx, "the status page at 390x844",
			chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
			chromedp.Reload(),
			chromedp.WaitVisible(css("main h1")),
		)
		defer browse(t, ctx, "reset the viewport", chromedp.EmulateReset())
		if read(t, ctx, "page width", chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)) {
			t.Error("the status page is wider than a 390 px phone")
		}
		if broken := read(t, ctx, "words broken", chromedp.Evaluate[[]string](midWordBreaks)); len(broken) > 0 {
			t.Errorf("on a phone the status page breaks words in the middle: %q", broken)
		}
		t.Logf("status page on a phone: %s", shot(t, "status-phone.png", read(t, ctx, "status screenshot", chromedp.FullScreenshot(90))))
	})

	t.Run("form at a phone viewport", func(t *testing.T) {
		browse(t, ctx, "open the form at 390x844",
			chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
			chromedp.Navigate(s.base+"/RequestForm"),
			chromedp.WaitVisible(css("form")),
		)
		defer browse(t, ctx, "reset the viewport", chromedp.EmulateReset())
		overflow := read(t, ctx, "page width", chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
		png := read(t, ctx, "phone screenshot", chromedp.FullScreenshot(100))
		t.Logf("phone screenshot: %s", shot(t, "form-390x844.png", png))
		if overflow {
			t.Error("the form is wider than a 390 px phone screen (horizontal scrolling)")
		}
	})
}

// midWordBreaks lists the words in the main table cells of a page that are split over two
// lines: a word's characters whose tops differ, measured with a Range per word.
const midWordBreaks = `(() => {
	const out = [];
	for (const cell of document.querySelectorAll('main table td, main table th')) {
		const walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
		for (let n = walk.nextNode(); n; n = walk.nextNode()) {
			const re = /\S+/g;
			let m;
			while ((m = re.exec(n.data))) {
				const r = document.createRange();
				r.setStart(n, m.index);
				r.setEnd(n, m.index + m[0].length);
				const rects = [...r.getClientRects()].filter(x => x.width > 0);
				const word = m[0];
				// A hyphen is a place to break: "e-mailadres" may go over two lines.
				if (rects.length > 1 && !word.includes('-')) out.push(word);
			}
		}
	}
	return out;
})()`

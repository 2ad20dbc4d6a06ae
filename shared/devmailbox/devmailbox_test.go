package devmailbox

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/sendgridmail"
)

var fixedNow = time.Date(2026, 3, 27, 9, 30, 0, 0, time.UTC)

func newTestMailbox(t *testing.T, limit int) (*Mailbox, *httptest.Server) {
	t.Helper()
	m := New(limit)
	m.now = func() time.Time { return fixedNow }
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	return m, srv
}

func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func post(t *testing.T, url, auth, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/v3/mail/send", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestSend(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		auth, body string
		wantCode   int
		wantFields []string // fields named in the error body
		wantKept   int
	}{
		{name: "accepted", auth: "Bearer SG.dev", body: fixture(t, "confirm_email.json"), wantCode: 202, wantKept: 1},
		{name: "one message per personalization", auth: "Bearer SG.dev", body: fixture(t, "two_recipients.json"), wantCode: 202, wantKept: 2},
		{name: "no authorization", body: fixture(t, "confirm_email.json"), wantCode: 401},
		{name: "empty bearer", auth: "Bearer  ", body: fixture(t, "confirm_email.json"), wantCode: 401},
		{name: "basic auth", auth: "Basic dXNlcjpwYXNz", body: fixture(t, "confirm_email.json"), wantCode: 401},
		{name: "bad json", auth: "Bearer SG.dev", body: `{"from": `, wantCode: 400},
		{name: "everything missing", auth: "Bearer SG.dev", body: `{}`, wantCode: 400,
			wantFields: []string{"from.email", "personalizations", "subject", "content"}},
		{name: "personalization without to", auth: "Bearer SG.dev", wantCode: 400, wantFields: []string{"personalizations.0.to"},
			body: `{"from":{"email":"a@b.test"},"subject":"s","personalizations":[{"to":[]}],"content":[{"type":"text/plain","value":"x"}]}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, srv := newTestMailbox(t, 0)
			code, body := post(t, srv.URL, tc.auth, tc.body)
			if got, want := code, tc.wantCode; got != want {
				t.Fatalf("status = %d, want %d (body %s)", got, want, body)
			}
			if code == 202 && body != "" {
				t.Errorf("202 body = %q, want empty like SendGrid", body)
			}
			if code >= 400 {
				var e struct {
					Errors []struct {
						Message string  `json:"message"`
						Field   *string `json:"field"`
					} `json:"errors"`
				}
				if err := json.Unmarshal([]byte(body), &e); err != nil || len(e.Errors) == 0 {
					t.Fatalf("error body %q is not SendGrid's {errors: [...]}: %v", body, err)
				}
				var fields []string
				for _, x := range e.Errors {
					if x.Field != nil {
						fields = append(fields, *x.Field)
					}
				}
				if diff := cmp.Diff(tc.wantFields, fields, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("fields named (-want +got):\n%s", diff)
				}
			}
			if got, want := len(m.Messages()), tc.wantKept; got != want {
				t.Errorf("kept %d messages, want %d", got, want)
			}
		})
	}
}

func TestSendParsesSendGridBody(t *testing.T) {
	t.Parallel()
	m, srv := newTestMailbox(t, 0)
	if code, body := post(t, srv.URL, "Bearer SG.dev", fixture(t, "two_recipients.json")); code != 202 {
		t.Fatalf("status %d: %s", code, body)
	}
	want := []Message{
		{ID: "2", Received: fixedNow, From: "privacy@valleiwonen.example", To: []string{"staff2@corp.test"},
			Cc: []string{"lead@corp.test"}, Subject: "Override (kenmerk PL-AAAA-BBBB)", Categories: []string{"staff_case"},
			CustomArgs:  map[string]string{"reference": "PL-AAAA-BBBB", "letter": "staff_reminder", "dueDate": "2026-04-24", "staff": "2"},
			Text:        "Open https://pl.example/StaffCase?token=s",
			Attachments: []Attachment{{Filename: "result.json", Type: "application/json", Size: 5}}},
		{ID: "1", Received: fixedNow, From: "privacy@valleiwonen.example", To: []string{"staff1@corp.test"},
			Subject: "Nieuw verzoek (kenmerk PL-AAAA-BBBB)", Categories: []string{"staff_case"},
			CustomArgs:  map[string]string{"reference": "PL-AAAA-BBBB", "letter": "staff_case", "dueDate": "2026-04-24", "staff": "1"},
			Text:        "Open https://pl.example/StaffCase?token=s",
			Attachments: []Attachment{{Filename: "result.json", Type: "application/json", Size: 5}}},
	}
	if diff := cmp.Diff(want, m.Messages()); diff != "" {
		t.Errorf("messages (-want +got):\n%s", diff)
	}
	if got, want := m.Messages()[0].Kind(), "staff_reminder"; got != want {
		t.Errorf("Kind() = %q, want %q", got, want)
	}
}

// TestProductAdapter sends through the product's own SendGrid adapter, so the mailbox and the
// adapter cannot drift apart without a test noticing.
func TestProductAdapter(t *testing.T) {
	t.Parallel()
	m, srv := newTestMailbox(t, 0)
	mailer, err := sendgridmail.New("SG.dev-dummy", srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	in := app.Mail{FromEmail: "privacy@valleiwonen.example", FromName: "Vallei Wonen", To: "jan@tenant.test",
		Subject: "Ontvangstbevestiging (kenmerk PL-1)", Text: "tekst", HTML: "<p>html</p>",
		Categories: []string{"receipt"}, CustomArgs: map[string]string{"reference": "PL-1", "letter": "receipt", "dueDate": "2026-04-24"}}
	if err := mailer.Send(context.Background(), in); err != nil {
		t.Fatalf("Send: %v", err)
	}
	want := []Message{{ID: "1", Received: fixedNow, From: in.FromEmail, To: []string{in.To}, Subject: in.Subject,
		Categories: in.Categories, CustomArgs: in.CustomArgs, Text: in.Text, HTML: in.HTML}}
	if diff := cmp.Diff(want, m.Messages()); diff != "" {
		t.Errorf("messages (-want +got):\n%s", diff)
	}
}

func TestLimitKeepsNewest(t *testing.T) {
	t.Parallel()
	m, srv := newTestMailbox(t, 3)
	for range 5 {
		if code, body := post(t, srv.URL, "Bearer k", fixture(t, "confirm_email.json")); code != 202 {
			t.Fatalf("status %d: %s", code, body)
		}
	}
	var ids []string
	for _, msg := range m.Messages() {
		ids = append(ids, msg.ID)
	}
	if diff := cmp.Diff([]string{"5", "4", "3"}, ids); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
	if _, ok := m.Message("1"); ok {
		t.Error("message 1 is still kept beyond the limit")
	}
	if resp, _ := get(t, srv.URL+"/m/1"); resp.StatusCode != 404 {
		t.Errorf("GET /m/1 = %d, want 404", resp.StatusCode)
	}
}

func TestListPage(t *testing.T) {
	t.Parallel()
	m, srv := newTestMailbox(t, 0)
	resp, body := get(t, srv.URL+"/")
	if got, want := resp.StatusCode, 200; got != want {
		t.Fatalf("status = %d, want %d", got, want)
	}
	if !strings.Contains(body, "No e-mail yet") {
		t.Errorf("empty mailbox page does not say so:\n%s", body)
	}
	post(t, srv.URL, "Bearer k", fixture(t, "confirm_email.json"))
	evil := strings.Replace(fixture(t, "confirm_email.json"), `"subject": "Bevestig`, `"subject": "<script>alert(1)</script> Bevestig`, 1)
	post(t, srv.URL, "Bearer k", evil)
	if got, want := len(m.Messages()), 2; got != want {
		t.Fatalf("kept %d, want %d", got, want)
	}

	resp, body = get(t, srv.URL+"/")
	checks := []struct{ name, want string }{
		{"auto-refresh", `<meta http-equiv="refresh" content="5">`},
		{"language", `<html lang="en">`},
		{"kind column", `<td class="kind">confirm_email</td>`},
		{"recipient", `<td>jan@tenant.test</td>`},
		{"newest first links to message 2", `<a href="/m/2">&lt;script&gt;alert(1)&lt;/script&gt; Bevestig`},
		{"older message", `<a href="/m/1">Bevestig uw e-mailadres (kenmerk PL-7K4Q-M2XD)</a>`},
		{"table headers", `<th scope="col">Subject</th>`},
	}
	for _, c := range checks {
		if !strings.Contains(body, c.want) {
			t.Errorf("%s: page lacks %q", c.name, c.want)
		}
	}
	if strings.Index(body, `href="/m/2"`) > strings.Index(body, `href="/m/1"`) {
		t.Error("messages are not listed newest first")
	}
	if strings.Contains(body, "<script>") {
		t.Error("a subject's markup reached the page unescaped")
	}
	if got := resp.Header.Get("Content-Security-Policy"); !strings.Contains(got, "default-src 'none'") || strings.Contains(got, "script-src") {
		t.Errorf("CSP = %q, want default-src 'none' and no script source", got)
	}
	if got, want := resp.Header.Get("X-Content-Type-Options"), "nosniff"; got != want {
		t.Errorf("X-Content-Type-Options = %q, want %q", got, want)
	}
}

func TestMessagePage(t *testing.T) {
	t.Parallel()
	_, srv := newTestMailbox(t, 0)
	post(t, srv.URL, "Bearer k", fixture(t, "confirm_email.json"))
	resp, body := get(t, srv.URL+"/m/1")
	if got, want := resp.StatusCode, 200; got != want {
		t.Fatalf("status = %d, want %d", got, want)
	}
	checks := []struct{ name, want string }{
		{"subject heading", `<h1>Bevestig uw e-mailadres (kenmerk PL-7K4Q-M2XD)</h1>`},
		{"recipient", `<dd>jan@tenant.test</dd>`},
		{"categories", `<dt>Categories</dt><dd>confirm_email</dd>`},
		{"custom_args", `<dt>custom_args.reference</dt><dd>PL-7K4Q-M2XD</dd>`},
		{"text link without the trailing full stop", `<a href="https://pl.example/ConfirmRequest?token=c0nf.t0k&amp;lang=nl">https://pl.example/ConfirmRequest?token=c0nf.t0k&amp;lang=nl</a>.`},
		{"sandboxed iframe", `<iframe title="HTML part of the e-mail" sandbox="allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation" srcdoc="`},
		{"no auto-refresh", `<h2>Text</h2>`},
	}
	for _, c := range checks {
		if !strings.Contains(body, c.want) {
			t.Errorf("%s: page lacks %q", c.name, c.want)
		}
	}
	if strings.Contains(body, "http-equiv") {
		t.Error("the message page refreshes; that would reset the reader's place")
	}
	// The HTML part is escaped into srcdoc, so its markup cannot act on the mailbox page.
	i := strings.Index(body, `srcdoc="`)
	j := strings.Index(body[i+8:], `"`)
	doc := html.UnescapeString(body[i+8 : i+8+j])
	if !strings.HasPrefix(doc, "<!DOCTYPE html>") || !strings.Contains(doc, `<head><base target="_blank">`) ||
		!strings.Contains(doc, `href="https://pl.example/ConfirmRequest?token=c0nf.t0k&amp;lang=nl"`) {
		t.Errorf("srcdoc does not hold the letter with a _blank base:\n%s", doc)
	}
	if resp, _ := get(t, srv.URL+"/m/99"); resp.StatusCode != 404 {
		t.Errorf("GET /m/99 = %d, want 404", resp.StatusCode)
	}
}

func TestLinkify(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		{"no links", "no links"},
		{"<b>&", "&lt;b&gt;&amp;"},
		{"see https://x.test/a?b=1&c=2.", `see <a href="https://x.test/a?b=1&amp;c=2">https://x.test/a?b=1&amp;c=2</a>.`},
		{"(http://x.test/p)", `(<a href="http://x.test/p">http://x.test/p</a>)`},
		{"two http://a.test, http://b.test!", `two <a href="http://a.test">http://a.test</a>, <a href="http://b.test">http://b.test</a>!`},
		{`"http://q.test/"<`, `&#34;<a href="http://q.test/">http://q.test/</a>&#34;&lt;`},
		{"javascript:alert(1)", "javascript:alert(1)"},
	}
	for _, tc := range cases {
		if got, want := string(linkify(tc.in)), tc.want; got != want {
			t.Errorf("linkify(%q) = %q, want %q", tc.in, got, want)
		}
	}
}

func TestLetterDoc(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		{"<html><HEAD><title>x</title></HEAD></html>", `<html><HEAD><base target="_blank"><title>x</title></HEAD></html>`},
		{"<p>bare</p>", `<base target="_blank"><p>bare</p>`},
	}
	for _, tc := range cases {
		if got, want := letterDoc(tc.in), tc.want; got != want {
			t.Errorf("letterDoc(%q) = %q, want %q", tc.in, got, want)
		}
	}
}

func TestAPI(t *testing.T) {
	t.Parallel()
	_, srv := newTestMailbox(t, 0)
	resp, body := get(t, srv.URL+"/api/messages")
	if got, want := strings.TrimSpace(body), "[]"; got != want {
		t.Errorf("empty list = %q, want %q", got, want)
	}
	post(t, srv.URL, "Bearer k", fixture(t, "confirm_email.json"))
	resp, body = get(t, srv.URL+"/api/messages")
	if got, want := resp.Header.Get("Content-Type"), "application/json"; got != want {
		t.Errorf("Content-Type = %q, want %q", got, want)
	}
	var got []Message
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("got %d messages, want 1", len(got))
	}
	if got, want := got[0].Kind(), "confirm_email"; got != want {
		t.Errorf("kind = %q, want %q", got, want)
	}
	if !got[0].Received.Equal(fixedNow) {
		t.Errorf("received = %v, want %v", got[0].Received, fixedNow)
	}
}

func TestMethods(t *testing.T) {
	t.Parallel()
	_, srv := newTestMailbox(t, 0)
	cases := []struct {
		method, path string
		want         int
	}{
		{http.MethodGet, "/v3/mail/send", 405},
		{http.MethodPost, "/", 405},
		{http.MethodGet, "/nothing", 404},
	}
	for _, tc := range cases {
		req, _ := http.NewRequest(tc.method, srv.URL+tc.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.StatusCode; got != tc.want {
			t.Errorf("%s %s = %d, want %d", tc.method, tc.path, got, tc.want)
		}
	}
}

func TestWait(t *testing.T) {
	t.Parallel()
	m, srv := newTestMailbox(t, 0)
	isReceipt := func(msg Message) bool { return msg.Kind() == "receipt" }

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := m.Wait(ctx, isReceipt); err == nil {
		t.Error("Wait on an ended context with no match returned no error")
	}

	done := make(chan Message, 1)
	errs := make(chan error, 1)
	// A deadline only so a broken Wait fails the test instead of hanging it.
	wctx, wcancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer wcancel()
	go func() {
		msg, err := m.Wait(wctx, isReceipt)
		if err != nil {
			errs <- err
			return
		}
		done <- msg
	}()
	post(t, srv.URL, "Bearer k", fixture(t, "confirm_email.json"))
	receipt := strings.ReplaceAll(fixture(t, "confirm_email.json"), "confirm_email", "receipt")
	post(t, srv.URL, "Bearer k", receipt)
	select {
	case msg := <-done:
		if got, want := msg.ID, "2"; got != want {
			t.Errorf("Wait returned message %s, want %s", got, want)
		}
	case err := <-errs:
		t.Fatal(err)
	}
}

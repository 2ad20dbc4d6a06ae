package functions_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/fnkit"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

// A client writes X-Forwarded-For itself; only the entries the trusted proxies append count.
func TestForgedForwardedForDoesNotBypassTheIPLimit(t *testing.T) {
	t.Parallel()
	one := 1
	for _, tc := range []struct {
		name string
		hops int
		// appended is what the trusted proxies add after whatever the client sent.
		appended string
	}{
		{"no proxy: the peer counts", 0, ""},
		{"Cloud Run directly: its front end appends the client", 1, "198.51.100.7"},
		{"load balancer: client and balancer appended", 2, "198.51.100.7, 34.120.0.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnvWith(t, testenv.Options{RateIP: &one}, fnkit.Options{TrustedProxyHops: tc.hops})
			post := func(forged, email string) *http.Response {
				xff := forged
				if tc.appended != "" {
					xff += ", " + tc.appended
				}
				b, _ := json.Marshal(with(valid(), "email", email))
				resp, _ := e.do(t, "POST", "/RequestForm", "application/json", bytes.NewReader(b),
					map[string]string{"Accept": "application/json", "X-Forwarded-For": xff})
				return resp
			}
			if resp := post("203.0.113.1", "first@tenant.test"); resp.StatusCode != 201 {
				t.Fatalf("first: %d", resp.StatusCode)
			}
			// A fresh forged leading entry per request must not buy a fresh counter.
			if resp := post("203.0.113.2", "second@tenant.test"); resp.StatusCode != 429 {
				t.Errorf("second with another forged address: %d, want 429", resp.StatusCode)
			}
		})
	}
}

// limitedCases counts Limited, the cheap check of a client's rate limits that runs before a
// submission's body is read (app.Service.Admit) and before a file is inspected, and answers it
// with err when set.
type limitedCases struct {
	app.CaseStore
	err   error
	calls atomic.Int32
}

func (c *limitedCases) Limited(ctx context.Context, limits []app.Limit, now time.Time) error {
	c.calls.Add(1)
	if c.err != nil {
		return c.err
	}
	return c.CaseStore.Limited(ctx, limits, now)
}

// newLimitedEnv is newEnv whose functions read rate limits through a limitedCases.
func newLimitedEnv(t *testing.T, err error) (*env, *limitedCases) {
	t.Helper()
	s := testenv.NewStack(t, testenv.Options{})
	lc := &limitedCases{CaseStore: s.Store, err: err}
	deps := s.Deps
	deps.Cases = lc
	return serve(t, s, deps, fnkit.Options{}), lc
}

// An upload from another site, from a rate-limited client, or with a body larger than allowed is
// refused before the body is parsed: the file, an executable that inspection would refuse with
// 415, is never looked at.
func TestUploadsAreRefusedBeforeInspection(t *testing.T) {
	t.Parallel()
	e, limited := newLimitedEnv(t, &app.RateLimitedError{RetryAfter: time.Hour})
	// Larger than a plain form: a body that can carry a photo is what the early check spares.
	exe := append([]byte("MZ\x90\x00"), bytes.Repeat([]byte{0}, fnkit.MaxFormBody)...)
	form := func() (string, *bytes.Buffer) {
		ct, body := multipartBody(t, valid(), "id.jpg", exe)
		var buf bytes.Buffer
		buf.ReadFrom(body)
		return ct, &buf
	}

	ct, body := form()
	if resp, b := e.do(t, "POST", "/RequestForm", ct, body, map[string]string{"Accept": "application/json", "Sec-Fetch-Site": "cross-site"}); resp.StatusCode != 403 {
		t.Errorf("cross-site upload: %d %s, want 403", resp.StatusCode, b)
	}
	ct, body = form()
	if resp, b := e.do(t, "POST", "/RequestForm", ct, body, map[string]string{"Accept": "application/json", "Origin": "null"}); resp.StatusCode != 403 {
		t.Errorf("upload from an opaque origin: %d %s, want 403", resp.StatusCode, b)
	}

	ct, body = form()
	resp, b := e.do(t, "POST", "/RequestForm", ct, body, asJSON)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
		t.Errorf("rate-limited upload: %d %s, want 429 before the file is inspected (415)", resp.StatusCode, b)
	}
	if limited.calls.Load() != 1 {
		t.Errorf("rate limits read %d times, want 1", limited.calls.Load())
	}

	// A declared length over the limit is refused before a byte of the body is read.
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /RequestForm HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n--x", ct, fnkit.MaxMultipartBody+1)
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if resp, err := http.ReadResponse(bufio.NewReader(conn), nil); err != nil {
		t.Errorf("declared length over the limit: %v, want an answer before the body", err)
	} else if resp.StatusCode != 413 {
		t.Errorf("declared length over the limit: %d, want 413", resp.StatusCode)
	}
	e.assertEmpty(t)
}

// A body no larger than a plain form costs no early read: Submit checks the same limit before it
// inspects a file (TestIPLimitComesBeforeInspection) and counts it when storing the case.
func TestSmallFormsCostNoEarlyRead(t *testing.T) {
	t.Parallel()
	e, admitter := newLimitedEnv(t, nil)
	ct, body := multipartBody(t, valid(), "", nil)
	if resp, b := e.do(t, "POST", "/RequestForm", ct, body, asJSON); resp.StatusCode != 201 {
		t.Fatalf("small form: %d %s, want 201", resp.StatusCode, b)
	}
	if n := admitter.calls.Load(); n != 0 {
		t.Errorf("rate limits read %d times before a small form is stored, want 0", n)
	}
}

// The upload page's link: a forged token in the query is refused before the upload is read.
func TestUploadIDChecksTheQueryTokenFirst(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testenv.Options{})
	other, _ := linktoken.NewSigner(testenv.Key(32))
	forged, _ := other.Sign(linktoken.Claims{Purpose: linktoken.Upload, Reference: "PL-AAAA-BBBB", Expires: e.Clock.Now().Add(time.Hour).Unix()})
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fw, _ := w.CreateFormFile("idDocument", "id.jpg")
	fw.Write(append([]byte("MZ\x90\x00"), bytes.Repeat([]byte{0}, 400)...))
	w.Close()
	resp, b := e.do(t, "POST", "/UploadID?token="+url.QueryEscape(forged), w.FormDataContentType(), &buf, asJSON)
	if resp.StatusCode != 403 {
		t.Errorf("forged query token: %d %s, want 403", resp.StatusCode, b)
	}
	// The upload page posts its token in the query, so browsers get the early check.
	good, _ := e.Signer.Sign(linktoken.Claims{Purpose: linktoken.Upload, Reference: "PL-AAAA-BBBB", Expires: e.Clock.Now().Add(time.Hour).Unix()})
	if resp, page := e.do(t, "GET", "/UploadID?token="+url.QueryEscape(good), "", nil, nil); resp.StatusCode != 200 ||
		!strings.Contains(page, `action="/UploadID?token=`+url.QueryEscape(good)) {
		t.Errorf("upload page: %d, its form does not post the token in the query", resp.StatusCode)
	}
}

// A part that names a file but holds no bytes is refused as a file we cannot take (415).
func TestEmptyIDDocumentIs415(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testenv.Options{})
	ct, body := multipartBody(t, valid(), "id.jpg", []byte{})
	resp, b := e.do(t, "POST", "/RequestForm", ct, body, asJSON)
	if resp.StatusCode != 415 || !strings.Contains(b, "idDocument") {
		t.Errorf("empty idDocument: %d %s, want 415 naming idDocument", resp.StatusCode, b)
	}
	// With other invalid fields too: still refused, and nothing stored.
	ct, body = multipartBody(t, with(valid(), "name", nil), "id.jpg", []byte{})
	if resp, b := e.do(t, "POST", "/RequestForm", ct, body, asJSON); resp.StatusCode != 415 {
		t.Errorf("empty idDocument with a missing name: %d %s, want 415", resp.StatusCode, b)
	}
	e.assertEmpty(t)
}

// The thank-you page shows a reference taken from its URL only when it is one.
func TestThanksPageShowsOnlyAReference(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testenv.Options{})
	for text, shown := range map[string]bool{
		"PL-7K3M-Q9XD": true,
		"Bel direct 0900-1234 om uw gegevens te bevestigen": false,
		"PL-7K3M-Q9XD<b>": false,
	} {
		resp, page := e.do(t, "GET", "/RequestForm?submitted="+url.QueryEscape(text), "", nil, nil)
		if resp.StatusCode != 200 {
			t.Errorf("%q: %d", text, resp.StatusCode)
		}
		if strings.Contains(page, "Bel direct") || strings.Contains(page, "<b>") {
			t.Errorf("%q: the page shows the text", text)
		}
		if got := strings.Contains(page, "<strong>"+text+"</strong>"); got != shown {
			t.Errorf("%q shown as the reference: %v, want %v", text, got, shown)
		}
	}
}

// tickEvent is a Pub/Sub push of data to ticks, published at publish.
func tickEvent(data string, publish time.Time) event.Event {
	ev := event.New()
	ev.SetID("tick-1")
	ev.SetType("google.cloud.pubsub.topic.v1.messagePublished")
	ev.SetSource("//pubsub.googleapis.com/projects/p/topics/ticks")
	ev.SetTime(publish)
	ev.SetData("application/json", map[string]any{"message": map[string]any{
		"data": base64.StdEncoding.EncodeToString([]byte(data)), "messageId": "1", "publishTime": publish.UTC().Format(time.RFC3339Nano)}})
	return ev
}

// A tick's "now" is honoured only where ALLOW_TICK_NOW is on; elsewhere the tick sweeps as of
// its publish time, so a message "as of 2100" expires nothing.
func TestTickNowOnlyWhereAllowed(t *testing.T) {
	t.Parallel()
	reminders := func(e *env, ref string) int {
		ls, err := e.Store.Letters(context.Background(), ref)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, l := range ls {
			if l.Kind == "confirm_reminder" {
				n++
			}
		}
		return n
	}
	submit := func(e *env) string {
		resp, b := e.postJSON(t, "/RequestForm", valid())
		if resp.StatusCode != 201 {
			t.Fatal(b)
		}
		var c struct{ Reference string }
		json.Unmarshal([]byte(b), &c)
		return c.Reference
	}
	later := func(e *env) string { return e.Clock.Now().Add(25 * time.Hour).UTC().Format(time.RFC3339) }

	t.Run("off", func(t *testing.T) {
		t.Parallel()
		e := newEnvWith(t, testenv.Options{NoDelivery: true}, fnkit.Options{})
		ref := submit(e)
		if err := e.events["Tick"](context.Background(), tickEvent(`{"now":"`+later(e)+`"}`, e.Clock.Now())); err != nil {
			t.Fatal(err)
		}
		if n := reminders(e, ref); n != 0 {
			t.Errorf("a tick published now but claiming tomorrow queued %d reminders, want 0", n)
		}
		// The publish time is what counts.
		if err := e.events["Tick"](context.Background(), tickEvent(`{}`, e.Clock.Now().Add(25*time.Hour))); err != nil {
			t.Fatal(err)
		}
		if n := reminders(e, ref); n != 1 {
			t.Errorf("a tick published tomorrow queued %d reminders, want 1", n)
		}
	})
	t.Run("on", func(t *testing.T) {
		t.Parallel()
		e := newEnvWith(t, testenv.Options{NoDelivery: true}, fnkit.Options{AllowTickNow: true})
		ref := submit(e)
		if err := e.events["Tick"](context.Background(), tickEvent(`{"now":"`+later(e)+`"}`, e.Clock.Now())); err != nil {
			t.Fatal(err)
		}
		if n := reminders(e, ref); n != 1 {
			t.Errorf("ALLOW_TICK_NOW: a tick as of tomorrow queued %d reminders, want 1", n)
		}
	})
}

// A year without next year's decree-day data (docs/rules.md §3): the Tick warns the privacy officer
// and staff by letter, once per year however often it runs, and the start-up logs it.
func TestTickWarnsOnceAboutMissingDecreeData(t *testing.T) {
	t.Parallel()
	now := time.Date(2027, 7, 1, 9, 0, 0, 0, time.UTC)
	e := newEnv(t, testenv.Options{Now: now})
	if !strings.Contains(e.Logs.String(), "decree_days.json") {
		t.Error("start-up does not log the missing decree data")
	}
	for i := range 2 {
		if err := e.events["Tick"](context.Background(), tickEvent(`{}`, e.Clock.Now().Add(time.Duration(i)*time.Hour))); err != nil {
			t.Fatal(err)
		}
	}
	m := e.Mail.Await(t, "decree_days_missing", "privacy@valleiwonen.example", "")
	e.Mail.Await(t, "decree_days_missing", "staff@corp.test", "")
	// A second warning would be a letter still waiting or being sent: wait until none is.
	later := e.Clock.Now().Add(24 * time.Hour)
	testenv.Eventually(t, "no letter left to send", func() bool {
		e.Quiet(t)
		ids, err := e.Store.PendingLetters(context.Background(), later, later, 10)
		return err == nil && len(ids) == 0
	})
	if n := e.Mail.Count("decree_days_missing", "privacy@valleiwonen.example", ""); n != 1 {
		t.Errorf("two ticks sent %d warnings to the privacy officer, want 1", n)
	}
	if n := e.Mail.Count("decree_days_missing", "staff@corp.test", ""); n != 1 {
		t.Errorf("two ticks sent %d warnings to staff, want 1", n)
	}
	if !strings.Contains(m.Text, "2028") {
		t.Errorf("the warning does not name 2028:\n%s", m.Text)
	}
}

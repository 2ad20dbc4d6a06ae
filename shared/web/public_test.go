package web

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/policy"
)

func contactRenderer(t *testing.T) *Renderer {
	t.Helper()
	r, err := NewRenderer(slog.New(slog.DiscardHandler), "de Alliantie")
	if err != nil {
		t.Fatal(err)
	}
	r.SetContact(ContactOf(policy.Organisation{Phone: "088 0023200", PostalAddress: []string{"Postbus 105", "1200 AC Hilversum"},
		VisitingAddress: []string{"Jan van der Heijdenstraat 36"}, Website: "https://www.de-alliantie.nl"}))
	return r
}

// The pages a requester may get stuck on say how to reach the organisation without a
// computer: a link that does not work (403), the upload that arrived, the status page and the
// thank-you page. Staff pages do not (issue 24 item 9).
func TestPagesWithContactDetails(t *testing.T) {
	t.Parallel()
	r := contactRenderer(t)
	page := func(do func(w http.ResponseWriter)) string {
		w := httptest.NewRecorder()
		do(w)
		return w.Body.String()
	}
	wants := []string{`href="tel:0880023200"`, "088 0023200", "Postbus 105<br>1200 AC Hilversum", "Jan van der Heijdenstraat 36",
		`href="https://www.de-alliantie.nl"`, T("nl", "contact.heading")}
	for name, body := range map[string]string{
		"403": page(func(w http.ResponseWriter) {
			r.Problem(w, httptest.NewRequest("GET", "/RequestStatus?token=x", nil), http.StatusForbidden, "nl", "err.token", nil)
		}),
		"upload done": page(func(w http.ResponseWriter) {
			r.HTML(w, httptest.NewRequest("POST", "/UploadID", nil), http.StatusOK, "message", "nl",
				map[string]any{"Heading": T("nl", "upload.done.heading"), "Text": T("nl", "upload.done")})
		}),
		"status": page(func(w http.ResponseWriter) {
			r.HTML(w, httptest.NewRequest("GET", "/RequestStatus?token=x", nil), http.StatusOK, "status", "nl",
				NewStatusPage("nl", &app.StatusView{Reference: "PL-7K3M-Q9XD", Type: "access", Status: "in_progress"}))
		}),
		"thanks": page(func(w http.ResponseWriter) {
			r.HTML(w, httptest.NewRequest("GET", "/RequestForm?submitted=PL-7K3M-Q9XD", nil), http.StatusOK, "thanks", "nl", ThanksPage{Reference: "PL-7K3M-Q9XD"})
		}),
	} {
		for _, want := range wants {
			if !strings.Contains(body, want) {
				t.Errorf("%s page lacks %q", name, want)
			}
		}
	}
	staff := page(func(w http.ResponseWriter) {
		r.Problem(w, httptest.NewRequest("GET", "/StaffCase?token=x", nil), http.StatusForbidden, "nl", "err.token.staff", nil)
	})
	if strings.Contains(staff, "088 0023200") {
		t.Error("a staff page shows the requester's contact block")
	}
}

// The status page says what happens next in every status, and its tables have headers.
func TestStatusPageSaysWhatHappensNext(t *testing.T) {
	t.Parallel()
	r := contactRenderer(t)
	for _, st := range []string{"awaiting_confirmation", "awaiting_identity", "in_progress", "awaiting_third_party", "decided", "closed", "expired"} {
		for _, lang := range []string{"nl", "en"} {
			w := httptest.NewRecorder()
			v := &app.StatusView{Reference: "PL-7K3M-Q9XD", Type: "access", Status: st, ReceivedAt: "2026-11-28T14:39:00Z",
				Letters:  []app.LetterView{{Letter: "receipt", At: "2026-11-28T14:40:00Z", Status: "sent"}},
				Timeline: []app.TimelineEntry{{At: "2026-11-28T14:39:00Z", Event: "submitted"}}}
			r.HTML(w, httptest.NewRequest("GET", "/RequestStatus?token=x", nil), http.StatusOK, "status", lang, NewStatusPage(lang, v))
			body := w.Body.String()
			for _, want := range []string{T(lang, "status.next.heading"), T(lang, "status.next."+st), `<th scope="col">` + T(lang, "status.col.when"),
				`<th scope="col">` + T(lang, "status.col.letter"), `<th scope="row">` + T(lang, "letter.receipt")} {
				if !strings.Contains(body, want) {
					t.Errorf("%s %s: status page lacks %q", lang, st, want)
				}
			}
		}
	}
}

// The thank-you page names the address the e-mail went to only for the browser that submitted
// (the cookie names the reference too), never from the URL (issue 24 item 9).
func TestThanksPageNamesTheAddress(t *testing.T) {
	t.Parallel()
	c := SentCookie("PL-7K3M-Q9XD", "anna@tenant.test", true)
	if !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteStrictMode || c.Path != "/RequestForm" || c.MaxAge <= 0 || c.MaxAge > 3600 {
		t.Errorf("cookie %+v: want HttpOnly, Secure, SameSite=Strict, Path=/RequestForm, at most an hour", c)
	}
	with := func(ref string, cookie *http.Cookie) ThanksPage {
		req := httptest.NewRequest("GET", "/RequestForm?submitted="+ref, nil)
		if cookie != nil {
			req.AddCookie(cookie)
		}
		return NewThanksPage(req)
	}
	if p := with("PL-7K3M-Q9XD", c); p.Email != "anna@tenant.test" {
		t.Errorf("with the cookie: %+v", p)
	}
	if p := with("PL-AAAA-BBBB", c); p.Email != "" {
		t.Errorf("another reference shows the address: %+v", p)
	}
	if p := with("PL-7K3M-Q9XD", nil); p.Email != "" || p.Reference != "PL-7K3M-Q9XD" {
		t.Errorf("without the cookie: %+v", p)
	}
	r := contactRenderer(t)
	w := httptest.NewRecorder()
	r.HTML(w, httptest.NewRequest("GET", "/RequestForm", nil), http.StatusOK, "thanks", "nl", ThanksPage{Reference: "PL-7K3M-Q9XD", Email: "anna@tenant.test"})
	for _, want := range []string{"anna@tenant.test", T("nl", "thanks.spam"), T("nl", "thanks.wrong")} {
		if !strings.Contains(w.Body.String(), want) {
			t.Errorf("thank-you page lacks %q", want)
		}
	}
}

// The confirm page shows the reference the link is for.
func TestConfirmPageShowsTheReference(t *testing.T) {
	t.Parallel()
	r := contactRenderer(t)
	w := httptest.NewRecorder()
	r.HTML(w, httptest.NewRequest("GET", "/ConfirmRequest?token=x", nil), http.StatusOK, "confirm", "nl", map[string]string{"Token": "x", "Reference": "PL-7K3M-Q9XD"})
	if !strings.Contains(w.Body.String(), "<strong>PL-7K3M-Q9XD</strong>") {
		t.Errorf("confirm page lacks the reference:\n%s", w.Body.String())
	}
}

// The thank-you page shows only a reference as "your reference": the query is anyone's to write.
func TestThanksPageShowsOnlyAReference(t *testing.T) {
	t.Parallel()
	for q, want := range map[string]string{"PL-7K3M-Q9XD": "PL-7K3M-Q9XD", "<script>": "", "": "", "PL-7K3M": ""} {
		req := httptest.NewRequest("GET", "/RequestForm?submitted="+url.QueryEscape(q), nil)
		if got := NewThanksPage(req).Reference; got != want {
			t.Errorf("?submitted=%q shows reference %q, want %q", q, got, want)
		}
	}
}

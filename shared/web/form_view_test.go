package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/request"
)

// The form says what is required without contradicting itself, refuses a phone number that is
// none, and its error summary never doubles the punctuation (issue 24 item 10).
func TestRequestFormWording(t *testing.T) {
	t.Parallel()
	r := contactRenderer(t)
	today := civil.Date{Year: 2026, Month: 12, Day: 6}
	s := request.Submission{Type: "erasure", Name: "Jan", Email: "jan@example.nl", BirthDate: "1980-01-01", Phone: "abc", Signature: "Jan"}
	_, ferrs := s.Validate(today)
	for _, lang := range []string{"nl", "en"} {
		errs := FieldErrors(ferrs, lang)
		w := httptest.NewRecorder()
		r.HTML(w, httptest.NewRequest("POST", "/RequestForm", nil), http.StatusBadRequest, "request_form", lang, NewFormView(lang, nil, s, errs))
		body := w.Body.String()
		for _, want := range []string{
			T(lang, "form.type") + ` <span class="hint">(` + T(lang, "required") + `)</span>`,
			`(` + T(lang, "form.details.when") + `) ` + T(lang, "form.details.hint"),
			`(` + T(lang, "form.reason.when") + `)`,
			`inputmode="tel"`, `pattern="` + request.PhonePattern + `"`,
			`<span class="error" id="phone-error">` + T(lang, "fielderr.phone") + `</span>`,
			`<a href="#phone">` + T(lang, "form.phone") + `</a>: ` + T(lang, "fielderr.phone"),
			`<a href="#declaration">` + T(lang, "form.declaration.short") + `</a>: `,
			`<a href="#details">` + T(lang, "form.details") + `</a> ` + T(lang, "fielderr.required"),
		} {
			// html/template writes "+" as "&#43;".
			if !strings.Contains(body, strings.ReplaceAll(want, "+", "&#43;")) {
				t.Errorf("%s: form lacks %q", lang, want)
			}
		}
		for _, bad := range []string{".: ", "?: ", "(" + T(lang, "optional") + ") " + T(lang, "form.details.hint")} {
			if strings.Contains(body, bad) {
				t.Errorf("%s: form has %q", lang, bad)
			}
		}
	}
	for _, tc := range []struct {
		phone string
		ok    bool
	}{{"abc", false}, {"06 12345678", true}, {"+31 (0)20-1234567", true}, {"12", false}, {"06-1234x678", false}} {
		s := request.Submission{Phone: tc.phone}
		_, errs := s.Validate(today)
		got := true
		for _, e := range errs {
			if e.Field == "phone" {
				got = false
			}
		}
		if got != tc.ok {
			t.Errorf("phone %q accepted = %v, want %v", tc.phone, got, tc.ok)
		}
	}
}

// A due date shown to the requester names its weekday: a term ending on a Sunday is lawful
// under the profile's terms, and must not be missed (issue 24 item 10).
func TestStatusDueDateNamesTheWeekday(t *testing.T) {
	t.Parallel()
	r := contactRenderer(t)
	v := &app.StatusView{Reference: "PL-7K3M-Q9XD", Type: "access", Status: "in_progress", ReceivedAt: "2026-12-03T10:00:00Z", DueDate: "2027-01-03"}
	for lang, want := range map[string]string{"nl": "zondag 3 januari 2027", "en": "Sunday 3 January 2027"} {
		w := httptest.NewRecorder()
		r.HTML(w, httptest.NewRequest("GET", "/RequestStatus?token=x", nil), http.StatusOK, "status", lang, NewStatusPage(lang, v))
		if !strings.Contains(w.Body.String(), "<strong>"+want+"</strong>") {
			t.Errorf("%s: status page lacks %q", lang, want)
		}
	}
}

package web

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/report"
	"github.com/privacyloket/privacyloket/shared/request"
)

func deskRender(t *testing.T, name string, data any) string {
	t.Helper()
	r, err := NewRenderer(slog.New(slog.DiscardHandler), "Vallei Wonen")
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	r.HTML(w, httptest.NewRequest("POST", "/StaffDesk", nil), http.StatusBadRequest, name, "nl", data)
	return w.Body.String()
}

// A refused intake names every field in a summary that leads to it, marks each field inline,
// and the form says which fields are required (issue 24 item 3).
func TestDeskIntakeErrorsNameTheirFields(t *testing.T) {
	t.Parallel()
	today := civil.Date{Year: 2026, Month: 11, Day: 28}
	p := NewDeskPage("nl", "ft", "staff@corp.test", &app.DeskView{Today: today}, app.DeskFilter{}, nil)
	p.Errors = FieldErrors([]request.FieldError{{Field: "name", Code: "required"}, {Field: "birthDate", Code: "required"},
		{Field: "email", Code: "email_or_address"}, {Field: "receivedOn", Code: "confirm_past"}}, "nl")
	page := deskRender(t, "desk", p)
	summary := regexp.MustCompile(`(?s)<div class="summary"[^>]*>.*?</div>`).FindString(page)
	if summary == "" || !strings.Contains(summary, "autofocus") {
		t.Fatalf("no error summary that takes focus:\n%s", page)
	}
	hrefs := regexp.MustCompile(`href="#([^"]+)"`).FindAllStringSubmatch(summary, -1)
	var got []string
	for _, h := range hrefs {
		got = append(got, h[1])
		if !strings.Contains(page, `id="`+h[1]+`"`) {
			t.Errorf("the summary leads to #%s, which is not on the page", h[1])
		}
	}
	if want := "f-receivedOn f-name f-birthDate f-email"; strings.Join(got, " ") != want {
		t.Errorf("summary leads to %v, want the form's order %s", got, want)
	}
	for _, label := range []string{T("nl", "form.name"), T("nl", "form.birthDate"), T("nl", "form.email")} {
		if !strings.Contains(summary, ">"+label+"</a>: ") {
			t.Errorf("summary does not name %q", label)
		}
	}
	for _, id := range []string{"f-name", "f-birthDate", "f-email"} {
		if !regexp.MustCompile(`id="` + regexp.QuoteMeta(id) + `"[^>]*aria-invalid="true" aria-describedby="` + regexp.QuoteMeta(id) + `-error"`).MatchString(page) {
			t.Errorf("%s is not marked invalid inline", id)
		}
		if !strings.Contains(page, `<span class="error" id="`+id+`-error">`) {
			t.Errorf("%s has no inline message", id)
		}
	}
	if n := strings.Count(page, `<span class="need">(`+T("nl", "required")+`)</span>`); n < 5 {
		t.Errorf("%d fields say (verplicht), want at least channel, day, type, language, name, birth date", n)
	}
	if !strings.Contains(page, "("+T("nl", "desk.need.details")+")") || !strings.Contains(page, " novalidate") {
		t.Error("the details field does not say when it is required, or the browser validates before the server can name the fields")
	}
}

// After an intake the outcome shows where the eye is, under the intake heading, and takes the
// focus; so does the notice after "Verstuurd per post", in the letters' section (item 2).
func TestDeskOutcomeWhereTheEyeIs(t *testing.T) {
	t.Parallel()
	v := &app.DeskView{Today: civil.Date{Year: 2026, Month: 11, Day: 28}, Cases: []app.DeskCase{{Reference: "PL-7K3M-Q9XD", Name: "Piet", Type: "access",
		Status: "in_progress", Channel: "phone"}}}
	p := NewDeskPage("nl", "ft", "staff@corp.test", v, app.DeskFilter{}, func(app.DeskCase) string { return "/StaffCase?token=t" })
	p.Created = &IntakeCreated{Reference: "PL-7K3M-Q9XD", DueDate: "28 december 2026"}
	page := deskRender(t, "desk", p)
	intake, created := strings.Index(page, `id="intake"`), strings.Index(page, `id="created"`)
	if intake < 0 || created < intake || created > strings.Index(page, `action="/StaffDesk?lang=nl" novalidate`) {
		t.Error("the intake notice is not between the intake heading and its form")
	}
	if !regexp.MustCompile(`id="created" tabindex="-1" autofocus`).MatchString(page) || !strings.Contains(page, `<a href="/StaffCase?token=t">`+T("nl", "desk.intake.open")) {
		t.Error("the intake notice does not take the focus or lacks the link to the new case")
	}
	if strings.Contains(page, `action="/StaffDesk?lang=nl#intake"`) {
		t.Error("the intake form posts to #intake: a fragment blocks autofocus")
	}
	p.Created, p.Posted = nil, "PL-7K3M-Q9XD"
	page = deskRender(t, "desk", p)
	if post, posted := strings.Index(page, `id="post"`), strings.Index(page, `id="posted" tabindex="-1" autofocus`); post < 0 || posted < post {
		t.Error("the posted notice is not in the letters' section, or does not take the focus")
	}
	if !strings.Contains(page, `<td class="name">Piet</td>`) || !strings.Contains(page, `name="q"`) {
		t.Error("the desk lacks the name column or the search field")
	}
}

// The report writes decimals as a Dutch reader does and says when a period is empty, with
// periods to try instead (item 7, item 6).
func TestReportPageDutchForm(t *testing.T) {
	t.Parallel()
	today := civil.Date{Year: 2026, Month: 11, Day: 28}
	med := 1.5
	r := report.Report{From: civil.Date{Year: 2026, Month: 10, Day: 1}, To: civil.Date{Year: 2026, Month: 10, Day: 31}, Today: today,
		Stages: map[request.Status]report.StageStats{request.InProgress: {MedianDays: &med, P90Days: &med}}}
	p, err := NewReportPage("nl", r)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Stages[0].Median; got != "1,5" {
		t.Errorf("median %q, want 1,5", got)
	}
	if !p.Empty || !strings.Contains(p.ThisMonthURL, "from=2026-11-01") || !strings.Contains(p.LastYearURL, "from=2025-11-29") {
		t.Errorf("empty report: %v %q %q", p.Empty, p.ThisMonthURL, p.LastYearURL)
	}
	page := deskRender(t, "desk_report", p)
	if !strings.Contains(page, T("nl", "desk.report.empty")) || strings.Contains(page, "0.0") {
		t.Errorf("report page:\n%s", page)
	}
}

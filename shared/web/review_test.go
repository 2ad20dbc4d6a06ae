package web

import (
	"html/template"
	"log/slog"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/i18n"
	"github.com/privacyloket/privacyloket/shared/letter"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/policy"
	"github.com/privacyloket/privacyloket/shared/report"
	"github.com/privacyloket/privacyloket/shared/request"
)

// renderPage renders the named page in lang with data, as a handler would.
func renderPage(t *testing.T, name, lang string, data any) string {
	t.Helper()
	r, err := NewRenderer(slog.New(slog.DiscardHandler), "Vallei Wonen")
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	r.HTML(w, httptest.NewRequest("GET", "/"+name, nil), 200, name, lang, data)
	return w.Body.String()
}

// The form's questions speak to the requester ("which data we hold about you", "you are the
// parent"). Pages for staff and for a consulted third party must not reuse them as labels: a
// third party would read that the request is about their own data, and staff that they are
// the parent.
func TestPagesForOthersDoNotAddressThemAsTheRequester(t *testing.T) {
	t.Parallel()
	c := &request.Case{Reference: "PL-AAAA-BBBB", Type: request.Access, Status: request.InProgress, Relation: request.Relations[0],
		Received: civil.Date{Year: 2026, Month: 11, Day: 28}, DueDate: civil.Date{Year: 2026, Month: 12, Day: 28},
		Subject:        request.Person{Name: "Sanne de Vries", Email: "sanne@tenant.test"},
		Representative: &request.Representative{Name: "Petra de Vries", Email: "petra@tenant.test", Capacity: request.CapacityParent}}
	desk := &app.DeskView{Today: civil.Date{Year: 2026, Month: 11, Day: 28},
		Cases: []app.DeskCase{{Reference: "PL-AAAA-BBBB", Type: request.Access, Status: request.InProgress, DueDate: c.DueDate}}}
	for _, lang := range []string{"nl", "en"} {
		pages := map[string]string{
			"staff_case":  renderPage(t, "staff_case", lang, NewStaffPage(lang, "staff@corp.test", "tok", "", &app.StaffView{Case: c}, nil)),
			"third_party": renderPage(t, "third_party", lang, NewThirdPartyPage(lang, "tok", "buur@buren.test", c)),
			"desk":        renderPage(t, "desk", lang, NewDeskPage(lang, "tok", "staff@corp.test", desk, app.DeskFilter{}, func(app.DeskCase) string { return "/StaffCase" })),
		}
		for name, page := range pages {
			for _, k := range []string{"type.access", "form.rep.capacity", "form.relation"} {
				if txt := T(lang, k); strings.Contains(page, ">"+txt+"<") || strings.Contains(page, "> "+txt+"<") {
					t.Errorf("%s page (%s) shows the form's words to the requester %q (%s)", name, lang, txt, k)
				}
			}
			if !strings.Contains(page, T(lang, "mail.type.access.name")) {
				t.Errorf("%s page (%s) does not name the type of request", name, lang)
			}
		}
	}
}

// The status page states the due date above its notice that the clock stands still, names the
// type of request instead of asking the form's question, and the upload page's only field is
// not "optional".
func TestStatusAndUploadPagesSayWhatIsThere(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"nl", "en"} {
		sv := &app.StatusView{Reference: "PL-AAAA-BBBB", Type: "access", Status: "awaiting_identity", Suspended: true,
			ReceivedAt: time.Date(2026, 11, 28, 14, 0, 0, 0, time.UTC).Format(time.RFC3339), DueDate: "2026-12-28"}
		page := renderPage(t, "status", lang, NewStatusPage(lang, sv))
		due, notice := strings.Index(page, T(lang, "due")), strings.Index(page, T(lang, "status.suspended"))
		if due < 0 || notice < 0 {
			t.Fatalf("status page (%s) lacks its due date or the suspension notice:\n%s", lang, page)
		}
		if below := map[string]string{"nl": "hieronder", "en": "below"}[lang]; due < notice && strings.Contains(T(lang, "status.suspended"), below) {
			t.Errorf("status page (%s): the notice says the date is %q, but the date stands above it", lang, below)
		}
		if strings.Contains(page, ">"+T(lang, "form.type")+"<") {
			t.Errorf("status page (%s) labels the type with the form's question %q", lang, T(lang, "form.type"))
		}
		up := renderPage(t, "upload", lang, map[string]string{"Token": "tok", "Reference": "PL-AAAA-BBBB"})
		if strings.Contains(up, T(lang, "optional")) {
			t.Errorf("upload page (%s) calls the copy it asks for optional", lang)
		}
	}
}

// The report's charts and tables name each type of request by its name, not by the form's
// question cut off at the chart's edge, and a column is headed without the staff form's
// "(required when ...)".
func TestReportNamesTypesAndGroundsPlainly(t *testing.T) {
	t.Parallel()
	r := report.Report{From: civil.Date{Year: 2026, Month: 11, Day: 1}, To: civil.Date{Year: 2026, Month: 11, Day: 30},
		Received: map[request.Type]int{request.Access: 2}, Decided: map[request.Outcome]int{}, RefusedByGround: map[request.Ground]int{}}
	for _, lang := range []string{"nl", "en"} {
		p, err := NewReportPage(lang, r)
		if err != nil {
			t.Fatal(err)
		}
		var charts strings.Builder
		for _, c := range p.Charts {
			charts.WriteString(string(c))
		}
		page := charts.String()
		if strings.Contains(page, T(lang, "type.access")[:12]) {
			t.Errorf("report (%s) labels a type with the form's question %q", lang, T(lang, "type.access"))
		}
		if !strings.Contains(strings.ToLower(page), T(lang, "mail.type.access.name")) {
			t.Errorf("report (%s) does not name the type %q", lang, T(lang, "mail.type.access.name"))
		}
		if strings.Contains(page, T(lang, "field.ground")) {
			t.Errorf("report (%s) heads a column with the staff form's label %q", lang, T(lang, "field.ground"))
		}
	}
}

// A refused staff action names its problems at the top of the page, each linked to its field:
// on a phone the form with the error is several screens down.
func TestStaffPageSummarisesARefusedAction(t *testing.T) {
	t.Parallel()
	c := &request.Case{Reference: "PL-AAAA-BBBB", Type: request.Rectification, Status: request.InProgress,
		Received: civil.Date{Year: 2026, Month: 11, Day: 28}, DueDate: civil.Date{Year: 2026, Month: 12, Day: 12}}
	v := &app.StaffView{Case: c, Actions: []request.Action{request.ActExtend, request.ActDecide}}
	errs := []FieldError{{Field: "recipients", Message: T("nl", "fielderr.required")}, {Field: "motivation", Message: T("nl", "fielderr.required")}}
	page := renderPage(t, "staff_case", "nl", NewStaffPage("nl", "staff@corp.test", "tok", "", v, errs))
	summary := strings.Index(page, `class="summary"`)
	link := strings.Index(page, `<a href="#decide-motivation">`+T("nl", "field.motivation")+`</a>`)
	firstForm := strings.Index(page, `<form class="action"`)
	if summary < 0 || link < summary || firstForm < 0 || link > firstForm {
		t.Errorf("staff page shows no summary linking to the refused field above the forms:\n%s", page)
	}
	if later := strings.Index(page, `<a href="#decide-recipients">`); later < link {
		t.Error("the summary does not follow the form's order (motivation before recipients)")
	}
	if page := renderPage(t, "staff_case", "nl", NewStaffPage("nl", "staff@corp.test", "tok", "", v, nil)); strings.Contains(page, `class="summary"`) {
		t.Error("staff page without errors shows an error summary")
	}
}

// The request form's error summary lists the problems in the order of the page, so that a
// tenant working down the list on a phone never has to scroll back up.
func TestFormSummaryFollowsThePage(t *testing.T) {
	t.Parallel()
	errs := []FieldError{{Field: "email"}, {Field: "signature"}, {Field: "declaration"}, {Field: "details"},
		{Field: "representative.name"}, {Field: "representative.capacity"}, {Field: "type"}}
	var got []string
	for _, s := range NewFormView("nl", nil, request.Submission{}, errs).Summary {
		got = append(got, s.Field)
	}
	want := "type email details representative.name representative.capacity signature declaration"
	if strings.Join(got, " ") != want {
		t.Errorf("summary order %q, want the page's %q", strings.Join(got, " "), want)
	}
}

var uHeeft = regexp.MustCompile(`(?i)\bu (het |dat |ze )?heeft\b`)

// The letters say "u hebt"; the pages say it the same way.
func TestPagesSayUHebt(t *testing.T) {
	t.Parallel()
	for _, k := range i18n.Keys("nl") {
		if uHeeft.MatchString(T("nl", k)) {
			t.Errorf("%s says \"u heeft\", the letters \"u hebt\": %q", k, T("nl", k))
		}
	}
}

// On paper the e-mail's signature separator ("--") is noise: the footer stays, the dashes go.
func TestPrintedLetterHasNoEmailSeparator(t *testing.T) {
	t.Parallel()
	v := &app.PrintView{Letter: &outbox.Letter{ID: "PL-AAAA-BBBB-receipt-1", Reference: "PL-AAAA-BBBB", Kind: letter.Receipt, Lang: "nl", Status: outbox.ToPost},
		OrgName: "Vallei Wonen", RecipientName: "Henk Jansen", RecipientAddress: "Dorpsstraat 1, 3901 AB Veenendaal",
		Date: civil.Date{Year: 2026, Month: 11, Day: 28}, Subject: "Ontvangen",
		Text: "Beste Henk Jansen,\n\nMet vriendelijke groet,\nVallei Wonen\n\n--\nKenmerk: PL-AAAA-BBBB.\nVragen? Bel ons."}
	page := renderPrint(t, v)
	if strings.Contains(page, "<p>--") || strings.Contains(page, "<br>--<br>") {
		t.Errorf("printed letter shows the e-mail separator:\n%s", page)
	}
	if !strings.Contains(page, "<p>Kenmerk: PL-AAAA-BBBB.<br>Vragen? Bel ons.</p>") {
		t.Errorf("printed letter lost its footer:\n%s", page)
	}
}

// A refused form post (409, 400) leads back to the page the form was on, with the same token:
// staff on a phone have no other way back than the browser's button.
func TestRefusedPostLeadsBack(t *testing.T) {
	t.Parallel()
	r, err := NewRenderer(slog.New(slog.DiscardHandler), "Vallei Wonen")
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("POST", "/StaffCase", strings.NewReader("token=t%2Bk&action=posted&letterId=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if err := req.ParseForm(); err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	r.Problem(w, req, 409, "nl", "err.conflict.posted", nil)
	if page := w.Body.String(); w.Code != 409 || !strings.Contains(page, `href="/StaffCase?token=t%2Bk"`) {
		t.Errorf("refused post: %d, no link back to the page:\n%s", w.Code, page)
	}
	w = httptest.NewRecorder()
	r.Problem(w, httptest.NewRequest("GET", "/StaffCase?token=x", nil), 403, "nl", "err.token", nil)
	if strings.Contains(w.Body.String(), "token=x") {
		t.Error("a refused link leads back to itself")
	}
}

// A long e-mail address in a table cell or a fact breaks instead of pushing the page sideways
// on a phone (the staff page's timeline and letters name staff and requester addresses).
func TestLongAddressesWrapOnAPhone(t *testing.T) {
	t.Parallel()
	css, err := files.ReadFile("templates/style.css")
	if err != nil {
		t.Fatal(err)
	}
	for _, rule := range []string{"dl.facts dd{", "td,th{"} {
		i := strings.Index(string(css), rule)
		if i < 0 {
			t.Fatalf("style.css has no rule %q", rule)
		}
		if body := string(css[i:]); !strings.Contains(body[:strings.Index(body, "}")], "overflow-wrap:anywhere") {
			t.Errorf("style.css rule %q lets a long address overflow", rule)
		}
	}
}

// A representative fills in the child's details above and their own below: the form says
// where the confirmation e-mail goes and whose name is the signature.
func TestFormGuidesARepresentative(t *testing.T) {
	t.Parallel()
	word := map[string]string{"nl": "vertegenwoordiger", "en": "representative"}
	for _, lang := range []string{"nl", "en"} {
		v := NewFormView(lang, nil, request.Submission{}, nil)
		if h := v.Sign[0].Hint; h == "" {
			t.Errorf("%s: the signature has no hint for a representative", lang)
		}
		for _, f := range v.Person {
			if f.Name == "email" && !strings.Contains(f.Hint, word[lang]) {
				t.Errorf("%s: the e-mail hint %q does not say the e-mail goes to the representative", lang, f.Hint)
			}
		}
	}
}

// Where the profile asks every rectification and erasure decision to be motivated (Vallei
// Wonen), the decide form says the motivation is required, instead of "required unless granted".
func TestDecideFormSaysWhenAMotivationIsAlwaysRequired(t *testing.T) {
	t.Parallel()
	c := &request.Case{Reference: "PL-AAAA-BBBB", Type: request.Erasure, Status: request.InProgress}
	for _, always := range []bool{true, false} {
		v := &app.StaffView{Case: c, Actions: []request.Action{request.ActDecide}, MotivationRequired: always}
		for _, f := range NewStaffPage("nl", "staff@corp.test", "tok", "", v, nil).Actions[0].Fields {
			if f.Name != "motivation" {
				continue
			}
			if f.Required != always || (f.Label == T("nl", "field.motivation")) == always {
				t.Errorf("always=%v: motivation label %q required %v", always, f.Label, f.Required)
			}
		}
	}
}

// One open request is "1 open verzoek", not "1 open verzoeken".
func TestDeskCountsSpeakInTheSingular(t *testing.T) {
	t.Parallel()
	desk := &app.DeskView{Today: civil.Date{Year: 2026, Month: 11, Day: 28},
		Counts: app.DeskCounts{Open: 1, WaitingOnRequester: 1, ToPost: 1}}
	for lang, want := range map[string][]string{
		"nl": {"<strong>1</strong> open verzoek<", "<strong>1</strong> wacht op de aanvrager<", "<strong>1</strong> brief per post<"},
		"en": {"<strong>1</strong> open request<", "<strong>1</strong> letter by post<"},
	} {
		page := renderPage(t, "desk", lang, NewDeskPage(lang, "tok", "staff@corp.test", desk, app.DeskFilter{}, func(app.DeskCase) string { return "" }))
		for _, w := range want {
			if !strings.Contains(page, w) {
				t.Errorf("desk (%s) lacks %q", lang, w)
			}
		}
	}
}

// The report's week chart and its table write each week's first day the way the pages do
// ("2 nov."), not as an ISO date.
func TestReportWeeksInTheReadersDateFormat(t *testing.T) {
	t.Parallel()
	from, to := civil.Date{Year: 2026, Month: 11, Day: 1}, civil.Date{Year: 2026, Month: 11, Day: 30}
	r := report.Compute(from, to, time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), nil)
	for lang, want := range map[string]string{"nl": "2 nov.", "en": "2 Nov"} {
		p, err := NewReportPage(lang, r)
		if err != nil {
			t.Fatal(err)
		}
		var charts strings.Builder
		for _, c := range p.Charts {
			charts.WriteString(string(c))
		}
		page := charts.String()
		if strings.Contains(page, "2026-11-02") || strings.Count(page, ">"+want+"<") < 2 {
			t.Errorf("report (%s): the week of 2 November is not written %q in the chart and its table:\n%s", lang, want, page)
		}
	}
}

// The form has an ID upload only where the profile takes copies, and always says what GDPR 13
// asks about its own processing (issue 23 items 11, 12).
func TestFormNoticeAndIDUpload(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"vallei-wonen", "de-alliantie"} {
		p, err := policy.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, lang := range []string{"nl", "en"} {
			page := renderPage(t, "request_form", lang, NewFormView(lang, p, request.Submission{}, nil))
			if strings.Contains(page, `type="file"`) {
				t.Errorf("%s/%s: the form has a file field, though form.acceptsIdCopy is off", name, lang)
			}
			for _, want := range []string{p.Organisation.LegalName, p.Organisation.PrivacyOfficerEmail, p.Organisation.PrivacyOfficerPhone,
				p.Organisation.PrivacyOfficerName.In(lang), strconv.Itoa(p.Retention.CaseRecordsMonths), "Autoriteit Persoonsgegevens",
				map[string]string{"nl": "artikel 6 lid 1 onder c", "en": "Article 6(1)(c)"}[lang]} {
				if !strings.Contains(page, template.HTMLEscapeString(want)) {
					t.Errorf("%s/%s: the form's notice lacks %q", name, lang, want)
				}
			}
			p.Form.AcceptsIDCopy = true
			if page := renderPage(t, "request_form", lang, NewFormView(lang, p, request.Submission{}, nil)); !strings.Contains(page, `name="idDocument" type="file"`) {
				t.Errorf("%s/%s: acceptsIdCopy on, but no file field", name, lang)
			}
			p.Form.AcceptsIDCopy = false
		}
	}
}

package web

import (
	"fmt"
	"log/slog"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/request"
)

func TestStaffPageSpeaksTheReadersLanguage(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 28, 14, 39, 9, 0, time.UTC) // 15:39 in Amsterdam
	v := &app.StaffView{
		Case: &request.Case{Reference: "PL-AAAA-BBBB", Type: request.Access, Status: request.InProgress,
			Received: civil.Date{Year: 2026, Month: 11, Day: 28}, DueDate: civil.Date{Year: 2026, Month: 12, Day: 28}},
		Events: []request.Event{
			{At: at, Actor: "requester", Action: "submitted", Detail: "access"},
			{At: at, Actor: "staff@corp.test", Action: "extend", Detail: "Veel systemen."},
			{At: at, Actor: "system", Action: "staff_reminder"},
		},
		Letters: []app.LetterView{{Letter: "receipt", To: "carla@tenant.test", At: at.Format(time.RFC3339), Status: "sent"}},
		Actions: []request.Action{request.ActExtend, request.ActDecide},
	}
	for _, tc := range []struct {
		lang, submitted, reminder, at string
	}{
		{"nl", "Verzoek ingediend door de aanvrager", "Automatisch verstuurd: Herinnering", "28 november 2026, 15:39"},
		{"en", "Request submitted by the requester", "Sent automatically: Reminder", "28 November 2026, 15:39"},
	} {
		p := NewStaffPage(tc.lang, "staff@corp.test", "tok", "/copy", v, nil)
		if got := p.Timeline[0]; got.Text != tc.submitted || got.At != tc.at || got.By != "" || got.Detail != "" {
			t.Errorf("%s: submitted = %+v", tc.lang, got)
		}
		if got := p.Timeline[1]; got.By != "staff@corp.test" || got.Detail != "Veel systemen." || got.Text != T(tc.lang, "event.extend") {
			t.Errorf("%s: extend = %+v", tc.lang, got)
		}
		if got := p.Timeline[2].Text; got != tc.reminder {
			t.Errorf("%s: tick letter = %q, want %q", tc.lang, got, tc.reminder)
		}
		if got := p.Letters[0]; got.At != tc.at || got.Title != T(tc.lang, "letter.receipt") {
			t.Errorf("%s: letter = %+v", tc.lang, got)
		}
		var names []string
		for _, a := range p.Actions {
			names = append(names, a.Name)
		}
		if got, want := strings.Join(names, " "), "extend decide"; got != want {
			t.Errorf("%s: actions %q, want the app's %q", tc.lang, got, want)
		}
	}

	// Rendered, the page carries the organisation's name and no UTC time.
	r, err := NewRenderer(slog.New(slog.DiscardHandler), "Vallei Wonen")
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	r.HTML(w, httptest.NewRequest("GET", "/StaffCase?token=tok", nil), 200, "staff_case", "nl", NewStaffPage("nl", "staff@corp.test", "tok", "/copy", v, nil))
	page := w.Body.String()
	for _, want := range []string{"Vallei Wonen", "Verzoek ingediend door de aanvrager", "28 november 2026, 15:39", "28 december 2026", `value="decide"`} {
		if !strings.Contains(page, want) {
			t.Errorf("staff page lacks %q", want)
		}
	}
	if strings.Contains(page, "T14:39") || strings.Contains(page, "2026-11-28") || strings.Contains(page, "submitted: access") {
		t.Error("staff page shows a raw UTC time, an ISO date or an action code")
	}
	w = httptest.NewRecorder()
	sv := &app.StatusView{Reference: "PL-AAAA-BBBB", Type: "access", Status: "in_progress", ReceivedAt: at.Format(time.RFC3339),
		DueDate: "2026-12-28", Letters: v.Letters}
	r.HTML(w, httptest.NewRequest("GET", "/RequestStatus?token=tok", nil), 200, "status", "en", NewStatusPage("en", sv))
	if page := w.Body.String(); !strings.Contains(page, "Vallei Wonen") || strings.Contains(page, "T14:39") || strings.Contains(page, "2026-1") ||
		!strings.Contains(page, "28 November 2026, 15:39") || !strings.Contains(page, "28 December 2026") {
		t.Errorf("status page lacks the organisation or the local dates in English, or shows UTC or ISO dates:\n%s", page)
	}
}

// A finished case shows its reference, status, outcome, timeline and letters (kind, date and
// channel, not to whom), and nothing personal: no name, address, request text, staff free
// text or ID copy, and no action.
func TestFinishedCaseShowsNoPersonalData(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 28, 14, 39, 9, 0, time.UTC)
	r, err := NewRenderer(slog.New(slog.DiscardHandler), "Vallei Wonen")
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []request.Status{request.Decided, request.Closed, request.Expired} {
		v := &app.StaffView{
			Case: &request.Case{Reference: "PL-AAAA-BBBB", Type: request.Access, Status: st,
				Subject: request.Person{Name: "Carla Contract", Email: "carla@tenant.test", Phone: "0612345678", Address: "Dorpsstraat 1"},
				Details: "SECRET-DETAILS", Signature: "Carla Contract",
				Identity:   request.Identity{CopyHeld: true, CopyKind: "image/jpeg"},
				ThirdParty: &request.ThirdParty{Name: "Buurvrouw Bea", Email: "bea@buren.test"},
				Decision:   &request.Decision{Outcome: request.Refused, Ground: request.Excessive, Motivation: "SECRET-MOTIVATION", DecidedBy: "staff@corp.test", DecidedAt: at}},
			Events: []request.Event{
				{At: at, Actor: "requester", Action: "submitted", Detail: "access"},
				{At: at, Actor: "staff@corp.test", Action: "extend", Detail: "SECRET-EXTEND Carla Contract"},
			},
			Letters: []app.LetterView{{Letter: "receipt", To: "carla@tenant.test", At: at.Format(time.RFC3339), Status: "sent"}},
			Actions: []request.Action{request.ActWithdraw},
			HasCopy: true,
		}
		p := NewStaffPage("nl", "staff@corp.test", "tok", "/copy", v, nil)
		if !p.Closed || len(p.Actions) != 0 || p.CopyURL != "" || len(p.Timeline) != 2 {
			t.Errorf("%s: page %+v, want closed with a timeline and no actions or copy", st, p)
		}
		if want := []LetterRow{{Title: T("nl", "letter.receipt"), At: "28 november 2026, 15:39", Channel: T("nl", "staff.channel.email"), Status: T("nl", "sent.sent")}}; !slices.Equal(p.Letters, want) {
			t.Errorf("%s: letters %+v, want %+v (kind, date, channel; not to whom)", st, p.Letters, want)
		}
		w := httptest.NewRecorder()
		r.HTML(w, httptest.NewRequest("GET", "/StaffCase?token=tok", nil), 200, "staff_case", "nl", p)
		page := w.Body.String()
		for _, want := range []string{"PL-AAAA-BBBB", T("nl", "sst."+string(st)), T("nl", "outcome.refused"), T("nl", "event.extend")} {
			if !strings.Contains(page, want) {
				t.Errorf("%s: page lacks %q", st, want)
			}
		}
		js := fmt.Sprint(StaffCaseJSON(v))
		for _, secret := range []string{"Carla", "carla@tenant.test", "0612345678", "Dorpsstraat", "SECRET", "Bea", "bea@buren.test", "<form", `value="withdraw"`} {
			if strings.Contains(page, secret) {
				t.Errorf("%s: page shows %q", st, secret)
			}
			if strings.Contains(js, secret) {
				t.Errorf("%s: JSON shows %q", st, secret)
			}
		}
	}
}

// Issue 10 on the staff page: identity by method (a document only where one was seen), proof of
// a representative's authority, what the recipients are told, GDPR 15(1) additions, and a
// withdrawal that gives its reason; the status page shows the requester's timeline.
func TestStaffFormsFollowTheIdentityAndDecisionRules(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 28, 14, 39, 9, 0, time.UTC)
	r, err := NewRenderer(slog.New(slog.DiscardHandler), "Vallei Wonen")
	if err != nil {
		t.Fatal(err)
	}
	render := func(name string, data any) string {
		w := httptest.NewRecorder()
		r.HTML(w, httptest.NewRequest("GET", "/x?token=tok", nil), 200, name, "nl", data)
		return w.Body.String()
	}
	fields := func(p StaffPage, action string) map[string]ActionField {
		out := map[string]ActionField{}
		for _, a := range p.Actions {
			if a.Name == action {
				for _, f := range a.Fields {
					out[f.Name] = f
				}
			}
		}
		return out
	}
	c := &request.Case{Reference: "PL-AAAA-BBBB", Type: request.Erasure, Status: request.InProgress,
		Representative: &request.Representative{Name: "Vera Voogd", Email: "vera@tenant.test", Capacity: request.CapacityGuardian}}
	v := &app.StaffView{Case: c, Actions: []request.Action{request.ActVerifyIdentity, request.ActDecide, request.ActWithdraw},
		Events: []request.Event{{At: at, Actor: "staff@corp.test", Action: "verify_identity", Detail: "in_person passport"}}}
	p := NewStaffPage("nl", "staff@corp.test", "tok", "", v, nil)
	verify := fields(p, "verify_identity")
	if m := verify["method"]; !m.Required || len(m.Options) != 3 || m.Options[0].Value != "known_data" {
		t.Errorf("method field: %+v", m)
	}
	if d := verify["documentType"]; d.Required || d.Options[0].Value != "" {
		t.Errorf("documentType must be optional with an empty choice first (known_data shows none): %+v", d)
	}
	if rc := verify["representationChecked"]; !rc.Required || rc.Kind != "checkbox" {
		t.Errorf("a representative's case lacks the representationChecked tick: %+v", rc)
	}
	decide := fields(p, "decide")
	for _, f := range []string{"recipients", "correctionSummary", "recipientsNote", "noRecipients"} {
		if _, ok := decide[f]; !ok {
			t.Errorf("erasure decide form lacks %s", f)
		}
	}
	if w := fields(p, "withdraw"); !w["how"].Required || len(w["how"].Options) != 4 || w["note"].Required {
		t.Errorf("withdraw: how (required: e-mail, letter, phone, counter) and an optional note, got %+v", w)
	}
	if got, want := p.Timeline[0].Text, T("nl", "event.verify_identity")+" ("+T("nl", "method.in_person")+", "+T("nl", "doc.passport")+")"; got != want {
		t.Errorf("verify event %q, want %q", got, want)
	}
	page := render("staff_case", p)
	for _, want := range []string{`name="method"`, `value="in_person"`, `name="representationChecked" type="checkbox" value="true"`, `name="noRecipients"`} {
		if !strings.Contains(page, want) {
			t.Errorf("staff page lacks %s", want)
		}
	}

	// Staff see only the grounds that fit the type (docs/rules.md §5).
	grounds := func(p StaffPage) []string {
		var out []string
		for _, o := range fields(p, "decide")["ground"].Options {
			out = append(out, o.Value)
		}
		return out
	}
	if got, want := grounds(p), append([]string{""}, request.Strings(request.GroundsFor(request.Erasure))...); !slices.Equal(got, want) {
		t.Errorf("erasure grounds %v, want %v", got, want)
	}
	if g := grounds(p); slices.Contains(g, "accurate") || slices.Contains(g, "required_by_law") {
		t.Errorf("an erasure is offered the grounds of other rights: %v", g)
	}
	c.Type = request.Rectification
	if g := grounds(NewStaffPage("nl", "staff@corp.test", "tok", "", v, nil)); !slices.Contains(g, "accurate") || slices.Contains(g, "no_erasure_ground") {
		t.Errorf("rectification grounds %v", g)
	}
	c.Type = request.Complaint
	cp := NewStaffPage("nl", "staff@corp.test", "tok", "", v, nil)
	if _, ok := fields(cp, "decide")["ground"]; ok {
		t.Error("a complaint decision offers a ground")
	}
	if !fields(cp, "decide")["motivation"].Required {
		t.Error("a complaint decision's motivation is not required")
	}

	c.Type, c.Representative = request.Access, nil
	p = NewStaffPage("nl", "staff@corp.test", "tok", "", v, nil)
	if _, ok := fields(p, "verify_identity")["representationChecked"]; ok {
		t.Error("a case without a representative asks for proof of representation")
	}
	if _, ok := fields(p, "decide")["accessInfo"]; !ok {
		t.Error("access decide form lacks accessInfo")
	}

	c.Status = request.InProgress
	c.Identity = request.Identity{CheckedBy: "staff@corp.test", CheckedAt: at, Outcome: request.IdentityVerified, Method: request.VerifyKnownData}
	if page := render("staff_case", NewStaffPage("nl", "staff@corp.test", "tok", "", v, nil)); !strings.Contains(page, T("nl", "method.known_data")) {
		t.Error("case details do not show how identity was established")
	}

	sv := &app.StatusView{Reference: "PL-AAAA-BBBB", Type: "access", Status: "in_progress", ReceivedAt: at.Format(time.RFC3339),
		Timeline: []app.TimelineEntry{{At: at.Format(time.RFC3339), Event: "submitted"}, {At: at.Format(time.RFC3339), Event: "third_party_done"}}}
	page = render("status", NewStatusPage("nl", sv))
	for _, want := range []string{T("nl", "event.submitted"), T("nl", "event.third_party_done"), "28 november 2026, 15:39"} {
		if !strings.Contains(page, want) {
			t.Errorf("status page lacks %q", want)
		}
	}
}

// A case link opens its case and nothing else (issue 19, item 3): the page's export is served
// by its own link, and it links to the desk's sign-in page, never with a desk token.
func TestStaffPageLinksToTheCaseExport(t *testing.T) {
	t.Parallel()
	r, err := NewRenderer(slog.New(slog.DiscardHandler), "de Alliantie")
	if err != nil {
		t.Fatal(err)
	}
	c := &request.Case{Reference: "PL-AAAA-BBBB", Type: request.Access, Status: request.Decided}
	p := NewStaffPage("nl", "staff@corp.test", "tok", "", &app.StaffView{Case: c}, nil)
	w := httptest.NewRecorder()
	r.HTML(w, httptest.NewRequest("GET", "/StaffCase?token=tok", nil), 200, "staff_case", "nl", p)
	// The export is served by the case's own link; the desk is only linked to its sign-in page.
	for _, want := range []string{`/StaffCase?format=csv&amp;token=tok&amp;view=export`, `/StaffCase?format=json&amp;token=tok&amp;view=export`, `href="/StaffDesk"`} {
		if !strings.Contains(w.Body.String(), want) {
			t.Errorf("staff page lacks %q", want)
		}
	}
	if strings.Contains(w.Body.String(), "/StaffDesk?") {
		t.Error("the staff page links into the desk with parameters (a token?)")
	}
}

// StaffCase on a laptop (issue 24 item 5): a link back to the desk, the facts beside the
// actions, a notice after an action, the new due date before an extension, a confirmation for
// what cannot be undone, secondary actions folded, letters with their channel.
func TestStaffCaseLayoutAndConfirmations(t *testing.T) {
	t.Parallel()
	r, err := NewRenderer(slog.New(slog.DiscardHandler), "Vallei Wonen")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 28, 14, 39, 9, 0, time.UTC)
	v := &app.StaffView{
		Case: &request.Case{Reference: "PL-AAAA-BBBB", Type: request.Access, Status: request.InProgress,
			Received: civil.Date{Year: 2026, Month: 11, Day: 28}, DueDate: civil.Date{Year: 2026, Month: 12, Day: 28},
			Subject: request.Person{Name: "Carla Contract", Email: "carla@tenant.test", Address: "Burgemeester van Reenensingel 101, 2803 PA Gouda"}},
		Letters:     []app.LetterView{{Letter: "receipt", To: "carla@tenant.test", At: at.Format(time.RFC3339), Status: "sent"}, {Letter: "delay_notice", At: at.Format(time.RFC3339), Status: "to_post"}},
		Actions:     []request.Action{request.ActVerifyIdentity, request.ActExtend, request.ActWithdraw, request.ActDecide, request.ActRejectIdentity},
		ExtendedDue: civil.Date{Year: 2027, Month: 1, Day: 3},
	}
	p := NewStaffPage("nl", "staff@corp.test", "tok", "/copy", v, nil)
	p.SetDone("nl", "extend")
	p.SetDone("nl", "not_an_action") // ignored: the notice stays
	w := httptest.NewRecorder()
	r.HTML(w, httptest.NewRequest("GET", "/StaffCase?token=tok&done=extend", nil), 200, "staff_case", "nl", p)
	page := w.Body.String()
	for _, want := range []string{
		`<p class="back"><a href="/StaffDesk">` + T("nl", "staff.back") + `</a></p>`,
		`<div class="case-grid">`, `<div class="case-facts">`, `<div class="case-actions">`,
		`id="done" tabindex="-1" autofocus><p>Vastgelegd: Termijn verlengd.</p><p>De status is nu: ` + T("nl", "sst.in_progress") + `.</p>`,
		`id="extend-note">Als u verlengt, wordt de uiterlijke datum zondag 3 januari 2027 (nu 28 december 2026).`,
		`<input id="decide-confirm" name="confirm" type="checkbox" value="true" required> ` + T("nl", "staff.confirm.decide"),
		`<input id="withdraw-confirm" name="confirm" type="checkbox" value="true" required>`,
		`<input id="reject_identity-confirm" name="confirm" type="checkbox" value="true" required>`,
		`<details class="act"><summary>` + T("nl", "act.extend") + `</summary>`,
		`<th scope="col">` + T("nl", "staff.letters.channel") + `</th>`,
		`<td>` + T("nl", "staff.channel.post") + `</td>`,
	} {
		if !strings.Contains(page, strings.ReplaceAll(want, "'", "&#39;")) {
			t.Errorf("staff page lacks %q", want)
		}
	}
	if strings.Contains(page, `id="verify_identity-confirm"`) || strings.Contains(page, `id="extend-confirm"`) {
		t.Error("an action that can be undone or corrected asks for a confirmation")
	}
	if strings.Contains(page, `<details class="act"><summary>`+T("nl", "act.verify_identity")) {
		t.Error("the main action is folded away")
	}
	// A refused form comes back open.
	p = NewStaffPage("nl", "staff@corp.test", "tok", "/copy", v, []FieldError{{Field: "explanation", Message: "Vul dit veld in."}})
	w = httptest.NewRecorder()
	r.HTML(w, httptest.NewRequest("POST", "/StaffCase", nil), 400, "staff_case", "nl", p)
	if !strings.Contains(w.Body.String(), `<details class="act" open><summary>`+T("nl", "act.extend")) {
		t.Error("the refused extension form is folded away")
	}
}

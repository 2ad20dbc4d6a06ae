package app_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/deadline"
	"github.com/privacyloket/privacyloket/shared/report"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

// A case's handler (issue 22 item 2): assign names a staff address or the privacy officer,
// the desk lists "my requests", and the handler gets the reminders first while escalations go
// to everyone.
func TestAssignHandler(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		s := testenv.NewStack(t, testenv.Options{Backend: b, Profile: "de-alliantie", Staff: []string{"staff@corp.test", "anna@corp.test"},
			Now: amsterdam("2026-03-30 09:00")})
		c := submitConfirm(t, s, access("handler@tenant.test"))
		if c.Handler != "" {
			t.Fatalf("a new case without a default handler has handler %q", c.Handler)
		}
		other := intake(t, s, phoneIntake("Piet Jansen", "2026-03-30"))

		_, err := s.App.Casework.StaffAct(ctx, c.Reference, staffLink, app.StaffInput{Action: app.ActAssign, AssignTo: "stranger@elsewhere.test"})
		if got := fields(t, err); !slices.Equal(got, []string{"to:not_staff"}) {
			t.Errorf("assign to a stranger: %v", got)
		}
		c = staffAct(t, s, c.Reference, app.StaffInput{Action: app.ActAssign, AssignTo: "ANNA@corp.test"})
		if c.Handler != "anna@corp.test" {
			t.Errorf("handler %q, want anna@corp.test as the staff list spells it", c.Handler)
		}
		_, err = s.App.Casework.StaffAct(ctx, c.Reference, staffLink, app.StaffInput{Action: app.ActAssign, AssignTo: "anna@corp.test"})
		notAllowed(t, s, err, "already_handler", c)
		events, _ := s.Store.Events(ctx, c.Reference)
		if e := events[len(events)-1]; e.Action != app.ActAssign || e.Actor != staffLink.Holder || e.Detail != "anna@corp.test" {
			t.Errorf("assign event %+v", e)
		}

		refs := func(f app.DeskFilter) []string {
			t.Helper()
			v, err := s.App.Desk.Desk(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, dc := range v.Cases {
				out = append(out, dc.Reference)
				if want := map[string]string{c.Reference: "anna@corp.test", other.Reference: ""}[dc.Reference]; dc.Handler != want {
					t.Errorf("desk: %s has handler %q, want %q", dc.Reference, dc.Handler, want)
				}
			}
			return out
		}
		if got := refs(app.DeskFilter{Handler: "anna@corp.test"}); !slices.Equal(got, []string{c.Reference}) {
			t.Errorf("anna's requests: %v", got)
		}
		if got := refs(app.DeskFilter{Handler: "staff@corp.test"}); len(got) != 0 {
			t.Errorf("staff's requests: %v, want none", got)
		}
		if got := refs(app.DeskFilter{}); len(got) != 2 {
			t.Errorf("every open case: %v", got)
		}

		// Reminders go to the handler; the escalation to everyone and the privacy officer.
		officer := s.Profile.Organisation.PrivacyOfficerEmail
		tick(t, s, "2026-04-24 08:00")
		settle(t, s, c.Reference)
		if got := s.Mail.Count("staff_reminder", "anna@corp.test", c.Reference); got == 0 {
			t.Error("the handler got no staff_reminder")
		}
		if got := s.Mail.Count("staff_reminder", "staff@corp.test", c.Reference); got != 0 {
			t.Errorf("a staff member who does not handle the case got %d staff_reminder", got)
		}
		testenv.Eventually(t, "a case without a handler: a staff_reminder to staff", func() bool {
			return s.Mail.Count("staff_reminder", "staff@corp.test", other.Reference) > 0
		})
		tick(t, s, "2026-04-28 08:00")
		settle(t, s, c.Reference)
		for _, to := range []string{"anna@corp.test", "staff@corp.test", officer} {
			if got := s.Mail.Count("staff_overdue", to, c.Reference); got != 1 {
				t.Errorf("staff_overdue to %s: %d, want 1", to, got)
			}
		}
	})
}

// A new case's handler is the profile's default (issue 22 item 2); a default that left the
// staff list hands the reminders back to everyone.
func TestDefaultHandler(t *testing.T) {
	t.Parallel()
	s := testenv.NewStack(t, testenv.Options{Backend: testenv.Memory, Staff: []string{"staff@corp.test", "anna@corp.test"}})
	s.Profile.DefaultHandler = "anna@corp.test"
	if c := submitConfirm(t, s, access("default@tenant.test")); c.Handler != "anna@corp.test" {
		t.Errorf("web form: handler %q, want the profile's default", c.Handler)
	}
	if c := intake(t, s, phoneIntake("Piet Jansen", "2026-03-27")); c.Handler != "anna@corp.test" {
		t.Errorf("intake: handler %q, want the profile's default", c.Handler)
	}
	s.Profile.DefaultHandler = "gone@corp.test"
	if c := submitConfirm(t, s, access("gone@tenant.test")); c.Handler != "" {
		t.Errorf("a default handler not on the staff list: handler %q, want none", c.Handler)
	}
}

// assign and note are refused on a finished case.
func TestTeamActionsOnFinishedCase(t *testing.T) {
	t.Parallel()
	s := testenv.NewStack(t, testenv.Options{Backend: testenv.Memory})
	sub := access("klaar@tenant.test")
	sub.Type, sub.Details = "complaint", "Niemand belt mij terug."
	c := ready(t, s, sub)
	c = decide(t, s, c.Reference, app.StaffInput{Outcome: "granted", Motivation: "Wij bellen u."})
	if c.Status != request.Decided {
		t.Fatalf("status %s", c.Status)
	}
	for _, in := range []app.StaffInput{{Action: app.ActAssign, AssignTo: "staff@corp.test"}, {Action: app.ActNote, NoteText: "later"}} {
		_, err := s.App.Casework.StaffAct(ctx, c.Reference, staffLink, in)
		notAllowed(t, s, err, "finished", c)
	}
}

// Staff work to the internal target date (issue 22 item 1): the digest's "soon due" and the
// desk's amber state go by it. De Alliantie's access request of 30 March is due 27 April, its
// internal date 20 April.
func TestInternalDateOnDeskAndDigest(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		s := testenv.NewStack(t, testenv.Options{Backend: b, Profile: "de-alliantie", Now: amsterdam("2026-03-30 09:00")})
		c := submitConfirm(t, s, access("intern@tenant.test"))
		row := func(at string) app.DeskCase {
			t.Helper()
			s.Clock.Set(amsterdam(at))
			v, err := s.App.Desk.Desk(ctx, app.DeskFilter{})
			if err != nil || len(v.Cases) != 1 {
				t.Fatalf("desk: %v %+v", err, v)
			}
			return v.Cases[0]
		}
		if dc := row("2026-04-13 10:00"); dc.InternalDate.String() != "2026-04-20" || dc.PastInternal || dc.DueThisWeek {
			t.Errorf("13 April: internal %s, past %v, this week %v", dc.InternalDate, dc.PastInternal, dc.DueThisWeek)
		}
		if dc := row("2026-04-20 10:00"); dc.PastInternal || !dc.DueThisWeek {
			t.Errorf("on the internal date: past %v, this week %v; want not past, soon due", dc.PastInternal, dc.DueThisWeek)
		}
		if dc := row("2026-04-21 10:00"); !dc.PastInternal || dc.Overdue {
			t.Errorf("after the internal date: past %v, overdue %v", dc.PastInternal, dc.Overdue)
		}
		if dc := row("2026-04-28 10:00"); dc.PastInternal || !dc.Overdue {
			t.Errorf("after the due date: past internal %v, overdue %v; want overdue only", dc.PastInternal, dc.Overdue)
		}

		soon := func(at string) bool {
			t.Helper()
			before := s.Mail.Count("staff_digest", "staff@corp.test", "")
			tick(t, s, at)
			testenv.Eventually(t, "the digest", func() bool { return s.Mail.Count("staff_digest", "staff@corp.test", "") > before })
			var text string
			for _, m := range s.Mail.All() {
				if m.Kind() == "staff_digest" {
					text = m.Text
				}
			}
			return strings.Contains(text, "Binnenkort") && strings.Contains(text, c.Reference)
		}
		if soon("2026-04-14 09:00") {
			t.Error("14 April: soon due, though the internal date lies beyond the window")
		}
		if !soon("2026-04-16 09:00") {
			t.Error("16 April: not soon due, though the internal date lies within the window")
		}
	})
}

// An internal note (issue 22 item 3) is in the staff timeline and nowhere else: not in a
// letter, the status page, the access package, the report (JSON and CSV) or the case's export
// (JSON and CSV).
func TestNoteStaysInTheStaffTimeline(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		s := testenv.NewStack(t, testenv.Options{Backend: b})
		const secret = "Huurder klinkt boos, GEHEIM-7Q"
		email := "notitie@tenant.test"
		c := ready(t, s, access(email))
		if _, err := s.App.Casework.StaffAct(ctx, c.Reference, staffLink, app.StaffInput{Action: app.ActNote}); !slices.Equal(fields(t, err), []string{"text:required"}) {
			t.Errorf("a note without text: %v", err)
		}
		staffAct(t, s, c.Reference, app.StaffInput{Action: app.ActNote, NoteText: secret})

		v, err := s.App.Casework.StaffPage(ctx, c.Reference, staffLink)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(v.Events, func(e request.Event) bool {
			return e.Action == app.ActNote && e.Detail == secret && e.Actor == staffLink.Holder
		}) {
			t.Errorf("the staff timeline lacks the note: %+v", v.Events)
		}

		c = decide(t, s, c.Reference, app.StaffInput{Outcome: "granted", ResultFile: []byte(`[{"contract":"HV-1"}]`)})
		s.Mail.Await(t, "result_ready", email, c.Reference)
		settle(t, s, c.Reference)
		lacks := func(what, text string) {
			t.Helper()
			if strings.Contains(text, secret) || strings.Contains(text, "GEHEIM") {
				t.Errorf("%s holds the internal note", what)
			}
		}
		for _, m := range s.Mail.All() {
			lacks("letter "+m.Kind(), m.Raw)
		}
		st, err := s.App.Intake.Status(ctx, c.Reference)
		if err != nil {
			t.Fatal(err)
		}
		j, _ := json.Marshal(st)
		lacks("the status page", string(j))
		if strings.Contains(string(j), `"note"`) {
			t.Errorf("the status page names the note: %s", j)
		}

		pkg, err := s.App.Intake.DownloadResult(ctx, c.Reference)
		if err != nil {
			t.Fatal(err)
		}
		for name, text := range unzipAll(t, pkg) {
			lacks("the package's "+name, text)
			if strings.Contains(text, `"note"`) {
				t.Errorf("the package's %s names the note", name)
			}
		}

		today := deadline.DateIn(s.Clock.Now())
		rep, facts, err := s.App.Desk.Report(ctx, today.AddDays(-1), today)
		if err != nil || len(facts) != 1 {
			t.Fatalf("report: %v, %d cases", err, len(facts))
		}
		j, _ = json.Marshal(rep)
		lacks("the report", string(j))
		var buf bytes.Buffer
		if err := report.WriteCSV(&buf, facts, "nl"); err != nil {
			t.Fatal(err)
		}
		lacks("the report's CSV", buf.String())

		x, err := s.App.Desk.ExportCase(ctx, staffLink.Holder, c.Reference)
		if err != nil {
			t.Fatal(err)
		}
		j, _ = json.Marshal(x)
		lacks("the export", string(j))
		buf.Reset()
		if err := x.WriteCSV(&buf, "nl"); err != nil {
			t.Fatal(err)
		}
		lacks("the export's CSV", buf.String())
	})
}

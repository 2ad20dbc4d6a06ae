package app_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

// The owners of vallei-wonen's register (shared/policy/profiles/vallei-wonen.json).
var valleiOwners = map[string]string{
	"huuradministratie":   "huuradministratie@valleiwonen.example",
	"dossiers-overlast":   "wijkbeheer@valleiwonen.example",
	"dossiers-huurschuld": "incasso@valleiwonen.example",
	"website":             "webbeheer@valleiwonen.example",
	"privacyloket":        "privacy@valleiwonen.example",
}

func taskLink(c *request.Case, system string) app.TaskLink {
	return app.TaskLink{Reference: c.Reference, Task: system, Holder: valleiOwners[system], Generation: c.LinkGeneration}
}

func verify(t *testing.T, s *testenv.Stack, ref string) *request.Case {
	t.Helper()
	return staffAct(t, s, ref, app.StaffInput{Action: request.ActVerifyIdentity, Method: request.VerifyKnownData})
}

// Identity established: one task per system searched for the type, each owner a search_task
// letter with a personal link and the task's due date; the first says what Privacyloket is.
// Answers, the 409s, waive and add, the grant once nothing is open.
func TestSearchTasks(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, testSearchTasks)
}

func testSearchTasks(t *testing.T, backend testenv.Backend) {
	// Friday 27 March 2026: due 24 April (4 weeks), internal date 17 April.
	s := testenv.NewStack(t, testenv.Options{Backend: backend, Casework: true, Now: amsterdam("2026-03-27 10:00")})
	c := submitConfirm(t, s, access("search@tenant.test"))
	c = verify(t, s, c.Reference)
	if got, want := len(c.Searches), 5; got != want {
		t.Fatalf("%d tasks, want %d (every system of the register is searched for access)", got, want)
	}
	internal := civil.Date{Year: 2026, Month: 4, Day: 17}
	if got := s.App.InternalDate(c); got != internal {
		t.Errorf("internal date %s, want %s", got, internal)
	}
	for _, task := range c.Searches {
		if task.State != request.TaskOpen || task.DueDate != internal || task.Phase != request.PhaseSearch {
			t.Errorf("task %+v", task)
		}
		m := s.Mail.Await(t, "search_task", valleiOwners[task.System], c.Reference)
		if m.Args["system"] != task.System || m.Args["dueDate"] != "2026-04-17" {
			t.Errorf("%s: custom_args %v", task.System, m.Args)
		}
		if !strings.Contains(m.Text, "Wat is Privacyloket?") {
			t.Errorf("%s: the owner's first task letter does not say what Privacyloket is", task.System)
		}
		if strings.Contains(m.Text, "Carla") || strings.Contains(m.Text, "search@tenant.test") {
			t.Errorf("%s: the task letter carries the requester's data", task.System)
		}
		if m.Link("SearchTask") == "" {
			t.Errorf("%s: no SearchTask link", task.System)
		}
	}
	// A grant waits for every search.
	_, err := s.App.Casework.StaffAct(ctx, c.Reference, staffLink, app.StaffInput{Action: request.ActDecide, Outcome: "granted", ResultFile: []byte(`{"a":"b"}`)})
	notAllowed(t, s, err, "searches_open", c)

	// The page: what to look for, never more.
	v, err := s.App.Casework.SearchTaskPage(ctx, taskLink(c, "huuradministratie"))
	if err != nil || v.Closed || v.Name != "Carla Contract" || v.DueDate != internal || len(v.Results) != 2 {
		t.Fatalf("task page %+v %v", v, err)
	}
	// Only an owner of the system opens it; revoke_links stops it.
	other := taskLink(c, "huuradministratie")
	other.Holder = "wijkbeheer@valleiwonen.example"
	if _, err := s.App.Casework.SearchTaskPage(ctx, other); !errors.Is(err, app.ErrLinkRevoked) {
		t.Errorf("another owner's link: %v, want revoked", err)
	}
	// Answers by type: bad fields named at once.
	_, err = s.App.Casework.AnswerSearch(ctx, taskLink(c, "huuradministratie"), app.SearchAnswer{Result: "held", KeepGround: "x"})
	if got := strings.Join(fields(t, err), " "); got != "keepGround:invalid note:required result:invalid" {
		t.Errorf("bad answer: %s", got)
	}
	_, err = s.App.Casework.AnswerSearch(ctx, taskLink(c, "huuradministratie"), app.SearchAnswer{Result: "found", Extract: []byte("\x00\x01binary")})
	if got := strings.Join(fields(t, err), " "); got != "extract:result_file" {
		t.Errorf("binary extract: %s", got)
	}
	v, err = s.App.Casework.AnswerSearch(ctx, taskLink(c, "huuradministratie"), app.SearchAnswer{Result: "found",
		Extract: []byte(`[{"contract":"H-1","start":"2019-01-01"}]`), ExtractAs: "huur contract.json"})
	if err != nil || !v.Answered || !v.MoreExtracts {
		t.Fatalf("found: %+v %v", v, err)
	}
	v, err = s.App.Casework.AnswerSearch(ctx, taskLink(c, "huuradministratie"), app.SearchAnswer{Result: "found",
		Extract: []byte("datum;bedrag\n2026-01-01;750\n"), ExtractAs: "betalingen.csv"})
	if err != nil || len(v.Task.Extracts) != 2 || v.Task.Extracts[0].Name != "huur_contract.json" || v.Task.Extracts[1].Kind != "csv" {
		t.Fatalf("second extract: %+v %v", v, err)
	}
	before, _ := s.Store.Case(ctx, c.Reference)
	_, err = s.App.Casework.AnswerSearch(ctx, taskLink(c, "huuradministratie"), app.SearchAnswer{Result: "nothing_found"})
	notAllowed(t, s, err, "search_answered", before)
	for _, sys := range []string{"dossiers-overlast", "dossiers-huurschuld"} {
		if _, err := s.App.Casework.AnswerSearch(ctx, taskLink(c, sys), app.SearchAnswer{Result: "nothing_found"}); err != nil {
			t.Fatalf("%s nothing_found: %v", sys, err)
		}
	}
	// Staff waive one with a reason, and add a system the register lacks on the organisation's domain.
	if _, err := s.App.Casework.StaffAct(ctx, c.Reference, staffLink, app.StaffInput{Action: app.ActWaiveSearch, Search: app.SearchInput{System: "website"}}); err == nil {
		t.Error("waive without a reason accepted")
	}
	staffAct(t, s, c.Reference, app.StaffInput{Action: app.ActWaiveSearch, Reason: "De website bewaart niets van bezoekers.", Search: app.SearchInput{System: "website"}})
	_, err = s.App.Casework.StaffAct(ctx, c.Reference, staffLink, app.StaffInput{Action: app.ActAddSearch, Search: app.SearchInput{SystemName: "Oud archief", OwnerEmail: "archief@elders.test"}})
	if got := strings.Join(fields(t, err), " "); got != "ownerEmail:organisation_domain" {
		t.Errorf("owner off the domains: %s", got)
	}
	c = staffAct(t, s, c.Reference, app.StaffInput{Action: app.ActAddSearch, Search: app.SearchInput{SystemName: "Oud archief", OwnerEmail: "archief@valleiwonen.example"}})
	added := c.Search("added-1")
	if added == nil || added.Name != "Oud archief" || added.State != request.TaskOpen {
		t.Fatalf("added task %+v", added)
	}
	s.Mail.Await(t, "search_task", "archief@valleiwonen.example", c.Reference)
	_, err = s.App.Casework.StaffAct(ctx, c.Reference, staffLink, app.StaffInput{Action: app.ActAddSearch, Search: app.SearchInput{System: "website"}})
	notAllowed(t, s, err, "search_exists", c)

	archief := app.TaskLink{Reference: c.Reference, Task: "added-1", Holder: "archief@valleiwonen.example", Generation: c.LinkGeneration}
	if _, err := s.App.Casework.AnswerSearch(ctx, archief, app.SearchAnswer{Result: "nothing_found"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.App.Casework.AnswerSearch(ctx, taskLink(c, "privacyloket"), app.SearchAnswer{Result: "found", Extract: []byte(`{"verzoeken":1}`)}); err != nil {
		t.Fatal(err)
	}
	// The checklist in the staff view.
	sv, err := s.App.Casework.StaffCase(ctx, c.Reference)
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]request.SearchState{}
	for _, r := range sv.Casework.Searches {
		states[r.System] = r.State
	}
	if states["website"] != request.TaskWaived || states["huuradministratie"] != request.TaskAnswered || len(states) != 6 {
		t.Errorf("checklist %v", states)
	}
	if sv.Casework.InternalDate != internal {
		t.Errorf("staff view internal date %s", sv.Casework.InternalDate)
	}
	// A staff view is in the consultation log (without who).
	if _, err := s.App.Casework.StaffPage(ctx, c.Reference, staffLink); err != nil {
		t.Fatal(err)
	}
	// Nothing open: the grant goes, from the extracts alone (staff's own result file is optional).
	c = staffAct(t, s, c.Reference, app.StaffInput{Action: request.ActDecide, Outcome: "granted"})
	if c.Status != request.Decided || c.Result == nil {
		t.Fatalf("after grant: %s %+v", c.Status, c.Result)
	}
	dec := s.Mail.Await(t, "decision", "search@tenant.test", c.Reference)
	if !strings.Contains(dec.Text, "Waar wij zochten") || !strings.Contains(dec.Text, "- Huuradministratie. Bewaren: Financiële stukken") {
		t.Errorf("the access decision does not name the systems searched:\n%s", dec.Text)
	}
	pkg, err := s.App.Intake.DownloadResult(ctx, c.Reference)
	if err != nil {
		t.Fatal(err)
	}
	files := unzipAll(t, pkg)
	for _, name := range []string{"README.txt", "overzicht.html", "MANIFEST.csv", "privacyloket.json",
		"huuradministratie/01-huur_contract.json", "huuradministratie/02-betalingen.csv", "privacyloket/01-extract.json"} {
		if _, ok := files[name]; !ok {
			t.Errorf("package lacks %s (has %v)", name, keys(files))
		}
	}
	if _, ok := files["gegevens.json"]; ok {
		t.Error("a package without staff's result file has gegevens.json")
	}
	manifest := files["MANIFEST.csv"]
	for _, want := range []string{"Huuradministratie", "gegevens gevonden", "huuradministratie/01-huur_contract.json", "niet doorzocht: De website bewaart niets", "Oud archief", "gezocht, niets gevonden"} {
		if !strings.Contains(manifest, want) {
			t.Errorf("MANIFEST.csv lacks %q:\n%s", want, manifest)
		}
	}
	readme := files["README.txt"]
	for _, want := range []string{"SYSTEMEN WAARIN UW GEGEVENS KUNNEN STAAN", "Bewaartermijn: Financiële stukken", "Ontvangers: geen andere organisatie", "WANNEER MEDEWERKERS UW VERZOEK BEKEKEN", "behandeling van uw verzoek", "SYSTEMS THAT MAY HOLD YOUR DATA",
		"Website (niet doorzocht: De website bewaart niets", "overzicht.html: een overzicht om te lezen", "MANIFEST.csv: de lijst van de systemen"} {
		if !strings.Contains(readme, want) {
			t.Errorf("README lacks %q", want)
		}
	}
	if strings.Contains(readme, "staff@corp.test") || strings.Contains(files["overzicht.html"], "staff@corp.test") {
		t.Error("the package names a staff member")
	}
	if !strings.Contains(files["huuradministratie/02-betalingen.csv"], "750") {
		t.Errorf("CSV extract: %q", files["huuradministratie/02-betalingen.csv"])
	}
	// A decided case's task link shows the reference and that no answer is needed.
	if v, err := s.App.Casework.SearchTaskPage(ctx, taskLink(c, "huuradministratie")); err != nil || !v.Closed || v.Name != "" {
		t.Errorf("task page of a decided case: %+v %v", v, err)
	}
	_, err = s.App.Casework.AnswerSearch(ctx, taskLink(c, "huuradministratie"), app.SearchAnswer{Result: "found", Extract: []byte(`{"x":1}`)})
	var na *app.NotAllowedError
	if !errors.As(err, &na) || na.Reason != "search_closed" {
		t.Errorf("answer on a decided case: %v", err)
	}

	// A second case: the owners had a task letter before, so it no longer explains Privacyloket.
	c2 := submitConfirm(t, s, access("search2@tenant.test"))
	verify(t, s, c2.Reference)
	m := s.Mail.Await(t, "search_task", valleiOwners["website"], c2.Reference)
	if strings.Contains(m.Text, "Wat is Privacyloket?") {
		t.Error("an owner's second task letter explains Privacyloket again")
	}
	// revoke_links stops every task link made before.
	c2 = staffAct(t, s, c2.Reference, app.StaffInput{Action: request.ActRevokeLinks})
	old := taskLink(c2, "website")
	old.Generation = 0
	if _, err := s.App.Casework.SearchTaskPage(ctx, old); !errors.Is(err, app.ErrLinkRevoked) {
		t.Errorf("task link after revoke_links: %v", err)
	}
	// The case ends otherwise: open tasks are cancelled and their owners told.
	c2, err = s.App.Casework.StaffAct(ctx, c2.Reference, app.StaffLink{Holder: staffLink.Holder, Generation: c2.LinkGeneration},
		app.StaffInput{Action: request.ActWithdraw, How: "phone", Note: "De aanvrager belde."})
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range c2.Searches {
		if task.State != request.TaskCancelled {
			t.Errorf("%s after withdraw: %s", task.System, task.State)
		}
	}
	s.Mail.Await(t, "search_cancelled", valleiOwners["website"], c2.Reference)
}

// A complaint is not searched, and a profile without the register starts no task.
func TestNoSearchForComplaints(t *testing.T) {
	t.Parallel()
	s := testenv.NewStack(t, testenv.Options{Backend: testenv.Memory, Casework: true})
	sub := access("complaint@tenant.test")
	sub.Type, sub.Details = "complaint", "U reageerde niet."
	c := submitConfirm(t, s, sub)
	c = verify(t, s, c.Reference)
	if len(c.Searches) != 0 {
		t.Errorf("a complaint got %d tasks", len(c.Searches))
	}
}

// The Tick: a search_reminder to the owners the working day before a task is due, a
// search_overdue to staff the working day after, each once.
func TestSearchReminders(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, testSearchReminders)
}

func testSearchReminders(t *testing.T, backend testenv.Backend) {
	s := testenv.NewStack(t, testenv.Options{Backend: backend, Casework: true, Now: amsterdam("2026-03-27 10:00")})
	c := submitConfirm(t, s, access("tick@tenant.test"))
	c = verify(t, s, c.Reference)
	for _, sys := range []string{"huuradministratie", "dossiers-overlast", "dossiers-huurschuld", "privacyloket"} {
		if _, err := s.App.Casework.AnswerSearch(ctx, taskLink(c, sys), app.SearchAnswer{Result: "nothing_found"}); err != nil {
			t.Fatal(err)
		}
	}
	// Due Friday 17 April: the reminder on Thursday 16 April, the escalation on Monday 20 April.
	tick(t, s, "2026-04-15 10:00")
	if n := s.Mail.Count("search_reminder", "", c.Reference); n != 0 {
		t.Errorf("%d reminders two days early", n)
	}
	tick(t, s, "2026-04-16 10:00")
	m := s.Mail.Await(t, "search_reminder", valleiOwners["website"], c.Reference)
	if m.Args["system"] != "website" || m.Args["dueDate"] != "2026-04-17" || m.Link("SearchTask") == "" {
		t.Errorf("reminder %v", m.Args)
	}
	tick(t, s, "2026-04-16 15:00")
	tick(t, s, "2026-04-20 10:00")
	o := s.Mail.Await(t, "search_overdue", "staff@corp.test", c.Reference)
	if !strings.Contains(o.Text, "webbeheer@valleiwonen.example") || o.Link("StaffCase") == "" {
		t.Errorf("overdue letter:\n%s", o.Text)
	}
	tick(t, s, "2026-04-21 10:00")
	s.Quiet(t)
	if n := s.Mail.Count("search_reminder", "", c.Reference); n != 1 {
		t.Errorf("%d reminders, want 1", n)
	}
	if n := s.Mail.Count("search_overdue", "", c.Reference); n != 1 {
		t.Errorf("%d overdue letters, want 1", n)
	}
	// The answered tasks got neither.
	if n := s.Mail.Count("search_reminder", valleiOwners["huuradministratie"], c.Reference); n != 0 {
		t.Errorf("an answered task was reminded")
	}
	// The report per system: tasks, median days to answer, late (issue 21 item 7).
	s.Clock.Set(amsterdam("2026-04-21 10:00"))
	rep, _, err := s.App.Desk.Report(ctx, civil.Date{Year: 2026, Month: 3, Day: 1}, civil.Date{Year: 2026, Month: 3, Day: 31})
	if err != nil {
		t.Fatal(err)
	}
	if w := rep.Systems["website"]; w.Tasks != 1 || w.Late != 1 || w.MedianDaysToAnswer != nil {
		t.Errorf("website figures %+v", w)
	}
	if h := rep.Systems["huuradministratie"]; h.Tasks != 1 || h.Late != 0 || h.MedianDaysToAnswer == nil || *h.MedianDaysToAnswer != 0 {
		t.Errorf("huuradministratie figures %+v", h)
	}
	tasks, err := s.App.Desk.ReportTasks(ctx, civil.Date{Year: 2026, Month: 3, Day: 1}, civil.Date{Year: 2026, Month: 3, Day: 31})
	if err != nil || len(tasks) != 5 {
		t.Errorf("report tasks: %d %v", len(tasks), err)
	}
}

func unzipAll(t *testing.T, pkg []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range zr.File {
		r, _ := f.Open()
		b, _ := io.ReadAll(r)
		r.Close()
		out[f.Name] = string(b)
	}
	return out
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// A granted erasure is carried out in each system that holds data: carry_out_task letters, the
// decision held until every carry-out task is answered, then listing per system what was done
// or kept, with its ground and until when.
func TestCarryOut(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, testCarryOut)
}

func testCarryOut(t *testing.T, backend testenv.Backend) {
	s := testenv.NewStack(t, testenv.Options{Backend: backend, Casework: true, Now: amsterdam("2026-03-27 10:00")})
	sub := access("erase@tenant.test")
	sub.Type, sub.Details = "erasure", "Mijn oude overlastmeldingen."
	c := submitConfirm(t, s, sub)
	c = verify(t, s, c.Reference)
	if v, err := s.App.Casework.SearchTaskPage(ctx, taskLink(c, "dossiers-overlast")); err != nil || v.Words != "Mijn oude overlastmeldingen." {
		t.Fatalf("erasure task page shows the request's words: %+v %v", v, err)
	}
	answers := map[string]app.SearchAnswer{
		"huuradministratie":   {Result: "held", Note: "Huurbetalingen 2019-2025", KeepGround: request.KeepLegalObligation, KeptUntil: "2033-12-31"},
		"dossiers-overlast":   {Result: "held", Note: "Twee meldingen uit 2021"},
		"dossiers-huurschuld": {Result: "nothing_found"},
		"website":             {Result: "nothing_found"},
		"privacyloket":        {Result: "nothing_found"},
	}
	for sys, a := range answers {
		if _, err := s.App.Casework.AnswerSearch(ctx, taskLink(c, sys), a); err != nil {
			t.Fatalf("%s: %v", sys, err)
		}
	}
	c = staffAct(t, s, c.Reference, app.StaffInput{Action: request.ActDecide, Outcome: "granted", Motivation: "De meldingen zijn niet meer nodig.", NoRecipients: true})
	if c.Status != request.Decided || c.OpenSearches(request.PhaseCarryOut) != 2 {
		t.Fatalf("after the grant: %s, %d carry-out tasks", c.Status, c.OpenSearches(request.PhaseCarryOut))
	}
	m := s.Mail.Await(t, "carry_out_task", valleiOwners["dossiers-overlast"], c.Reference)
	if m.Args["system"] != "dossiers-overlast" || m.Link("SearchTask") == "" {
		t.Errorf("carry_out_task %v", m.Args)
	}
	s.Quiet(t)
	if n := s.Mail.Count("decision", "erase@tenant.test", c.Reference); n != 0 {
		t.Fatal("the decision went before the carry-out tasks were answered")
	}
	co := func(sys string) app.TaskLink { l := taskLink(c, sys); l.Task = sys + ".carry_out"; return l }
	if v, err := s.App.Casework.SearchTaskPage(ctx, co("dossiers-overlast")); err != nil || v.Closed || len(v.Results) != 2 {
		t.Fatalf("carry-out page on the decided case: %+v %v", v, err)
	}
	_, err := s.App.Casework.AnswerSearch(ctx, co("dossiers-overlast"), app.SearchAnswer{Result: "done"})
	if got := strings.Join(fields(t, err), " "); got != "backups:required" {
		t.Errorf("erasure done without backups: %s", got)
	}
	if _, err := s.App.Casework.AnswerSearch(ctx, co("dossiers-overlast"), app.SearchAnswer{Result: "done", Backups: "included"}); err != nil {
		t.Fatal(err)
	}
	s.Quiet(t)
	if n := s.Mail.Count("decision", "erase@tenant.test", c.Reference); n != 0 {
		t.Fatal("the decision went with a carry-out task still open")
	}
	if _, err := s.App.Casework.AnswerSearch(ctx, co("huuradministratie"), app.SearchAnswer{Result: "done", Backups: "not_applicable"}); err != nil {
		t.Fatal(err)
	}
	d := s.Mail.Await(t, "decision", "erase@tenant.test", c.Reference)
	for _, want := range []string{"Dossiers over overlast: verwijderd, ook uit de back-ups", "Huuradministratie: verwijderd. Wij bewaren een deel, omdat de wet ons verplicht het te bewaren, tot en met 31 december 2033"} {
		if !strings.Contains(d.Text, want) {
			t.Errorf("decision lacks %q:\n%s", want, d.Text)
		}
	}
	_, err = s.App.Casework.AnswerSearch(ctx, co("huuradministratie"), app.SearchAnswer{Result: "not_possible", Note: "x"})
	var na *app.NotAllowedError
	if !errors.As(err, &na) || na.Reason != "search_answered" {
		t.Errorf("second carry-out answer: %v", err)
	}
}

// At most 20 extracts per task; uploads are counted per task link (40 an hour), refused ones too.
func TestExtractLimits(t *testing.T) {
	t.Parallel()
	s := testenv.NewStack(t, testenv.Options{Backend: testenv.Memory, Casework: true, Now: amsterdam("2026-03-27 10:00")})
	c := submitConfirm(t, s, access("limits@tenant.test"))
	c = verify(t, s, c.Reference)
	l := taskLink(c, "huuradministratie")
	for i := range 20 {
		if _, err := s.App.Casework.AnswerSearch(ctx, l, app.SearchAnswer{Result: "found", Extract: []byte(`{"n":1}`)}); err != nil {
			t.Fatalf("extract %d: %v", i+1, err)
		}
	}
	_, err := s.App.Casework.AnswerSearch(ctx, l, app.SearchAnswer{Result: "found", Extract: []byte(`{"n":1}`)})
	var na *app.NotAllowedError
	if !errors.As(err, &na) || na.Reason != "too_many_extracts" {
		t.Fatalf("21st extract: %v", err)
	}
	other := taskLink(c, "dossiers-overlast")
	for range 40 {
		s.App.Casework.AnswerSearch(ctx, other, app.SearchAnswer{Result: "found", Extract: []byte("not json, not csv \x00")})
	}
	_, err = s.App.Casework.AnswerSearch(ctx, other, app.SearchAnswer{Result: "found", Extract: []byte(`{"n":1}`)})
	var rl *app.RateLimitedError
	if !errors.As(err, &rl) {
		t.Errorf("41st upload in an hour: %v, want rate limited", err)
	}
}

// An owner taken out of the register: their open tasks move to the case's staff
// (search_reassigned), and the old owner's link stops working.
func TestSearchReassigned(t *testing.T) {
	t.Parallel()
	s := testenv.NewStack(t, testenv.Options{Backend: testenv.Memory, Casework: true, Now: amsterdam("2026-03-27 10:00")})
	c := submitConfirm(t, s, access("moved@tenant.test"))
	c = verify(t, s, c.Reference)
	for i := range s.Profile.Systems {
		if s.Profile.Systems[i].ID == "website" {
			s.Profile.Systems[i].Owners = []string{"nieuw@valleiwonen.example"}
		}
	}
	if _, err := s.App.Casework.SearchTaskPage(ctx, taskLink(c, "website")); !errors.Is(err, app.ErrLinkRevoked) {
		t.Errorf("the old owner's link: %v", err)
	}
	// The Tick moves it at the case's next moment at the latest: here the reminder's day.
	tick(t, s, "2026-04-16 10:00")
	m := s.Mail.Await(t, "search_reassigned", "staff@corp.test", c.Reference)
	if m.Args["system"] != "website" || m.Link("SearchTask") == "" {
		t.Errorf("search_reassigned %v", m.Args)
	}
	staffTask := app.TaskLink{Reference: c.Reference, Task: "website", Holder: "staff@corp.test"}
	if _, err := s.App.Casework.AnswerSearch(ctx, staffTask, app.SearchAnswer{Result: "nothing_found"}); err != nil {
		t.Errorf("staff answer the moved task: %v", err)
	}
	tick(t, s, "2026-04-17 10:00")
	s.Quiet(t)
	if n := s.Mail.Count("search_reminder", "webbeheer@valleiwonen.example", c.Reference); n != 0 {
		t.Error("the owner who left the register was reminded")
	}
	if n := s.Mail.Count("search_reassigned", "", c.Reference); n != 1 {
		t.Errorf("%d search_reassigned letters, want 1", n)
	}
}

// de Alliantie's register: an owner of two systems gets two task letters, and only the first
// explains what Privacyloket is.
func TestOwnerOfTwoSystems(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, backend testenv.Backend) {
		s := testenv.NewStack(t, testenv.Options{Backend: backend, Profile: "de-alliantie", Casework: true, Now: amsterdam("2026-03-27 10:00")})
		c := submitConfirm(t, s, access("two@tenant.test"))
		c = verify(t, s, c.Reference)
		if len(c.Searches) != 8 {
			t.Fatalf("%d tasks, want 8", len(c.Searches))
		}
		testenv.Eventually(t, "two letters to digitaal@", func() bool {
			return s.Mail.Count("search_task", "digitaal@de-alliantie.example", c.Reference) == 2
		})
		intro := 0
		for _, m := range s.Mail.All() {
			if m.Kind() == "search_task" && m.To == "digitaal@de-alliantie.example" && strings.Contains(m.Text, "Wat is Privacyloket?") {
				intro++
			}
		}
		if intro != 1 {
			t.Errorf("%d of the owner's two first letters explain Privacyloket, want 1", intro)
		}
	})
}

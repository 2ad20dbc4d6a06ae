package web

import (
	"strings"
	"testing"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/request"
)

// A carry-out task's page asks whether the decision was carried out, not what was found, and
// shows the owner what they reported in the search (what must be kept, until when), which the
// carry_out_task letter refers to ("zoals u meldde").
func TestCarryOutPageIsNotASearchPage(t *testing.T) {
	t.Parallel()
	v := &app.SearchTaskView{Reference: "PL-AAAA-BBBB", Type: request.Erasure, SystemName: "Huuradministratie", Phase: request.PhaseCarryOut,
		DueDate: civil.Date{Year: 2026, Month: 4, Day: 28}, Name: "Carla Contract", Words: "Mijn inschrijving.",
		Results: request.SearchResults(request.Erasure, request.PhaseCarryOut),
		Task:    request.SearchTask{ID: "huuradministratie.carry_out", System: "huuradministratie", Phase: request.PhaseCarryOut, State: request.TaskOpen},
		Reported: &request.SearchTask{ID: "huuradministratie", Phase: request.PhaseSearch, State: request.TaskAnswered, Result: request.ResultHeld,
			Note: "Huurcontract en betalingen.", KeepGround: request.KeepLegalObligation, KeptUntil: civil.Date{Year: 2033, Month: 3, Day: 1}}}
	page := renderPage(t, "search_task", "nl", NewSearchTaskPage("nl", "tok", v, nil))
	for _, want := range []string{"Om wie gaat het?", "Is het gelukt?", "verplicht als het niet lukte: waarom niet?",
		"Wat u eerder meldde", "Huurcontract en betalingen.", "Ja, de wet verplicht ons het te bewaren; Bewaren tot en met 1 maart 2033"} {
		if !strings.Contains(page, want) {
			t.Errorf("the carry-out page lacks %q", want)
		}
	}
	for _, not := range []string{"Naar wie zoekt u?", "Wat vond u?", "verplicht als u iets vond"} {
		if strings.Contains(page, not) {
			t.Errorf("the carry-out page asks as a search page: %q", not)
		}
	}
}

// A decided case whose decision waits for a carry-out task still shows staff the checklist and
// the waive form (by the system's name), in HTML and JSON; a decided case without one shows
// neither.
func TestDecidedCaseShowsItsOpenCarryOut(t *testing.T) {
	t.Parallel()
	c := &request.Case{Reference: "PL-AAAA-BBBB", Type: request.Erasure, Status: request.Decided,
		Decision: &request.Decision{Outcome: request.Granted}}
	row := app.SearchRow{System: "huuradministratie", Name: "Huuradministratie", Owners: []string{"huur@corp.test"},
		Phase: request.PhaseCarryOut, State: request.TaskOpen, DueDate: civil.Date{Year: 2026, Month: 4, Day: 28}}
	v := &app.StaffView{Case: c, Casework: app.CaseworkView{Searches: []app.SearchRow{row}, CarryingOut: true}}
	page := renderPage(t, "staff_case", "nl", NewStaffPage("nl", "staff@corp.test", "tok", "", v, nil))
	for _, want := range []string{"De beslissing is genomen. De aanvrager krijgt haar pas", `name="action" value="waive_search"`,
		`<option value="huuradministratie">Huuradministratie</option>`} {
		if !strings.Contains(page, want) {
			t.Errorf("the decided case's page lacks %q", want)
		}
	}
	if strings.Contains(page, `value="add_search"`) {
		t.Error("a decided case offers add_search")
	}
	if js := StaffCaseJSON(v); js["searches"] == nil {
		t.Error("the decided case's JSON lacks the carry-out task it waits for")
	}
	v.Casework.CarryingOut = false
	if page := renderPage(t, "staff_case", "nl", NewStaffPage("nl", "staff@corp.test", "tok", "", v, nil)); strings.Contains(page, "waive_search") {
		t.Error("a decided case with nothing open offers waive_search")
	}
}

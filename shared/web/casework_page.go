package web

import (
	"strings"

	"github.com/privacyloket/privacyloket/shared/app"
)

// Checklist is the search tasks on the staff page (docs/contract.md §3): system, owners, phase,
// state, result, when; and the forms of add_search and waive_search.
type Checklist struct {
	Token    string
	Internal string // the internal target date as the reader reads it
	Rows     []ChecklistRow
	// Systems are the register's systems not searched yet; CanAct says the forms are offered.
	Systems []Option
	CanAct  bool
	// CanWaive says the waive form is offered: before the decision, and after it while a
	// carry-out task is open (CarryingOut).
	CanWaive, CarryingOut bool
	// Open lists the open tasks, for the waive form.
	Open []Option
}

// ChecklistRow is one task as the page shows it.
type ChecklistRow struct {
	Name, Owners, Phase, State, Result, Due, When, Note string
	Files                                               []string
}

// NewChecklist builds the checklist of v for the staff member whose link is tok.
func NewChecklist(lang, tok string, v *app.StaffView) Checklist {
	cw := v.Casework
	c := Checklist{Token: tok, Internal: Date(cw.InternalDate, lang), CanAct: cw.CanAct,
		CanWaive: cw.CanAct || cw.CarryingOut, CarryingOut: cw.CarryingOut}
	for _, r := range cw.Searches {
		row := ChecklistRow{Name: r.Name, Owners: strings.Join(r.Owners, ", "), Phase: T(lang, "search.phase."+string(r.Phase)),
			State: T(lang, "search.state."+string(r.State)), Due: Date(r.DueDate, lang), When: DateTime(r.AnsweredAt, lang),
			Note: r.Note, Files: r.Extracts}
		if r.Reason != "" {
			row.Note = r.Reason
		}
		if r.Result != "" {
			row.Result = T(lang, "search.result."+string(r.Result))
		}
		c.Rows = append(c.Rows, row)
		if r.State == "open" {
			c.Open = append(c.Open, Option{r.System, r.Name})
		}
	}
	for _, s := range cw.AddSystems {
		c.Systems = append(c.Systems, Option{s.ID, s.Name})
	}
	return c
}

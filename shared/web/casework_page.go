package web

import (
	"strings"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/request"
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
	// Waive and Add are the forms of waive_search (CanWaive, a task open) and add_search
	// (CanAct).
	Waive, Add *ActionView
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
	c.forms(lang)
	return c
}

// forms sets the forms of waive_search and add_search that the checklist offers.
func (c *Checklist) forms(lang string) {
	form := func(a request.Action, help string, fields ...ActionField) *ActionView {
		return &ActionView{Name: string(a), Title: T(lang, "act."+string(a)), Help: help, Token: c.Token, Req: T(lang, "required"), Fields: fields}
	}
	if c.CanWaive && len(c.Open) > 0 {
		c.Waive = form(app.ActWaiveSearch, "",
			ActionField{Name: "system", Label: T(lang, "search.col.system"), Kind: "select", Required: true, Options: c.Open},
			ActionField{Name: "reason", Label: T(lang, "field.reason"), Kind: "textarea", Required: true})
	}
	if !c.CanAct {
		return
	}
	var fields []ActionField
	if len(c.Systems) > 0 {
		fields = append(fields, ActionField{Name: "system", Label: T(lang, "search.add.register"), Kind: "select",
			Options: append([]Option{{"", T(lang, "search.add.other")}}, c.Systems...)})
	}
	c.Add = form(app.ActAddSearch, T(lang, "search.add.help"), append(fields,
		ActionField{Name: "systemName", Label: T(lang, "field.systemName"), Kind: "text", Max: 200},
		ActionField{Name: "ownerEmail", Label: T(lang, "field.ownerEmail"), Kind: "email"})...)
}

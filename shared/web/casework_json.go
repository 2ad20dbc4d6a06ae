package web

import (
	"time"

	"github.com/privacyloket/privacyloket/shared/app"
)

// SearchJSON is one task of the checklist in a staff member's case JSON (docs/contract.md §3).
type SearchJSON struct {
	System     string   `json:"system"`
	Name       string   `json:"name"`
	Owners     []string `json:"owners"`
	Phase      string   `json:"phase"`
	State      string   `json:"state"`
	Result     *string  `json:"result"`
	DueDate    string   `json:"dueDate"`
	AnsweredAt *string  `json:"answeredAt"`
	AnsweredBy *string  `json:"answeredBy"`
	Note       string   `json:"note,omitempty"`
	Reason     string   `json:"reason,omitempty"`
	KeepGround string   `json:"keepGround,omitempty"`
	KeptUntil  string   `json:"keptUntil,omitempty"`
	Files      []string `json:"files,omitempty"`
}

// addCasework adds the internal date and the search checklist to a staff member's case JSON
// (docs/contract.md §3 "Search tasks").
func addCasework(out map[string]any, v *app.StaffView) {
	cw := v.Casework
	if !cw.InternalDate.IsZero() {
		out["internalDate"] = cw.InternalDate.String()
	}
	rows := make([]SearchJSON, 0, len(cw.Searches))
	for _, r := range cw.Searches {
		j := SearchJSON{System: r.System, Name: r.Name, Owners: r.Owners, Phase: string(r.Phase), State: string(r.State),
			DueDate: ISODate(r.DueDate), Note: r.Note, Reason: r.Reason, KeepGround: string(r.KeepGround), Files: r.Extracts}
		if j.Owners == nil {
			j.Owners = []string{}
		}
		if r.Result != "" {
			res := string(r.Result)
			j.Result = &res
		}
		if !r.AnsweredAt.IsZero() {
			at, by := r.AnsweredAt.UTC().Format(time.RFC3339), r.AnsweredBy
			j.AnsweredAt, j.AnsweredBy = &at, &by
		}
		if !r.KeptUntil.IsZero() {
			j.KeptUntil = r.KeptUntil.String()
		}
		rows = append(rows, j)
	}
	out["searches"] = rows
}

package web

import "github.com/privacyloket/privacyloket/shared/app"

// TeamBox is the team's part of the staff page (docs/contract.md §3 "assign", "note"): the
// case's handler and the forms of assign and note.
type TeamBox struct {
	Token   string
	Handler string
	Holders []Option
	CanAct  bool
}

// NewTeamBox builds the team's part of v for the staff member whose link is tok.
func NewTeamBox(tok string, v *app.StaffView) TeamBox {
	t := v.Team
	b := TeamBox{Token: tok, Handler: t.Handler, CanAct: t.CanAct}
	for _, h := range t.Holders {
		b.Holders = append(b.Holders, Option{h, h})
	}
	return b
}

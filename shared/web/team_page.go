package web

import "github.com/privacyloket/privacyloket/shared/app"

// TeamBox is the team's part of the staff page (docs/contract.md §3 "assign", "note"): the
// case's handler and the forms of assign and note.
type TeamBox struct {
	Token   string
	Handler string
	// The decision waiting for approval: outcome, ground, motivation, who drafted it and when.
	Draft                                             bool
	Outcome, Ground, Motivation, DraftedBy, DraftedAt string
	Holders                                           []Option
	CanAct                                            bool
	// Assign and Note are the team's forms, when CanAct.
	Assign, Note *ActionView
}

// NewTeamBox builds the team's part of v for the staff member whose link is tok.
func NewTeamBox(lang, tok string, v *app.StaffView) TeamBox {
	t := v.Team
	b := TeamBox{Token: tok, Handler: t.Handler, CanAct: t.CanAct}
	if a := t.Draft; a != nil {
		b.Draft, b.Outcome, b.Ground, b.Motivation = true, string(a.Draft.Outcome), string(a.Draft.Ground), a.Draft.Motivation
		b.DraftedBy, b.DraftedAt = a.Draft.DecidedBy, DateTime(a.DraftedAt, lang)
	}
	for _, h := range t.Holders {
		b.Holders = append(b.Holders, Option{h, h})
	}
	if b.CanAct {
		// The select opens on the handler now: assigning someone else is a choice.
		b.Assign = &ActionView{Name: string(app.ActAssign), Title: T(lang, "act.assign"), Token: tok, Req: T(lang, "required"),
			Fields: []ActionField{{Name: "to", Label: T(lang, "field.to"), Kind: "select", Required: true, Options: b.Holders, Value: b.Handler}}}
		b.Note = &ActionView{Name: string(app.ActNote), Title: T(lang, "act.note"), Help: T(lang, "team.note.help"), Token: tok, Req: T(lang, "required"),
			Fields: []ActionField{{Name: "text", Label: T(lang, "field.text"), Kind: "textarea", Required: true}}}
	}
	return b
}

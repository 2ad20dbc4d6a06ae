package web

import (
	"time"

	"github.com/privacyloket/privacyloket/shared/app"
)

// ApprovalPage is an approver's page of a drafted decision (docs/contract.md §3
// "ApproveDecision"): the case's essentials, the searches, the decision letter exactly as it
// will go, and the approve and return forms.
type ApprovalPage struct {
	Token, Reference, Type, Received, Due, Internal string
	Subject, DraftedBy, DraftedAt                   string
	Outcome, Ground, Motivation                     string
	LetterSubject, LetterText                       string
	Judged, Own                                     bool
	Checklist                                       Checklist
	Timeline                                        []TimelineEntry
	Errors                                          []FieldError
}

// NewApprovalPage writes v for the reader.
func NewApprovalPage(lang, tok string, v *app.ApprovalView, errs []FieldError) ApprovalPage {
	c := v.Case
	p := ApprovalPage{Token: tok, Reference: c.Reference, Type: string(c.Type), Received: Date(c.Received, lang), Due: Date(c.DueDate, lang),
		Internal: Date(v.Casework.InternalDate, lang), Subject: c.Subject.Name, Judged: v.Judged, Own: v.Own, Errors: errs,
		Checklist: NewChecklist(lang, "", v.StaffView)}
	// The approver judges the decision; the searches are the author's.
	p.Checklist.CanAct, p.Checklist.Waive, p.Checklist.Add = false, nil, nil
	if a := v.Draft; a != nil {
		p.DraftedBy, p.DraftedAt = a.Draft.DecidedBy, DateTime(a.DraftedAt, lang)
		p.Outcome, p.Ground, p.Motivation = string(a.Draft.Outcome), string(a.Draft.Ground), a.Draft.Motivation
	}
	if m := v.Letter; m != nil {
		p.LetterSubject, p.LetterText = m.Subject, m.Text
	}
	for _, e := range v.Events {
		p.Timeline = append(p.Timeline, timelineEntry(lang, e))
	}
	return p
}

// ApprovalJSON is the approver's page as JSON.
type ApprovalJSON struct {
	Reference string  `json:"reference"`
	Status    string  `json:"status"`
	Judged    bool    `json:"judged"`
	Own       bool    `json:"own"`
	DraftedBy string  `json:"draftedBy,omitempty"`
	DraftedAt *string `json:"draftedAt,omitempty"`
	Outcome   string  `json:"outcome,omitempty"`
	Ground    string  `json:"ground,omitempty"`
	Letter    *struct {
		Subject string `json:"subject"`
		Text    string `json:"text"`
	} `json:"letter,omitempty"`
	Searches []SearchJSON `json:"searches"`
}

// NewApprovalJSON is v as JSON.
func NewApprovalJSON(v *app.ApprovalView) ApprovalJSON {
	out := ApprovalJSON{Reference: v.Case.Reference, Status: string(v.Case.Status), Judged: v.Judged, Own: v.Own}
	if a := v.Draft; a != nil {
		at := a.DraftedAt.UTC().Format(time.RFC3339)
		out.DraftedBy, out.DraftedAt, out.Outcome, out.Ground = a.Draft.DecidedBy, &at, string(a.Draft.Outcome), string(a.Draft.Ground)
	}
	if m := v.Letter; m != nil {
		out.Letter = &struct {
			Subject string `json:"subject"`
			Text    string `json:"text"`
		}{m.Subject, m.Text}
	}
	cw := map[string]any{}
	addCasework(cw, v.StaffView)
	out.Searches, _ = cw["searches"].([]SearchJSON)
	return out
}

package web

import (
	"time"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/request"
)

// SearchTaskPage is what a system owner's task page shows (docs/contract.md §3 "Search tasks").
type SearchTaskPage struct {
	*app.SearchTaskView
	Token     string
	Due       string
	BirthDate string
	Answered  string // when the task was answered, as the reader writes it
	Results   []string
	// Erasure, Access: the form asks what must be kept, or takes PDFs too.
	Erasure, Access bool
	Errors          []FieldError
	// CarryOut: the task carries out the decision; KeptUntil is the date the owner reported.
	CarryOut  bool
	KeptUntil string
}

// NewSearchTaskPage writes the view's dates for the reader.
func NewSearchTaskPage(lang, tok string, v *app.SearchTaskView, errs []FieldError) SearchTaskPage {
	p := SearchTaskPage{SearchTaskView: v, Token: tok, Due: Date(v.DueDate, lang), BirthDate: Date(v.BirthDate, lang),
		Erasure: v.Type == request.Erasure, Access: v.Type == request.Access, Errors: errs}
	p.CarryOut = v.Phase == request.PhaseCarryOut
	if r := v.Reported; r != nil && !r.KeptUntil.IsZero() {
		p.KeptUntil = Date(r.KeptUntil, lang)
	}
	if !v.Task.AnsweredAt.IsZero() {
		p.Answered = DateTime(v.Task.AnsweredAt, lang)
	}
	for _, r := range v.Results {
		p.Results = append(p.Results, string(r))
	}
	return p
}

// SearchTaskJSON is the task page as JSON.
func SearchTaskJSON(v *app.SearchTaskView) map[string]any {
	out := map[string]any{"reference": v.Reference, "type": v.Type, "system": v.SystemName, "dueDate": ISODate(v.DueDate),
		"phase": v.Phase, "closed": v.Closed}
	if v.Closed {
		return out
	}
	files := []string{}
	for _, e := range v.Task.Extracts {
		files = append(files, e.Name)
	}
	out["lookFor"] = map[string]any{"name": v.Name, "birthDate": ISODate(v.BirthDate), "address": v.Address, "words": v.Words}
	out["results"], out["state"], out["result"], out["files"] = v.Results, v.Task.State, v.Task.Result, files
	if !v.Task.AnsweredAt.IsZero() {
		out["answeredAt"] = v.Task.AnsweredAt.UTC().Format(time.RFC3339)
	}
	return out
}

// FileName is the name the named upload was sent under; "" when there is none.
func (b *Body) FileName(name string) string {
	if fhs := b.files[name]; len(fhs) > 0 {
		return fhs[0].Filename
	}
	return ""
}

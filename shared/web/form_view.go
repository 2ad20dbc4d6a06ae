package web

import (
	"fmt"
	"slices"

	"github.com/privacyloket/privacyloket/shared/policy"
	"github.com/privacyloket/privacyloket/shared/request"
)

// pageOrder is the order of the request form's fields on the page: the error summary follows it.
var pageOrder = []string{"type", "name", "email", "birthDate", "phone", "address", "relation", "details", "proposedChanges",
	"motivation", "reason", "recipientEmail", "representative", "representative.name", "representative.email", "representative.capacity", "idDocument",
	"signature", "declaration"}

// fieldView is one labelled input of the request form.
type fieldView struct {
	ID, Name, Label, Hint, Kind, Value, Error, Autocomplete string
	Required                                                bool
	Req, Opt                                                string
}

// formView is what the request_form page shows: the values so far and every error.
type formView struct {
	Type, Relation, Capacity string
	Declaration              bool
	Types                    []string
	Relations, Capacities    []string
	Person, Request, Rep     []fieldView
	Sign                     []fieldView
	Errors                   map[string]string
	Summary                  []summaryItem
	// AcceptsIDCopy: the profile's form.acceptsIdCopy. Off (both shipped profiles), the form has
	// no file field: copies come only when staff ask for one (docs/rules.md §2).
	AcceptsIDCopy bool
	// Notice is the information of GDPR 13 about this form's own processing.
	Notice formNotice
}

// formNotice is what GDPR 13 asks the form to say about the data it collects: who decides,
// the privacy officer, the purpose and basis, how long the case is kept, the rights and the AP.
// The sentences that carry the profile's values are written here; the rest is in the page.
type formNotice struct {
	Controller, Officer, Keep string
}

type summaryItem struct{ Field, Label, Message string }

// NewFormView is the request form of the organisation of profile p, with the values so far and
// every error (none for a new form).
func NewFormView(lang string, p *policy.Profile, s request.Submission, errs []FieldError) formView {
	byField := map[string]string{}
	for _, e := range errs {
		byField[e.Field] = e.Message
	}
	t := func(k string) string { return T(lang, k) }
	f := func(name, kind, autocomplete, value string, required bool) fieldView {
		return fieldView{ID: name, Name: name, Label: t("form." + name), Hint: Optional(lang, "form."+name+".hint"), Kind: kind,
			Value: value, Error: byField[name], Autocomplete: autocomplete, Required: required,
			Req: t("required"), Opt: t("optional")}
	}
	rep := request.RepresentativeInput{}
	if s.Representative != nil {
		rep = *s.Representative
	}
	v := formView{
		Type: s.Type, Relation: s.Relation, Capacity: rep.Capacity, Declaration: s.Declaration,
		Relations:  append([]string{""}, request.Strings(request.Relations)...),
		Capacities: append([]string{""}, request.Strings(request.Capacities)...),
		Person: []fieldView{
			f("name", "text", "name", s.Name, true),
			f("email", "email", "email", s.Email, true),
			f("birthDate", "date", "bday", s.BirthDate, true),
			f("phone", "tel", "tel", s.Phone, false),
			f("address", "text", "street-address", s.Address, false),
		},
		Request: []fieldView{
			f("details", "textarea", "", s.Details, false),
			f("proposedChanges", "textarea", "", s.ProposedChanges, false),
			f("motivation", "textarea", "", s.Motivation, false),
			f("reason", "textarea", "", s.Reason, false),
			f("recipientEmail", "email", "", s.RecipientEmail, false),
		},
		Rep: []fieldView{
			{ID: "representative.name", Name: "representative.name", Label: t("form.rep.name"), Kind: "text", Value: rep.Name,
				Error: byField["representative.name"], Req: t("required"), Opt: t("optional")},
			{ID: "representative.email", Name: "representative.email", Label: t("form.rep.email"), Kind: "email", Value: rep.Email,
				Error: byField["representative.email"], Req: t("required"), Opt: t("optional")},
		},
		Sign:   []fieldView{f("signature", "text", "name", s.Signature, true)},
		Errors: byField,
	}
	if p != nil {
		o := p.Organisation
		v.AcceptsIDCopy = p.Form.AcceptsIDCopy
		v.Notice = formNotice{
			Controller: fmt.Sprintf(t("form.notice.controller"), o.LegalName),
			Officer:    fmt.Sprintf(t("form.notice.officer"), o.PrivacyOfficerName.In(lang), o.PrivacyOfficerEmail, o.PrivacyOfficerPhone),
			Keep:       fmt.Sprintf(t("form.notice.keep"), p.Retention.CaseRecordsMonths),
		}
	}
	for _, ty := range request.Types {
		v.Types = append(v.Types, string(ty))
	}
	for _, e := range errs {
		label := t("form." + e.Field)
		switch e.Field {
		case "type":
			label = t("form.type")
		case "representative", "representative.capacity":
			label = t("form.rep")
		case "representative.name":
			label = t("form.rep.name")
		case "representative.email":
			label = t("form.rep.email")
		case "idDocument":
			label = t("form.id")
		}
		v.Summary = append(v.Summary, summaryItem{Field: e.Field, Label: label, Message: e.Message})
	}
	// A field the page does not know goes last.
	place := func(f string) int {
		if i := slices.Index(pageOrder, f); i >= 0 {
			return i
		}
		return len(pageOrder)
	}
	slices.SortStableFunc(v.Summary, func(a, b summaryItem) int { return place(a.Field) - place(b.Field) })
	return v
}

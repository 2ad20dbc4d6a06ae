package web

import (
	"fmt"
	"slices"
	"strings"

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
	// Req and Opt are the words after the label: "verplicht", or for an optional field
	// "niet verplicht" or, when the field is needed for some types only, which ones
	// ("verplicht bij bezwaar"), so the label never says both.
	Req, Opt string
	// InputMode and Pattern help a phone's keyboard and the browser; the server checks anyway.
	InputMode, Pattern string
}

// formView is what the request_form page shows: the values so far and every error.
type formView struct {
	Type, Relation, Capacity string
	Declaration              bool
	Types                    []string
	Relations, Capacities    []string
	Person, Request, Rep     []fieldView
	// TypeReq is the word after the type question: "verplicht".
	TypeReq string
	Sign    []fieldView
	Errors  map[string]string
	Summary []summaryItem
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

// summaryItem is one line of the error summary: the field's label, then Sep, then the message.
// Sep is ": " unless the label ends in its own punctuation ("Waar gaat het over?"), so the line
// never reads "…?: Vul dit veld in.".
type summaryItem struct{ Field, Label, Sep, Message string }

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
	// when is a field that is optional for most types and required for some: it says for which.
	when := func(fv fieldView, key string) fieldView {
		fv.Opt = t(key)
		return fv
	}
	phone := f("phone", "tel", "tel", s.Phone, false)
	phone.InputMode, phone.Pattern = "tel", request.PhonePattern
	v := formView{
		TypeReq: t("required"),
		Type:    s.Type, Relation: s.Relation, Capacity: rep.Capacity, Declaration: s.Declaration,
		Relations:  append([]string{""}, request.Strings(request.Relations)...),
		Capacities: append([]string{""}, request.Strings(request.Capacities)...),
		Person: []fieldView{
			f("name", "text", "name", s.Name, true),
			f("email", "email", "email", s.Email, true),
			f("birthDate", "date", "bday", s.BirthDate, true),
			phone,
			f("address", "text", "street-address", s.Address, false),
		},
		Request: []fieldView{
			when(f("details", "textarea", "", s.Details, false), "form.details.when"),
			when(f("proposedChanges", "textarea", "", s.ProposedChanges, false), "form.proposedChanges.when"),
			when(f("motivation", "textarea", "", s.Motivation, false), "form.motivation.when"),
			when(f("reason", "textarea", "", s.Reason, false), "form.reason.when"),
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
		case "declaration":
			label = t("form.declaration.short")
		}
		sep := ": "
		if strings.ContainsAny(label[len(label)-1:], ".?!:") {
			sep = " "
		}
		v.Summary = append(v.Summary, summaryItem{Field: e.Field, Label: label, Sep: sep, Message: e.Message})
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

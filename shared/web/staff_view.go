package web

import (
	"fmt"
	"html/template"
	"net/url"
	"slices"
	"strings"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/idcheck"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/request"
)

// StaffPage is what the staff_case page shows about one case.
type StaffPage struct {
	Case    *request.Case
	Staff   string // who is signed in by link
	Actions []ActionView
	HasCopy bool
	// Dates and times as the reader reads them (format.go).
	Received, BirthDate, DueDate, CheckedAt string
	ThirdPartyDue, DecidedAt                string
	ConsultTooLate                          bool
	CopyURL                                 string
	CopyIsImage                             bool
	Timeline                                []TimelineEntry
	Letters                                 []LetterRow
	// Errors are the problems of a refused action, each linked to its field, for the summary
	// at the top of the page.
	Errors []ErrorLink
	// Closed is set for a case that is decided, closed or expired: the page then shows its
	// reference, status, outcome and timeline only, no personal data and no action.
	Closed bool
	// ExportJSON and ExportCSV are the case's timeline for an auditor, served by this page's
	// own link (StaffExportURL): a case link opens its case and nothing else.
	ExportJSON, ExportCSV string
	// DeskURL is the privacy desk's sign-in page: a case link carries no desk access.
	DeskURL string
	// Checklist is the search tasks and their forms (casework_page.go).
	Checklist Checklist
	// Done says what the action just taken did (SetDone): shown at the top, with the focus.
	Done []string
	// Team is the handler and the forms of assign and note (team_page.go).
	Team TeamBox
	// refusals are the field errors of a refused post, placed again when Keep learns which
	// form was posted.
	refusals []FieldError
}

// SetDone tells the page that action was just done on its case (the redirect after a post
// says which): the notice names the action, the status now and, after an extension, the new
// due date. An action the app does not know is ignored.
func (p *StaffPage) SetDone(lang, action string) {
	a := request.Action(action)
	if !slices.Contains(request.StaffActions, a) {
		return
	}
	what := Optional(lang, "event."+action) // in the past tense: "Termijn verlengd"
	if what == "" {
		what = T(lang, "act."+action)
	}
	p.Done = []string{fmt.Sprintf(T(lang, "staff.done"), what),
		fmt.Sprintf(T(lang, "staff.done.status"), T(lang, "sst."+string(p.Case.Status)))}
	if a == request.ActExtend && p.DueDate != "" {
		p.Done = append(p.Done, fmt.Sprintf(T(lang, "staff.done.due"), p.DueDate))
	}
}

// StaffExportURL is the timeline of the case that StaffCase link tok opens, for an auditor
// (format "csv" or "json").
func StaffExportURL(tok, format string) string {
	return "/StaffCase?" + url.Values{"token": {tok}, "view": {"export"}, "format": {format}}.Encode()
}

// Finished reports whether a case is over (decided, closed or expired): its staff page and
// JSON show no personal data and offer no action (docs/contract.md §3).
func Finished(s request.Status) bool {
	return s.Finished()
}

// finishedCase is what may still be shown of a finished case: no name, address, request text,
// identity, third party, motivation or recipients.
func finishedCase(c *request.Case) *request.Case {
	out := &request.Case{Reference: c.Reference, Type: c.Type, Status: c.Status, Received: c.Received,
		DueDate: c.DueDate, Extended: c.Extended}
	if d := c.Decision; d != nil {
		out.Decision = &request.Decision{Outcome: d.Outcome, Ground: d.Ground, DecidedAt: d.DecidedAt}
	}
	return out
}

// finishedEvent drops the free text staff wrote, which may name people.
func finishedEvent(e request.Event) request.Event {
	e.Detail = ""
	return e
}

// ActionView is one form on the staff page.
type ActionView struct {
	Name, Title, Help, Token, Req, Warning string
	Secondary, Multipart                   bool
	Fields                                 []ActionField
	// Note is what the action will do, shown before it is taken (the new due date of an
	// extension).
	Note string
	// Confirm is the sentence a staff member ticks before an action that cannot be undone
	// (a decision, a refusal of identity, a withdrawal); "" for the others.
	Confirm string
}

// HasError reports whether a field of the form was refused: its form is shown open.
func (a ActionView) HasError() bool {
	for _, f := range a.Fields {
		if f.Error != "" || f.Named != nil && slices.ContainsFunc(f.Named.Addresses, func(in AddressInput) bool { return in.Error != "" }) {
			return true
		}
	}
	return false
}

// ActionField is one input of an action form.
type ActionField struct {
	Name, Label, Kind, Error string
	Required                 bool
	Options                  []Option
	// Value is what a refused post sent in the field ("true" for a ticked box), shown again.
	Value string
	// Hint is said beside the field: that a file must be chosen again after a refusal.
	Hint string
	// Max bounds a text input's length (0: unbounded; a textarea takes 5000).
	Max int
	// Named lists, above the decide form's recipients, those the systems name (art19_form.go).
	Named *NamedRecipients
}

// Aria is the accessibility attributes of the field's input, whose id is id: the hint and the
// error it is described by, and whether it was refused.
func (f ActionField) Aria(id string) template.HTMLAttr { return aria(id, f.Hint != "", f.Error != "") }

// aria is the attributes of input id with a hint ("<id>-hint"), a refusal ("<id>-error"), both
// or neither.
func aria(id string, hint, refused bool) template.HTMLAttr {
	var by []string
	if hint {
		by = append(by, id+"-hint")
	}
	out := ""
	if refused {
		by, out = append(by, id+"-error"), ` aria-invalid="true"`
	}
	if len(by) > 0 {
		out += ` aria-describedby="` + template.HTMLEscapeString(strings.Join(by, " ")) + `"`
	}
	return template.HTMLAttr(out)
}

// ErrorLink is one problem of a refused form: the field's anchor and label, and the message.
type ErrorLink struct{ Href, Label, Message string }

// Option is one choice of a select.
type Option struct{ Value, Label string }

// TimelineEntry is one event of a case in words: when, what happened, and for a staff action
// who did it and what they wrote.
type TimelineEntry struct {
	At, Text, By, Detail string
}

// LetterRow is one letter in a list: what it is, to whom, when, by e-mail or post, and
// whether it went out.
type LetterRow struct {
	Title, To, At, Channel, Status, Error string
}

// links sets the page's links that do not depend on the case: its export by its own link tok,
// and the desk's sign-in page.
func (p *StaffPage) links(tok string) {
	p.ExportJSON, p.ExportCSV, p.DeskURL = StaffExportURL(tok, "json"), StaffExportURL(tok, "csv"), DeskURL(nil)
}

// NewStaffPage builds the staff page for v as staff member staff, whose link is tok. The
// actions are the ones the app allows (v.Actions); errs are the field errors of a refused post;
// copyURL opens the ID copy when the case holds one.
func NewStaffPage(lang, staff, tok, copyURL string, v *app.StaffView, errs []FieldError) StaffPage {
	if Finished(v.Case.Status) {
		p := StaffPage{Case: finishedCase(v.Case), Staff: staff, Closed: true,
			Received: Date(v.Case.Received, lang), DueDate: Date(v.Case.DueDate, lang)}
		if d := v.Case.Decision; d != nil {
			p.DecidedAt = DateTime(d.DecidedAt, lang)
		}
		for _, e := range v.Events {
			p.Timeline = append(p.Timeline, timelineEntry(lang, finishedEvent(e)))
		}
		if v.Casework.CarryingOut {
			// The decision waits for the carry-out tasks: staff follow and may waive them.
			p.Checklist = NewChecklist(lang, tok, v)
		}
		// The letters stay listed by kind, date and channel: not to whom, which is personal.
		for _, l := range v.Letters {
			r := letterRow(lang, l)
			r.To, r.Error = "", ""
			p.Letters = append(p.Letters, r)
		}
		p.links(tok)
		p.refuse("", errs)
		return p
	}
	c := v.Case
	t := func(k string) string { return T(lang, k) }
	p := StaffPage{
		Case: c, Staff: staff, HasCopy: v.HasCopy,
		Received: Date(c.Received, lang), BirthDate: Date(c.Subject.BirthDate, lang), DueDate: Date(c.DueDate, lang),
		CheckedAt: DateTime(c.Identity.CheckedAt, lang),
	}
	p.links(tok)
	p.Checklist = NewChecklist(lang, tok, v)
	p.Team = NewTeamBox(lang, tok, v)
	if tp := c.ThirdParty; tp != nil {
		p.ThirdPartyDue = Date(tp.ObjectionDue, lang)
		p.ConsultTooLate = app.ConsultationTooLate(c)
	}
	if d := c.Decision; d != nil {
		p.DecidedAt = DateTime(d.DecidedAt, lang)
	}
	if v.HasCopy {
		p.CopyURL = copyURL
		p.CopyIsImage = c.Identity.CopyKind != string(idcheck.KindPDF)
	}
	for _, a := range v.Actions {
		av := ActionView{Name: string(a), Title: t("act." + string(a)), Help: Optional(lang, "help."+string(a)), Token: tok, Req: t("required")}
		field := func(name, kind string, required bool, opts ...Option) ActionField {
			return ActionField{Name: name, Label: t("field." + name), Kind: kind, Required: required, Options: opts}
		}
		switch a {
		case request.ActVerifyIdentity:
			// docs/rules.md §2: the least intrusive way that suffices; a document only when one was
			// shown (in person) or sent (a copy).
			var methods []Option
			for _, m := range request.VerificationMethods {
				methods = append(methods, Option{string(m), t("method." + string(m))})
			}
			docs := []Option{{"", t("doc.none")}}
			for _, d := range request.DocumentTypes {
				docs = append(docs, Option{string(d), t("doc." + string(d))})
			}
			av.Fields = []ActionField{field("method", "select", true, methods...), field("documentType", "select", false, docs...)}
			if c.Representative != nil {
				av.Fields = append(av.Fields, field("representationChecked", "checkbox", true))
			}
		case request.ActRejectIdentity, request.ActRequestIdentity:
			av.Fields, av.Secondary = []ActionField{field("reason", "textarea", true)}, true
			if a == request.ActRejectIdentity {
				av.Confirm = t("staff.confirm.reject_identity")
			}
		case request.ActExtend:
			av.Fields, av.Secondary = []ActionField{field("explanation", "textarea", true)}, true
			if !v.ExtendedDue.IsZero() {
				av.Note = fmt.Sprintf(t("staff.extend.new_due"), DayDate(v.ExtendedDue, lang), Date(c.DueDate, lang))
			}
		case request.ActWithdraw:
			// Only the requester withdraws; staff record how they told us (docs/rules.md §4).
			var how []Option
			for _, ch := range request.Channels {
				if ch.Told() {
					how = append(how, Option{string(ch), t("channel." + string(ch))})
				}
			}
			av.Fields, av.Secondary = []ActionField{field("how", "select", true, how...), field("note", "textarea", false)}, true
			av.Confirm = t("staff.confirm.withdraw")
		case request.ActConsult:
			// An e-mail address, or else a postal address: the consultation then goes by post.
			av.Fields, av.Secondary = []ActionField{field("thirdPartyName", "text", true), field("thirdPartyEmail", "email", false),
				field("thirdPartyAddress", "textarea", false)}, true
		case request.ActThirdPartyDone:
			answers := []Option{{"", t("tp.answer.pending")}}
			for _, a := range []request.ThirdPartyAnswer{request.ThirdPartyAgrees, request.ThirdPartyObjects} {
				answers = append(answers, Option{string(a), t("tp.answer." + string(a))})
			}
			av.Fields, av.Secondary = []ActionField{field("answer", "select", true, answers...), field("comment", "textarea", false)}, true
		case request.ActDecide:
			av.Multipart, av.Confirm = true, t("staff.confirm.decide")
			var outcomes []Option
			for _, o := range request.Outcomes {
				outcomes = append(outcomes, Option{string(o), t("outcome." + string(o))})
			}
			motivation := field("motivation", "textarea", false)
			if v.MotivationRequired || c.Type == request.Complaint { // every complaint decision, and where the profile asks it
				motivation.Label, motivation.Required = t("field.motivation.always"), true
			}
			av.Fields = []ActionField{field("outcome", "select", true, outcomes...), motivation}
			// Only the grounds that fit the type (docs/rules.md §5); a complaint decision has none.
			if fit := request.GroundsFor(c.Type); len(fit) > 0 {
				grounds := []Option{{"", t("ground.none")}}
				for _, g := range fit {
					grounds = append(grounds, Option{string(g), t("ground." + string(g))})
				}
				av.Fields = append(av.Fields, field("ground", "select", false, grounds...))
				// What would change a refusal as accurate, or what shows an abuse of the right.
				av.Fields = append(av.Fields, field("evidence", "textarea", false))
			}
			switch c.Type {
			case request.Access:
				av.Fields = append(av.Fields, field("resultFile", "file", false), field("accessInfo", "textarea", false))
			case request.Portability:
				av.Fields = append(av.Fields, field("resultFile", "file", false))
				if c.TransferTo != "" {
					f := field("transferConfirmed", "checkbox", false)
					f.Label += " " + c.TransferTo
					av.Fields = append(av.Fields, f)
				}
			case request.Rectification, request.Erasure, request.Restriction:
				av.Fields = append(av.Fields, recipientsField(lang, v, field("recipients", "textarea", false), av.Name), field("correctionSummary", "textarea", false),
					field("recipientsNote", "textarea", false), field("noRecipients", "checkbox", false))
			}
			if v.FeeAllowed {
				bases := []Option{{"", t("fee.none")}, {string(request.FeeExcessive), t("fee." + string(request.FeeExcessive))}}
				if c.Type == request.Access {
					bases = append(bases, Option{string(request.FeeFurtherCopy), t("fee." + string(request.FeeFurtherCopy))})
				}
				av.Fields = append(av.Fields, field("fee", "text", false), field("feeBasis", "select", false, bases...))
			}
			if tp := c.ThirdParty; tp != nil && tp.Mask {
				av.Warning = t("warn.mask")
			}
		default:
			continue // an action this page has no form for
		}
		p.Actions = append(p.Actions, av)
	}
	p.refuse("", errs)
	for _, e := range v.Events {
		p.Timeline = append(p.Timeline, timelineEntry(lang, e))
	}
	for _, l := range v.Letters {
		p.Letters = append(p.Letters, letterRow(lang, l))
	}
	return p
}

// timelineEntry says what an event means. The requester, the system and a third party are
// named in the sentence; a staff action names the staff member beside it.
func timelineEntry(lang string, e request.Event) TimelineEntry {
	out := TimelineEntry{At: DateTime(e.At, lang)}
	switch e.Actor {
	case "requester", "system", "third_party":
	default:
		out.By = e.Actor
	}
	if text := Optional(lang, "event."+string(e.Action)); text != "" {
		out.Text = text
	} else if letter := Optional(lang, "letter."+string(e.Action)); letter != "" && e.Actor == "system" {
		out.Text = T(lang, "event.letter") + ": " + letter // a letter the tick sent
	} else {
		out.Text = string(e.Action)
	}
	if e.Action == request.ActReceivedOn {
		// The day of receipt staff entered at intake, as the reader writes dates.
		if d, err := civil.ParseDate(e.Detail); err == nil {
			out.Text += ": " + Date(d, lang)
		}
		return out
	}
	// Free text a staff member wrote is shown; codes already said in the sentence are not.
	switch request.Action(e.Action) {
	case request.ActRejectIdentity, request.ActRequestIdentity, request.ActExtend, app.ActNote, app.ActAssign:
		out.Detail = e.Detail
	case request.ActWithdraw:
		// "<how> <note>": how the requester told us, in words, and the staff member's note.
		how, note, _ := strings.Cut(e.Detail, " ")
		if w := Optional(lang, "channel."+how); w != "" && request.Channel(how).Told() {
			out.Text += " (" + strings.ToLower(w) + ")"
			out.Detail = note
		} else {
			out.Detail = e.Detail
		}
	case request.ActVerifyIdentity:
		// "<method> <document>", or a document alone in events from before methods existed.
		var words []string
		for _, code := range strings.Fields(e.Detail) {
			if w := Optional(lang, "method."+code); w != "" {
				words = append(words, w)
			} else if w := Optional(lang, "doc."+code); w != "" {
				words = append(words, w)
			}
		}
		if len(words) > 0 {
			out.Text += " (" + strings.Join(words, ", ") + ")" // codes in words, not staff's free text
		}
	}
	return out
}

func letterRow(lang string, l app.LetterView) LetterRow {
	channel := T(lang, "staff.channel.email")
	if l.Status == string(outbox.ToPost) || l.Status == string(outbox.Posted) {
		channel = T(lang, "staff.channel.post")
	}
	return LetterRow{Title: T(lang, "letter."+l.Letter), To: l.To, At: dateTimeText(l.At, lang), Channel: channel,
		Status: T(lang, "sent."+l.Status), Error: l.Error}
}

// StaffCaseJSON is the staff page as JSON (docs/contract.md §3). A finished case gives its
// reference, type, status, outcome and timeline only.
func StaffCaseJSON(v *app.StaffView) map[string]any {
	c := v.Case
	if Finished(c.Status) {
		events := make([]request.Event, len(v.Events))
		for i, e := range v.Events {
			events[i] = finishedEvent(e)
		}
		out := map[string]any{"reference": c.Reference, "type": c.Type, "status": c.Status,
			"actions": []request.Action{}, "events": events}
		if d := c.Decision; d != nil {
			out["outcome"] = d.Outcome
		}
		if v.Casework.CarryingOut {
			addCasework(out, v) // the carry-out tasks the decision letter waits for
		}
		return out
	}
	out := map[string]any{"reference": c.Reference, "type": c.Type, "status": c.Status, "extended": c.Extended,
		"actions": v.Actions, "hasIdCopy": v.HasCopy, "letters": v.Letters, "events": v.Events}
	if !c.DueDate.IsZero() {
		out["dueDate"] = c.DueDate.String()
	}
	addCasework(out, v)
	addNamedRecipients(out, v)
	out["handler"] = nil
	if h := v.Team.Handler; h != "" {
		out["handler"] = h
	}
	return out
}

// StatusPage is what the requester's status page shows.
type StatusPage struct {
	*app.StatusView
	Received, Due string
	Rows          []LetterRow
	Steps         []TimelineEntry // the timeline in words, oldest first
}

// NewStatusPage writes the status view's dates and letters for the reader.
func NewStatusPage(lang string, v *app.StatusView) StatusPage {
	p := StatusPage{StatusView: v, Received: dateTimeText(v.ReceivedAt, lang), Due: dayDateText(v.DueDate, lang)}
	for _, l := range v.Letters {
		p.Rows = append(p.Rows, letterRow(lang, l))
	}
	for _, e := range v.Timeline {
		p.Steps = append(p.Steps, TimelineEntry{At: dateTimeText(e.At, lang), Text: T(lang, "event."+e.Event)})
	}
	return p
}

// ThirdPartyPage is what a consulted third party sees: the nature of the request, never who
// asked. Due and Answered are shown only to the third party the case consulted.
type ThirdPartyPage struct {
	Token, Reference, Type, Due string
	Answered                    bool
}

// NewThirdPartyPage builds the page in lang for the third party at email, whose link is tok.
func NewThirdPartyPage(lang, tok, email string, c *request.Case) ThirdPartyPage {
	p := ThirdPartyPage{Token: tok, Reference: c.Reference, Type: string(c.Type)}
	if tp := c.ThirdParty; tp != nil && strings.EqualFold(tp.Email, email) {
		p.Due, p.Answered = Date(tp.ObjectionDue, lang), tp.Answer != ""
	}
	return p
}

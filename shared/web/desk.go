package web

import (
	"fmt"
	"html/template"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/accessresult"
	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/deadline"
	"github.com/privacyloket/privacyloket/shared/i18n"
	"github.com/privacyloket/privacyloket/shared/letter"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/report"
	"github.com/privacyloket/privacyloket/shared/request"
)

// The privacy desk's pages (docs/contract.md §3 "The desk"): sign-in, the page that opens a
// session from a desk link, overview with intake form and letters to post, the accountability
// report, a letter to print. Every desk page works by the session cookie: no address and no
// form carries a token; every form that posts carries the session's form token.

// DeskSignInPage is the sign-in page. Sent says a sign-in was answered; Ended that the request
// came without a working session (it ended, or was never there); SignedOut that the staff
// member just signed out.
type DeskSignInPage struct {
	Sent, Ended, SignedOut bool
	Email                  string
	Errors                 []FieldError
}

// DeskOpenPage is what a desk link shows: one button that posts the link's token, so that a
// mail scanner that follows the link signs no one in. View, From and To are the desk page the
// link points to (the accountability report's), opened after sign-in.
type DeskOpenPage struct {
	Token, View, From, To string
}

// DeskRow is one open case on the overview.
type DeskRow struct {
	app.DeskCase
	ReceivedOn, Due string
	Internal        string // the internal target date
	Link            string // a StaffCase link for the viewer
	// Days and WorkDays are the days left, or when overdue the days past the due date.
	Days, WorkDays int
	ExportJSON     string // the case's timeline for an auditor
	ExportCSV      string
}

// PostRow is one letter waiting to be posted.
type PostRow struct {
	ID, Reference, Kind, Created string
	Late                         bool
	Link                         string // its print-ready page
}

// DeskPage is the overview with the intake form.
type DeskPage struct {
	Lang string
	// FormToken goes in every form that posts (app.DeskUser.FormToken); Staff is who is signed in.
	FormToken, Staff string
	Today            string
	Counts           app.DeskCounts
	Rows             []DeskRow
	Letters          []PostRow
	Filter           app.DeskFilter
	// Statuses are the open statuses to filter on, Finished those of cases that ended.
	Statuses, Finished []string
	Types              []string
	Channels           []string
	Relations          []string
	Capacities         []string
	// Intake form state: the posted values, errors, duplicates found, or the case just made.
	Intake     map[string]string
	Errors     []FieldError
	Duplicates []string
	Created    *IntakeCreated
	ReportURL  string
	Posted     string // the reference of a letter just marked posted
}

// IntakeCreated is a case just registered at the desk.
type IntakeCreated struct {
	Reference, Status, DueDate string
	Overdue                    bool
	Duplicates                 []string
}

// CasesHeading is the heading above the list: what it holds.
func (p DeskPage) CasesHeading() string {
	switch {
	case p.Filter.Handler != "" && p.Filter.Query == "":
		return T(p.Lang, "desk.mine")
	case p.Filter.Query != "":
		return T(p.Lang, "desk.cases.found")
	case p.Filter.Status.Finished():
		return T(p.Lang, "desk.cases.finished")
	}
	return T(p.Lang, "desk.cases")
}

// Filtered reports whether the list is narrowed by a filter or a search.
func (p DeskPage) Filtered() bool { return p.Filter != app.DeskFilter{} }

// CreatedLink is the StaffCase link of the case just registered, when it is on the list.
func (p DeskPage) CreatedLink() string {
	if p.Created == nil {
		return ""
	}
	for _, r := range p.Rows {
		if r.Reference == p.Created.Reference {
			return r.Link
		}
	}
	return ""
}

// DeskField is one labelled field of the intake form: its label, whether it is required (Need,
// the words in brackets after the label), its value and its error.
type DeskField struct {
	ID, Name, Label, Need, Hint, Kind, Value, Error string
	Required                                        bool
}

// intakeFields are the intake form's fields: the catalogue key of the label, the input kind,
// the key of the words that say whether it is required ("required", "optional" or a
// condition), and the key of a hint.
var intakeFields = map[string]struct{ label, kind, need, hint string }{
	"channel":                 {"desk.col.channel", "select", "required", ""},
	"receivedOn":              {"desk.intake.receivedOn", "date", "required", "desk.intake.receivedOn.hint"},
	"type":                    {"staff.type", "select", "required", ""},
	"lang":                    {"desk.intake.lang", "select", "required", ""},
	"name":                    {"form.name", "text", "required", ""},
	"birthDate":               {"form.birthDate", "date", "required", ""},
	"email":                   {"form.email", "email", "desk.need.contact", "desk.intake.email.hint"},
	"address":                 {"form.address", "textarea", "desk.need.contact", "desk.intake.address.hint"},
	"phone":                   {"form.phone", "tel", "optional", ""},
	"relation":                {"staff.relation", "select", "optional", ""},
	"representative.name":     {"form.rep.name", "text", "optional", ""},
	"representative.email":    {"form.rep.email", "email", "optional", ""},
	"representative.capacity": {"staff.rep.capacity", "select", "optional", ""},
	"details":                 {"form.details", "textarea", "desk.need.details", ""},
	"proposedChanges":         {"form.proposedChanges", "textarea", "desk.need.proposedChanges", ""},
	"motivation":              {"form.motivation", "textarea", "desk.need.motivation", ""},
	"reason":                  {"form.reason", "textarea", "desk.need.reason", ""},
	"recipientEmail":          {"form.recipientEmail", "email", "optional", ""},
}

// intakeOrder is the order of the intake form's fields on the page: the error summary follows it.
var intakeOrder = []string{"channel", "receivedOn", "confirmPast", "type", "lang", "name", "birthDate", "email", "address",
	"phone", "relation", "representative", "representative.name", "representative.email", "representative.capacity",
	"details", "proposedChanges", "motivation", "reason", "recipientEmail", "confirmDuplicate"}

// intakeID is the id of the element a field's error leads to.
func intakeID(field string) string {
	if field == "representative" {
		field = "representative.name"
	}
	return "f-" + field
}

// Field is the intake form's field name, with its value and error.
func (p DeskPage) Field(name string) DeskField {
	m := intakeFields[name]
	f := DeskField{ID: intakeID(name), Name: name, Label: T(p.Lang, m.label), Kind: m.kind, Value: p.Intake[name],
		Need: T(p.Lang, m.need), Required: m.need == "required"}
	if m.hint != "" {
		f.Hint = T(p.Lang, m.hint)
	}
	for _, e := range p.Errors {
		if e.Field == name || name == "representative.name" && e.Field == "representative" {
			f.Error = e.Message
			break
		}
	}
	return f
}

// ErrorFor is the message of field's error, "" when it has none.
func (p DeskPage) ErrorFor(field string) string {
	for _, e := range p.Errors {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// Summary is every intake error in the order of the form, each with its field's label and the
// id of the element it leads to.
func (p DeskPage) Summary() []DeskSummaryItem {
	out := make([]DeskSummaryItem, 0, len(p.Errors))
	for _, e := range p.Errors {
		label := e.Field
		switch e.Field {
		case "confirmPast":
			label = T(p.Lang, "desk.intake.receivedOn")
		case "representative":
			label = T(p.Lang, "staff.rep")
		default:
			if m, ok := intakeFields[e.Field]; ok {
				label = T(p.Lang, m.label)
			}
		}
		id := intakeID(e.Field)
		if e.Field == "confirmPast" {
			id = "f-receivedOn"
		}
		out = append(out, DeskSummaryItem{ID: id, Label: label, Message: e.Message})
	}
	place := func(f string) int {
		if i := slices.Index(intakeOrder, f); i >= 0 {
			return i
		}
		return len(intakeOrder)
	}
	slices.SortStableFunc(out, func(a, b DeskSummaryItem) int {
		return place(strings.TrimPrefix(a.ID, "f-")) - place(strings.TrimPrefix(b.ID, "f-"))
	})
	return out
}

// DeskSummaryItem is one line of the intake form's error summary.
type DeskSummaryItem struct{ ID, Label, Message string }

// DeskURL is a desk page's address with its parameters; the session cookie opens it.
func DeskURL(params url.Values) string {
	if len(params) == 0 {
		return "/StaffDesk"
	}
	return "/StaffDesk?" + params.Encode()
}

// DeskExportURL is a case's timeline for an auditor (format "csv" or "json") on the desk.
func DeskExportURL(ref, format string) string {
	return DeskURL(url.Values{"view": {"export"}, "reference": {ref}, "format": {format}})
}

// NewDeskPage builds the overview in lang from the use case's view for staff member staff,
// whose session's forms carry formToken; link mints a case's StaffCase link.
func NewDeskPage(lang, formToken, staff string, v *app.DeskView, f app.DeskFilter, link func(app.DeskCase) string) DeskPage {
	p := DeskPage{Lang: lang, FormToken: formToken, Staff: staff, Today: Date(v.Today, lang), Counts: v.Counts, Filter: f,
		Statuses:   request.Strings([]request.Status{request.AwaitingConfirmation, request.AwaitingIdentity, request.InProgress, request.AwaitingThirdParty, request.AwaitingApproval}),
		Finished:   request.Strings([]request.Status{request.Decided, request.Closed, request.Expired}),
		Types:      request.Strings(request.Types),
		Channels:   request.Strings(request.Channels[1:]),
		Relations:  request.Strings(request.Relations),
		Capacities: request.Strings(request.Capacities),
		Intake:     map[string]string{"receivedOn": ISODate(v.Today), "channel": string(request.ChannelPhone), "lang": "nl"},
	}
	from, to := report.PreviousMonth(v.Today)
	p.ReportURL = DeskURL(url.Values{"view": {"report"}, "from": {from.String()}, "to": {to.String()}})
	for _, c := range v.Cases {
		exp := func(f string) string { return DeskExportURL(c.Reference, f) }
		p.Rows = append(p.Rows, DeskRow{DeskCase: c, ReceivedOn: Date(c.Received, lang), Due: Date(c.DueDate, lang), Internal: Date(c.InternalDate, lang), Link: link(c),
			Days: abs(c.DaysLeft), WorkDays: abs(c.WorkingDaysLeft), ExportJSON: exp("json"), ExportCSV: exp("csv")})
	}
	for _, l := range v.ToPost {
		p.Letters = append(p.Letters, PostRow{ID: l.ID, Reference: l.Reference, Kind: string(l.Kind), Created: DateTime(l.CreatedAt, lang),
			Late: l.CreatedAt.Before(deadline.StartOfDay(v.Today)), Link: DeskURL(url.Values{"view": {"letter"}, "letterId": {l.ID}})})
	}
	return p
}

// DeskJSON is the overview as docs/contract.md §3 gives it. link mints a case's StaffCase link and
// print a letter's page, both absolute.
func DeskJSON(v *app.DeskView, link func(app.DeskCase) string, print func(string) string) map[string]any {
	cases := make([]map[string]any, 0, len(v.Cases))
	for _, c := range v.Cases {
		m := map[string]any{
			"reference": c.Reference, "type": c.Type, "status": c.Status, "channel": c.Channel,
			"receivedAt": c.ReceivedAt.UTC().Format("2006-01-02T15:04:05Z07:00"), "receivedOn": ISODate(c.Received),
			"dueDate": nil, "internalDate": nil, "daysLeft": nil, "workingDaysLeft": nil, "extended": c.Extended, "waitingOn": c.WaitingOn,
			"overdue": c.Overdue, "link": link(c), "handler": nil,
			"searchCounts": map[string]int{"open": c.SearchCounts[request.TaskOpen], "answered": c.SearchCounts[request.TaskAnswered], "waived": c.SearchCounts[request.TaskWaived]},
		}
		if c.Handler != "" {
			m["handler"] = c.Handler
		}
		if !c.DueDate.IsZero() {
			m["dueDate"], m["daysLeft"], m["workingDaysLeft"] = ISODate(c.DueDate), c.DaysLeft, c.WorkingDaysLeft
			m["internalDate"] = ISODate(c.InternalDate)
		}
		cases = append(cases, m)
	}
	letters := make([]map[string]any, 0, len(v.ToPost))
	for _, l := range v.ToPost {
		letters = append(letters, postJSON(l, print(l.ID)))
	}
	return map[string]any{"cases": cases, "lettersToPost": letters, "counts": map[string]int{
		"open": v.Counts.Open, "dueThisWeek": v.Counts.DueThisWeek, "overdue": v.Counts.Overdue,
		"waitingOnRequester": v.Counts.WaitingOnRequester, "identityLate": v.Counts.IdentityLate, "lettersToPost": v.Counts.ToPost, "lettersToPostLate": v.Counts.ToPostLate,
	}}
}

func postJSON(l *outbox.Letter, link string) map[string]any {
	return map[string]any{"id": l.ID, "reference": l.Reference, "letter": string(l.Kind),
		"createdAt": l.CreatedAt.UTC().Format("2006-01-02T15:04:05Z07:00"), "link": link}
}

// ReportPage is the accountability report with its charts, each with its numbers beside it.
type ReportPage struct {
	Report           report.Report
	From, To         string // the period as YYYY-MM-DD, for the date inputs and the CSV link
	FromText, ToText string // the period as the reader writes it
	Charts           []template.HTML
	Stages           []StageRow
	CSVURL           string
	DeskURL          string
	OnTime           string // the on-time rate as a percentage, or "—"
	Median           string
	P90              string
	Received         int
	Decided          int
	// Empty says no request came in during the period; ThisMonthURL and LastYearURL are
	// periods to try instead: this month so far, the last twelve months.
	Empty                     bool
	ThisMonthURL, LastYearURL string
}

// StageRow is one status with its median and 90th-percentile days.
type StageRow struct{ Status, Median, P90 string }

// NewReportPage lays out the report in lang.
func NewReportPage(lang string, r report.Report) (ReportPage, error) {
	label := func(k string) string { return i18n.T(lang, k) }
	// A type is named by its name ("Inzage"), not by the form's question to the requester.
	typeName := func(k string) string {
		n := []rune(i18n.T(lang, "mail.type."+strings.TrimPrefix(k, "type.")+".name"))
		return string(unicode.ToUpper(n[0])) + string(n[1:])
	}
	p := ReportPage{Report: r, From: ISODate(r.From), To: ISODate(r.To),
		FromText: Date(r.From, lang), ToText: Date(r.To, lang), OnTime: "—", Median: "—", P90: "—",
		DeskURL: DeskURL(nil)}
	p.CSVURL = DeskURL(url.Values{"view": {"report"}, "from": {p.From}, "to": {p.To}, "format": {"csv"}})
	if r.OnTimeRate != nil {
		p.OnTime = strconv.Itoa(int(*r.OnTimeRate*100+0.5)) + "%"
	}
	if r.MedianDaysToDecision != nil {
		p.Median = strconv.Itoa(*r.MedianDaysToDecision)
	}
	if r.P90DaysToDecision != nil {
		p.P90 = strconv.Itoa(*r.P90DaysToDecision)
	}
	for _, n := range r.Received {
		p.Received += n
	}
	if p.Empty = p.Received == 0; p.Empty && !r.Today.IsZero() {
		period := func(from, to civil.Date) string {
			return DeskURL(url.Values{"view": {"report"}, "from": {from.String()}, "to": {to.String()}})
		}
		p.ThisMonthURL = period(civil.Date{Year: r.Today.Year, Month: r.Today.Month, Day: 1}, r.Today)
		p.LastYearURL = period(deadline.AddMonths(r.Today, -12).AddDays(1), r.Today)
	}
	for _, n := range r.Decided {
		p.Decided += n
	}
	charts := []report.Chart{
		report.BarChart(report.Labels{Title: label("desk.report.received"), Desc: label("desk.report.received.desc"), X: label("staff.type"), Y: label("desk.report.count")}, r.ReceivedBars(typeName)),
		report.BarChart(report.Labels{Title: label("desk.report.decided"), Desc: label("desk.report.decided.desc"), X: label("field.outcome"), Y: label("desk.report.count")}, r.DecidedBars(label)),
		report.BarChart(report.Labels{Title: label("desk.report.grounds"), Desc: label("desk.report.grounds.desc"), X: label("desk.report.ground"), Y: label("desk.report.count")}, r.GroundBars(label)),
	}
	// Weeks as "2 nov."; with the year when the period spans more than one.
	week := func(d civil.Date) string { return ShortDate(d, lang) }
	if r.From.Year != r.To.Year {
		week = func(d civil.Date) string { return Date(d, lang) }
	}
	x, series := r.WeekLines(label("desk.report.line.received"), label("desk.report.line.decided"), week)
	charts = append(charts, report.LineChart(report.Labels{Title: label("desk.report.weeks"), Desc: label("desk.report.weeks.desc"), X: label("desk.report.week"), Y: label("desk.report.count")}, x, series))
	for _, c := range charts {
		h, err := c.Figure()
		if err != nil {
			return p, err
		}
		p.Charts = append(p.Charts, h)
	}
	for _, st := range []request.Status{request.AwaitingConfirmation, request.AwaitingIdentity, request.AwaitingThirdParty, request.InProgress} {
		s, ok := r.Stages[st]
		if !ok {
			continue
		}
		row := StageRow{Status: i18n.T(lang, "sst."+string(st)), Median: "—", P90: "—"}
		if s.MedianDays != nil {
			row.Median = Decimal(*s.MedianDays, lang)
		}
		if s.P90Days != nil {
			row.P90 = Decimal(*s.P90Days, lang)
		}
		p.Stages = append(p.Stages, row)
	}
	return p, nil
}

// PrintPage is a letter by post on A4.
type PrintPage struct {
	*app.PrintView
	Date string
	// FormToken goes in the form that marks the letter posted.
	FormToken    string
	Posted       bool
	PostedOn     string
	Paragraphs   [][]string // the letter's text: paragraphs of lines
	AddressLines []string   // the postal address, for the envelope's window
	DeskURL      string
	// Paper is, for an access result by post, the data to print after the covering letter.
	Paper *PaperPage
}

// PaperPage is an access result on paper, in the letter's language: the organisation's data
// as one small table per record, what Privacyloket keeps about the request, and the
// information of GDPR 15(1).
type PaperPage struct {
	L         map[string]string // labels, by the key after "desk.paper."
	Generated string
	Records   []PaperRecord
	Request   []accessresult.Field // this request
	Form      []accessresult.Field // what the requester gave with the request
	Letters   []accessresult.Field // date, letter
	Events    []accessresult.Field // date, what happened
	Info      []accessresult.Field // question, answer
	// Systems are the systems searched, each with its extracts as far as they print.
	Systems []PaperSystem
}

// PaperSystem is one system searched, on paper.
type PaperSystem struct {
	Name, Result string
	Files        []PaperFile
}

// PaperFile is one extract on paper: its records, and a note when not all of it is printed
// (how much is, and how to get the rest).
type PaperFile struct {
	Name    string
	Records []PaperRecord
	Note    string
	// Print is, for a PDF, the desk's address that opens it for printing (not printed itself).
	Print string
	pdf   bool
}

// PaperRecord is one row of the result, numbered from 1.
type PaperRecord struct {
	N      int
	Fields []accessresult.Field
}

// paperLabels are the keys of PaperPage.L, each named in full so that the key check finds it.
var paperLabels = []string{"desk.paper.title", "desk.paper.made", "desk.paper.data", "desk.paper.record", "desk.paper.own",
	"desk.paper.request", "desk.paper.form", "desk.paper.letters", "desk.paper.events", "desk.paper.info",
	"desk.paper.purposes", "desk.paper.categories", "desk.paper.recipients", "desk.paper.retention", "desk.paper.source",
	"desk.paper.automated", "desk.paper.particular", "desk.paper.rights", "desk.paper.noid", "desk.paper.systems", "desk.paper.found"}

// newPaperPage lays out r in lang.
func newPaperPage(lang string, r *app.PaperResult) *PaperPage {
	t := func(k string) string { return i18n.T(lang, k) }
	p := &PaperPage{L: map[string]string{}, Generated: letter.FormatDate(r.Generated, lang)}
	for _, k := range paperLabels {
		p.L[strings.TrimPrefix(k, "desk.paper.")] = t(k)
	}
	p.L["reference"] = t("desk.print.reference")
	for i, rec := range r.Data.Records() {
		p.Records = append(p.Records, PaperRecord{N: i + 1, Fields: rec})
	}
	for _, sys := range r.Systems {
		ps := PaperSystem{Name: sys.Name, Result: sys.Result}
		for _, f := range sys.Files {
			pf := PaperFile{Name: f.Name}
			for i, rec := range f.Records {
				pf.Records = append(pf.Records, PaperRecord{N: i + 1, Fields: rec})
			}
			switch {
			case f.Kind == "pdf":
				pf.Note, pf.pdf = t("desk.paper.document"), true
			case f.Cut:
				pf.Note = fmt.Sprintf(t("desk.paper.cut"), f.Rows, f.Printed)
			}
			ps.Files = append(ps.Files, pf)
		}
		p.Systems = append(p.Systems, ps)
	}
	o := r.Own
	date := func(s string) string {
		if d, err := civil.ParseDate(s); err == nil {
			return letter.FormatDate(d, lang)
		}
		if at, err := time.Parse(time.RFC3339, s); err == nil {
			return DateTime(at, lang)
		}
		return s
	}
	p.Request = []accessresult.Field{{Name: t("desk.print.reference"), Value: o.Reference},
		{Name: t("staff.type"), Value: t("type." + o.RequestType)}, {Name: t("desk.paper.received"), Value: date(o.ReceivedOn)}}
	for _, k := range slices.Sorted(maps.Keys(o.Subject)) {
		v := o.Subject[k]
		if v == "" {
			continue
		}
		name, ok := i18n.Lookup(lang, "form."+k)
		if !ok {
			name = k
		}
		if k == "relation" {
			v = t("relation." + v)
		}
		p.Form = append(p.Form, accessresult.Field{Name: name, Value: v})
	}
	for _, l := range o.Letters {
		p.Letters = append(p.Letters, accessresult.Field{Name: date(l.At), Value: t("letter." + l.Kind)})
	}
	for _, e := range o.Events {
		p.Events = append(p.Events, accessresult.Field{Name: date(e.At), Value: t("event." + e.Action)})
	}
	if in := r.Info; in != nil {
		for _, f := range []struct{ k, v string }{{"purposes", in.Purposes}, {"categories", in.Categories}, {"recipients", in.Recipients},
			{"retention", in.Retention}, {"source", in.Source}, {"automated", in.AutomatedDecisions}, {"particular", in.Particular}} {
			if f.v != "" {
				p.Info = append(p.Info, accessresult.Field{Name: p.L[f.k], Value: f.v})
			}
		}
	}
	return p
}

// NewPrintPage lays out a letter by post: the letter in its own language, the page around it
// in lang; its form carries the session's formToken.
func NewPrintPage(lang, formToken string, v *app.PrintView) PrintPage {
	p := PrintPage{PrintView: v, Date: letter.FormatDate(v.Date, v.Letter.Lang), FormToken: formToken, Posted: v.Letter.Status == outbox.Posted,
		DeskURL: DeskURL(nil)}
	if p.Posted {
		p.PostedOn = DateTime(v.Letter.SentAt, lang)
	}
	for _, l := range strings.FieldsFunc(v.RecipientAddress, func(r rune) bool { return r == '\n' || r == ',' }) {
		if l = strings.TrimSpace(l); l != "" {
			p.AddressLines = append(p.AddressLines, l)
		}
	}
	if v.Result != nil {
		p.Paper = newPaperPage(v.Letter.Lang, v.Result)
		for i := range p.Paper.Systems {
			for j := range p.Paper.Systems[i].Files {
				if f := &p.Paper.Systems[i].Files[j]; f.pdf {
					f.Print = DeskURL(url.Values{"view": {"letter"}, "letterId": {v.Letter.ID}, "document": {f.Name}})
				}
			}
		}
	}
	for _, para := range strings.Split(v.Text, "\n\n") {
		lines := strings.Split(strings.TrimSpace(para), "\n")
		if lines[0] == "--" { // the e-mail's signature separator means nothing on paper
			lines = lines[1:]
		}
		if len(lines) > 0 && lines[0] != "" {
			p.Paragraphs = append(p.Paragraphs, lines)
		}
	}
	return p
}

func abs(n int) int { return max(n, -n) }

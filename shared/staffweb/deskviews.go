package staffweb

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"time"

	"cloud.google.com/go/civil"
	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/deadline"
	"github.com/privacyloket/privacyloket/shared/fnkit"
	"github.com/privacyloket/privacyloket/shared/fnlist"
	"github.com/privacyloket/privacyloket/shared/letter"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/report"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/web"
)

// caseLink is a StaffCase link to a case for the desk's viewer, in the case's current link
// generation (revoke_links stops it like any other); "" when it cannot be made.
func (d Desk) caseLink(c app.DeskCase, staff string) string {
	tok, err := Token(d.Kit, c.Reference, c.LinkGeneration, c.DueDate, staff)
	if err != nil {
		return ""
	}
	return "/" + fnlist.StaffCase.Name + "?" + url.Values{"token": {tok}}.Encode()
}

// Page is the overview with status code; edit fills in what an action has to show.
func (d Desk) Page(w http.ResponseWriter, r *http.Request, code int, u app.DeskUser, lang string, edit func(*web.DeskPage)) {
	q := r.URL.Query()
	f, errs := app.ParseDeskFilter(q.Get("status"), q.Get("type"), q.Get("q"))
	if len(errs) > 0 {
		d.Fail(w, r, lang, "", &app.ValidationError{Fields: errs})
		return
	}
	switch q.Get("handler") {
	case "":
	case "me":
		f.Handler = u.Staff
	default:
		d.Fail(w, r, lang, "", fnkit.Invalid("handler"))
		return
	}
	v, err := d.App.Desk.Desk(r.Context(), f)
	if err != nil {
		d.Fail(w, r, lang, "", err)
		return
	}
	link := func(c app.DeskCase) string { return d.caseLink(c, u.Staff) }
	if web.WantsJSON(r) {
		abs := func(p string) string { return d.App.BaseURL() + p }
		out := web.DeskJSON(v,
			func(c app.DeskCase) string { return abs(link(c)) },
			func(id string) string { return abs(web.DeskURL(url.Values{"view": {"letter"}, "letterId": {id}})) })
		out["formToken"] = u.FormToken
		d.Web.JSON(w, code, out)
		return
	}
	p := web.NewDeskPage(lang, u.FormToken, u.Staff, v, f, link)
	p.Posted = q.Get("posted")
	if edit != nil {
		edit(&p)
	}
	d.Web.HTML(w, r, code, "desk", lang, p)
}

// Report is the accountability report of a period: a page, JSON, or CSV with format=csv.
func (d Desk) Report(w http.ResponseWriter, r *http.Request, lang string) {
	q := r.URL.Query()
	from, to, errs := report.ParsePeriod(q.Get("from"), q.Get("to"))
	if f := q.Get("format"); f != "" && f != "csv" && f != "json" {
		errs = append(errs, request.FieldError{Field: "format", Code: "invalid"})
	}
	if len(errs) > 0 {
		d.Fail(w, r, lang, "", &app.ValidationError{Fields: errs})
		return
	}
	rep, facts, err := d.App.Desk.Report(r.Context(), from, to)
	if err != nil {
		d.Fail(w, r, lang, "", err)
		return
	}
	switch {
	case q.Get("format") == "csv" && q.Get("rows") == "tasks":
		d.reportTasks(w, r, lang, from, to)
	case q.Get("format") == "csv":
		var b bytes.Buffer
		if err := report.WriteCSV(&b, facts, lang); err != nil {
			d.Fail(w, r, lang, "", err)
			return
		}
		d.Download(w, "text/csv; charset=utf-8", "report-"+from.String()+"-"+to.String()+".csv", b.Bytes())
	case web.WantsJSON(r) || q.Get("format") == "json":
		d.Web.JSON(w, http.StatusOK, rep)
	default:
		p, err := web.NewReportPage(lang, rep)
		if err != nil {
			d.Fail(w, r, lang, "", err)
			return
		}
		d.Web.HTML(w, r, http.StatusOK, "desk_report", lang, p)
	}
}

// printed is a letter to print, for a JSON client.
type printed struct {
	ID        string        `json:"id"`
	Reference string        `json:"reference"`
	Letter    letter.Kind   `json:"letter"`
	Status    outbox.Status `json:"status"`
	Date      string        `json:"date"`
	Subject   string        `json:"subject"`
	Text      string        `json:"text"`
}

// Letter is a letter to print and post, as the tenant will read it.
func (d Desk) Letter(w http.ResponseWriter, r *http.Request, u app.DeskUser, lang string) {
	id := r.URL.Query().Get("letterId")
	v, err := d.App.Desk.PostLetterFor(r.Context(), u.Staff, id)
	if errors.Is(err, app.ErrNotFound) {
		err = fnkit.Invalid("letterId")
	}
	if err != nil {
		d.Fail(w, r, lang, "", err)
		return
	}
	if web.WantsJSON(r) {
		d.Web.JSON(w, http.StatusOK, printed{ID: v.Letter.ID, Reference: v.Letter.Reference, Letter: v.Letter.Kind,
			Status: v.Letter.Status, Date: web.ISODate(v.Date), Subject: v.Subject, Text: v.Text})
		return
	}
	d.Web.HTML(w, r, http.StatusOK, "desk_letter", lang, web.NewPrintPage(lang, u.FormToken, v))
}

// Export is a case's whole timeline for an auditor: JSON, or CSV with format=csv.
func (d Desk) Export(w http.ResponseWriter, r *http.Request, staff, lang string) {
	q := r.URL.Query()
	ref, format := q.Get("reference"), q.Get("format")
	var bad []string
	if !web.IsReference(ref) {
		bad = append(bad, "reference")
	}
	if format != "" && format != "json" && format != "csv" {
		bad = append(bad, "format")
	}
	if len(bad) > 0 {
		d.Fail(w, r, lang, "", fnkit.Invalid(bad...))
		return
	}
	x, err := d.App.Desk.ExportCase(r.Context(), staff, ref)
	if err != nil {
		d.Fail(w, r, lang, ref, err)
		return
	}
	exportDownload(d.Kit, w, r, lang, ref, format, x)
}

// exportDownload answers a case's export x as a file: CSV when format is "csv", else JSON.
func exportDownload(k *fnkit.Kit, w http.ResponseWriter, r *http.Request, lang, ref, format string, x report.Export) {
	var b bytes.Buffer
	if format == "csv" {
		if err := x.WriteCSV(&b, lang); err != nil {
			k.Fail(w, r, lang, ref, err)
			return
		}
		k.Download(w, "text/csv; charset=utf-8", ref+"-timeline.csv", b.Bytes())
		return
	}
	if err := x.WriteJSON(&b); err != nil {
		k.Fail(w, r, lang, ref, err)
		return
	}
	k.Download(w, "application/json; charset=utf-8", ref+"-timeline.json", b.Bytes())
}

// duplicates answers a JSON client whose intake may repeat a case already there.
type duplicates struct {
	Error      string           `json:"error"`
	Duplicates []string         `json:"duplicates"`
	Errors     []web.FieldError `json:"errors"`
}

// intaken answers a JSON client the case its intake made.
type intaken struct {
	fnkit.CaseState
	DueDate    string   `json:"dueDate"`
	Duplicates []string `json:"duplicates"`
}

// Intake records a request that came in by another channel (intake).
func (d Desk) Intake(w http.ResponseWriter, r *http.Request, u app.DeskUser, lang string, p DeskPost) {
	res, err := d.App.Desk.Intake(r.Context(), u.Staff, p.intake())
	var verr *app.ValidationError
	var dup *app.DuplicateError
	form := func(pg *web.DeskPage) {
		pg.Intake = map[string]string{"channel": p.Channel, "receivedOn": p.ReceivedOn, "type": p.Type, "lang": p.Lang,
			"name": p.Name, "birthDate": p.BirthDate, "email": p.Email, "address": p.Address, "phone": p.Phone,
			"relation": p.Relation, "details": p.Details, "proposedChanges": p.ProposedChanges, "motivation": p.Motivation,
			"reason": p.Reason, "recipientEmail": p.RecipientEmail}
		if p.ConfirmPast {
			pg.Intake["confirmPast"] = "true"
		}
		if r := p.Representative; r != nil {
			pg.Intake["representative.name"], pg.Intake["representative.email"], pg.Intake["representative.capacity"] = r.Name, r.Email, r.Capacity
		}
	}
	switch {
	case errors.As(err, &verr) && !web.WantsJSON(r):
		d.Page(w, r, http.StatusBadRequest, u, lang, func(pg *web.DeskPage) {
			form(pg)
			pg.Errors = web.FieldErrors(verr.Fields, lang)
		})
	case errors.As(err, &dup):
		if web.WantsJSON(r) {
			d.Web.JSON(w, http.StatusConflict, duplicates{Error: web.T(lang, "desk.dup.found"), Duplicates: dup.References,
				Errors: []web.FieldError{{Field: "confirmDuplicate", Message: web.T(lang, "desk.dup.confirm")}}})
			return
		}
		d.Page(w, r, http.StatusConflict, u, lang, func(pg *web.DeskPage) {
			form(pg)
			pg.Duplicates = dup.References
		})
	case err != nil:
		d.Fail(w, r, lang, "", err)
	case web.WantsJSON(r):
		d.Web.JSON(w, http.StatusCreated, intaken{CaseState: fnkit.CaseState{Reference: res.Case.Reference, Status: res.Case.Status},
			DueDate: res.Case.DueDate.String(), Duplicates: res.Duplicates})
	default:
		c := res.Case
		d.Page(w, r, http.StatusCreated, u, lang, func(pg *web.DeskPage) {
			pg.Created = &web.IntakeCreated{Reference: c.Reference, Status: string(c.Status), DueDate: web.Date(c.DueDate, lang),
				Overdue: c.DueDate.Before(deadline.DateIn(d.App.Now())), Duplicates: res.Duplicates}
		})
	}
}

// posted answers a JSON client the letter it marked as posted.
type posted struct {
	ID        string        `json:"id"`
	Reference string        `json:"reference"`
	Status    outbox.Status `json:"status"`
	PostedAt  string        `json:"postedAt"`
}

// Posted marks a printed letter as posted (posted).
func (d Desk) Posted(w http.ResponseWriter, r *http.Request, u app.DeskUser, lang string, p DeskPost) {
	l, err := d.App.Desk.MarkPosted(r.Context(), u.Staff, p.LetterID)
	switch {
	case errors.Is(err, app.ErrAlreadyPosted):
		d.Web.Problem(w, r, http.StatusConflict, lang, "err.conflict.posted", nil)
	case err != nil:
		d.Fail(w, r, lang, "", err)
	case web.WantsJSON(r):
		d.Web.JSON(w, http.StatusOK, posted{ID: l.ID, Reference: l.Reference, Status: l.Status, PostedAt: l.SentAt.UTC().Format(time.RFC3339)})
	default:
		d.redirect(w, r, url.Values{"posted": {l.Reference}, "lang": {lang}}, "") // the notice takes focus (autofocus), which a fragment would block
	}
}

// reportTasks answers the report's CSV with one row per search task (rows=tasks).
func (d Desk) reportTasks(w http.ResponseWriter, r *http.Request, lang string, from, to civil.Date) {
	tasks, err := d.App.Desk.ReportTasks(r.Context(), from, to)
	if err != nil {
		d.Fail(w, r, lang, "", err)
		return
	}
	var b bytes.Buffer
	if err := report.WriteTasksCSV(&b, tasks, d.App.Now()); err != nil {
		d.Fail(w, r, lang, "", err)
		return
	}
	d.Download(w, "text/csv; charset=utf-8", "tasks-"+from.String()+"-"+to.String()+".csv", b.Bytes())
}

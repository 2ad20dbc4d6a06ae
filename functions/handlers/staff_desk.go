package handlers

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"time"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/deadline"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/report"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/web"
)

// NameStaffDesk is the privacy desk (docs/contract.md §3 "The desk").
const NameStaffDesk = "StaffDesk"

// maxDeskBody admits an intake form with its longest texts.
const maxDeskBody = 64 << 10

// deskPost is a sign-in (email) or a desk action (token, action and its fields).
type deskPost struct {
	Token  string `json:"token"`
	Action string `json:"action"`
	Email  string `json:"email"`
	// posted
	LetterID string `json:"letterId"`
	// intake: the form's fields, the channel and the day of receipt
	Type             string                       `json:"type"`
	Name             string                       `json:"name"`
	BirthDate        string                       `json:"birthDate"`
	Phone            string                       `json:"phone"`
	Address          string                       `json:"address"`
	Relation         string                       `json:"relation"`
	Details          string                       `json:"details"`
	ProposedChanges  string                       `json:"proposedChanges"`
	Motivation       string                       `json:"motivation"`
	Representative   *request.RepresentativeInput `json:"representative"`
	Lang             string                       `json:"lang"`
	Channel          string                       `json:"channel"`
	ReceivedOn       string                       `json:"receivedOn"`
	ConfirmPast      bool                         `json:"confirmPast"`
	ConfirmDuplicate bool                         `json:"confirmDuplicate"`
}

func (p deskPost) intake() request.Intake {
	return request.Intake{
		Submission: request.Submission{Type: p.Type, Name: p.Name, Email: p.Email, BirthDate: p.BirthDate, Phone: p.Phone,
			Address: p.Address, Relation: p.Relation, Details: p.Details, ProposedChanges: p.ProposedChanges,
			Motivation: p.Motivation, Representative: p.Representative, Lang: p.Lang},
		Channel: p.Channel, ReceivedOn: p.ReceivedOn, ConfirmPast: p.ConfirmPast, ConfirmDuplicate: p.ConfirmDuplicate,
	}
}

// deskParams are the query parameters the desk knows; any other is refused by name.
var deskParams = map[string]bool{"token": true, "lang": true, "status": true, "type": true, "view": true,
	"from": true, "to": true, "format": true, "letterId": true, "reference": true, "posted": true}

// StaffDesk is the privacy desk: without a token the sign-in page (GET) and sign-in (POST
// email); with a desk token the overview, the report, a letter to print and a case's export
// (GET), and the actions intake and posted (POST).
func (h *Handlers) StaffDesk(w http.ResponseWriter, r *http.Request) {
	lang := web.Lang(r)
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		q := r.URL.Query()
		tok := q.Get("token")
		if tok == "" {
			h.web.HTML(w, r, http.StatusOK, "desk_signin", lang, web.DeskSignInPage{})
			return
		}
		staff, ok := h.verifyDesk(w, r, tok, lang)
		if !ok {
			return
		}
		for k := range q {
			if !deskParams[k] {
				h.fail(w, r, lang, "", &app.ValidationError{Fields: []request.FieldError{{Field: k, Code: "invalid"}}})
				return
			}
		}
		switch q.Get("view") {
		case "":
			h.deskPage(w, r, http.StatusOK, tok, staff, lang, nil)
		case "report":
			h.deskReport(w, r, tok, lang)
		case "letter":
			h.deskLetter(w, r, tok, staff, lang)
		case "export":
			h.deskExport(w, r, staff, lang)
		default:
			h.fail(w, r, lang, "", &app.ValidationError{Fields: []request.FieldError{{Field: "view", Code: "invalid"}}})
		}
	case http.MethodPost:
		var p deskPost
		if _, ok := h.decodeAll(w, r, lang, maxDeskBody, &p); !ok {
			return
		}
		if p.Token == "" && p.Action == "" {
			h.deskSignIn(w, r, lang, p.Email)
			return
		}
		staff, ok := h.verifyDesk(w, r, p.Token, lang)
		if !ok {
			return
		}
		switch p.Action {
		case "intake":
			h.deskIntake(w, r, staff, lang, p)
		case "posted":
			h.deskPosted(w, r, staff, lang, p)
		default:
			h.fail(w, r, lang, "", &app.ValidationError{Fields: []request.FieldError{{Field: "action", Code: "invalid"}}})
		}
	default:
		h.methodNotAllowed(w, r, "GET, HEAD, POST")
	}
}

// verifyDesk checks a desk token and that its holder is still on the staff list.
func (h *Handlers) verifyDesk(w http.ResponseWriter, r *http.Request, tok, lang string) (string, bool) {
	claims, ok := h.verify(w, r, tok, linktoken.Desk, lang)
	if !ok {
		return "", false
	}
	if !h.svc.DeskHolder(claims.Subject) {
		h.log.WarnContext(r.Context(), "desk link refused", "reason", "holder no longer on the staff list")
		h.web.Problem(w, r, http.StatusForbidden, lang, "err.token", nil)
		return "", false
	}
	return claims.Subject, true
}

// deskSignIn answers every address the same: a desk link goes out only to staff.
// Its timing is the same too: a letter is written only for staff, so every answer that could
// have written one waits until DeskSignInFloor has passed since the request came in.
func (h *Handlers) deskSignIn(w http.ResponseWriter, r *http.Request, lang, email string) {
	start := time.Now()
	err := h.svc.RequestDeskLink(r.Context(), email, h.client(r))
	var verr *app.ValidationError
	var rl *app.RateLimitedError
	if !errors.As(err, &verr) && !errors.As(err, &rl) {
		// A malformed or rate-limited address says nothing about the staff list; the rest waits.
		wait := time.NewTimer(h.opts.DeskSignInFloor - time.Since(start))
		select {
		case <-wait.C:
		case <-r.Context().Done():
			wait.Stop()
		}
	}
	switch {
	case errors.As(err, &verr) && !web.WantsJSON(r):
		h.web.HTML(w, r, http.StatusBadRequest, "desk_signin", lang, web.DeskSignInPage{Email: email, Errors: web.FieldErrors(verr.Fields, lang)})
	case err != nil:
		h.fail(w, r, lang, "", err)
	case web.WantsJSON(r):
		h.web.JSON(w, http.StatusAccepted, map[string]string{"message": web.T(lang, "desk.signin.sent")})
	default:
		h.web.HTML(w, r, http.StatusOK, "desk_signin", lang, web.DeskSignInPage{Sent: true})
	}
}

// caseLink mints a StaffCase link to a case for the desk's viewer, in the case's current link
// generation (revoke_links stops it like any other).
func (h *Handlers) caseLink(c app.DeskCase, staff string) string {
	return h.staffCaseLink(c.Reference, c.LinkGeneration, c.DueDate, staff)
}

// staffCaseLink mints a StaffCase link to case ref, due on due, for staff in link generation
// gen; it lives as long as a StaffCase link in a letter (app.Service.StaffCaseLinkDays).
func (h *Handlers) staffCaseLink(ref string, gen int, due civil.Date, staff string) string {
	now := h.svc.Now()
	tok, err := h.signer.Sign(linktoken.Claims{Purpose: linktoken.Staff, Reference: ref, Subject: staff, Generation: gen,
		Expires: now.Add(time.Duration(h.svc.StaffCaseLinkDays(due, now)) * 24 * time.Hour).Unix()})
	if err != nil {
		return ""
	}
	return "/" + NameStaffCase + "?" + url.Values{"token": {tok}}.Encode()
}

// deskToken mints a desk link for staff, when they may hold one (on the staff list or the
// privacy officer); "" otherwise.
func (h *Handlers) deskToken(staff string) string {
	if !h.svc.DeskHolder(staff) {
		return ""
	}
	tok, err := h.signer.Sign(h.svc.DeskClaims(staff, h.svc.Now()))
	if err != nil {
		return ""
	}
	return tok
}

func (h *Handlers) deskPage(w http.ResponseWriter, r *http.Request, code int, tok, staff, lang string, edit func(*web.DeskPage)) {
	q := r.URL.Query()
	f, errs := app.ParseDeskFilter(q.Get("status"), q.Get("type"))
	if len(errs) > 0 {
		h.fail(w, r, lang, "", &app.ValidationError{Fields: errs})
		return
	}
	v, err := h.svc.Desk(r.Context(), f)
	if err != nil {
		h.fail(w, r, lang, "", err)
		return
	}
	link := func(c app.DeskCase) string { return h.caseLink(c, staff) }
	if web.WantsJSON(r) {
		abs := func(p string) string { return h.svc.BaseURL + p }
		h.web.JSON(w, code, web.DeskJSON(v,
			func(c app.DeskCase) string { return abs(link(c)) },
			func(id string) string { return abs(web.DeskURL(tok, url.Values{"view": {"letter"}, "letterId": {id}})) }))
		return
	}
	p := web.NewDeskPage(lang, tok, staff, v, f, link)
	p.Posted = q.Get("posted")
	if edit != nil {
		edit(&p)
	}
	h.web.HTML(w, r, code, "desk", lang, p)
}

func (h *Handlers) deskReport(w http.ResponseWriter, r *http.Request, tok, lang string) {
	q := r.URL.Query()
	from, to, errs := report.ParsePeriod(q.Get("from"), q.Get("to"))
	if f := q.Get("format"); f != "" && f != "csv" && f != "json" {
		errs = append(errs, request.FieldError{Field: "format", Code: "invalid"})
	}
	if len(errs) > 0 {
		h.fail(w, r, lang, "", &app.ValidationError{Fields: errs})
		return
	}
	rep, facts, err := h.svc.Report(r.Context(), from, to)
	if err != nil {
		h.fail(w, r, lang, "", err)
		return
	}
	switch {
	case q.Get("format") == "csv":
		var b bytes.Buffer
		if err := report.WriteCSV(&b, facts); err != nil {
			h.fail(w, r, lang, "", err)
			return
		}
		h.download(w, "text/csv; charset=utf-8", "report-"+from.String()+"-"+to.String()+".csv", b.Bytes())
	case web.WantsJSON(r) || q.Get("format") == "json":
		h.web.JSON(w, http.StatusOK, rep)
	default:
		p, err := web.NewReportPage(lang, tok, rep)
		if err != nil {
			h.fail(w, r, lang, "", err)
			return
		}
		h.web.HTML(w, r, http.StatusOK, "desk_report", lang, p)
	}
}

func (h *Handlers) deskLetter(w http.ResponseWriter, r *http.Request, tok, staff, lang string) {
	id := r.URL.Query().Get("letterId")
	v, err := h.svc.PostLetterFor(r.Context(), staff, id)
	if errors.Is(err, app.ErrNotFound) {
		err = &app.ValidationError{Fields: []request.FieldError{{Field: "letterId", Code: "invalid"}}}
	}
	if err != nil {
		h.fail(w, r, lang, "", err)
		return
	}
	if web.WantsJSON(r) {
		h.web.JSON(w, http.StatusOK, map[string]any{"id": v.Letter.ID, "reference": v.Letter.Reference, "letter": v.Letter.Kind,
			"status": v.Letter.Status, "date": web.ISODate(v.Date), "subject": v.Subject, "text": v.Text})
		return
	}
	h.web.HTML(w, r, http.StatusOK, "desk_letter", lang, web.NewPrintPage(lang, tok, v))
}

func (h *Handlers) deskExport(w http.ResponseWriter, r *http.Request, staff, lang string) {
	q := r.URL.Query()
	ref, format := q.Get("reference"), q.Get("format")
	var errs []request.FieldError
	if !web.IsReference(ref) {
		errs = append(errs, request.FieldError{Field: "reference", Code: "invalid"})
	}
	if format != "" && format != "json" && format != "csv" {
		errs = append(errs, request.FieldError{Field: "format", Code: "invalid"})
	}
	if len(errs) > 0 {
		h.fail(w, r, lang, "", &app.ValidationError{Fields: errs})
		return
	}
	x, err := h.svc.ExportCase(r.Context(), staff, ref)
	if err != nil {
		h.fail(w, r, lang, ref, err)
		return
	}
	var b bytes.Buffer
	if format == "csv" {
		if err := x.WriteCSV(&b); err != nil {
			h.fail(w, r, lang, ref, err)
			return
		}
		h.download(w, "text/csv; charset=utf-8", ref+"-timeline.csv", b.Bytes())
		return
	}
	if err := x.WriteJSON(&b); err != nil {
		h.fail(w, r, lang, ref, err)
		return
	}
	h.download(w, "application/json; charset=utf-8", ref+"-timeline.json", b.Bytes())
}

// download answers a file to save.
func (h *Handlers) download(w http.ResponseWriter, kind, name string, data []byte) {
	h.web.SecurityHeaders(w)
	w.Header().Set("Content-Type", kind)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.WriteHeader(http.StatusOK)
	w.Write(data)
}

func (h *Handlers) deskIntake(w http.ResponseWriter, r *http.Request, staff, lang string, p deskPost) {
	in := p.intake()
	res, err := h.svc.Intake(r.Context(), staff, in)
	var verr *app.ValidationError
	var dup *app.DuplicateError
	form := func(pg *web.DeskPage) {
		pg.Intake = map[string]string{"channel": p.Channel, "receivedOn": p.ReceivedOn, "type": p.Type, "lang": p.Lang,
			"name": p.Name, "birthDate": p.BirthDate, "email": p.Email, "address": p.Address, "phone": p.Phone,
			"relation": p.Relation, "details": p.Details, "proposedChanges": p.ProposedChanges, "motivation": p.Motivation}
		if p.ConfirmPast {
			pg.Intake["confirmPast"] = "true"
		}
		if r := p.Representative; r != nil {
			pg.Intake["representative.name"], pg.Intake["representative.email"], pg.Intake["representative.capacity"] = r.Name, r.Email, r.Capacity
		}
	}
	switch {
	case errors.As(err, &verr) && !web.WantsJSON(r):
		h.deskPage(w, r, http.StatusBadRequest, p.Token, staff, lang, func(pg *web.DeskPage) {
			form(pg)
			pg.Errors = web.FieldErrors(verr.Fields, lang)
		})
	case errors.As(err, &dup):
		if web.WantsJSON(r) {
			h.web.JSON(w, http.StatusConflict, map[string]any{"error": web.T(lang, "desk.dup.found"), "duplicates": dup.References,
				"errors": []web.FieldError{{Field: "confirmDuplicate", Message: web.T(lang, "desk.dup.confirm")}}})
			return
		}
		h.deskPage(w, r, http.StatusConflict, p.Token, staff, lang, func(pg *web.DeskPage) {
			form(pg)
			pg.Duplicates = dup.References
		})
	case err != nil:
		h.fail(w, r, lang, "", err)
	case web.WantsJSON(r):
		h.web.JSON(w, http.StatusCreated, map[string]any{"reference": res.Case.Reference, "status": res.Case.Status,
			"dueDate": res.Case.DueDate.String(), "duplicates": res.Duplicates})
	default:
		c := res.Case
		h.deskPage(w, r, http.StatusCreated, p.Token, staff, lang, func(pg *web.DeskPage) {
			pg.Created = &web.IntakeCreated{Reference: c.Reference, Status: string(c.Status), DueDate: web.Date(c.DueDate, lang),
				Overdue: c.DueDate.Before(deadline.DateIn(h.svc.Now())), Duplicates: res.Duplicates}
		})
	}
}

func (h *Handlers) deskPosted(w http.ResponseWriter, r *http.Request, staff, lang string, p deskPost) {
	l, err := h.svc.MarkPosted(r.Context(), staff, p.LetterID)
	switch {
	case errors.Is(err, app.ErrAlreadyPosted):
		h.web.Problem(w, r, http.StatusConflict, lang, "err.conflict.posted", nil)
	case err != nil:
		h.fail(w, r, lang, "", err)
	case web.WantsJSON(r):
		h.web.JSON(w, http.StatusOK, map[string]any{"id": l.ID, "reference": l.Reference, "status": l.Status,
			"postedAt": l.SentAt.UTC().Format(time.RFC3339)})
	default:
		h.redirect(w, r, NameStaffDesk, url.Values{"token": {p.Token}, "posted": {l.Reference}, "lang": {lang}}.Encode()+"#post")
	}
}

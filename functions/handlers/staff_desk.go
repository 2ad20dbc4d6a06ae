package handlers

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"strings"
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

// deskPost is a sign-in (email), the opening of a session (token, a desk link) or a desk action
// (action, the session's formToken and the action's fields).
type deskPost struct {
	Token     string `json:"token"`
	FormToken string `json:"formToken"`
	Action    string `json:"action"`
	Email     string `json:"email"`
	// token: the desk page to show once the session is open (a link to the report)
	View string `json:"view"`
	From string `json:"from"`
	To   string `json:"to"`
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
	Reason           string                       `json:"reason"`
	RecipientEmail   string                       `json:"recipientEmail"`
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
			Motivation: p.Motivation, Reason: p.Reason, RecipientEmail: p.RecipientEmail, Representative: p.Representative, Lang: p.Lang},
		Channel: p.Channel, ReceivedOn: p.ReceivedOn, ConfirmPast: p.ConfirmPast, ConfirmDuplicate: p.ConfirmDuplicate,
	}
}

// deskParams are the query parameters the desk knows in a session; any other is refused by
// name. No desk address carries a token: the session cookie opens every page.
var deskParams = map[string]bool{"lang": true, "status": true, "type": true, "view": true,
	"from": true, "to": true, "format": true, "letterId": true, "reference": true, "posted": true}

// StaffDesk is the privacy desk (docs/contract.md §3 "The desk"). Without a session: the sign-in
// page (GET) and sign-in (POST email); a desk link shows a page with one button (GET ?token=)
// that opens a session (POST token). With a session (the desk_session cookie): the overview,
// the report, a letter to print and a case's export (GET), and the actions intake, posted,
// sign_out and sign_out_everywhere (POST, each with the session's form token).
func (h *Handlers) StaffDesk(w http.ResponseWriter, r *http.Request) {
	lang := web.Lang(r)
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		q := r.URL.Query()
		if q.Has("token") {
			h.deskLinkPage(w, r, lang, q.Get("token"))
			return
		}
		u, _, ok := h.deskSession(w, r, lang)
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
			h.deskPage(w, r, http.StatusOK, u, lang, nil)
		case "report":
			h.deskReport(w, r, lang)
		case "letter":
			h.deskLetter(w, r, u, lang)
		case "export":
			h.deskExport(w, r, u.Staff, lang)
		default:
			h.fail(w, r, lang, "", &app.ValidationError{Fields: []request.FieldError{{Field: "view", Code: "invalid"}}})
		}
	case http.MethodPost:
		var p deskPost
		if _, ok := h.decodeAll(w, r, lang, maxDeskBody, &p); !ok {
			return
		}
		switch {
		case p.Token != "" && p.Action != "":
			// A desk link opens a session and does nothing else.
			h.fail(w, r, lang, "", &app.ValidationError{Fields: []request.FieldError{{Field: "token", Code: "invalid"}}})
		case p.Token != "":
			h.deskOpen(w, r, lang, p)
		case p.Action == "":
			h.deskSignIn(w, r, lang, p.Email)
		default:
			h.deskAct(w, r, lang, p)
		}
	default:
		h.methodNotAllowed(w, r, "GET, HEAD, POST")
	}
}

// deskAct runs one action of a signed-in staff member: the session must work and the form
// must carry its form token.
func (h *Handlers) deskAct(w http.ResponseWriter, r *http.Request, lang string, p deskPost) {
	u, secret, ok := h.deskSession(w, r, lang)
	if !ok {
		return
	}
	if !u.FormTokenOK(p.FormToken) {
		h.log.WarnContext(r.Context(), "desk post refused", "reason", "form token missing or not this session's")
		h.web.Problem(w, r, http.StatusForbidden, lang, "err.form_token", nil)
		return
	}
	switch p.Action {
	case "intake":
		h.deskIntake(w, r, u, lang, p)
	case "posted":
		h.deskPosted(w, r, u, lang, p)
	case "sign_out":
		h.deskSignOut(w, r, lang, h.svc.EndDeskSession(r.Context(), secret))
	case "sign_out_everywhere":
		h.deskSignOut(w, r, lang, h.svc.SignOutEverywhere(r.Context(), u.Staff))
	default:
		h.fail(w, r, lang, "", &app.ValidationError{Fields: []request.FieldError{{Field: "action", Code: "invalid"}}})
	}
}

// deskCookie is the desk_session cookie with value, for maxAge seconds (negative: remove it).
// It goes only to the desk, never to a script, never with a request another site starts, and
// only over HTTPS where the product is served over HTTPS.
func (h *Handlers) deskCookie(value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: app.DeskSessionCookie, Value: value, Path: "/" + NameStaffDesk, MaxAge: maxAge,
		HttpOnly: true, Secure: strings.HasPrefix(h.svc.BaseURL, "https://"), SameSite: http.SameSiteStrictMode}
}

// deskSession is the staff member whose desk session the request carries, and the session's
// secret. Without a working session it answers: a GET the sign-in page (200), a POST 401 with
// the sign-in page, JSON 401; a cookie that no longer works is removed.
func (h *Handlers) deskSession(w http.ResponseWriter, r *http.Request, lang string) (app.DeskUser, string, bool) {
	c, err := r.Cookie(app.DeskSessionCookie)
	if err == nil {
		u, err := h.svc.DeskSession(r.Context(), c.Value)
		if err == nil {
			return u, c.Value, true
		}
		if !errors.Is(err, app.ErrNoSession) {
			h.fail(w, r, lang, "", err)
			return app.DeskUser{}, "", false
		}
		http.SetCookie(w, h.deskCookie("", -1))
	}
	switch {
	case web.WantsJSON(r):
		h.web.Problem(w, r, http.StatusUnauthorized, lang, "err.session", nil)
	case r.Method == http.MethodPost:
		h.web.HTML(w, r, http.StatusUnauthorized, "desk_signin", lang, web.DeskSignInPage{Ended: true})
	default:
		h.web.HTML(w, r, http.StatusOK, "desk_signin", lang, web.DeskSignInPage{Ended: c != nil, SignedOut: r.URL.Query().Has("signedout")})
	}
	return app.DeskUser{}, "", false
}

// deskLinkPage is what a desk link opens: a page with one button that posts its token. A GET
// signs no one in, so a mail scanner that follows the link opens no session; a link that does
// not work is refused at once.
func (h *Handlers) deskLinkPage(w http.ResponseWriter, r *http.Request, lang, tok string) {
	if _, ok := h.verify(w, r, tok, linktoken.Desk, lang); !ok {
		return
	}
	if web.WantsJSON(r) {
		h.web.JSON(w, http.StatusOK, map[string]string{"message": web.T(lang, "desk.open.intro")})
		return
	}
	q := r.URL.Query()
	p := web.DeskOpenPage{Token: tok}
	if next := deskNext(q.Get("view"), q.Get("from"), q.Get("to")); next != nil {
		p.View, p.From, p.To = next.Get("view"), next.Get("from"), next.Get("to")
	}
	h.web.HTML(w, r, http.StatusOK, "desk_open", lang, p)
}

// deskNext is the desk page a desk link points to, to show once its session is open: the
// report of a period (the accountability_report letter's link); nil for the overview.
func deskNext(view, from, to string) url.Values {
	if view != "report" {
		return nil
	}
	if _, _, errs := report.ParsePeriod(from, to); len(errs) > 0 {
		return url.Values{"view": {"report"}}
	}
	return url.Values{"view": {"report"}, "from": {from}, "to": {to}}
}

// deskOpen opens a desk session with a desk link: the cookie, and a 303 to the desk (JSON: 200
// {"signedIn": true} with the same cookie and the session's form token).
func (h *Handlers) deskOpen(w http.ResponseWriter, r *http.Request, lang string, p deskPost) {
	claims, ok := h.verify(w, r, p.Token, linktoken.Desk, lang)
	if !ok {
		return
	}
	secret, u, err := h.svc.OpenDeskSession(r.Context(), claims)
	if err != nil {
		if errors.Is(err, app.ErrLinkRevoked) {
			h.log.WarnContext(r.Context(), "desk link refused", "reason", err.Error())
		}
		h.fail(w, r, lang, "", err)
		return
	}
	http.SetCookie(w, h.deskCookie(secret, int(app.DeskSessionLife/time.Second)))
	if web.WantsJSON(r) {
		h.web.JSON(w, http.StatusOK, deskSignedIn{SignedIn: true, Staff: u.Staff, FormToken: u.FormToken})
		return
	}
	next := deskNext(p.View, p.From, p.To)
	if next == nil {
		next = url.Values{}
	}
	if lang == "en" {
		next.Set("lang", "en")
	}
	h.deskRedirect(w, r, next, "")
}

// deskSignedIn answers a session opened by a JSON client.
type deskSignedIn struct {
	SignedIn bool   `json:"signedIn"`
	Staff    string `json:"staff"`
	// FormToken must come with every POST of this session (docs/contract.md §3 "The desk").
	FormToken string `json:"formToken"`
}

// deskSignOut answers sign_out and sign_out_everywhere once done (err is the use case's): the
// cookie goes, and the sign-in page says so.
func (h *Handlers) deskSignOut(w http.ResponseWriter, r *http.Request, lang string, err error) {
	if err != nil {
		h.fail(w, r, lang, "", err)
		return
	}
	http.SetCookie(w, h.deskCookie("", -1))
	if web.WantsJSON(r) {
		h.web.JSON(w, http.StatusOK, map[string]bool{"signedOut": true})
		return
	}
	q := url.Values{"signedout": {"1"}}
	if lang == "en" {
		q.Set("lang", "en")
	}
	h.deskRedirect(w, r, q, "")
}

// deskRedirect answers 303 to a desk page (post/redirect/get), with the security headers.
func (h *Handlers) deskRedirect(w http.ResponseWriter, r *http.Request, q url.Values, fragment string) {
	h.web.SecurityHeaders(w)
	http.Redirect(w, r, web.DeskURL(q)+fragment, http.StatusSeeOther)
}

// signInWait is how long a sign-in answer still waits once elapsed has passed since the
// request came in: every answer that could have written a letter goes out floor after it came.
func signInWait(floor, elapsed time.Duration) time.Duration { return max(floor-elapsed, 0) }

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
		wait := time.NewTimer(signInWait(h.opts.DeskSignInFloor, time.Since(start)))
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

// staffCaseToken mints a StaffCase token for case ref, due on due, for staff in link generation
// gen; it lives as long as a StaffCase link in a letter (app.Service.StaffCaseLinkDays) and says
// when it was made (signing out everywhere ends it).
func (h *Handlers) staffCaseToken(ref string, gen int, due civil.Date, staff string) (string, error) {
	now := h.svc.Now()
	return h.signer.Sign(linktoken.Claims{Purpose: linktoken.Staff, Reference: ref, Subject: staff, Generation: gen,
		Expires: now.Add(time.Duration(h.svc.StaffCaseLinkDays(due, now)) * 24 * time.Hour).Unix(), Issued: now.UnixMilli()})
}

// staffCaseLink is staffCaseToken's link; "" when it cannot be made.
func (h *Handlers) staffCaseLink(ref string, gen int, due civil.Date, staff string) string {
	tok, err := h.staffCaseToken(ref, gen, due, staff)
	if err != nil {
		return ""
	}
	return "/" + NameStaffCase + "?" + url.Values{"token": {tok}}.Encode()
}

func (h *Handlers) deskPage(w http.ResponseWriter, r *http.Request, code int, u app.DeskUser, lang string, edit func(*web.DeskPage)) {
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
	link := func(c app.DeskCase) string { return h.caseLink(c, u.Staff) }
	if web.WantsJSON(r) {
		abs := func(p string) string { return h.svc.BaseURL + p }
		out := web.DeskJSON(v,
			func(c app.DeskCase) string { return abs(link(c)) },
			func(id string) string { return abs(web.DeskURL(url.Values{"view": {"letter"}, "letterId": {id}})) })
		out["formToken"] = u.FormToken
		h.web.JSON(w, code, out)
		return
	}
	p := web.NewDeskPage(lang, u.FormToken, u.Staff, v, f, link)
	p.Posted = q.Get("posted")
	if edit != nil {
		edit(&p)
	}
	h.web.HTML(w, r, code, "desk", lang, p)
}

func (h *Handlers) deskReport(w http.ResponseWriter, r *http.Request, lang string) {
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
		p, err := web.NewReportPage(lang, rep)
		if err != nil {
			h.fail(w, r, lang, "", err)
			return
		}
		h.web.HTML(w, r, http.StatusOK, "desk_report", lang, p)
	}
}

func (h *Handlers) deskLetter(w http.ResponseWriter, r *http.Request, u app.DeskUser, lang string) {
	id := r.URL.Query().Get("letterId")
	v, err := h.svc.PostLetterFor(r.Context(), u.Staff, id)
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
	h.web.HTML(w, r, http.StatusOK, "desk_letter", lang, web.NewPrintPage(lang, u.FormToken, v))
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
	h.exportDownload(w, r, lang, ref, format, x)
}

// exportDownload answers a case's export x as a file: CSV when format is "csv", else JSON.
func (h *Handlers) exportDownload(w http.ResponseWriter, r *http.Request, lang, ref, format string, x report.Export) {
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

func (h *Handlers) deskIntake(w http.ResponseWriter, r *http.Request, u app.DeskUser, lang string, p deskPost) {
	in := p.intake()
	res, err := h.svc.Intake(r.Context(), u.Staff, in)
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
		h.deskPage(w, r, http.StatusBadRequest, u, lang, func(pg *web.DeskPage) {
			form(pg)
			pg.Errors = web.FieldErrors(verr.Fields, lang)
		})
	case errors.As(err, &dup):
		if web.WantsJSON(r) {
			h.web.JSON(w, http.StatusConflict, map[string]any{"error": web.T(lang, "desk.dup.found"), "duplicates": dup.References,
				"errors": []web.FieldError{{Field: "confirmDuplicate", Message: web.T(lang, "desk.dup.confirm")}}})
			return
		}
		h.deskPage(w, r, http.StatusConflict, u, lang, func(pg *web.DeskPage) {
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
		h.deskPage(w, r, http.StatusCreated, u, lang, func(pg *web.DeskPage) {
			pg.Created = &web.IntakeCreated{Reference: c.Reference, Status: string(c.Status), DueDate: web.Date(c.DueDate, lang),
				Overdue: c.DueDate.Before(deadline.DateIn(h.svc.Now())), Duplicates: res.Duplicates}
		})
	}
}

func (h *Handlers) deskPosted(w http.ResponseWriter, r *http.Request, u app.DeskUser, lang string, p deskPost) {
	l, err := h.svc.MarkPosted(r.Context(), u.Staff, p.LetterID)
	switch {
	case errors.Is(err, app.ErrAlreadyPosted):
		h.web.Problem(w, r, http.StatusConflict, lang, "err.conflict.posted", nil)
	case err != nil:
		h.fail(w, r, lang, "", err)
	case web.WantsJSON(r):
		h.web.JSON(w, http.StatusOK, map[string]any{"id": l.ID, "reference": l.Reference, "status": l.Status,
			"postedAt": l.SentAt.UTC().Format(time.RFC3339)})
	default:
		h.deskRedirect(w, r, url.Values{"posted": {l.Reference}, "lang": {lang}}, "#post")
	}
}

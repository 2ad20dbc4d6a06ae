package staffweb

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/fnkit"
	"github.com/privacyloket/privacyloket/shared/fnlist"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/report"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/web"
)

// MaxDeskBody admits an intake form with its longest texts.
const MaxDeskBody = 64 << 10

// DeskPost is a sign-in (email), the opening of a session (token, a desk link) or a desk action
// (action, the session's formToken and the action's fields).
type DeskPost struct {
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

func (p DeskPost) intake() request.Intake {
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
	"from": true, "to": true, "format": true, "letterId": true, "reference": true, "posted": true, "q": true, "rows": true, "handler": true}

// UnknownParam names a query parameter of q that the desk does not know; "" when there is none.
func UnknownParam(q url.Values) string {
	for k := range q {
		if !deskParams[k] {
			return k
		}
	}
	return ""
}

// Desk is the privacy desk of the staff on the list.
type Desk struct{ *fnkit.Kit }

// cookie is the desk_session cookie with value, for maxAge seconds (negative: remove it). It
// goes only to the desk, never to a script, never with a request another site starts, and
// only over HTTPS where the product is served over HTTPS.
func (d Desk) cookie(value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: app.DeskSessionCookie, Value: value, Path: "/" + fnlist.StaffDesk.Name, MaxAge: maxAge,
		HttpOnly: true, Secure: strings.HasPrefix(d.App.BaseURL(), "https://"), SameSite: http.SameSiteStrictMode}
}

// Session is the staff member whose desk session the request carries, and the session's
// secret. Without a working session it answers: a GET the sign-in page (200), a POST 401 with
// the sign-in page, JSON 401; a cookie that no longer works is removed.
func (d Desk) Session(w http.ResponseWriter, r *http.Request, lang string) (app.DeskUser, string, bool) {
	c, err := r.Cookie(app.DeskSessionCookie)
	if err == nil {
		u, err := d.App.Desk.DeskSession(r.Context(), c.Value)
		if err == nil {
			return u, c.Value, true
		}
		if !errors.Is(err, app.ErrNoSession) {
			d.Fail(w, r, lang, "", err)
			return app.DeskUser{}, "", false
		}
		http.SetCookie(w, d.cookie("", -1))
	}
	switch {
	case web.WantsJSON(r):
		d.Web.Problem(w, r, http.StatusUnauthorized, lang, "err.session", nil)
	case r.Method == http.MethodPost:
		d.Web.HTML(w, r, http.StatusUnauthorized, "desk_signin", lang, web.DeskSignInPage{Ended: true})
	default:
		d.Web.HTML(w, r, http.StatusOK, "desk_signin", lang, web.DeskSignInPage{Ended: c != nil, SignedOut: r.URL.Query().Has("signedout")})
	}
	return app.DeskUser{}, "", false
}

// FormTokenOK reports whether a post of u's session carries its form token; when not, it has
// answered 403.
func (d Desk) FormTokenOK(w http.ResponseWriter, r *http.Request, lang string, u app.DeskUser, formToken string) bool {
	if u.FormTokenOK(formToken) {
		return true
	}
	d.Log.WarnContext(r.Context(), "desk post refused", "reason", "form token missing or not this session's")
	d.Web.Problem(w, r, http.StatusForbidden, lang, "err.form_token", nil)
	return false
}

// message answers a JSON client in words.
type message struct {
	Message string `json:"message"`
}

// LinkPage is what a desk link opens: a page with one button that posts its token. A GET signs
// no one in, so a mail scanner that follows the link opens no session; a link that does not
// work is refused at once.
func (d Desk) LinkPage(w http.ResponseWriter, r *http.Request, lang, tok string) {
	if _, ok := d.Verify(w, r, tok, linktoken.Desk, lang); !ok {
		return
	}
	if web.WantsJSON(r) {
		d.Web.JSON(w, http.StatusOK, message{web.T(lang, "desk.open.intro")})
		return
	}
	q := r.URL.Query()
	p := web.DeskOpenPage{Token: tok}
	if next := deskNext(q.Get("view"), q.Get("from"), q.Get("to")); next != nil {
		p.View, p.From, p.To = next.Get("view"), next.Get("from"), next.Get("to")
	}
	d.Web.HTML(w, r, http.StatusOK, "desk_open", lang, p)
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

// signedIn answers a session opened by a JSON client.
type signedIn struct {
	SignedIn bool   `json:"signedIn"`
	Staff    string `json:"staff"`
	// FormToken must come with every POST of this session (docs/contract.md §3 "The desk").
	FormToken string `json:"formToken"`
}

// Open opens a desk session with a desk link: the cookie, and a 303 to the desk (JSON: 200
// {"signedIn": true} with the same cookie and the session's form token).
func (d Desk) Open(w http.ResponseWriter, r *http.Request, lang string, p DeskPost) {
	claims, ok := d.Verify(w, r, p.Token, linktoken.Desk, lang)
	if !ok {
		return
	}
	secret, u, err := d.App.Desk.OpenDeskSession(r.Context(), claims)
	if err != nil {
		if errors.Is(err, app.ErrLinkRevoked) {
			d.Log.WarnContext(r.Context(), "desk link refused", "reason", err.Error())
		}
		d.Fail(w, r, lang, "", err)
		return
	}
	http.SetCookie(w, d.cookie(secret, int(app.DeskSessionLife/time.Second)))
	if web.WantsJSON(r) {
		d.Web.JSON(w, http.StatusOK, signedIn{SignedIn: true, Staff: u.Staff, FormToken: u.FormToken})
		return
	}
	next := deskNext(p.View, p.From, p.To)
	if next == nil {
		next = url.Values{}
	}
	if lang == "en" {
		next.Set("lang", "en")
	}
	d.redirect(w, r, next, "")
}

// SignOut answers sign_out and sign_out_everywhere once done (err is the use case's): the
// cookie goes, and the sign-in page says so.
func (d Desk) SignOut(w http.ResponseWriter, r *http.Request, lang string, err error) {
	if err != nil {
		d.Fail(w, r, lang, "", err)
		return
	}
	http.SetCookie(w, d.cookie("", -1))
	if web.WantsJSON(r) {
		d.Web.JSON(w, http.StatusOK, struct {
			SignedOut bool `json:"signedOut"`
		}{true})
		return
	}
	q := url.Values{"signedout": {"1"}}
	if lang == "en" {
		q.Set("lang", "en")
	}
	d.redirect(w, r, q, "")
}

// redirect answers 303 to a desk page (post/redirect/get), with the security headers.
func (d Desk) redirect(w http.ResponseWriter, r *http.Request, q url.Values, fragment string) {
	d.Web.SecurityHeaders(w)
	http.Redirect(w, r, web.DeskURL(q)+fragment, http.StatusSeeOther)
}

// signInWait is how long a sign-in answer still waits once elapsed has passed since the
// request came in: every answer that could have written a letter goes out floor after it came.
func signInWait(floor, elapsed time.Duration) time.Duration { return max(floor-elapsed, 0) }

// SignIn answers every address the same: a desk link goes out only to staff. Its timing is
// the same too: a letter is written only for staff, so every answer that could have written
// one waits until DeskSignInFloor has passed since the request came in.
func (d Desk) SignIn(w http.ResponseWriter, r *http.Request, lang, email string) {
	start := time.Now()
	err := d.App.Desk.RequestDeskLink(r.Context(), email, d.Client(r))
	var verr *app.ValidationError
	var rl *app.RateLimitedError
	if !errors.As(err, &verr) && !errors.As(err, &rl) {
		// A malformed or rate-limited address says nothing about the staff list; the rest waits.
		wait := time.NewTimer(signInWait(d.Options.DeskSignInFloor, time.Since(start)))
		select {
		case <-wait.C:
		case <-r.Context().Done():
			wait.Stop()
		}
	}
	switch {
	case errors.As(err, &verr) && !web.WantsJSON(r):
		d.Web.HTML(w, r, http.StatusBadRequest, "desk_signin", lang, web.DeskSignInPage{Email: email, Errors: web.FieldErrors(verr.Fields, lang)})
	case err != nil:
		d.Fail(w, r, lang, "", err)
	case web.WantsJSON(r):
		d.Web.JSON(w, http.StatusAccepted, message{web.T(lang, "desk.signin.sent")})
	default:
		d.Web.HTML(w, r, http.StatusOK, "desk_signin", lang, web.DeskSignInPage{Sent: true})
	}
}

// Act runs one action of a signed-in staff member: the session must work and the form must
// carry its form token.
func (d Desk) Act(w http.ResponseWriter, r *http.Request, lang string, p DeskPost) {
	u, secret, ok := d.Session(w, r, lang)
	if !ok || !d.FormTokenOK(w, r, lang, u, p.FormToken) {
		return
	}
	switch p.Action {
	case "intake":
		d.Intake(w, r, u, lang, p)
	case "posted":
		d.Posted(w, r, u, lang, p)
	case "sign_out":
		d.SignOut(w, r, lang, d.App.Desk.EndDeskSession(r.Context(), secret))
	case "sign_out_everywhere":
		d.SignOut(w, r, lang, d.App.Desk.SignOutEverywhere(r.Context(), u.Staff))
	default:
		d.Fail(w, r, lang, "", fnkit.Invalid("action"))
	}
}

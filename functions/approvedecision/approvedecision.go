// Package approvedecision is the function ApproveDecision: a drafted decision's page for a
// second staff member (GET) and their verdict (POST: approve, or return with a comment), four
// eyes of docs/rules.md §8 and docs/contract.md §3. The link is personal (one approver), scoped
// to one draft, expires like a staff link, and works while its holder is an approver and the
// case's links are not revoked.
package approvedecision

import (
	"errors"
	"net/http"
	"net/url"

	// The buildpack generates a declarative main for a package that imports this.
	_ "github.com/GoogleCloudPlatform/functions-framework-go/functions"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/fnkit"
	"github.com/privacyloket/privacyloket/shared/fnlist"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/web"
)

func init() { fnkit.HTTP(fnlist.ApproveDecision, New) }

type page struct{ *fnkit.Kit }

// New is ApproveDecision's handler.
func New(k *fnkit.Kit) http.HandlerFunc { return page{k}.serve }

// maxBody admits the verdict and a comment.
const maxBody = 64 << 10

// verdict is an approver's verdict as posted.
type verdict struct {
	Token   string `json:"token"`
	Verdict string `json:"verdict"`
	Comment string `json:"comment"`
}

func (p page) serve(w http.ResponseWriter, r *http.Request) {
	lang := web.Lang(r)
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		tok := r.URL.Query().Get("token")
		claims, ok := p.verify(w, r, tok, lang)
		if !ok {
			return
		}
		p.render(w, r, http.StatusOK, lang, tok, claims, nil)
	case http.MethodPost:
		var v verdict
		if _, ok := p.DecodeAll(w, r, lang, maxBody, &v); !ok {
			return
		}
		claims, ok := p.verify(w, r, v.Token, lang)
		if !ok {
			return
		}
		c, err := p.Svc.Judge(r.Context(), claims.Reference, app.ApproverLinkOf(claims), app.Verdict{Verdict: v.Verdict, Comment: v.Comment})
		var verr *app.ValidationError
		switch {
		case errors.As(err, &verr) && !web.WantsJSON(r):
			p.render(w, r, http.StatusBadRequest, lang, v.Token, claims, web.FieldErrors(verr.Fields, lang))
		case err != nil:
			p.fail(w, r, lang, claims.Reference, err)
		case web.WantsJSON(r):
			p.Web.JSON(w, http.StatusOK, fnkit.CaseState{Reference: c.Reference, Status: c.Status})
		default:
			p.Redirect(w, r, fnlist.ApproveDecision.Name, url.Values{"token": {v.Token}}.Encode())
		}
	default:
		p.MethodNotAllowed(w, r, "GET, HEAD, POST")
	}
}

func (p page) render(w http.ResponseWriter, r *http.Request, code int, lang, tok string, claims linktoken.Claims, errs []web.FieldError) {
	v, err := p.Svc.ApprovalPage(r.Context(), claims.Reference, app.ApproverLinkOf(claims))
	if err != nil {
		p.fail(w, r, lang, claims.Reference, err)
		return
	}
	if web.WantsJSON(r) {
		p.Web.JSON(w, code, web.NewApprovalJSON(v))
		return
	}
	p.Web.HTML(w, r, code, "approve", lang, web.NewApprovalPage(lang, tok, v, errs))
}

// verify checks an approval token, and that its holder has not signed out everywhere since it
// was issued (docs/contract.md §3 "sign_out_everywhere"); on failure it has answered 403. The
// rest (still an approver, the case's link generation, the draft) is checked by the use case.
func (p page) verify(w http.ResponseWriter, r *http.Request, tok, lang string) (linktoken.Claims, bool) {
	claims, ok := p.Verify(w, r, tok, linktoken.Approve, lang)
	if !ok {
		return claims, false
	}
	if err := p.Svc.CheckSignOut(r.Context(), claims.Subject, claims.IssuedAt()); err != nil {
		p.fail(w, r, lang, claims.Reference, err)
		return claims, false
	}
	return claims, true
}

// fail is Fail with four eyes' own answer to an author who approves their own decision.
func (p page) fail(w http.ResponseWriter, r *http.Request, lang, ref string, err error) {
	if errors.Is(err, app.ErrOwnDecision) {
		p.Log.WarnContext(r.Context(), "own decision refused", "reference", ref)
		p.Web.Problem(w, r, http.StatusForbidden, lang, "err.forbidden.own_decision", nil)
		return
	}
	p.Fail(w, r, lang, ref, err)
}

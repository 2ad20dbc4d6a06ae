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
	"github.com/privacyloket/privacyloket/shared/staffweb"
	"github.com/privacyloket/privacyloket/shared/web"
)

func init() { fnkit.HTTP(fnlist.ApproveDecision, New) }

type page struct{ staffweb.Approval }

// New is ApproveDecision's handler.
func New(k *fnkit.Kit) http.HandlerFunc { return page{staffweb.Approval{Kit: k}}.serve }

func (p page) serve(w http.ResponseWriter, r *http.Request) {
	lang := web.Lang(r)
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		tok := r.URL.Query().Get("token")
		if claims, ok := p.Verify(w, r, tok, lang); ok {
			p.Page(w, r, http.StatusOK, lang, tok, claims, nil)
		}
	case http.MethodPost:
		var v staffweb.VerdictPost
		if _, ok := p.DecodeAll(w, r, lang, staffweb.MaxVerdictBody, &v); !ok {
			return
		}
		claims, ok := p.Verify(w, r, v.Token, lang)
		if !ok {
			return
		}
		c, err := p.App.Team.Judge(r.Context(), claims.Reference, app.ApproverLinkOf(claims), app.Verdict{Verdict: v.Verdict, Comment: v.Comment})
		var verr *app.ValidationError
		switch {
		case errors.As(err, &verr) && !web.WantsJSON(r):
			p.Page(w, r, http.StatusBadRequest, lang, v.Token, claims, web.FieldErrors(verr.Fields, lang))
		case err != nil:
			p.Fail(w, r, lang, claims.Reference, err)
		case web.WantsJSON(r):
			p.Web.JSON(w, http.StatusOK, fnkit.CaseState{Reference: c.Reference, Status: c.Status})
		default:
			p.Redirect(w, r, fnlist.ApproveDecision.Name, url.Values{"token": {v.Token}}.Encode())
		}
	default:
		p.MethodNotAllowed(w, r, "GET, HEAD, POST")
	}
}

// Package approvedecision is the function ApproveDecision: a drafted decision's page for a
// second staff member (GET) and their verdict (POST: approve, or return with a comment), four
// eyes of docs/rules.md §8 and docs/contract.md §3. The link is personal (one approver), scoped
// to one draft, expires like a staff link, and works while its holder is an approver and the
// case's links are not revoked.
package approvedecision

import (
	"net/http"
	"net/url"

	_ "github.com/GoogleCloudPlatform/functions-framework-go/functions"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/fnkit"
	"github.com/privacyloket/privacyloket/shared/fnlist"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/staffweb"
	"github.com/privacyloket/privacyloket/shared/web"
)

func init() { fnkit.HTTP(fnlist.ApproveDecision, New) }

// New is ApproveDecision's handler.
func New(k *fnkit.Kit) http.HandlerFunc {
	a := staffweb.Approval{Kit: k}
	return fnkit.LinkPage(k, a.Verify, staffweb.MaxVerdictBody,
		func(w http.ResponseWriter, r *http.Request, lang, tok string, c linktoken.Claims) {
			a.Page(w, r, http.StatusOK, lang, tok, c, nil)
		},
		func(w http.ResponseWriter, r *http.Request, lang string, c linktoken.Claims, v *staffweb.VerdictPost, _ *web.Body) {
			cs, err := k.App.Team.Judge(r.Context(), c.Reference, app.ApproverLinkOf(c), app.Verdict{Verdict: v.Verdict, Comment: v.Comment})
			if errs := fnkit.FormErrors(r, err, lang); errs != nil {
				a.Page(w, r, http.StatusBadRequest, lang, v.Token, c, errs)
				return
			}
			switch {
			case err != nil:
				a.Fail(w, r, lang, c.Reference, err)
			case web.WantsJSON(r):
				k.Web.JSON(w, http.StatusOK, fnkit.CaseState{Reference: cs.Reference, Status: cs.Status})
			default:
				k.Redirect(w, r, fnlist.ApproveDecision.Name, url.Values{"token": {v.Token}}.Encode())
			}
		})
}

package staffweb

import (
	"errors"
	"net/http"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/fnkit"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/web"
)

// MaxVerdictBody admits an approver's verdict and a comment.
const MaxVerdictBody = 64 << 10

// VerdictPost is an approver's verdict as posted.
type VerdictPost struct {
	Token   string `json:"token"`
	Verdict string `json:"verdict"`
	Comment string `json:"comment"`
}

// Approval is a drafted decision's page for a second staff member (four eyes, docs/rules.md §8).
type Approval struct{ *fnkit.Kit }

// Verify checks an approval token, and that its holder has not signed out everywhere since it
// was issued (docs/contract.md §3 "sign_out_everywhere"); on failure it has answered 403. The
// rest (still an approver, the case's link generation, the draft) is checked by the use case.
func (a Approval) Verify(w http.ResponseWriter, r *http.Request, tok, lang string) (linktoken.Claims, bool) {
	return verifyHolder(a.Kit, w, r, tok, linktoken.Approve, lang)
}

// Page shows the draft (HTML, or JSON when asked), with errs from a refused verdict.
func (a Approval) Page(w http.ResponseWriter, r *http.Request, code int, lang, tok string, claims linktoken.Claims, errs []web.FieldError) {
	v, err := a.App.Team.ApprovalPage(r.Context(), claims.Reference, app.ApproverLinkOf(claims))
	if err != nil {
		a.Fail(w, r, lang, claims.Reference, err)
		return
	}
	if web.WantsJSON(r) {
		a.Web.JSON(w, code, web.NewApprovalJSON(v))
		return
	}
	a.Web.HTML(w, r, code, "approve", lang, web.NewApprovalPage(lang, tok, v, errs))
}

// Fail is fnkit's Fail with four eyes' own answer to an author who approves their own decision.
func (a Approval) Fail(w http.ResponseWriter, r *http.Request, lang, ref string, err error) {
	if errors.Is(err, app.ErrOwnDecision) {
		a.Log.WarnContext(r.Context(), "own decision refused", "reference", ref)
		a.Web.Problem(w, r, http.StatusForbidden, lang, "err.forbidden.own_decision", nil)
		return
	}
	a.Kit.Fail(w, r, lang, ref, err)
}

// LinkToken is the posted token (fnkit.Tokened).
func (p VerdictPost) LinkToken() string { return p.Token }

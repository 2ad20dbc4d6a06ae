// Package thirdpartyresponse is the function ThirdPartyResponse: a consulted third party agrees
// to disclosure or objects (docs/rules.md §4). The page tells them the nature of the request
// only, never who asked.
package thirdpartyresponse

import (
	"net/http"

	_ "github.com/GoogleCloudPlatform/functions-framework-go/functions"

	"github.com/privacyloket/privacyloket/shared/fnkit"
	"github.com/privacyloket/privacyloket/shared/fnlist"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/web"
)

func init() { fnkit.HTTP(fnlist.ThirdPartyResponse, New) }

// New is ThirdPartyResponse's handler.
func New(k *fnkit.Kit) http.HandlerFunc {
	return fnkit.LinkPage(k, k.For(linktoken.ThirdParty), fnkit.MaxFormBody,
		func(w http.ResponseWriter, r *http.Request, lang, tok string, c linktoken.Claims) {
			v, err := k.App.Casework.StaffCase(r.Context(), c.Reference)
			if err != nil {
				k.Fail(w, r, lang, c.Reference, err)
				return
			}
			k.Web.HTML(w, r, http.StatusOK, "third_party", lang, web.NewThirdPartyPage(lang, tok, c.Subject, v.Case))
		},
		func(w http.ResponseWriter, r *http.Request, lang string, c linktoken.Claims, p *answer, _ *web.Body) {
			cs, err := k.App.Intake.ThirdPartyAnswer(r.Context(), c.Reference, c.Subject, p.Decision, p.Comment)
			switch {
			case err != nil:
				k.Fail(w, r, lang, c.Reference, err)
			case web.WantsJSON(r):
				k.Web.JSON(w, http.StatusOK, answered{Reference: cs.Reference, Decision: cs.ThirdParty.Answer})
			default:
				k.Web.HTML(w, r, http.StatusOK, "message", lang, map[string]any{
					"Heading": web.T(lang, "tp.done.heading"), "Text": web.T(lang, "tp.done")})
			}
		})
}

// answer is a third party's answer as posted.
type answer struct {
	Token    string `json:"token"`
	Decision string `json:"decision"`
	Comment  string `json:"comment"`
}

// LinkToken is the posted token (fnkit.Tokened).
func (a answer) LinkToken() string { return a.Token }

// answered answers a JSON client.
type answered struct {
	Reference string                   `json:"reference"`
	Decision  request.ThirdPartyAnswer `json:"decision"`
}

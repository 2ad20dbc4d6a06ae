// Package thirdpartyresponse is the function ThirdPartyResponse: a consulted third party agrees
// to disclosure or objects (docs/rules.md §4). The page tells them the nature of the request
// only, never who asked.
package thirdpartyresponse

import (
	"net/http"

	// The buildpack generates a declarative main for a package that imports this.
	_ "github.com/GoogleCloudPlatform/functions-framework-go/functions"

	"github.com/privacyloket/privacyloket/shared/fnkit"
	"github.com/privacyloket/privacyloket/shared/fnlist"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/web"
)

func init() { fnkit.HTTP(fnlist.ThirdPartyResponse, New) }

type response struct{ *fnkit.Kit }

// New is ThirdPartyResponse's handler.
func New(k *fnkit.Kit) http.HandlerFunc { return response{k}.serve }

// answer is a third party's answer as posted.
type answer struct {
	Token    string `json:"token"`
	Decision string `json:"decision"`
	Comment  string `json:"comment"`
}

// answered answers a JSON client.
type answered struct {
	Reference string                   `json:"reference"`
	Decision  request.ThirdPartyAnswer `json:"decision"`
}

func (t response) serve(w http.ResponseWriter, r *http.Request) {
	lang := web.Lang(r)
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		tok := r.URL.Query().Get("token")
		claims, ok := t.Verify(w, r, tok, linktoken.ThirdParty, lang)
		if !ok {
			return
		}
		v, err := t.App.Casework.StaffCase(r.Context(), claims.Reference)
		if err != nil {
			t.Fail(w, r, lang, claims.Reference, err)
			return
		}
		t.Web.HTML(w, r, http.StatusOK, "third_party", lang, web.NewThirdPartyPage(lang, tok, claims.Subject, v.Case))
	case http.MethodPost:
		var p answer
		if _, ok := t.DecodeAll(w, r, lang, fnkit.MaxFormBody, &p); !ok {
			return
		}
		claims, ok := t.Verify(w, r, p.Token, linktoken.ThirdParty, lang)
		if !ok {
			return
		}
		c, err := t.App.Intake.ThirdPartyAnswer(r.Context(), claims.Reference, claims.Subject, p.Decision, p.Comment)
		switch {
		case err != nil:
			t.Fail(w, r, lang, claims.Reference, err)
		case web.WantsJSON(r):
			t.Web.JSON(w, http.StatusOK, answered{Reference: c.Reference, Decision: c.ThirdParty.Answer})
		default:
			t.Web.HTML(w, r, http.StatusOK, "message", lang, map[string]any{
				"Heading": web.T(lang, "tp.done.heading"), "Text": web.T(lang, "tp.done")})
		}
	default:
		t.MethodNotAllowed(w, r, "GET, HEAD, POST")
	}
}

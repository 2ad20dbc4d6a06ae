// Package staffcase is the function StaffCase: one staff member's page for one case (GET), its
// ID copy (view=idcopy) and its timeline for an auditor (view=export, format=json or csv), and
// the actions on it (POST). The link is personal (one staff address), scoped to one case, and
// expires per profile; it opens that case and nothing else (no desk).
package staffcase

import (
	"net/http"

	_ "github.com/GoogleCloudPlatform/functions-framework-go/functions"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/fnkit"
	"github.com/privacyloket/privacyloket/shared/fnlist"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/staffweb"
	"github.com/privacyloket/privacyloket/shared/web"
)

func init() { fnkit.HTTP(fnlist.StaffCase, New) }

// New is StaffCase's handler.
func New(k *fnkit.Kit) http.HandlerFunc {
	p := staffweb.Case{Kit: k}
	return fnkit.LinkPage(k, p.Verify, staffweb.MaxCaseBody,
		func(w http.ResponseWriter, r *http.Request, lang, tok string, c linktoken.Claims) {
			q := r.URL.Query()
			switch q.Get("view") {
			case "":
				p.Page(w, r, http.StatusOK, tok, c, lang, nil)
			case "idcopy":
				p.IDCopy(w, r, c, lang)
			case "export":
				p.Export(w, r, c, lang, q.Get("format"))
			default:
				k.Fail(w, r, lang, c.Reference, fnkit.Invalid("view"))
			}
		},
		func(w http.ResponseWriter, r *http.Request, lang string, c linktoken.Claims, post *staffweb.CasePost, body *web.Body) {
			in, err := post.Input(body)
			if err != nil {
				k.Fail(w, r, lang, c.Reference, err)
				return
			}
			cs, err := k.App.Casework.StaffAct(r.Context(), c.Reference, app.LinkOf(c), in)
			p.Acted(w, r, lang, post.Token, c, in.Action, cs, err)
		})
}

// Package staffcase is the function StaffCase: one staff member's page for one case (GET), its
// ID copy (view=idcopy) and its timeline for an auditor (view=export, format=json or csv), and
// the actions on it (POST). The link is personal (one staff address), scoped to one case, and
// expires per profile; it opens that case and nothing else (no desk).
package staffcase

import (
	"net/http"

	// The buildpack generates a declarative main for a package that imports this.
	_ "github.com/GoogleCloudPlatform/functions-framework-go/functions"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/fnkit"
	"github.com/privacyloket/privacyloket/shared/fnlist"
	"github.com/privacyloket/privacyloket/shared/staffweb"
	"github.com/privacyloket/privacyloket/shared/web"
)

func init() { fnkit.HTTP(fnlist.StaffCase, New) }

type page struct{ staffweb.Case }

// New is StaffCase's handler.
func New(k *fnkit.Kit) http.HandlerFunc { return page{staffweb.Case{Kit: k}}.serve }

func (p page) serve(w http.ResponseWriter, r *http.Request) {
	lang := web.Lang(r)
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		q := r.URL.Query()
		tok := q.Get("token")
		claims, ok := p.Verify(w, r, tok, lang)
		if !ok {
			return
		}
		switch q.Get("view") {
		case "":
			p.Page(w, r, http.StatusOK, tok, claims, lang, nil)
		case "idcopy":
			p.IDCopy(w, r, claims, lang)
		case "export":
			p.Export(w, r, claims, lang, q.Get("format"))
		default:
			p.Fail(w, r, lang, claims.Reference, fnkit.Invalid("view"))
		}
	case http.MethodPost:
		var post staffweb.CasePost
		body, ok := p.DecodeAll(w, r, lang, staffweb.MaxCaseBody, &post)
		if !ok {
			return
		}
		claims, ok := p.Verify(w, r, post.Token, lang)
		if !ok {
			return
		}
		in, err := post.Input(body)
		if err != nil {
			p.Fail(w, r, lang, claims.Reference, err)
			return
		}
		c, err := p.App.Casework.StaffAct(r.Context(), claims.Reference, app.LinkOf(claims), in)
		p.Acted(w, r, lang, post.Token, claims, in.Action, c, err)
	default:
		p.MethodNotAllowed(w, r, "GET, HEAD, POST")
	}
}

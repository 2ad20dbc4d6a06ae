// Package searchtask is the function SearchTask: the page of one search task for one system
// owner (GET) and their answer (POST), docs/contract.md §3 "Search tasks". The link is personal
// (the owner's address), scoped to the task, and works while its holder is an owner of the
// system in the register and the case's links are not revoked.
package searchtask

import (
	"net/http"
	"net/url"

	_ "github.com/GoogleCloudPlatform/functions-framework-go/functions"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/fnkit"
	"github.com/privacyloket/privacyloket/shared/fnlist"
	"github.com/privacyloket/privacyloket/shared/idcheck/inspect"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/staffweb"
	"github.com/privacyloket/privacyloket/shared/web"
)

func init() {
	fnkit.HTTP(fnlist.SearchTask, New, fnkit.Inspector(inspect.InspectContext, inspect.InspectExtractContext))
}

// New is SearchTask's handler.
func New(k *fnkit.Kit) http.HandlerFunc {
	t := staffweb.Task{Kit: k}
	return fnkit.LinkPage(k, k.For(linktoken.Search), staffweb.MaxTaskBody,
		func(w http.ResponseWriter, r *http.Request, lang, tok string, c linktoken.Claims) {
			t.Page(w, r, http.StatusOK, lang, tok, c, nil)
		},
		func(w http.ResponseWriter, r *http.Request, lang string, c linktoken.Claims, p *staffweb.TaskPost, body *web.Body) {
			a, err := p.Answer(body)
			if err != nil {
				t.Fail(w, r, lang, c.Reference, err)
				return
			}
			v, err := k.App.Casework.AnswerSearch(r.Context(), app.TaskLinkOf(c), a)
			if errs := fnkit.FormErrors(r, err, lang); errs != nil {
				t.Page(w, r, http.StatusBadRequest, lang, p.Token, c, errs)
				return
			}
			switch {
			case err != nil:
				t.Fail(w, r, lang, c.Reference, err)
			case web.WantsJSON(r):
				k.Web.JSON(w, http.StatusOK, web.SearchTaskJSON(v))
			default:
				k.Redirect(w, r, fnlist.SearchTask.Name, url.Values{"token": {p.Token}}.Encode())
			}
		})
}

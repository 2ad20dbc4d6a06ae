// Package searchtask is the function SearchTask: the page of one search task for one system
// owner (GET) and their answer (POST), docs/contract.md §3 "Search tasks". The link is personal
// (the owner's address), scoped to the task, and works while its holder is an owner of the
// system in the register and the case's links are not revoked.
package searchtask

import (
	"errors"
	"net/http"
	"net/url"

	// The buildpack generates a declarative main for a package that imports this.
	_ "github.com/GoogleCloudPlatform/functions-framework-go/functions"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/fnkit"
	"github.com/privacyloket/privacyloket/shared/fnlist"
	"github.com/privacyloket/privacyloket/shared/idcheck/inspect"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/staffweb"
	"github.com/privacyloket/privacyloket/shared/web"
)

func init() { fnkit.HTTP(fnlist.SearchTask, New, fnkit.Inspector(inspect.InspectContext)) }

type task struct{ staffweb.Task }

// New is SearchTask's handler.
func New(k *fnkit.Kit) http.HandlerFunc { return task{staffweb.Task{Kit: k}}.serve }

func (t task) serve(w http.ResponseWriter, r *http.Request) {
	lang := web.Lang(r)
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		tok := r.URL.Query().Get("token")
		if claims, ok := t.Verify(w, r, tok, linktoken.Search, lang); ok {
			t.Page(w, r, http.StatusOK, lang, tok, claims, nil)
		}
	case http.MethodPost:
		var p staffweb.TaskPost
		body, ok := t.DecodeAll(w, r, lang, staffweb.MaxTaskBody, &p)
		if !ok {
			return
		}
		claims, ok := t.Verify(w, r, p.Token, linktoken.Search, lang)
		if !ok {
			return
		}
		a, err := p.Answer(body)
		if err != nil {
			t.Fail(w, r, lang, claims.Reference, err)
			return
		}
		v, err := t.App.Casework.AnswerSearch(r.Context(), app.TaskLinkOf(claims), a)
		var verr *app.ValidationError
		switch {
		case errors.As(err, &verr) && !web.WantsJSON(r):
			t.Page(w, r, http.StatusBadRequest, lang, p.Token, claims, web.FieldErrors(verr.Fields, lang))
		case err != nil:
			t.Fail(w, r, lang, claims.Reference, err)
		case web.WantsJSON(r):
			t.Web.JSON(w, http.StatusOK, web.SearchTaskJSON(v))
		default:
			t.Redirect(w, r, fnlist.SearchTask.Name, url.Values{"token": {p.Token}}.Encode())
		}
	default:
		t.MethodNotAllowed(w, r, "GET, HEAD, POST")
	}
}

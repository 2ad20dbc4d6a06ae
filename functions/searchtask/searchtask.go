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

	"github.com/privacyloket/privacyloket/shared/accessresult"
	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/fnkit"
	"github.com/privacyloket/privacyloket/shared/fnlist"
	"github.com/privacyloket/privacyloket/shared/idcheck/inspect"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/web"
)

func init() { fnkit.HTTP(fnlist.SearchTask, New, fnkit.Inspector(inspect.InspectContext)) }

type task struct{ *fnkit.Kit }

// New is SearchTask's handler.
func New(k *fnkit.Kit) http.HandlerFunc { return task{k}.serve }

// maxBody admits one extract with the form's fields.
const maxBody = accessresult.MaxExtractSize + 256<<10

// answer is an owner's answer as posted (one extract file per POST).
type answer struct {
	Token      string `json:"token"`
	Result     string `json:"result"`
	Note       string `json:"note"`
	KeepGround string `json:"keepGround"`
	KeptUntil  string `json:"keptUntil"`
	Backups    string `json:"backups"`
}

func (t task) serve(w http.ResponseWriter, r *http.Request) {
	lang := web.Lang(r)
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		tok := r.URL.Query().Get("token")
		claims, ok := t.Verify(w, r, tok, linktoken.Search, lang)
		if !ok {
			return
		}
		v, err := t.Svc.SearchTaskPage(r.Context(), app.TaskLinkOf(claims))
		if err != nil {
			t.fail(w, r, lang, claims.Reference, err)
			return
		}
		t.render(w, r, http.StatusOK, lang, tok, v, nil)
	case http.MethodPost:
		var p answer
		body, ok := t.DecodeAll(w, r, lang, maxBody, &p)
		if !ok {
			return
		}
		claims, ok := t.Verify(w, r, p.Token, linktoken.Search, lang)
		if !ok {
			return
		}
		file, err := body.File("extract", accessresult.MaxExtractSize)
		if err != nil {
			t.Fail(w, r, lang, claims.Reference, err)
			return
		}
		a := app.SearchAnswer{Result: request.SearchResult(p.Result), Note: p.Note, KeepGround: request.Ground(p.KeepGround),
			KeptUntil: p.KeptUntil, Backups: p.Backups, Extract: file, ExtractAs: body.FileName("extract")}
		v, err := t.Svc.AnswerSearch(r.Context(), app.TaskLinkOf(claims), a)
		var verr *app.ValidationError
		switch {
		case errors.As(err, &verr) && !web.WantsJSON(r):
			pv, perr := t.Svc.SearchTaskPage(r.Context(), app.TaskLinkOf(claims))
			if perr != nil {
				t.fail(w, r, lang, claims.Reference, perr)
				return
			}
			t.render(w, r, http.StatusBadRequest, lang, p.Token, pv, web.FieldErrors(verr.Fields, lang))
		case err != nil:
			t.fail(w, r, lang, claims.Reference, err)
		case web.WantsJSON(r):
			t.Web.JSON(w, http.StatusOK, web.SearchTaskJSON(v))
		default:
			t.Redirect(w, r, fnlist.SearchTask.Name, url.Values{"token": {p.Token}}.Encode())
		}
	default:
		t.MethodNotAllowed(w, r, "GET, HEAD, POST")
	}
}

func (t task) render(w http.ResponseWriter, r *http.Request, code int, lang, tok string, v *app.SearchTaskView, errs []web.FieldError) {
	if web.WantsJSON(r) {
		t.Web.JSON(w, code, web.SearchTaskJSON(v))
		return
	}
	t.Web.HTML(w, r, code, "search_task", lang, web.NewSearchTaskPage(lang, tok, v, errs))
}

// fail is Fail with the task link's own words for a link that no longer works.
func (t task) fail(w http.ResponseWriter, r *http.Request, lang, ref string, err error) {
	if errors.Is(err, app.ErrLinkRevoked) {
		t.Log.WarnContext(r.Context(), "link refused", "purpose", string(linktoken.Search), "reference", ref)
		t.Web.Problem(w, r, http.StatusForbidden, lang, "err.token.search", nil)
		return
	}
	t.Fail(w, r, lang, ref, err)
}

package staffweb

import (
	"errors"
	"net/http"

	"github.com/privacyloket/privacyloket/shared/accessresult"
	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/fnkit"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/web"
)

// MaxTaskBody admits one extract with the task form's fields.
const MaxTaskBody = accessresult.MaxExtractSize + 256<<10

// TaskPost is a system owner's answer to a search task as posted (one extract file per POST).
type TaskPost struct {
	Token      string `json:"token"`
	Result     string `json:"result"`
	Note       string `json:"note"`
	KeepGround string `json:"keepGround"`
	KeptUntil  string `json:"keptUntil"`
	Backups    string `json:"backups"`
}

// Answer is the use case's input from p and the body's extract, if any.
func (p TaskPost) Answer(body *web.Body) (app.SearchAnswer, error) {
	file, err := body.File("extract", accessresult.MaxExtractSize)
	if err != nil {
		return app.SearchAnswer{}, err
	}
	return app.SearchAnswer{Result: request.SearchResult(p.Result), Note: p.Note, KeepGround: request.Ground(p.KeepGround),
		KeptUntil: p.KeptUntil, Backups: p.Backups, Extract: file, ExtractAs: body.FileName("extract")}, nil
}

// Task is a system owner's search task page (docs/contract.md §3 "Search tasks").
type Task struct{ *fnkit.Kit }

// Page shows the task (HTML, or JSON when asked), with errs from a refused answer.
func (t Task) Page(w http.ResponseWriter, r *http.Request, code int, lang, tok string, claims linktoken.Claims, errs []web.FieldError) {
	v, err := t.App.Casework.SearchTaskPage(r.Context(), app.TaskLinkOf(claims))
	if err != nil {
		t.Fail(w, r, lang, claims.Reference, err)
		return
	}
	if web.WantsJSON(r) {
		t.Web.JSON(w, code, web.SearchTaskJSON(v))
		return
	}
	t.Web.HTML(w, r, code, "search_task", lang, web.NewSearchTaskPage(lang, tok, v, errs))
}

// Fail is fnkit's Fail with the task link's own words for a link that no longer works.
func (t Task) Fail(w http.ResponseWriter, r *http.Request, lang, ref string, err error) {
	if errors.Is(err, app.ErrLinkRevoked) {
		t.Log.WarnContext(r.Context(), "link refused", "purpose", string(linktoken.Search), "reference", ref)
		t.Web.Problem(w, r, http.StatusForbidden, lang, "err.token.search", nil)
		return
	}
	t.Kit.Fail(w, r, lang, ref, err)
}

// LinkToken is the posted token (fnkit.Tokened).
func (p TaskPost) LinkToken() string { return p.Token }

package handlers

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/accessresult"
	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/report"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/web"
)

// NameSearchTask is the function of a system owner's search task (docs/contract.md §3).
const NameSearchTask = "SearchTask"

// maxSearchBody admits one extract with the form's fields.
const maxSearchBody = accessresult.MaxExtractSize + 256<<10

// searchPost is an owner's answer as posted (one extract file per POST).
type searchPost struct {
	Token      string `json:"token"`
	Result     string `json:"result"`
	Note       string `json:"note"`
	KeepGround string `json:"keepGround"`
	KeptUntil  string `json:"keptUntil"`
	Backups    string `json:"backups"`
}

// SearchTask is the page of one search task for one system owner (GET) and their answer (POST).
// The link is personal (the owner's address), scoped to the task, and works while its holder is
// an owner of the system in the register and the case's links are not revoked.
func (h *Handlers) SearchTask(w http.ResponseWriter, r *http.Request) {
	lang := web.Lang(r)
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		tok := r.URL.Query().Get("token")
		claims, ok := h.verify(w, r, tok, linktoken.Search, lang)
		if !ok {
			return
		}
		v, err := h.svc.SearchTaskPage(r.Context(), app.TaskLinkOf(claims))
		if err != nil {
			h.failTask(w, r, lang, claims.Reference, err)
			return
		}
		h.renderTask(w, r, http.StatusOK, lang, tok, v, nil)
	case http.MethodPost:
		var p searchPost
		body, ok := h.decodeAll(w, r, lang, maxSearchBody, &p)
		if !ok {
			return
		}
		claims, ok := h.verify(w, r, p.Token, linktoken.Search, lang)
		if !ok {
			return
		}
		file, err := body.File("extract", accessresult.MaxExtractSize)
		if err != nil {
			h.fail(w, r, lang, claims.Reference, err)
			return
		}
		a := app.SearchAnswer{Result: request.SearchResult(p.Result), Note: p.Note, KeepGround: request.Ground(p.KeepGround),
			KeptUntil: p.KeptUntil, Backups: p.Backups, Extract: file, ExtractAs: body.FileName("extract")}
		v, err := h.svc.AnswerSearch(r.Context(), app.TaskLinkOf(claims), a)
		var verr *app.ValidationError
		switch {
		case errors.As(err, &verr) && !web.WantsJSON(r):
			pv, perr := h.svc.SearchTaskPage(r.Context(), app.TaskLinkOf(claims))
			if perr != nil {
				h.failTask(w, r, lang, claims.Reference, perr)
				return
			}
			h.renderTask(w, r, http.StatusBadRequest, lang, p.Token, pv, web.FieldErrors(verr.Fields, lang))
		case err != nil:
			h.failTask(w, r, lang, claims.Reference, err)
		case web.WantsJSON(r):
			h.web.JSON(w, http.StatusOK, web.SearchTaskJSON(v))
		default:
			h.redirect(w, r, NameSearchTask, url.Values{"token": {p.Token}}.Encode())
		}
	default:
		h.methodNotAllowed(w, r, "GET, HEAD, POST")
	}
}

func (h *Handlers) renderTask(w http.ResponseWriter, r *http.Request, code int, lang, tok string, v *app.SearchTaskView, errs []web.FieldError) {
	if web.WantsJSON(r) {
		h.web.JSON(w, code, web.SearchTaskJSON(v))
		return
	}
	h.web.HTML(w, r, code, "search_task", lang, web.NewSearchTaskPage(lang, tok, v, errs))
}

// failTask is fail with the task link's own words for a link that no longer works.
func (h *Handlers) failTask(w http.ResponseWriter, r *http.Request, lang, ref string, err error) {
	if errors.Is(err, app.ErrLinkRevoked) {
		h.log.WarnContext(r.Context(), "link refused", "purpose", string(linktoken.Search), "reference", ref)
		h.web.Problem(w, r, http.StatusForbidden, lang, "err.token.search", nil)
		return
	}
	h.fail(w, r, lang, ref, err)
}

// deskReportTasks answers the report's CSV with one row per search task (rows=tasks).
func (h *Handlers) deskReportTasks(w http.ResponseWriter, r *http.Request, lang string, from, to civil.Date) {
	tasks, err := h.svc.ReportTasks(r.Context(), from, to)
	if err != nil {
		h.fail(w, r, lang, "", err)
		return
	}
	var b bytes.Buffer
	if err := report.WriteTasksCSV(&b, tasks, h.svc.Now()); err != nil {
		h.fail(w, r, lang, "", err)
		return
	}
	h.download(w, "text/csv; charset=utf-8", "tasks-"+from.String()+"-"+to.String()+".csv", b.Bytes())
}

package handlers

import (
	"errors"
	"net/http"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/web"
)

// ConfirmRequest shows a confirm button (GET) and confirms the e-mail address (POST). The GET
// changes nothing, so a mail scanner that follows the link confirms nothing.
func (h *Handlers) ConfirmRequest(w http.ResponseWriter, r *http.Request) {
	lang := web.Lang(r)
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		tok := r.URL.Query().Get("token")
		claims, ok := h.verify(w, r, tok, linktoken.Confirm, lang)
		if !ok {
			return
		}
		h.web.HTML(w, r, http.StatusOK, "confirm", lang, map[string]string{"Token": tok, "Reference": claims.Reference})
	case http.MethodPost:
		var p tokenPost
		if _, ok := h.decodeAll(w, r, lang, maxFormBody, &p); !ok {
			return
		}
		claims, ok := h.verify(w, r, p.Token, linktoken.Confirm, lang)
		if !ok {
			return
		}
		c, err := h.svc.Confirm(r.Context(), claims.Reference)
		already := errors.Is(err, app.ErrAlreadyConfirmed)
		if err != nil && !already {
			h.fail(w, r, lang, claims.Reference, err)
			return
		}
		due := ""
		if !c.DueDate.IsZero() {
			due = c.DueDate.String()
		}
		if web.WantsJSON(r) {
			h.web.JSON(w, http.StatusOK, map[string]any{"reference": c.Reference, "status": c.Status, "dueDate": due, "alreadyConfirmed": already})
			return
		}
		h.web.HTML(w, r, http.StatusOK, "confirmed", lang, map[string]any{"Reference": c.Reference, "DueDate": web.Date(c.DueDate, lang), "Already": already})
	default:
		h.methodNotAllowed(w, r, "GET, HEAD, POST")
	}
}

// tokenPost is a post that carries only its link's token.
type tokenPost struct {
	Token string `json:"token"`
}

package handlers

import (
	"net/http"

	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/web"
)

// RequestStatus shows the requester where their case stands (docs/contract.md §3).
func (h *Handlers) RequestStatus(w http.ResponseWriter, r *http.Request) {
	lang := web.Lang(r)
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.methodNotAllowed(w, r, "GET, HEAD")
		return
	}
	claims, ok := h.verify(w, r, r.URL.Query().Get("token"), linktoken.Status, lang)
	if !ok {
		return
	}
	v, err := h.svc.Status(r.Context(), claims.Reference)
	switch {
	case err != nil:
		h.fail(w, r, lang, claims.Reference, err)
	case web.WantsJSON(r):
		h.web.JSON(w, http.StatusOK, v)
	default:
		h.web.HTML(w, r, http.StatusOK, "status", lang, web.NewStatusPage(lang, v))
	}
}

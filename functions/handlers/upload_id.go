package handlers

import (
	"net/http"

	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/web"
)

// UploadID takes a (masked) ID copy through the link in an id_requested or id_rejected letter.
func (h *Handlers) UploadID(w http.ResponseWriter, r *http.Request) {
	lang := web.Lang(r)
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		tok := r.URL.Query().Get("token")
		claims, ok := h.verify(w, r, tok, linktoken.Upload, lang)
		if !ok {
			return
		}
		h.web.HTML(w, r, http.StatusOK, "upload", lang, map[string]string{"Token": tok, "Reference": claims.Reference})
	case http.MethodPost:
		var p tokenPost
		body, ok := h.decodeAll(w, r, lang, maxMultipartBody, &p)
		if !ok {
			return
		}
		claims, ok := h.verify(w, r, p.Token, linktoken.Upload, lang)
		if !ok {
			return
		}
		upload, err := body.File("idDocument", maxMultipartBody) // the use case judges it
		if err != nil {
			h.fail(w, r, lang, claims.Reference, err)
			return
		}
		c, err := h.svc.UploadIdentity(r.Context(), claims.Reference, upload)
		switch {
		case err != nil:
			h.fail(w, r, lang, claims.Reference, err)
		case web.WantsJSON(r):
			h.web.JSON(w, http.StatusOK, map[string]string{"reference": c.Reference, "status": string(c.Status)})
		default:
			h.web.HTML(w, r, http.StatusOK, "message", lang, map[string]any{
				"Heading": web.T(lang, "upload.done.heading"), "Text": web.T(lang, "upload.done")})
		}
	default:
		h.methodNotAllowed(w, r, "GET, HEAD, POST")
	}
}

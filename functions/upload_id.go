package functions

import (
	"errors"
	"net/http"

	"github.com/privacyloket/privacyloket/shared/idcheck"
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
		p, ok := h.readPost(w, r, lang, maxMultipartBody)
		if !ok {
			return
		}
		claims, ok := h.verify(w, r, p.Get("token"), linktoken.Upload, lang)
		if !ok {
			return
		}
		data, err := p.file("idDocument", idcheck.MaxSize)
		if err != nil {
			h.web.Problem(w, r, http.StatusBadRequest, lang, "err.invalid", nil)
			return
		}
		if data == nil {
			h.web.Problem(w, r, http.StatusBadRequest, lang, "err.invalid",
				[]web.FieldError{{Field: "idDocument", Message: web.T(lang, "upload.missing")}})
			return
		}
		doc, err := idcheck.Inspect(data)
		var rej *idcheck.Rejection
		if errors.As(err, &rej) {
			code := http.StatusUnsupportedMediaType
			if rej.Code == "too_large" {
				code = http.StatusRequestEntityTooLarge
			}
			h.web.Problem(w, r, code, lang, "err.media_type", []web.FieldError{{Field: "idDocument", Message: rej.Message(lang)}})
			return
		}
		if err != nil {
			h.fail(w, r, lang, claims.Reference, err)
			return
		}
		c, err := h.svc.UploadIdentity(r.Context(), claims.Reference, doc)
		if err != nil {
			h.fail(w, r, lang, claims.Reference, err)
			return
		}
		if web.WantsJSON(r) {
			h.web.JSON(w, http.StatusOK, map[string]string{"reference": c.Reference, "status": string(c.Status)})
			return
		}
		h.web.HTML(w, r, http.StatusOK, "message", lang, map[string]any{
			"Heading": web.T(lang, "upload.done.heading"), "Text": web.T(lang, "upload.done")})
	default:
		h.methodNotAllowed(w, r, "GET, HEAD, POST")
	}
}

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
		// The page posts its token in the query too, so that a refused link costs no parsing of
		// the upload; a client that sends it only in the body has it checked before the file
		// is inspected.
		var early linktoken.Claims
		checkQuery := func() error {
			tok := r.URL.Query().Get("token")
			if tok == "" {
				return nil
			}
			c, err := h.signer.Verify(tok, linktoken.Upload, h.svc.Now())
			if err != nil {
				h.log.WarnContext(r.Context(), "link refused", "purpose", string(linktoken.Upload), "reason", err.Error())
				return errTokenRefused
			}
			early = c
			return nil
		}
		var p tokenPost
		body, ok := h.decodeAll(w, r, lang, maxMultipartBody, &p, checkQuery)
		if !ok {
			return
		}
		claims := early
		if claims.Reference == "" || p.Token != "" {
			if claims, ok = h.verify(w, r, p.Token, linktoken.Upload, lang); !ok {
				return
			}
			if early.Reference != "" && early.Reference != claims.Reference {
				h.web.Problem(w, r, http.StatusForbidden, lang, "err.token", nil)
				return
			}
		}
		upload, err := h.upload(body)
		if err != nil {
			h.fail(w, r, lang, claims.Reference, err)
			return
		}
		c, err := h.svc.UploadIdentity(r.Context(), claims.Reference, h.client(r), upload)
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

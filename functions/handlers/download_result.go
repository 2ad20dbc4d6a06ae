package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/web"
)

// DownloadResult shows a page about the access result with a download button (GET) and hands
// the requester the package, JSON and CSV in a ZIP, when the button posts the token (POST).
// The GET reads nothing and records nothing, so a mail scanner that follows the e-mail's link
// downloads no personal data and leaves no false "downloaded" in the audit trail; every POST
// is recorded there.
func (h *Handlers) DownloadResult(w http.ResponseWriter, r *http.Request) {
	lang := web.Lang(r)
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		tok := r.URL.Query().Get("token")
		c, ok := h.verifyDownload(w, r, tok, lang)
		if !ok {
			return
		}
		h.web.HTML(w, r, http.StatusOK, "download", lang, map[string]string{
			"Token": tok, "Reference": c.Reference, "Until": web.DateTime(c.ExpiresAt(), lang)})
	case http.MethodPost:
		var p tokenPost
		if _, ok := h.decodeAll(w, r, lang, maxFormBody, &p); !ok {
			return
		}
		c, ok := h.verifyDownload(w, r, p.Token, lang)
		if !ok {
			return
		}
		pkg, err := h.svc.DownloadResult(r.Context(), c.Reference)
		if errors.Is(err, app.ErrNotFound) {
			h.web.Problem(w, r, http.StatusGone, lang, "err.download_expired", nil)
			return
		}
		if err != nil {
			h.fail(w, r, lang, c.Reference, err)
			return
		}
		h.web.SecurityHeaders(w)
		w.Header().Set("Content-Type", "application/zip")
		w.Header().Set("Content-Disposition", `attachment; filename="`+c.Reference+`-gegevens.zip"`)
		w.Header().Set("Content-Length", strconv.Itoa(len(pkg)))
		w.Write(pkg)
	default:
		h.methodNotAllowed(w, r, "GET, HEAD, POST")
	}
}

// verifyDownload is verify with its own page for an expired link: the package is gone then.
func (h *Handlers) verifyDownload(w http.ResponseWriter, r *http.Request, tok, lang string) (linktoken.Claims, bool) {
	c, err := h.signer.Verify(tok, linktoken.Download, h.svc.Now())
	switch {
	case errors.Is(err, linktoken.ErrExpired):
		h.web.Problem(w, r, http.StatusForbidden, lang, "err.download_expired", nil)
		return c, false
	case err != nil:
		h.log.WarnContext(r.Context(), "link refused", "purpose", string(linktoken.Download), "reason", err.Error())
		h.web.Problem(w, r, http.StatusForbidden, lang, "err.token", nil)
		return c, false
	}
	return c, true
}

package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/web"
)

// DownloadResult hands the requester their access package (JSON and CSV in a ZIP) while the
// link is valid; every download is recorded in the case's audit trail.
func (h *Handlers) DownloadResult(w http.ResponseWriter, r *http.Request) {
	lang := web.Lang(r)
	if r.Method != http.MethodGet {
		h.methodNotAllowed(w, r, "GET")
		return
	}
	c, err := h.signer.Verify(r.URL.Query().Get("token"), linktoken.Download, h.svc.Now())
	if errors.Is(err, linktoken.ErrExpired) {
		h.web.Problem(w, r, http.StatusForbidden, lang, "err.download_expired", nil)
		return
	}
	if err != nil {
		h.web.Problem(w, r, http.StatusForbidden, lang, "err.token", nil)
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
}

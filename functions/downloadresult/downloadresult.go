// Package downloadresult is the function DownloadResult: a page about the access result with a
// download button (GET), and the package, JSON and CSV in a ZIP, when the button posts the
// token (POST). The GET shows only the names of the package's systems and files and records
// nothing, so a mail scanner that follows the e-mail's link gets no personal data and leaves
// no false "downloaded" in the audit trail; every POST is recorded there.
package downloadresult

import (
	"errors"
	"net/http"
	"strconv"

	_ "github.com/GoogleCloudPlatform/functions-framework-go/functions"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/fnkit"
	"github.com/privacyloket/privacyloket/shared/fnlist"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/web"
)

func init() { fnkit.HTTP(fnlist.DownloadResult, New) }

type download struct{ *fnkit.Kit }

// New is DownloadResult's handler.
func New(k *fnkit.Kit) http.HandlerFunc { return download{k}.serve }

func (d download) serve(w http.ResponseWriter, r *http.Request) {
	lang := web.Lang(r)
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		tok := r.URL.Query().Get("token")
		c, ok := d.verify(w, r, tok, lang)
		if !ok {
			return
		}
		// The page names the systems and files, never the data: a scanner may read it.
		// Without a list (no package, or it cannot be read) the page still has its button;
		// the POST says whether the package is there.
		contents, err := d.App.Intake.ResultContents(r.Context(), c.Reference)
		if err != nil && !errors.Is(err, app.ErrNotFound) {
			d.Log.WarnContext(r.Context(), "list access package", "reference", c.Reference, "error", err.Error())
		}
		d.Web.HTML(w, r, http.StatusOK, "download", lang,
			web.NewDownloadPage(lang, tok, c.Reference, web.DateTime(c.ExpiresAt(), lang), contents))
	case http.MethodPost:
		var p fnkit.TokenPost
		if _, ok := d.DecodeAll(w, r, lang, fnkit.MaxFormBody, &p); !ok {
			return
		}
		c, ok := d.verify(w, r, p.Token, lang)
		if !ok {
			return
		}
		pkg, err := d.App.Intake.DownloadResult(r.Context(), c.Reference)
		switch {
		case errors.Is(err, app.ErrNotFound):
			d.Web.Problem(w, r, http.StatusGone, lang, "err.download_expired", nil)
		case err != nil:
			d.Fail(w, r, lang, c.Reference, err)
		default:
			w.Header().Set("Content-Length", strconv.Itoa(len(pkg)))
			d.Download(w, "application/zip", c.Reference+"-gegevens.zip", pkg)
		}
	default:
		d.MethodNotAllowed(w, r, "GET, HEAD, POST")
	}
}

// verify is fnkit's Verify with its own page for an expired link: the package is gone then.
func (d download) verify(w http.ResponseWriter, r *http.Request, tok, lang string) (linktoken.Claims, bool) {
	c, err := d.App.VerifyLink(tok, linktoken.Download)
	switch {
	case errors.Is(err, linktoken.ErrExpired):
		d.Web.Problem(w, r, http.StatusForbidden, lang, "err.download_expired", nil)
		return c, false
	case err != nil:
		d.Log.WarnContext(r.Context(), "link refused", "purpose", string(linktoken.Download), "reason", err.Error())
		d.Web.Problem(w, r, http.StatusForbidden, lang, "err.token", nil)
		return c, false
	}
	return c, true
}

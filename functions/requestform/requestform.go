// Package requestform is the function RequestForm: the public form (GET) and its submission
// (POST), docs/contract.md §3. It is one of the two functions that inspect uploads.
package requestform

import (
	"net/http"
	"net/url"
	"strings"

	_ "github.com/GoogleCloudPlatform/functions-framework-go/functions"

	"github.com/privacyloket/privacyloket/shared/fnkit"
	"github.com/privacyloket/privacyloket/shared/fnlist"
	"github.com/privacyloket/privacyloket/shared/idcheck/inspect"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/web"
)

func init() {
	fnkit.HTTP(fnlist.RequestForm, New, fnkit.Inspector(inspect.InspectContext, inspect.InspectExtractContext))
}

type form struct{ *fnkit.Kit }

// New is RequestForm's handler.
func New(k *fnkit.Kit) http.HandlerFunc { return form{k}.serve }

func (f form) serve(w http.ResponseWriter, r *http.Request) {
	lang := web.Lang(r)
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		if r.URL.Query().Has("submitted") {
			f.Web.HTML(w, r, http.StatusOK, "thanks", lang, web.NewThanksPage(r))
			return
		}
		f.Web.HTML(w, r, http.StatusOK, "request_form", lang, web.NewFormView(lang, f.App.Profile(), request.Submission{}, nil))
	case http.MethodPost:
		f.submit(w, r, lang)
	default:
		f.MethodNotAllowed(w, r, "GET, HEAD, POST")
	}
}

func (f form) submit(w http.ResponseWriter, r *http.Request, lang string) {
	limit := int64(fnkit.MaxFormBody)
	if web.IsMultipart(r) {
		limit = fnkit.MaxMultipartBody
	}
	client := f.Client(r)
	var sub request.Submission
	// Origin, length and the client's rate limit before the body is read: a refused client
	// costs no parsing and no inspection of its upload.
	body, ok := f.Decode(w, r, lang, limit, &sub, func() error { return f.AdmitUpload(r, client) })
	if !ok {
		return
	}
	if sub.Lang == "en" {
		lang = "en"
	}
	upload, err := fnkit.Upload(body)
	if err != nil {
		f.Fail(w, r, lang, "", err)
		return
	}
	c, err := f.App.Intake.Submit(r.Context(), sub, client, upload, body.Invalid...)
	switch errs := fnkit.FormErrors(r, err, lang); {
	case errs != nil:
		// The form again, with every problem named (an upload is not looked at until the
		// fields are valid).
		f.Web.HTML(w, r, http.StatusBadRequest, "request_form", lang, web.NewFormView(lang, f.App.Profile(), sub, errs))
	case err != nil:
		f.Fail(w, r, lang, "", err)
	case web.WantsJSON(r):
		f.Web.JSON(w, http.StatusCreated, fnkit.CaseState{Reference: c.Reference, Status: c.Status})
	default:
		_, to := c.Recipient() // the thank-you page shows where the e-mail went
		http.SetCookie(w, web.SentCookie(c.Reference, to, strings.HasPrefix(f.App.BaseURL(), "https://")))
		q := url.Values{"submitted": {c.Reference}}
		if lang == "en" {
			q.Set("lang", "en")
		}
		f.Redirect(w, r, fnlist.RequestForm.Name, q.Encode())
	}
}

// Package uploadid is the function UploadID: a (masked) ID copy sent through the link in an
// id_requested or id_rejected letter. It is one of the two functions that inspect uploads.
package uploadid

import (
	"net/http"

	_ "github.com/GoogleCloudPlatform/functions-framework-go/functions"

	"github.com/privacyloket/privacyloket/shared/fnkit"
	"github.com/privacyloket/privacyloket/shared/fnlist"
	"github.com/privacyloket/privacyloket/shared/idcheck/inspect"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/web"
)

func init() {
	fnkit.HTTP(fnlist.UploadID, New, fnkit.Inspector(inspect.InspectContext, inspect.InspectExtractContext))
}

type upload struct{ *fnkit.Kit }

// New is UploadID's handler.
func New(k *fnkit.Kit) http.HandlerFunc { return upload{k}.serve }

func (u upload) serve(w http.ResponseWriter, r *http.Request) {
	lang := web.Lang(r)
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		tok := r.URL.Query().Get("token")
		claims, ok := u.Verify(w, r, tok, linktoken.Upload, lang)
		if !ok {
			return
		}
		u.Web.HTML(w, r, http.StatusOK, "upload", lang, map[string]string{"Token": tok, "Reference": claims.Reference})
	case http.MethodPost:
		u.post(w, r, lang)
	default:
		u.MethodNotAllowed(w, r, "GET, HEAD, POST")
	}
}

func (u upload) post(w http.ResponseWriter, r *http.Request, lang string) {
	// The page posts its token in the query too, checked before the upload is parsed; a client
	// that sends it only in the body has it checked before the file is inspected.
	var early linktoken.Claims
	var p fnkit.TokenPost
	body, ok := u.DecodeAll(w, r, lang, fnkit.MaxMultipartBody, &p, u.QueryToken(r, linktoken.Upload, &early))
	if !ok {
		return
	}
	claims := early
	if claims.Reference == "" || p.Token != "" {
		if claims, ok = u.Verify(w, r, p.Token, linktoken.Upload, lang); !ok {
			return
		}
		if early.Reference != "" && early.Reference != claims.Reference {
			u.Web.Problem(w, r, http.StatusForbidden, lang, "err.token", nil)
			return
		}
	}
	file, err := fnkit.Upload(body)
	if err != nil {
		u.Fail(w, r, lang, claims.Reference, err)
		return
	}
	c, err := u.App.Intake.UploadIdentity(r.Context(), claims.Reference, u.Client(r), file)
	switch {
	case err != nil:
		u.Fail(w, r, lang, claims.Reference, err)
	case web.WantsJSON(r):
		u.Web.JSON(w, http.StatusOK, fnkit.CaseState{Reference: c.Reference, Status: c.Status})
	default:
		u.Web.HTML(w, r, http.StatusOK, "message", lang, map[string]any{
			"Heading": web.T(lang, "upload.done.heading"), "Text": web.T(lang, "upload.done")})
	}
}

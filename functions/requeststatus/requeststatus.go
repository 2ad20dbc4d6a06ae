// Package requeststatus is the function RequestStatus: where the requester's case stands
// (docs/contract.md §3). It only reads.
package requeststatus

import (
	"net/http"

	_ "github.com/GoogleCloudPlatform/functions-framework-go/functions"

	"github.com/privacyloket/privacyloket/shared/fnkit"
	"github.com/privacyloket/privacyloket/shared/fnlist"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/web"
)

func init() { fnkit.HTTP(fnlist.RequestStatus, New) }

type status struct{ *fnkit.Kit }

// New is RequestStatus's handler.
func New(k *fnkit.Kit) http.HandlerFunc { return status{k}.serve }

func (s status) serve(w http.ResponseWriter, r *http.Request) {
	lang := web.Lang(r)
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		s.MethodNotAllowed(w, r, "GET, HEAD")
		return
	}
	claims, ok := s.Verify(w, r, r.URL.Query().Get("token"), linktoken.Status, lang)
	if !ok {
		return
	}
	v, err := s.App.Intake.Status(r.Context(), claims.Reference)
	switch {
	case err != nil:
		s.Fail(w, r, lang, claims.Reference, err)
	case web.WantsJSON(r):
		s.Web.JSON(w, http.StatusOK, v)
	default:
		s.Web.HTML(w, r, http.StatusOK, "status", lang, web.NewStatusPage(lang, v))
	}
}

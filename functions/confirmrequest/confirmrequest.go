// Package confirmrequest is the function ConfirmRequest: a confirm button (GET) and the
// confirmation of the e-mail address (POST). The GET changes nothing, so a mail scanner that
// follows the link confirms nothing.
package confirmrequest

import (
	"errors"
	"net/http"

	_ "github.com/GoogleCloudPlatform/functions-framework-go/functions"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/fnkit"
	"github.com/privacyloket/privacyloket/shared/fnlist"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/web"
)

func init() { fnkit.HTTP(fnlist.ConfirmRequest, New) }

// New is ConfirmRequest's handler.
func New(k *fnkit.Kit) http.HandlerFunc {
	return fnkit.LinkPage(k, k.For(linktoken.Confirm), fnkit.MaxFormBody,
		func(w http.ResponseWriter, r *http.Request, lang, tok string, c linktoken.Claims) {
			k.Web.HTML(w, r, http.StatusOK, "confirm", lang, map[string]string{"Token": tok, "Reference": c.Reference})
		},
		func(w http.ResponseWriter, r *http.Request, lang string, c linktoken.Claims, _ *fnkit.TokenPost, _ *web.Body) {
			cs, err := k.App.Intake.Confirm(r.Context(), c.Reference)
			already := errors.Is(err, app.ErrAlreadyConfirmed)
			if err != nil && !already {
				k.Fail(w, r, lang, c.Reference, err)
				return
			}
			if web.WantsJSON(r) {
				out := confirmed{Reference: cs.Reference, Status: cs.Status, AlreadyConfirmed: already}
				if !cs.DueDate.IsZero() {
					out.DueDate = cs.DueDate.String()
				}
				k.Web.JSON(w, http.StatusOK, out)
				return
			}
			k.Web.HTML(w, r, http.StatusOK, "confirmed", lang, map[string]any{"Reference": cs.Reference, "DueDate": web.DayDate(cs.DueDate, lang), "Already": already})
		})
}

// confirmed answers a JSON client.
type confirmed struct {
	Reference        string         `json:"reference"`
	Status           request.Status `json:"status"`
	DueDate          string         `json:"dueDate"` // "" until the clock runs
	AlreadyConfirmed bool           `json:"alreadyConfirmed"`
}

// Package confirmrequest is the function ConfirmRequest: a confirm button (GET) and the
// confirmation of the e-mail address (POST). The GET changes nothing, so a mail scanner that
// follows the link confirms nothing.
package confirmrequest

import (
	"errors"
	"net/http"

	// The buildpack generates a declarative main for a package that imports this.
	_ "github.com/GoogleCloudPlatform/functions-framework-go/functions"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/fnkit"
	"github.com/privacyloket/privacyloket/shared/fnlist"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/web"
)

func init() { fnkit.HTTP(fnlist.ConfirmRequest, New) }

type confirm struct{ *fnkit.Kit }

// New is ConfirmRequest's handler.
func New(k *fnkit.Kit) http.HandlerFunc { return confirm{k}.serve }

// confirmed answers a JSON client.
type confirmed struct {
	Reference        string         `json:"reference"`
	Status           request.Status `json:"status"`
	DueDate          string         `json:"dueDate"` // "" until the clock runs
	AlreadyConfirmed bool           `json:"alreadyConfirmed"`
}

func (c confirm) serve(w http.ResponseWriter, r *http.Request) {
	lang := web.Lang(r)
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		tok := r.URL.Query().Get("token")
		claims, ok := c.Verify(w, r, tok, linktoken.Confirm, lang)
		if !ok {
			return
		}
		c.Web.HTML(w, r, http.StatusOK, "confirm", lang, map[string]string{"Token": tok, "Reference": claims.Reference})
	case http.MethodPost:
		var p fnkit.TokenPost
		if _, ok := c.DecodeAll(w, r, lang, fnkit.MaxFormBody, &p); !ok {
			return
		}
		claims, ok := c.Verify(w, r, p.Token, linktoken.Confirm, lang)
		if !ok {
			return
		}
		cs, err := c.App.Intake.Confirm(r.Context(), claims.Reference)
		already := errors.Is(err, app.ErrAlreadyConfirmed)
		if err != nil && !already {
			c.Fail(w, r, lang, claims.Reference, err)
			return
		}
		if web.WantsJSON(r) {
			out := confirmed{Reference: cs.Reference, Status: cs.Status, AlreadyConfirmed: already}
			if !cs.DueDate.IsZero() {
				out.DueDate = cs.DueDate.String()
			}
			c.Web.JSON(w, http.StatusOK, out)
			return
		}
		c.Web.HTML(w, r, http.StatusOK, "confirmed", lang, map[string]any{"Reference": cs.Reference, "DueDate": web.DayDate(cs.DueDate, lang), "Already": already})
	default:
		c.MethodNotAllowed(w, r, "GET, HEAD, POST")
	}
}

// Package staffdesk is the function StaffDesk, the privacy desk (docs/contract.md §3 "The
// desk"). Without a session: the sign-in page (GET) and sign-in (POST email); a desk link shows
// a page with one button (GET ?token=) that opens a session (POST token). With a session (the
// desk_session cookie): the overview, the report, a letter to print and a case's export (GET),
// and the actions intake, posted, sign_out and sign_out_everywhere (POST, each with the
// session's form token). What each takes is shared/staffweb's.
package staffdesk

import (
	"net/http"

	_ "github.com/GoogleCloudPlatform/functions-framework-go/functions"

	"github.com/privacyloket/privacyloket/shared/fnkit"
	"github.com/privacyloket/privacyloket/shared/fnlist"
	"github.com/privacyloket/privacyloket/shared/staffweb"
	"github.com/privacyloket/privacyloket/shared/web"
)

func init() { fnkit.HTTP(fnlist.StaffDesk, New) }

type desk struct{ staffweb.Desk }

// New is StaffDesk's handler.
func New(k *fnkit.Kit) http.HandlerFunc { return desk{staffweb.Desk{Kit: k}}.serve }

func (d desk) serve(w http.ResponseWriter, r *http.Request) {
	lang := web.Lang(r)
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		q := r.URL.Query()
		if q.Has("token") {
			d.LinkPage(w, r, lang, q.Get("token"))
			return
		}
		u, _, ok := d.Session(w, r, lang)
		if !ok {
			return
		}
		if k := staffweb.UnknownParam(q); k != "" {
			d.Fail(w, r, lang, "", fnkit.Invalid(k))
			return
		}
		switch q.Get("view") {
		case "":
			d.Page(w, r, http.StatusOK, u, lang, nil)
		case "report":
			d.Report(w, r, lang)
		case "letter":
			d.Letter(w, r, u, lang)
		case "export":
			d.Export(w, r, u.Staff, lang)
		default:
			d.Fail(w, r, lang, "", fnkit.Invalid("view"))
		}
	case http.MethodPost:
		var p staffweb.DeskPost
		if _, ok := d.DecodeAll(w, r, lang, staffweb.MaxDeskBody, &p); !ok {
			return
		}
		switch {
		case p.Token != "" && p.Action != "":
			// A desk link opens a session and does nothing else.
			d.Fail(w, r, lang, "", fnkit.Invalid("token"))
		case p.Token != "":
			d.Open(w, r, lang, p)
		case p.Action == "":
			d.SignIn(w, r, lang, p.Email)
		default:
			d.Act(w, r, lang, p)
		}
	default:
		d.MethodNotAllowed(w, r, "GET, HEAD, POST")
	}
}

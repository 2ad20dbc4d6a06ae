package fnkit

import (
	"errors"
	"net/http"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/web"
)

// Verifier checks a link token the way a page needs it; when it answers false it has already
// written the refusal.
type Verifier func(w http.ResponseWriter, r *http.Request, token, lang string) (linktoken.Claims, bool)

// For is the Verifier of links with purpose p (Kit.Verify).
func (k *Kit) For(p linktoken.Purpose) Verifier {
	return func(w http.ResponseWriter, r *http.Request, token, lang string) (linktoken.Claims, bool) {
		return k.Verify(w, r, token, p, lang)
	}
}

// Tokened is a posted form that carries its link's token.
type Tokened interface{ LinkToken() string }

// LinkToken is the posted token.
func (p TokenPost) LinkToken() string { return p.Token }

// Show writes the page of a verified link.
type Show func(w http.ResponseWriter, r *http.Request, lang, token string, c linktoken.Claims)

// Act handles a verified post: p as decoded, body as read.
type Act[P any] func(w http.ResponseWriter, r *http.Request, lang string, c linktoken.Claims, p *P, body *web.Body)

// LinkPage is the handler of a page opened by a link: GET and HEAD verify the query's token and
// show the page (they change nothing, so a mail scanner that follows a link does nothing); POST
// decodes a body of at most limit bytes into a new P, verifies the token it carries and acts;
// any other method answers 405.
func LinkPage[P any, T interface {
	*P
	Tokened
}](k *Kit, verify Verifier, limit int64, show Show, act Act[P]) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		lang := web.Lang(r)
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			tok := r.URL.Query().Get("token")
			if c, ok := verify(w, r, tok, lang); ok {
				show(w, r, lang, tok, c)
			}
		case http.MethodPost:
			p := new(P)
			body, ok := k.DecodeAll(w, r, lang, limit, p)
			if !ok {
				return
			}
			if c, ok := verify(w, r, T(p).LinkToken(), lang); ok {
				act(w, r, lang, c, p, body)
			}
		default:
			k.MethodNotAllowed(w, r, "GET, HEAD, POST")
		}
	}
}

// FormErrors are the invalid fields of err for a page to show again, when err is a
// validation error and the client reads HTML; nil otherwise (Fail answers it).
func FormErrors(r *http.Request, err error, lang string) []web.FieldError {
	var verr *app.ValidationError
	if !errors.As(err, &verr) || web.WantsJSON(r) {
		return nil
	}
	return web.FieldErrors(verr.Fields, lang)
}

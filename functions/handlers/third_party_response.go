package handlers

import (
	"net/http"

	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/web"
)

// ThirdPartyResponse lets a consulted third party agree to disclosure or object (docs/rules.md §4).
// The page tells them the nature of the request only, never who asked.
func (h *Handlers) ThirdPartyResponse(w http.ResponseWriter, r *http.Request) {
	lang := web.Lang(r)
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		tok := r.URL.Query().Get("token")
		claims, ok := h.verify(w, r, tok, linktoken.ThirdParty, lang)
		if !ok {
			return
		}
		v, err := h.svc.StaffCase(r.Context(), claims.Reference)
		if err != nil {
			h.fail(w, r, lang, claims.Reference, err)
			return
		}
		h.web.HTML(w, r, http.StatusOK, "third_party", lang, web.NewThirdPartyPage(lang, tok, claims.Subject, v.Case))
	case http.MethodPost:
		var p struct {
			Token    string `json:"token"`
			Decision string `json:"decision"`
			Comment  string `json:"comment"`
		}
		if _, ok := h.decodeAll(w, r, lang, maxFormBody, &p); !ok {
			return
		}
		claims, ok := h.verify(w, r, p.Token, linktoken.ThirdParty, lang)
		if !ok {
			return
		}
		c, err := h.svc.ThirdPartyAnswer(r.Context(), claims.Reference, claims.Subject, p.Decision, p.Comment)
		if err != nil {
			h.fail(w, r, lang, claims.Reference, err)
			return
		}
		if web.WantsJSON(r) {
			h.web.JSON(w, http.StatusOK, map[string]any{"reference": c.Reference, "decision": c.ThirdParty.Answer})
			return
		}
		h.web.HTML(w, r, http.StatusOK, "message", lang, map[string]any{
			"Heading": web.T(lang, "tp.done.heading"), "Text": web.T(lang, "tp.done")})
	default:
		h.methodNotAllowed(w, r, "GET, HEAD, POST")
	}
}

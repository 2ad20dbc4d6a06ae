package handlers

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/idcheck"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/web"
)

// Body limits: a JSON or plain form request is small; multipart carries at most one ID copy.
const (
	maxFormBody      = 64 << 10
	maxMultipartBody = idcheck.MaxSize + 256<<10
)

// RequestForm serves the public form (GET) and takes a submission (POST), docs/contract.md §3.
func (h *Handlers) RequestForm(w http.ResponseWriter, r *http.Request) {
	lang := web.Lang(r)
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		if ref, ok := r.URL.Query()["submitted"]; ok {
			// Only a reference is shown as "your reference": the query is anyone's to write.
			shown := ""
			if len(ref) > 0 && web.IsReference(ref[0]) {
				shown = ref[0]
			}
			h.web.HTML(w, r, http.StatusOK, "thanks", lang, map[string]string{"Reference": shown})
			return
		}
		h.web.HTML(w, r, http.StatusOK, "request_form", lang, web.NewFormView(lang, h.svc.Profile, request.Submission{}, nil))
	case http.MethodPost:
		h.submit(w, r, lang)
	default:
		h.methodNotAllowed(w, r, "GET, HEAD, POST")
	}
}

func (h *Handlers) submit(w http.ResponseWriter, r *http.Request, lang string) {
	limit := int64(maxFormBody)
	if web.IsMultipart(r) {
		limit = maxMultipartBody
	}
	client := h.client(r)
	var sub request.Submission
	// Origin, length and the client's rate limit before the body is read: a refused client
	// costs no parsing and no inspection of its upload.
	body, ok := h.decode(w, r, lang, limit, &sub, func() error { return h.admitClient(r, client) })
	if !ok {
		return
	}
	if sub.Lang == "en" {
		lang = "en"
	}
	upload, err := h.upload(body)
	if err != nil {
		h.fail(w, r, lang, "", err)
		return
	}
	c, err := h.svc.Submit(r.Context(), sub, client, upload, body.Invalid...)
	var verr *app.ValidationError
	switch {
	case errors.As(err, &verr) && !web.WantsJSON(r):
		// The form again, with every problem named (an upload is not looked at until the
		// fields are valid).
		h.web.HTML(w, r, http.StatusBadRequest, "request_form", lang, web.NewFormView(lang, h.svc.Profile, sub, web.FieldErrors(verr.Fields, lang)))
	case err != nil:
		h.fail(w, r, lang, "", err)
	case web.WantsJSON(r):
		h.web.JSON(w, http.StatusCreated, map[string]string{"reference": c.Reference, "status": string(c.Status)})
	default:
		q := url.Values{"submitted": {c.Reference}}
		if lang == "en" {
			q.Set("lang", "en")
		}
		h.redirect(w, r, NameRequestForm, q.Encode())
	}
}

// admitClient asks the app whether the client may submit at all, where the app can say so
// before the submission is read: for a body that may carry an ID copy worth sparing. A body of
// declared length no larger than a plain form costs nothing to read, and Submit counts any file
// in it against the same limit before inspecting it (docs/contract.md §3), so that one costs no
// read of its own here.
func (h *Handlers) admitClient(r *http.Request, cl app.Client) error {
	if h.admit == nil || (r.ContentLength >= 0 && r.ContentLength <= maxFormBody) {
		return nil
	}
	return h.admit.Admit(r.Context(), cl)
}

// upload returns the idDocument part: nil when there is none, a *idcheck.Rejection (415) for a
// part that names a file but holds no bytes.
func (h *Handlers) upload(body *web.Body) ([]byte, error) {
	data, err := body.File("idDocument", maxMultipartBody) // idcheck judges the size
	if err != nil {
		return nil, err
	}
	if data != nil && len(data) == 0 {
		return nil, &idcheck.Rejection{Code: idcheck.CodeEmpty}
	}
	return data, nil
}

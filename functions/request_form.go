package functions

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/deadline"
	"github.com/privacyloket/privacyloket/shared/idcheck"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/web"
)

// Body limits: a JSON or plain form request is small; multipart carries at most one ID copy.
const (
	maxJSONBody      = 64 << 10
	maxMultipartBody = idcheck.MaxSize + 256<<10
)

// RequestForm serves the public form (GET) and takes a submission (POST), CONTRACT.md §3.
func (h *Handlers) RequestForm(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		lang := web.Lang(r)
		if ref := r.URL.Query().Get("submitted"); ref != "" {
			h.web.HTML(w, r, http.StatusOK, "thanks", lang, map[string]string{"Reference": ref})
			return
		}
		h.web.HTML(w, r, http.StatusOK, "request_form", lang, newFormView(lang, request.Submission{}, nil))
	case http.MethodPost:
		h.submit(w, r)
	default:
		h.methodNotAllowed(w, r, "GET, HEAD, POST")
	}
}

func (h *Handlers) submit(w http.ResponseWriter, r *http.Request) {
	lang := web.Lang(r)
	sub, upload, decodeErrs, code := h.decodeSubmission(w, r)
	if sub.Lang == "en" {
		lang = "en"
	}
	switch code {
	case http.StatusRequestEntityTooLarge:
		h.web.Problem(w, r, code, lang, "err.too_large", nil)
		return
	case http.StatusUnsupportedMediaType:
		h.web.Problem(w, r, code, lang, "err.media_type", nil)
		return
	}

	var doc *idcheck.Document
	var fileErr *web.FieldError
	fileCode := 0
	if upload != nil {
		d, err := idcheck.Inspect(upload)
		var rej *idcheck.Rejection
		switch {
		case errors.As(err, &rej):
			fileErr = &web.FieldError{Field: "idDocument", Message: rej.Message(lang)}
			fileCode = http.StatusUnsupportedMediaType
			if rej.Code == "too_large" {
				fileCode = http.StatusRequestEntityTooLarge
			}
		case err != nil:
			h.fail(w, r, lang, "", err)
			return
		default:
			doc = d
		}
	}

	if !web.SameOrigin(r) {
		h.web.Problem(w, r, http.StatusForbidden, lang, "err.cross_site", nil)
		return
	}
	// Validation runs even when decoding found problems, so every field is named at once.
	_, verrs := sub.Validate(deadline.DateIn(h.svc.Now()))
	fields := mergeFieldErrors(decodeErrs, verrs)
	if len(fields) > 0 {
		out := webErrors(fields, lang)
		if fileErr != nil {
			out = append(out, *fileErr)
		}
		h.invalid(w, r, lang, sub, out)
		return
	}
	if fileErr != nil {
		h.web.Problem(w, r, fileCode, lang, "err.media_type", []web.FieldError{*fileErr})
		return
	}

	c, err := h.svc.Submit(r.Context(), sub, app.Client{IP: web.ClientIP(r, h.ipHdr)}, doc)
	var verr *app.ValidationError
	var rl *app.RateLimitedError
	switch {
	case errors.As(err, &verr):
		h.invalid(w, r, lang, sub, webErrors(verr.Fields, lang))
		return
	case errors.As(err, &rl):
		w.Header().Set("Retry-After", itoa(int(rl.RetryAfter/time.Second)+1))
		h.web.Problem(w, r, http.StatusTooManyRequests, lang, "err.rate", nil)
		return
	case err != nil:
		h.fail(w, r, lang, "", err)
		return
	}
	if web.WantsJSON(r) {
		h.web.JSON(w, http.StatusCreated, map[string]string{"reference": c.Reference, "status": string(c.Status)})
		return
	}
	q := url.Values{"submitted": {c.Reference}}
	if lang == "en" {
		q.Set("lang", "en")
	}
	h.web.SecurityHeaders(w)
	http.Redirect(w, r, "/"+NameRequestForm+"?"+q.Encode(), http.StatusSeeOther)
}

func (h *Handlers) invalid(w http.ResponseWriter, r *http.Request, lang string, sub request.Submission, errs []web.FieldError) {
	if web.WantsJSON(r) {
		h.web.JSON(w, http.StatusBadRequest, map[string]any{"errors": errs})
		return
	}
	h.web.HTML(w, r, http.StatusBadRequest, "request_form", lang, newFormView(lang, sub, errs))
}

func webErrors(fs []request.FieldError, lang string) []web.FieldError {
	out := make([]web.FieldError, len(fs))
	for i, f := range fs {
		out[i] = web.FieldError{Field: f.Field, Message: f.Message(lang)}
	}
	return out
}

// mergeFieldErrors keeps one error per field, decoding errors first.
func mergeFieldErrors(a, b []request.FieldError) []request.FieldError {
	seen := map[string]bool{}
	var out []request.FieldError
	for _, f := range append(a, b...) {
		if !seen[f.Field] {
			seen[f.Field] = true
			out = append(out, f)
		}
	}
	return out
}

// decodeSubmission reads JSON, multipart or URL-encoded bodies. It returns the fields that had
// the wrong JSON type as errors, and a status code for a body that cannot be read at all.
func (h *Handlers) decodeSubmission(w http.ResponseWriter, r *http.Request) (request.Submission, []byte, []request.FieldError, int) {
	var sub request.Submission
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return sub, nil, nil, http.StatusUnsupportedMediaType
	}
	switch mt {
	case "application/json":
		r.Body = http.MaxBytesReader(w, r.Body, maxJSONBody)
		raw, err := io.ReadAll(r.Body)
		if err != nil {
			return sub, nil, nil, tooLargeOr(err, http.StatusBadRequest)
		}
		s, errs, ok := decodeJSON(raw)
		if !ok {
			return sub, nil, []request.FieldError{{Field: "body", Code: "invalid"}}, 0
		}
		return s, nil, errs, 0
	case "multipart/form-data":
		r.Body = http.MaxBytesReader(w, r.Body, maxMultipartBody)
		if err := r.ParseMultipartForm(maxMultipartBody); err != nil { // in memory: an ID copy never touches the disk
			return sub, nil, nil, tooLargeOr(err, http.StatusBadRequest)
		}
		defer r.MultipartForm.RemoveAll()
		sub = fromForm(r.MultipartForm.Value)
		var upload []byte
		if fhs := r.MultipartForm.File["idDocument"]; len(fhs) > 0 && fhs[0].Size > 0 {
			if upload, err = readPart(fhs[0]); err != nil {
				return sub, nil, nil, http.StatusBadRequest
			}
		}
		return sub, upload, nil, 0
	case "application/x-www-form-urlencoded":
		r.Body = http.MaxBytesReader(w, r.Body, maxJSONBody)
		if err := r.ParseForm(); err != nil {
			return sub, nil, nil, tooLargeOr(err, http.StatusBadRequest)
		}
		return fromForm(r.PostForm), nil, nil, 0
	default:
		return sub, nil, nil, http.StatusUnsupportedMediaType
	}
}

func readPart(fh *multipart.FileHeader) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// One byte over the limit is enough for Inspect to say "too large".
	return io.ReadAll(io.LimitReader(f, idcheck.MaxSize+1))
}

func tooLargeOr(err error, code int) int {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) || strings.Contains(err.Error(), "too large") {
		return http.StatusRequestEntityTooLarge
	}
	return code
}

// decodeJSON decodes field by field, so one field of the wrong type does not hide the others.
func decodeJSON(raw []byte) (request.Submission, []request.FieldError, bool) {
	var sub request.Submission
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return sub, nil, false
	}
	var errs []request.FieldError
	str := func(name string, dst *string) {
		if v, ok := m[name]; ok && string(v) != "null" {
			if json.Unmarshal(v, dst) != nil {
				errs = append(errs, request.FieldError{Field: name, Code: "invalid"})
			}
		}
	}
	for name, dst := range map[string]*string{
		"type": &sub.Type, "name": &sub.Name, "email": &sub.Email, "birthDate": &sub.BirthDate,
		"phone": &sub.Phone, "address": &sub.Address, "relation": &sub.Relation, "details": &sub.Details,
		"proposedChanges": &sub.ProposedChanges, "motivation": &sub.Motivation, "signature": &sub.Signature,
		"lang": &sub.Lang, "website": &sub.Website,
	} {
		str(name, dst)
	}
	if v, ok := m["declaration"]; ok {
		var b bool
		var s string
		switch {
		case json.Unmarshal(v, &b) == nil:
			sub.Declaration = b
		case json.Unmarshal(v, &s) == nil:
			sub.Declaration = s == "true" || s == "on"
		}
	}
	if v, ok := m["representative"]; ok && string(v) != "null" {
		var rep request.RepresentativeInput
		if json.Unmarshal(v, &rep) != nil {
			errs = append(errs, request.FieldError{Field: "representative", Code: "invalid"})
		} else {
			sub.Representative = &rep
		}
	}
	return sub, errs, true
}

func fromForm(v url.Values) request.Submission {
	g := func(k string) string { return v.Get(k) }
	s := request.Submission{
		Type: g("type"), Name: g("name"), Email: g("email"), BirthDate: g("birthDate"), Phone: g("phone"),
		Address: g("address"), Relation: g("relation"), Details: g("details"), ProposedChanges: g("proposedChanges"),
		Motivation: g("motivation"), Signature: g("signature"), Lang: g("lang"), Website: g("website"),
		Declaration: g("declaration") == "true" || g("declaration") == "on",
	}
	if g("representative.name") != "" || g("representative.email") != "" || g("representative.capacity") != "" {
		s.Representative = &request.RepresentativeInput{Name: g("representative.name"),
			Email: g("representative.email"), Capacity: g("representative.capacity")}
	}
	return s
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

package fnkit

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/idcheck"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/web"
)

// Body limits: a JSON or plain form request is small; multipart carries at most one ID copy.
const (
	MaxFormBody      = 64 << 10
	MaxMultipartBody = idcheck.MaxSize + 256<<10
)

// TokenPost is a post that carries only its link's token.
type TokenPost struct {
	Token string `json:"token"`
}

// CaseState answers a JSON client what became of its case.
type CaseState struct {
	Reference string         `json:"reference"`
	Status    request.Status `json:"status"`
}

// ErrTokenRefused is a link token that did not verify, found by a check that runs before the
// body is read; Fail answers it like Verify does.
var ErrTokenRefused = errors.New("link refused")

// Client is who sends r, as far as rate limits need to know: the address per
// TRUSTED_PROXY_HOPS, an IPv6 address as its /64.
func (k *Kit) Client(r *http.Request) app.Client {
	return app.Client{IP: web.LimitKeyAddr(web.ClientAddr(r, k.Options.TrustedProxyHops))}
}

// Verify checks a link token and answers 403 with a page that says what to do when it fails.
func (k *Kit) Verify(w http.ResponseWriter, r *http.Request, token string, p linktoken.Purpose, lang string) (linktoken.Claims, bool) {
	c, err := k.App.VerifyLink(token, p)
	if err != nil {
		k.Log.WarnContext(r.Context(), "link refused", "purpose", string(p), "reason", err.Error())
		key := "err.token"
		if p == linktoken.Staff || p == linktoken.Desk {
			key = "err.token.staff" // staff get a fresh link from the desk, not from a letter
		}
		k.Web.Problem(w, r, http.StatusForbidden, lang, key, nil)
		return c, false
	}
	return c, true
}

// QueryToken is a check for Decode: a link token in the query, as a page posts it, is verified
// before the body is read, so that a refused link costs no parsing of an upload. A verified
// token's claims go to into; no token in the query is no refusal (the body may carry it).
func (k *Kit) QueryToken(r *http.Request, p linktoken.Purpose, into *linktoken.Claims) func() error {
	return func() error {
		tok := r.URL.Query().Get("token")
		if tok == "" {
			return nil
		}
		c, err := k.App.VerifyLink(tok, p)
		if err != nil {
			k.Log.WarnContext(r.Context(), "link refused", "purpose", string(p), "reason", err.Error())
			return ErrTokenRefused
		}
		*into = c
		return nil
	}
}

// Decode runs the cheap checks first: it refuses a cross-site browser post and a body that
// declares more than limit bytes, then runs each of before (a rate limit, a token in the
// query); only then does it read the body into dst. On failure it has answered already.
func (k *Kit) Decode(w http.ResponseWriter, r *http.Request, lang string, limit int64, dst any, before ...func() error) (*web.Body, bool) {
	if !web.SameOrigin(r) {
		k.Web.Problem(w, r, http.StatusForbidden, lang, "err.cross_site", nil)
		return nil, false
	}
	if r.ContentLength > limit {
		k.Fail(w, r, lang, "", &web.BodyError{Status: http.StatusRequestEntityTooLarge, Key: "err.too_large"})
		return nil, false
	}
	for _, check := range before {
		if err := check(); err != nil {
			k.Fail(w, r, lang, "", err)
			return nil, false
		}
	}
	b, err := web.Decode(w, r, limit, dst)
	if err != nil {
		k.Fail(w, r, lang, "", err)
		return nil, false
	}
	return b, true
}

// DecodeAll is Decode for a body whose every field must decode: a field of the wrong type
// answers 400 naming it.
func (k *Kit) DecodeAll(w http.ResponseWriter, r *http.Request, lang string, limit int64, dst any, before ...func() error) (*web.Body, bool) {
	b, ok := k.Decode(w, r, lang, limit, dst, before...)
	if ok && len(b.Invalid) > 0 {
		fields := make([]request.FieldError, len(b.Invalid))
		for i, f := range b.Invalid {
			fields[i] = request.FieldError{Field: f, Code: "invalid"}
		}
		k.Fail(w, r, lang, "", &app.ValidationError{Fields: fields})
		return nil, false
	}
	return b, ok
}

// Invalid is the *app.ValidationError that names fields as invalid.
func Invalid(fields ...string) error {
	errs := make([]request.FieldError, len(fields))
	for i, f := range fields {
		errs[i] = request.FieldError{Field: f, Code: "invalid"}
	}
	return &app.ValidationError{Fields: errs}
}

// Upload returns the idDocument part of body: nil when there is none, a *idcheck.Rejection
// (415) for a part that names a file but holds no bytes.
func Upload(body *web.Body) ([]byte, error) {
	data, err := body.File("idDocument", MaxMultipartBody) // the inspector judges the size
	if err != nil {
		return nil, err
	}
	if data != nil && len(data) == 0 {
		return nil, &idcheck.Rejection{Code: idcheck.CodeEmpty}
	}
	return data, nil
}

// Fail maps an error to a stable answer; internal causes are logged, not shown. ref names the
// case in the log line, where there is one.
func (k *Kit) Fail(w http.ResponseWriter, r *http.Request, lang, ref string, err error) {
	var be *web.BodyError
	var verr *app.ValidationError
	var rej *idcheck.Rejection
	var rl *app.RateLimitedError
	var na *app.NotAllowedError
	switch {
	case errors.As(err, &be):
		k.Web.Problem(w, r, be.Status, lang, be.Key, be.Fields)
	case errors.Is(err, app.ErrLinkRevoked):
		k.Web.Problem(w, r, http.StatusForbidden, lang, "err.token.staff", nil)
	case errors.Is(err, ErrTokenRefused):
		k.Web.Problem(w, r, http.StatusForbidden, lang, "err.token", nil)
	case errors.As(err, &verr):
		// A file is inspected only once every other field is valid, so a refused form never
		// carries a verdict on its file as well.
		k.Web.Invalid(w, r, lang, web.FieldErrors(verr.Fields, lang))
	case errors.As(err, &rej):
		k.Web.Problem(w, r, rej.HTTPStatus(), lang, "err.media_type", []web.FieldError{{Field: "idDocument", Message: rej.Message(lang)}})
	case errors.Is(err, idcheck.ErrBusy):
		// The instance's inspection budget is full: the upload was not judged, so nothing was
		// stored; the tenant sends it again in a moment.
		w.Header().Set("Retry-After", "2")
		k.Web.Problem(w, r, http.StatusServiceUnavailable, lang, "err.busy", nil)
	case errors.As(err, &rl):
		w.Header().Set("Retry-After", strconv.Itoa(int(rl.RetryAfter/time.Second)+1))
		k.Web.Problem(w, r, http.StatusTooManyRequests, lang, "err.rate", nil)
	case errors.As(err, &na):
		k.Web.Problem(w, r, http.StatusConflict, lang, "err.conflict."+na.Reason, nil)
	case errors.Is(err, app.ErrNotFound):
		k.Web.Problem(w, r, http.StatusNotFound, lang, "err.not_found", nil)
	case errors.Is(err, app.ErrNotAllowed):
		k.Web.Problem(w, r, http.StatusConflict, lang, "err.conflict", nil)
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		k.Log.ErrorContext(r.Context(), "request timed out", "reference", ref, "error", err)
		w.Header().Set("Retry-After", "30")
		k.Web.Problem(w, r, http.StatusServiceUnavailable, lang, "err.unavailable", nil)
	default:
		k.Log.ErrorContext(r.Context(), "request failed", "reference", ref, "error", err)
		k.Web.Problem(w, r, http.StatusInternalServerError, lang, "err.internal", nil)
	}
}

// MethodNotAllowed answers 405 with the allowed methods.
func (k *Kit) MethodNotAllowed(w http.ResponseWriter, r *http.Request, allow string) {
	w.Header().Set("Allow", allow)
	k.Web.Problem(w, r, http.StatusMethodNotAllowed, web.Lang(r), "err.method", nil)
}

// Redirect answers 303 to one of the functions (post/redirect/get), with the security headers.
func (k *Kit) Redirect(w http.ResponseWriter, r *http.Request, function, query string) {
	k.Web.SecurityHeaders(w)
	http.Redirect(w, r, "/"+function+"?"+query, http.StatusSeeOther)
}

// Download answers a file to save.
func (k *Kit) Download(w http.ResponseWriter, kind, name string, data []byte) {
	k.Web.SecurityHeaders(w)
	w.Header().Set("Content-Type", kind)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.WriteHeader(http.StatusOK)
	w.Write(data)
}

// AdmitUpload asks whether the client may submit at all, where that can be said before the
// submission is read: for a body that may carry an ID copy worth sparing. A body of declared
// length no larger than a plain form costs nothing to read, and Submit counts any file in it
// against the same limit before inspecting it (docs/contract.md §3), so that one costs no read
// of its own here.
func (k *Kit) AdmitUpload(r *http.Request, cl app.Client) error {
	if r.ContentLength >= 0 && r.ContentLength <= MaxFormBody {
		return nil
	}
	return k.App.Intake.Admit(r.Context(), cl)
}

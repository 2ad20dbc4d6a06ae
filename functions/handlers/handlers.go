// Package handlers holds every Privacyloket function. Each function has its own thin file that
// decodes the request or event, calls one use case of shared/app and renders the answer with
// shared/web. Package functions registers them for deployment; scripts/dev serves them all at
// /<Name> in one process.
package handlers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/GoogleCloudPlatform/functions-framework-go/functions"
	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/config"
	"github.com/privacyloket/privacyloket/shared/deadline"
	"github.com/privacyloket/privacyloket/shared/firestoredb"
	"github.com/privacyloket/privacyloket/shared/idcheck"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/logging"
	"github.com/privacyloket/privacyloket/shared/policy"
	"github.com/privacyloket/privacyloket/shared/pubsubqueue"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/sendgridmail"
	"github.com/privacyloket/privacyloket/shared/web"
)

// Names of the HTTP and event functions, as deployed (Terraform) and served locally.
const (
	NameRequestForm    = "RequestForm"
	NameConfirmRequest = "ConfirmRequest"
	NameUploadID       = "UploadID"
	NameRequestStatus  = "RequestStatus"
	NameStaffCase      = "StaffCase"
	NameThirdParty     = "ThirdPartyResponse"
	NameDownloadResult = "DownloadResult"
	NameSendMail       = "SendMail"
	NameTick           = "Tick"
)

// Handlers holds what every function of one instance shares.
type Handlers struct {
	svc    *app.Service
	web    *web.Renderer
	signer *linktoken.Signer
	log    *slog.Logger
	opts   Options
	// admit, when set, is asked whether a client may submit at all before its upload is parsed
	// or inspected (see admitter).
	admit admitter
}

// Options are the deployment's choices the handlers follow (docs/contract.md §2).
type Options struct {
	// TrustedProxyHops is TRUSTED_PROXY_HOPS: how many proxies append to X-Forwarded-For
	// (web.ClientAddr).
	TrustedProxyHops int
	// AllowTickNow is ALLOW_TICK_NOW: a tick's {"now": ...} sets the sweep's time. Off, a tick
	// sweeps as of its publish time whatever it carries.
	AllowTickNow bool
	// DeskSignInFloor is the least time a desk sign-in takes to answer, whether or not the
	// address is staff (only for staff is a letter written), so that the answer's timing does
	// not tell them apart. Zero: DefaultDeskSignInFloor.
	DeskSignInFloor time.Duration
}

// DefaultDeskSignInFloor comfortably exceeds a Firestore write and a publish.
const DefaultDeskSignInFloor = 500 * time.Millisecond

// admitter is the cheap check of a submission's rate limits that runs before its upload is
// parsed or inspected, so that a limited client costs no decoding. *app.Service provides it
// once it has the method; until then the limits are counted only when the case is stored.
type admitter interface {
	Admit(ctx context.Context, cl app.Client) error
}

// New builds Handlers from a service and its collaborators.
func New(svc *app.Service, r *web.Renderer, log *slog.Logger, o Options) (*Handlers, error) {
	if svc == nil || r == nil || log == nil {
		return nil, errors.New("handlers: service, renderer and logger are required")
	}
	if o.TrustedProxyHops < 0 {
		return nil, errors.New("handlers: TrustedProxyHops must not be negative")
	}
	if o.DeskSignInFloor <= 0 {
		o.DeskSignInFloor = DefaultDeskSignInFloor
	}
	h := &Handlers{svc: svc, web: r, signer: svc.Signer, log: log, opts: o}
	if a, ok := any(svc).(admitter); ok {
		h.admit = a
	}
	// docs/rules.md §3: a due date in a year without decree-day data counts fewer free days.
	if w := svc.CheckDecreeData(svc.Now()); w != "" {
		log.Warn(w)
	}
	return h, nil
}

// client is who sends r, as far as rate limits need to know: the address per
// TRUSTED_PROXY_HOPS, an IPv6 address as its /64.
func (h *Handlers) client(r *http.Request) app.Client {
	return app.Client{IP: web.LimitKeyAddr(web.ClientAddr(r, h.opts.TrustedProxyHops))}
}

// Definition describes one deployed function: HTTP when Topic is empty, else triggered by
// messages on Topic. Terraform declares exactly these (terraform tests cross-check).
type Definition struct {
	Name   string
	Topic  string
	Public bool // invocable by anyone (the pages and their forms); links carry the authority
}

// Definitions lists every function of the product.
var Definitions = []Definition{
	{Name: NameRequestForm, Public: true},
	{Name: NameConfirmRequest, Public: true},
	{Name: NameUploadID, Public: true},
	{Name: NameRequestStatus, Public: true},
	{Name: NameStaffCase, Public: true},
	{Name: NameThirdParty, Public: true},
	{Name: NameDownloadResult, Public: true},
	{Name: NameStaffDesk, Public: true},
	{Name: NameSendMail, Topic: app.TopicMail},
	{Name: NameTick, Topic: app.TopicTicks},
}

// HTTPHandler returns the HTTP function called name, or nil.
func (h *Handlers) HTTPHandler(name string) http.HandlerFunc {
	fn := map[string]http.HandlerFunc{
		NameRequestForm:    h.RequestForm,
		NameConfirmRequest: h.ConfirmRequest,
		NameUploadID:       h.UploadID,
		NameRequestStatus:  h.RequestStatus,
		NameStaffCase:      h.StaffCase,
		NameThirdParty:     h.ThirdPartyResponse,
		NameDownloadResult: h.DownloadResult,
		NameStaffDesk:      h.StaffDesk,
	}[name]
	if fn == nil {
		return nil
	}
	return h.wrap(fn)
}

// EventHandler returns the event function called name, or nil.
func (h *Handlers) EventHandler(name string) func(context.Context, event.Event) error {
	return map[string]func(context.Context, event.Event) error{
		NameSendMail: h.SendMail,
		NameTick:     h.Tick,
	}[name]
}

// Register registers every function with the framework.
func (h *Handlers) Register() {
	for _, d := range Definitions {
		if d.Topic == "" {
			functions.HTTP(d.Name, h.HTTPHandler(d.Name))
		} else {
			functions.CloudEvent(d.Name, h.EventHandler(d.Name))
		}
	}
}

// wrap adds the trace id to the request context.
func (h *Handlers) wrap(fn http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		fn(w, r.WithContext(logging.WithTrace(r)))
	}
}

// FromEnv builds every dependency once per instance from the environment. Its error is one
// line naming every bad variable (docs/contract.md §2): the platform makes a log entry of each
// line a failed start-up writes.
func FromEnv(ctx context.Context) (*Handlers, error) {
	h, err := fromEnv(ctx)
	if err != nil {
		return nil, oneLine{err}
	}
	return h, nil
}

// oneLine is an error whose text is err's, its lines joined with "; ".
type oneLine struct{ err error }

func (o oneLine) Error() string {
	lines := strings.FieldsFunc(o.err.Error(), func(r rune) bool { return r == '\n' || r == '\r' })
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return strings.ReplaceAll(strings.Join(lines, "; "), ":; ", ": ")
}

func (o oneLine) Unwrap() error { return o.err }

func fromEnv(ctx context.Context) (*Handlers, error) {
	cfg, err := config.Load(ctx)
	if err != nil {
		return nil, err
	}
	log := logging.New(os.Stdout, cfg.Project)
	slog.SetDefault(log)
	prof, err := policy.Load(cfg.OrgProfile)
	if err == nil && !cfg.AllowPlaceholderProfile {
		err = prof.CheckPlaceholders()
	}
	if err != nil {
		return nil, fmt.Errorf("ORG_PROFILE: %w", err)
	}
	// The Firestore and Pub/Sub clients are made on first use: an instance's first answer (a
	// form page, a refused link) needs neither, and a cold start need not wait for them.
	store, err := firestoredb.Dial(cfg.Project)
	if err != nil {
		return nil, err
	}
	pub, err := pubsubqueue.Dial(cfg.Project)
	if err != nil {
		return nil, err
	}
	deps := app.Deps{
		Cases: store, Outbox: store, Blobs: store, Sessions: store, Publisher: pub, Profile: prof, Calendar: deadline.NewCalendar(),
		BaseURL: cfg.PublicBaseURL, Staff: cfg.Staff(), Logger: log,
		RateLimitPerIP: cfg.RateLimitPerIP, RateLimitPerEmail: cfg.RateLimitPerMail,
	}
	if cfg.SendGridKey != "" {
		if deps.Mailer, err = sendgridmail.New(cfg.SendGridKey, cfg.SendGridHost); err != nil {
			return nil, err
		}
	}
	if k := cfg.LinkKey(); len(k) > 0 {
		// The current key makes links; previous keys (rotation) still open the links they made.
		if deps.Signer, err = linktoken.NewKeyring(k, cfg.PreviousLinkKeys()...); err != nil {
			return nil, fmt.Errorf("%s: %w", config.SecretLinkSigningKey, err)
		}
	}
	// Pseudonyms have their own key (or one derived from the link key under its own label), so
	// rotating the link key does not reset every rate-limit counter and the two never mix.
	deps.PseudonymKey = cfg.PseudonymKey()
	if k := cfg.IDKey(); len(k) > 0 {
		if deps.Sealer, err = idcheck.NewSealer(k); err != nil {
			return nil, err
		}
	}
	svc, err := app.New(deps)
	if err != nil {
		return nil, err
	}
	r, err := web.NewRenderer(log, prof.Organisation.Name)
	if err != nil {
		return nil, err
	}
	return New(svc, r, log, Options{TrustedProxyHops: cfg.TrustedProxyHops, AllowTickNow: cfg.AllowTickNow})
}

// errTokenRefused is a link token that did not verify, found by a check that runs before the
// body is read; fail answers it like verify does.
var errTokenRefused = errors.New("link refused")

// verify checks a link token and answers 403 with a page that says what to do when it fails.
func (h *Handlers) verify(w http.ResponseWriter, r *http.Request, token string, p linktoken.Purpose, lang string) (linktoken.Claims, bool) {
	c, err := h.signer.Verify(token, p, h.svc.Now())
	if err != nil {
		h.log.WarnContext(r.Context(), "link refused", "purpose", string(p), "reason", err.Error())
		key := "err.token"
		if p == linktoken.Staff || p == linktoken.Desk {
			key = "err.token.staff" // staff get a fresh link from the desk, not from a letter
		}
		h.web.Problem(w, r, http.StatusForbidden, lang, key, nil)
		return c, false
	}
	return c, true
}

// decode runs the cheap checks first: it refuses a cross-site browser post and a body that
// declares more than limit bytes, then runs each of before (a rate limit, a token in the
// query); only then does it read the body into dst. On failure it has answered already.
func (h *Handlers) decode(w http.ResponseWriter, r *http.Request, lang string, limit int64, dst any, before ...func() error) (*web.Body, bool) {
	if !web.SameOrigin(r) {
		h.web.Problem(w, r, http.StatusForbidden, lang, "err.cross_site", nil)
		return nil, false
	}
	if r.ContentLength > limit {
		h.fail(w, r, lang, "", &web.BodyError{Status: http.StatusRequestEntityTooLarge, Key: "err.too_large"})
		return nil, false
	}
	for _, check := range before {
		if err := check(); err != nil {
			h.fail(w, r, lang, "", err)
			return nil, false
		}
	}
	b, err := web.Decode(w, r, limit, dst)
	if err != nil {
		h.fail(w, r, lang, "", err)
		return nil, false
	}
	return b, true
}

// decodeAll is decode for a body whose every field must decode: a field of the wrong type
// answers 400 naming it.
func (h *Handlers) decodeAll(w http.ResponseWriter, r *http.Request, lang string, limit int64, dst any, before ...func() error) (*web.Body, bool) {
	b, ok := h.decode(w, r, lang, limit, dst, before...)
	if ok && len(b.Invalid) > 0 {
		fields := make([]request.FieldError, len(b.Invalid))
		for i, f := range b.Invalid {
			fields[i] = request.FieldError{Field: f, Code: "invalid"}
		}
		h.fail(w, r, lang, "", &app.ValidationError{Fields: fields})
		return nil, false
	}
	return b, ok
}

// fail maps an error to a stable answer; internal causes are logged, not shown.
func (h *Handlers) fail(w http.ResponseWriter, r *http.Request, lang, ref string, err error) {
	var be *web.BodyError
	var verr *app.ValidationError
	var rej *idcheck.Rejection
	var rl *app.RateLimitedError
	var na *app.NotAllowedError
	switch {
	case errors.As(err, &be):
		h.web.Problem(w, r, be.Status, lang, be.Key, be.Fields)
	case errors.Is(err, app.ErrLinkRevoked):
		h.web.Problem(w, r, http.StatusForbidden, lang, "err.token.staff", nil)
	case errors.Is(err, errTokenRefused):
		h.web.Problem(w, r, http.StatusForbidden, lang, "err.token", nil)
	case errors.As(err, &verr):
		// A file is inspected only once every other field is valid, so a refused form never
		// carries a verdict on its file as well.
		h.web.Invalid(w, r, lang, web.FieldErrors(verr.Fields, lang))
	case errors.As(err, &rej):
		h.web.Problem(w, r, rej.HTTPStatus(), lang, "err.media_type", []web.FieldError{uploadError(rej, lang)})
	case errors.Is(err, idcheck.ErrBusy):
		// The instance's inspection budget is full: the upload was not judged, so nothing was
		// stored; the tenant sends it again in a moment.
		w.Header().Set("Retry-After", "2")
		h.web.Problem(w, r, http.StatusServiceUnavailable, lang, "err.busy", nil)
	case errors.As(err, &rl):
		w.Header().Set("Retry-After", strconv.Itoa(int(rl.RetryAfter/time.Second)+1))
		h.web.Problem(w, r, http.StatusTooManyRequests, lang, "err.rate", nil)
	case errors.As(err, &na):
		h.web.Problem(w, r, http.StatusConflict, lang, "err.conflict."+na.Reason, nil)
	case errors.Is(err, app.ErrNotFound):
		h.web.Problem(w, r, http.StatusNotFound, lang, "err.not_found", nil)
	case errors.Is(err, app.ErrNotAllowed):
		h.web.Problem(w, r, http.StatusConflict, lang, "err.conflict", nil)
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		h.log.ErrorContext(r.Context(), "request timed out", "reference", ref, "error", err)
		w.Header().Set("Retry-After", "30")
		h.web.Problem(w, r, http.StatusServiceUnavailable, lang, "err.unavailable", nil)
	default:
		h.log.ErrorContext(r.Context(), "request failed", "reference", ref, "error", err)
		h.web.Problem(w, r, http.StatusInternalServerError, lang, "err.internal", nil)
	}
}

func uploadError(rej *idcheck.Rejection, lang string) web.FieldError {
	return web.FieldError{Field: "idDocument", Message: rej.Message(lang)}
}

// methodNotAllowed answers 405 with the allowed methods.
func (h *Handlers) methodNotAllowed(w http.ResponseWriter, r *http.Request, allow string) {
	w.Header().Set("Allow", allow)
	h.web.Problem(w, r, http.StatusMethodNotAllowed, web.Lang(r), "err.method", nil)
}

// redirect answers 303 to one of the functions (post/redirect/get).
func (h *Handlers) redirect(w http.ResponseWriter, r *http.Request, function, query string) {
	h.web.SecurityHeaders(w)
	http.Redirect(w, r, "/"+function+"?"+query, http.StatusSeeOther)
}

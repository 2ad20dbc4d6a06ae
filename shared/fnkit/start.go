package fnkit

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/config"
	"github.com/privacyloket/privacyloket/shared/deadline"
	"github.com/privacyloket/privacyloket/shared/firestoredb"
	"github.com/privacyloket/privacyloket/shared/fnlist"
	"github.com/privacyloket/privacyloket/shared/idcheck"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/logging"
	"github.com/privacyloket/privacyloket/shared/policy"
	"github.com/privacyloket/privacyloket/shared/pubsubqueue"
	"github.com/privacyloket/privacyloket/shared/web"
)

// Option gives a function a capability that only it links, so that the others do not carry
// its code: the upload inspector (PDF library, image codecs), the mail service's client.
type Option func(*extras)

type extras struct {
	inspect, inspectExtract inspectFunc
	newMailer               func(key, host string) (app.Mailer, error)
}

type inspectFunc = func(ctx context.Context, data []byte) (*idcheck.Document, error)

// Inspector gives a function that inspects uploads (fnlist.Function.InspectsUploads) its
// inspectors: of ID copies, shared/idcheck/inspect.InspectContext, and of the search tasks'
// PDF extracts, shared/idcheck/inspect.InspectExtractContext.
func Inspector(idCopy, extract inspectFunc) Option {
	return func(e *extras) { e.inspect, e.inspectExtract = idCopy, extract }
}

// Mailer gives a function that gets the SendGrid key the constructor of its mail client,
// shared/sendgridmail.New.
func Mailer(newMailer func(key, host string) (app.Mailer, error)) Option {
	return func(e *extras) { e.newMailer = newMailer }
}

// Start builds function f's Kit from the environment, once per instance: the configuration
// with exactly f's secrets required, then only what f uses (a Sealer where it gets the ID key,
// a mail client where it gets the SendGrid key, the inspector where it inspects uploads, the
// renderer where it serves pages). Its error is one line naming every bad variable
// (docs/contract.md §2): the platform makes a log entry of each line a failed start-up writes.
func Start(ctx context.Context, f fnlist.Function, with ...Option) (*Kit, error) {
	k, err := build(ctx, f, with)
	if err != nil {
		return nil, oneLine{err}
	}
	return k, nil
}

func build(ctx context.Context, f fnlist.Function, with []Option) (*Kit, error) {
	var x extras
	for _, o := range with {
		o(&x)
	}
	// What the function links must match what the list says it does: a mistake here is the
	// developer's, and fails every start-up of the function, never one request.
	if inspects := x.inspect != nil && x.inspectExtract != nil; f.InspectsUploads != inspects {
		return nil, fmt.Errorf("fnkit: %s: fnlist says InspectsUploads = %t, its registration gives an Inspector of both kinds: %t", f.Name, f.InspectsUploads, inspects)
	}
	if f.Needs(fnlist.SecretSendGridKey) != (x.newMailer != nil) {
		return nil, fmt.Errorf("fnkit: %s: fnlist gives it %s: %t, its registration gives a Mailer: %t", f.Name, fnlist.SecretSendGridKey, f.Needs(fnlist.SecretSendGridKey), x.newMailer != nil)
	}
	cfg, err := config.Load(ctx, f.Secrets)
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
		Cases: store, Outbox: store, DeskStore: store, Tasks: store, Blobs: store, Sessions: store, Publisher: pub, Profile: prof, Calendar: deadline.NewCalendar(),
		BaseURL: cfg.PublicBaseURL, Staff: cfg.Staff(), Logger: log,
		RateLimitPerIP: cfg.RateLimitPerIP, RateLimitPerEmail: cfg.RateLimitPerMail,
		Inspect: x.inspect, InspectExtract: x.inspectExtract,
	}
	// The current key makes links; previous keys (rotation) still open the links they made.
	if deps.Signer, err = linktoken.NewKeyring(cfg.LinkKey(), cfg.PreviousLinkKeys()...); err != nil {
		return nil, fmt.Errorf("%s: %w", fnlist.SecretLinkSigningKey, err)
	}
	// Pseudonyms have their own key (or one derived from the link key under its own label), so
	// rotating the link key does not reset every rate-limit counter and the two never mix.
	deps.PseudonymKey = cfg.PseudonymKey()
	if f.Needs(fnlist.SecretIDEncryptionKey) {
		if deps.Sealer, err = idcheck.NewSealer(cfg.IDKey()); err != nil {
			return nil, fmt.Errorf("%s: %w", fnlist.SecretIDEncryptionKey, err)
		}
	}
	if x.newMailer != nil {
		if deps.Mailer, err = x.newMailer(cfg.SendGridKey, cfg.SendGridHost); err != nil {
			return nil, err
		}
	}
	svc, err := app.New(deps)
	if err != nil {
		return nil, err
	}
	var r *web.Renderer
	if f.Topic == "" {
		if r, err = web.NewRenderer(log, prof.Organisation.Name); err != nil {
			return nil, err
		}
		r.SetContact(web.ContactOf(prof.Organisation))
	}
	return NewKit(f, svc, r, log, Options{TrustedProxyHops: cfg.TrustedProxyHops, AllowTickNow: cfg.AllowTickNow})
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

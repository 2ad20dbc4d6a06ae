// Package app holds the use cases, one service per feature: Intake (the requester's side),
// Casework (a case's staff page and actions, the systems' search tasks), Desk, Team (four
// eyes), Sweep (the Tick) and Mailroom (sending a letter). They are written against small
// interfaces for storage, publishing, mail and time (Deps, declared beside the feature that
// needs each: store.go, search_store.go, desk_session.go), so that the same code runs against
// Firestore, Pub/Sub and SendGrid in production and against emulators in tests.
//
// Which file holds which feature: submit.go, status.go, decide.go's ThirdPartyAnswer and
// DownloadResult, result_contents.go (Intake); staff.go, decide.go, actions.go, search*.go,
// carryout.go (Casework); desk*.go (Desk); approval.go, team.go (Team); tick.go, desk_tick.go,
// search_tick.go (Sweep); send.go (Mailroom). The helpers every feature uses are methods of
// the unexported core (app.go).
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/privacyloket/privacyloket/shared/deadline"
	"github.com/privacyloket/privacyloket/shared/i18n"
	"github.com/privacyloket/privacyloket/shared/idcheck"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/policy"
	"github.com/privacyloket/privacyloket/shared/request"
)

// Topic names. Terraform declares each one (terraform tests cross-check this list).
const (
	TopicMail  = "mail"
	TopicTicks = "ticks"
)

// staffLang is the language of the letters to staff and the privacy officer: the service's
// default, Dutch.
const staffLang = i18n.Default

// Topics lists every topic the code publishes to or is triggered by.
var Topics = []string{TopicMail, TopicTicks}

// Publisher publishes one message to a topic.
type Publisher interface {
	Publish(ctx context.Context, topic string, data []byte) error
}

// Mailer sends one rendered e-mail. A *PermanentError means it will never succeed.
type Mailer interface {
	Send(ctx context.Context, m Mail) error
}

// Mail is one e-mail as the mail service receives it.
type Mail struct {
	FromEmail, FromName string
	To                  string
	Subject, Text, HTML string
	Categories          []string
	CustomArgs          map[string]string
}

// PermanentError is a refusal by the mail service that retrying cannot fix (e.g. 400).
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return "permanent: " + e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// Domain errors, checked with errors.Is / errors.As by the HTTP layer.
var (
	ErrNotFound         = errors.New("case not found")
	ErrExists           = errors.New("already exists")
	ErrAlreadySent      = errors.New("letter already sent")
	ErrLeased           = errors.New("letter is being sent")
	ErrAlreadyConfirmed = errors.New("already confirmed")
	ErrNotAllowed       = request.ErrNotAllowed
)

// ValidationError carries every invalid field of a request.
type ValidationError struct{ Fields []request.FieldError }

func (e *ValidationError) Error() string {
	names := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		names[i] = f.Field
	}
	return "invalid fields: " + strings.Join(names, ", ")
}

// RateLimitedError says when the client may try again.
type RateLimitedError struct{ RetryAfter time.Duration }

func (e *RateLimitedError) Error() string { return fmt.Sprintf("rate limited for %s", e.RetryAfter) }

// Deps are what an App is built from.
type Deps struct {
	Cases     CaseStore
	Outbox    OutboxStore
	DeskStore DeskStore // the privacy desk's queries (desk.go, desk_tick.go)
	Blobs     BlobStore
	Sessions  SessionStore // desk sessions and staff sign-outs (desk_session.go)
	Tasks     TaskStore    // the search tasks' extracts and owners (search_store.go)
	Publisher Publisher
	Mailer    Mailer // only SendLetter needs it; nil elsewhere is fine
	Signer    *linktoken.Signer
	Sealer    *idcheck.Sealer // nil where no ID copy is handled
	Profile   *policy.Profile
	Calendar  *deadline.Calendar
	Clock     func() time.Time
	BaseURL   string
	Staff     []string // overrides the profile's staff addresses when set
	// PseudonymKey keys the hashes that stand in for IP and e-mail addresses in rate limits.
	PseudonymKey []byte
	// RateLimitPerIP and RateLimitPerEmail override the profile's limits when not nil; 0 is off.
	RateLimitPerIP, RateLimitPerEmail *int
	Logger                            *slog.Logger

	// Inspect judges and sanitises an uploaded ID copy (shared/idcheck/inspect); nil in the
	// functions that take no upload, which then do not link the PDF library and image codecs.
	Inspect func(ctx context.Context, data []byte) (*idcheck.Document, error)
	// InspectExtract judges and sanitises a system owner's PDF extract: the ID copy's bounds,
	// up to idcheck.MaxExtractPages pages, active content removed rather than refused
	// (shared/idcheck/inspect.InspectExtractContext); nil where Inspect is.
	InspectExtract func(ctx context.Context, data []byte) (*idcheck.Document, error)
}

// App is the use cases, one service per feature. Every service works on the same
// dependencies, which no caller can reach or change after New: a function's handler calls the
// feature it serves (fnkit.Kit.App), tests build a new App from other Deps instead of swapping a
// field.
type App struct {
	*core
	Intake   *Intake   // the requester's side: form, confirmation, ID copy, status, download, third party
	Casework *Casework // a case's staff page and actions, and the systems' search tasks
	Desk     *Desk     // the privacy desk: sessions, views, letters by post, report, export
	Team     *Team     // four eyes: the approver's page and judgement
	Sweep    *Sweep    // the Tick: deadlines, reminders, digests, retention, the outbox relay
	Mailroom *Mailroom // sending one letter
}

// The feature services. Each holds the shared core (dependencies and the helpers more than one
// feature uses: the case transaction, retention, the plan of a case's next moment, letters and
// links); the exported methods of each are that feature's use cases, and a helper only one
// feature reaches is a method of that feature.
type (
	Intake   struct{ *core }
	Casework struct{ *core }
	Desk     struct{ *core }
	Team     struct{ *core }
	Sweep    struct{ *core }
	Mailroom struct{ *core }
)

// core is what every feature service shares.
type core struct {
	d        Deps
	staff    []string
	deskDone doneMemo // the day's digests and the month's report already queued
}

// New checks that every required dependency is there.
func New(d Deps) (*App, error) {
	var errs []error
	if d.Cases == nil {
		errs = append(errs, errors.New("app: Cases is required"))
	}
	if d.Outbox == nil {
		errs = append(errs, errors.New("app: Outbox is required"))
	}
	if d.DeskStore == nil {
		errs = append(errs, errors.New("app: DeskStore is required"))
	}
	if d.Blobs == nil {
		errs = append(errs, errors.New("app: Blobs is required"))
	}
	if d.Sessions == nil {
		errs = append(errs, errors.New("app: Sessions is required"))
	}
	if d.Tasks == nil {
		errs = append(errs, errors.New("app: Tasks is required"))
	}
	if d.Publisher == nil {
		errs = append(errs, errors.New("app: Publisher is required"))
	}
	if d.Signer == nil {
		errs = append(errs, errors.New("app: Signer is required"))
	}
	if d.Profile == nil {
		errs = append(errs, errors.New("app: Profile is required"))
	}
	if d.Calendar == nil {
		errs = append(errs, errors.New("app: Calendar is required"))
	}
	if d.BaseURL == "" {
		errs = append(errs, errors.New("app: BaseURL is required"))
	}
	if len(d.PseudonymKey) < 16 {
		errs = append(errs, errors.New("app: PseudonymKey of at least 16 bytes is required"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if d.Clock == nil {
		d.Clock = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	d.BaseURL = strings.TrimRight(d.BaseURL, "/")
	s := &core{d: d, staff: d.Staff}
	if len(s.staff) == 0 {
		s.staff = d.Profile.Organisation.StaffEmails
	}
	if len(s.staff) == 0 {
		return nil, errors.New("app: no staff addresses (STAFF_EMAILS or the profile's staffEmails)")
	}
	// Four eyes needs a second person: a refusal as excessive or manifestly unfounded always
	// waits for approval (docs/rules.md §8).
	if n := len(s.Approvers()); n < 2 {
		return nil, fmt.Errorf("app: four eyes needs at least two distinct approvers (approval.approvers, or the staff list and the privacy officer); there are %d", n)
	}
	return &App{core: s, Intake: &Intake{s}, Casework: &Casework{s}, Desk: &Desk{s}, Team: &Team{s}, Sweep: &Sweep{s}, Mailroom: &Mailroom{s}}, nil
}

// StaffAddresses are the addresses that receive case links.
func (s *core) StaffAddresses() []string { return s.staff }

// Now is the service clock.
func (s *core) Now() time.Time { return s.d.Clock() }

// publish hands committed letters to the mail topic. A failed publish loses nothing: the letter
// is already stored as pending and the Tick's outbox relay publishes it again.
func (s *core) publish(ctx context.Context, letters []*outbox.Letter) {
	// One message per case: its sender claims all of the case's letters that can go
	// (OutboxStore.ClaimCaseLetters). A letter of no case has a message of its own.
	cases := map[string]bool{}
	for _, l := range letters {
		if l.Reference != "" {
			if cases[l.Reference] {
				continue
			}
			cases[l.Reference] = true
		}
		if err := s.d.Publisher.Publish(ctx, TopicMail, outbox.Message{LetterID: l.ID}.Encode()); err != nil {
			s.d.Logger.ErrorContext(ctx, "publish letter failed; the outbox relay will retry",
				"reference", l.Reference, "letter_id", l.ID, "error", err)
		}
	}
}

// update runs fn on a case in a transaction and keeps its retention moments in step.
func (s *core) update(ctx context.Context, ref string, fn func(c *request.Case) (Change, error)) (*request.Case, error) {
	return s.d.Cases.Update(ctx, ref, s.retaining(fn))
}

// retaining is fn followed by retain when fn succeeds.
func (s *core) retaining(fn func(c *request.Case) (Change, error)) func(c *request.Case) (Change, error) {
	return func(c *request.Case) (Change, error) {
		ch, err := fn(c)
		if err != nil {
			return ch, err
		}
		s.retain(c)
		return ch, nil
	}
}

// caseParts reads a case with its audit events and letters.
func (s *core) caseParts(ctx context.Context, ref string) (*request.Case, []request.Event, []*outbox.Letter, error) {
	return s.d.Cases.CaseParts(ctx, ref)
}

// updateParts is update that also returns the case's audit events and letters as committed.
func (s *core) updateParts(ctx context.Context, ref string, fn func(c *request.Case) (Change, error)) (*request.Case, []request.Event, []*outbox.Letter, error) {
	return s.d.Cases.UpdateParts(ctx, ref, s.retaining(fn))
}

// local moves t to Europe/Amsterdam, so that adding days or months counts calendar days there
// (across a change to or from summer time a day is not 24 hours).
func local(t time.Time) time.Time { return t.In(deadline.Location()) }

// retain sets when c must be gone (the store gives its events and letters the same moment): an unconfirmed request soon
// after it lapses; an open case not before its longest possible term; a finished case when the
// profile's retention for the product's own records ends (docs/rules.md §6).
func (s *core) retain(c *request.Case) {
	months := s.d.Profile.Retention.CaseRecordsMonths
	switch {
	case c.Status == request.AwaitingConfirmation:
		c.RetainUntil = local(c.SubmittedAt).AddDate(0, 0, s.d.Profile.Reminders.UnconfirmedExpiryDays+1)
	case c.Status == request.Expired:
		c.RetainUntil = local(c.UpdatedAt).AddDate(0, 0, expiredStubDays)
	case c.Status.Open():
		// An open case ends lawfully only by a decision, a withdrawal or a refusal (also on
		// identity_not_established): never by a silent deletion. It stays on the desk, in the
		// digest and in the reminders until then; retention starts when it closes.
		c.RetainUntil = time.Time{}
	default: // decided, closed
		end := c.ClosedAt
		if end.IsZero() {
			end = c.UpdatedAt
		}
		c.RetainUntil = local(end).AddDate(0, months, 0)
	}
	// The Tick must come back when retention ends, also for a case with nothing else to do.
	if c.RetainUntil.IsZero() {
		return
	}
	if c.NextActionAt.IsZero() || c.RetainUntil.Before(c.NextActionAt) {
		c.NextActionAt = c.RetainUntil
	}
}

// expiredStubDays is how long the personal-data-free stub of a lapsed request stays, so its
// status link can still say "expired".
const expiredStubDays = 30

// copyExpiry is the latest moment an ID copy received at now may be kept.
func (s *core) copyExpiry(now time.Time) time.Time {
	days := s.d.Profile.Identity.IDCopyMaxDays
	if days <= 0 {
		days = 30
	}
	return local(now).AddDate(0, 0, days)
}

// CheckDecreeData warns when a due date may soon fall in a year without decree-day data
// (docs/rules.md §3): such a year is computed with the statutory holidays only, so the operators must
// add the royal decree's days to decree_days.json. It returns "" when all is well. The
// functions call it at start-up and log the warning; the Tick logs it too.
func (s *core) CheckDecreeData(now time.Time) string {
	year, missing := s.d.Calendar.MissingDecreeYear(deadline.DateIn(now), deadline.DecreeWarningMonths)
	if !missing {
		return ""
	}
	return fmt.Sprintf("no decree-day data for %d: due dates in that year count the statutory holidays only; add the days equated by royal decree to shared/deadline/decree_days.json", year)
}

// Profile is the organisation's policy profile, for the pages that show it (read only).
func (s *core) Profile() *policy.Profile { return s.d.Profile }

// BaseURL is where the functions are served, without a trailing slash.
func (s *core) BaseURL() string { return s.d.BaseURL }

// VerifyLink checks a link token for purpose p at the service's time.
func (s *core) VerifyLink(token string, p linktoken.Purpose) (linktoken.Claims, error) {
	return s.d.Signer.Verify(token, p, s.d.Clock())
}

// SignLink signs a link token (a staff member's own case link, shared/staffweb).
func (s *core) SignLink(c linktoken.Claims) (string, error) { return s.d.Signer.Sign(c) }

// Equipment says which optional dependencies an App was built with.
type Equipment struct{ Sealer, Mailer, Inspector, ExtractInspector bool }

// Equipped reports a's optional dependencies, so start-up tests can check that a function got
// exactly what its secrets and its uploads call for.
func (a *App) Equipped() Equipment {
	return Equipment{Sealer: a.d.Sealer != nil, Mailer: a.d.Mailer != nil, Inspector: a.d.Inspect != nil,
		ExtractInspector: a.d.InspectExtract != nil}
}

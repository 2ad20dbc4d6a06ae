package app

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/deadline"
	"github.com/privacyloket/privacyloket/shared/i18n"
	"github.com/privacyloket/privacyloket/shared/idcheck"
	"github.com/privacyloket/privacyloket/shared/letter"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/policy"
	"github.com/privacyloket/privacyloket/shared/request"
)

// refAlphabet is Crockford's base32 without I, L, O and U: easy to read aloud and to type.
const refAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewReference returns a reference like "PL-7K3M-Q9XD" (40 random bits).
func NewReference() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	out := []byte("PL-XXXX-XXXX")
	j := 3
	for _, x := range b {
		if out[j] == '-' {
			j++
		}
		out[j] = refAlphabet[x&31]
		j++
	}
	return string(out)
}

// Client is who is submitting, as far as rate limits need to know.
type Client struct{ IP string }

// Admit is the cheap check that runs before a submission is read: it refuses, with a
// *RateLimitedError, a client whose per-IP limit is reached, and counts nothing.
func (s *Intake) Admit(ctx context.Context, cl Client) error {
	return s.d.Cases.Limited(ctx, s.limits(cl.IP, ""), s.d.Clock())
}

// Submit validates a submission and stores it as a new case awaiting confirmation of the
// e-mail address, with the confirm_email letter. A rejected submission stores nothing.
//
// upload, when not nil, is an ID copy that came with the form. It is inspected only once every
// field is valid and the honeypot is empty (docs/contract.md §3): invalid fields are a
// *ValidationError and the file is never opened. The inspection counts against the client's
// per-IP limit whatever its outcome, one per client at a time (core.inspect); a refusal is
// an *idcheck.Rejection. An accepted copy is stored sealed and removed again if the case
// cannot be stored. undecodable names fields whose value could not be read at all (e.g. a JSON
// number for a name); they are reported with the rest, so the requester sees every problem at
// once.
func (s *Intake) Submit(ctx context.Context, sub request.Submission, cl Client, upload []byte, undecodable ...string) (*request.Case, error) {
	now := s.d.Clock()
	v, errs := sub.Validate(deadline.DateIn(now))
	if upload != nil && !s.d.Profile.Form.AcceptsIDCopy {
		// The form takes no ID copy (docs/rules.md §2): one sent anyway is refused unopened.
		errs = append(errs, request.FieldError{Field: "idDocument", Code: "id_not_accepted"})
	}
	errs = mergeFieldErrors(undecodable, errs)
	// The limits first: a client over its limit is told so before its fields. A valid
	// submission without an upload skips this read: the transaction that stores it counts and
	// checks the same limits.
	to := v.Subject.Email
	if v.Representative != nil {
		to = v.Representative.Email
	}
	limits := s.limits(cl.IP, to)
	if upload != nil || len(errs) > 0 {
		if err := s.d.Cases.Limited(ctx, limits, now); err != nil {
			return nil, err
		}
	}
	if len(errs) > 0 {
		return nil, &ValidationError{Fields: errs}
	}
	if v.Bot {
		// Answer a bot exactly like a person, limits included, but keep nothing and open no file.
		return s.dropBot(ctx, cl, limits, upload != nil, now)
	}
	var doc *idcheck.Document
	if upload != nil {
		d, err := s.inspect(ctx, cl, upload)
		var rej *idcheck.Rejection
		switch {
		case errors.As(err, &rej):
			return nil, rej
		case err != nil:
			return nil, fmt.Errorf("inspect ID copy: %w", err)
		}
		doc = d
	}
	c := &request.Case{
		Type:           v.Type,
		Status:         request.AwaitingConfirmation,
		Lang:           v.Lang,
		Subject:        v.Subject,
		Relation:       v.Relation,
		Details:        v.Details,
		Proposed:       v.Proposed,
		Motivation:     v.Motivation,
		Reason:         v.Reason,
		TransferTo:     v.TransferTo,
		Representative: v.Representative,
		Signature:      v.Signature,
		Handler:        s.defaultHandler(),
		SubmittedAt:    now,
		Received:       deadline.DateIn(now),
		UpdatedAt:      now,
		NextActionAt:   now.Add(time.Duration(s.d.Profile.Reminders.ConfirmReminderHours) * time.Hour),
	}
	if doc != nil {
		if s.d.Sealer == nil {
			return nil, errors.New("app: an ID copy arrived but no Sealer is configured")
		}
		c.Identity.CopyHeld, c.Identity.CopyRequired, c.Identity.CopyUploaded, c.Identity.CopyKind = true, true, now, string(doc.Kind)
	}
	for attempt := 0; ; attempt++ {
		c.Reference = NewReference()
		if doc != nil {
			if err := s.storeCopy(ctx, c.Reference, doc); err != nil {
				return nil, err
			}
		}
		l := s.newLetter(c, letter.ConfirmEmail, to, "", now)
		s.addLink(l, "confirm", "ConfirmRequest", linktoken.Confirm, "", "", now, s.d.Profile.Links.ConfirmDays)
		ch := Change{
			Letters: []*outbox.Letter{l},
			Events:  []request.Event{{At: now, Actor: "requester", Action: "submitted", Detail: string(c.Type)}},
		}
		s.retain(c)
		err := s.d.Cases.Submit(ctx, c, ch, limits)
		if err != nil && doc != nil {
			// Nothing half-stored: the copy goes when its case could not be stored.
			if derr := s.d.Blobs.DeleteIDCopy(ctx, c.Reference); derr != nil {
				s.d.Logger.ErrorContext(ctx, "remove orphan ID copy failed", "reference", c.Reference, "error", derr)
			}
		}
		if errors.Is(err, ErrExists) && attempt < 3 {
			continue
		}
		if err != nil {
			return nil, err
		}
		s.d.Logger.InfoContext(ctx, "request submitted", "reference", c.Reference, "type", string(c.Type))
		s.publish(ctx, ch.Letters)
		return c, nil
	}
}

// dropBot answers a submission that filled in the honeypot like a person's: it counts as an
// inspection when it brought a file (which is never opened) and as a submission, so that its
// limits run out as a person's would, and it gets a reference that belongs to nothing.
func (s *Intake) dropBot(ctx context.Context, cl Client, limits []Limit, upload bool, now time.Time) (*request.Case, error) {
	if upload {
		if err := s.count(ctx, s.limits(cl.IP, "")); err != nil {
			return nil, err
		}
	}
	if err := s.count(ctx, limits); err != nil {
		return nil, err
	}
	s.d.Logger.InfoContext(ctx, "honeypot submission dropped")
	return &request.Case{Reference: NewReference(), Status: request.AwaitingConfirmation, SubmittedAt: now}, nil
}

// mergeFieldErrors keeps one error per field: fields that could not be decoded first, as
// "invalid", then the validation errors of the others.
func mergeFieldErrors(undecodable []string, errs []request.FieldError) []request.FieldError {
	seen := map[string]bool{}
	var out []request.FieldError
	for _, f := range undecodable {
		if !seen[f] {
			seen[f] = true
			out = append(out, request.FieldError{Field: f, Code: "invalid"})
		}
	}
	for _, e := range errs {
		if !seen[e.Field] {
			seen[e.Field] = true
			out = append(out, e)
		}
	}
	return out
}

// storeCopy seals an ID copy with the case reference as associated data and stores it.
func (s *Intake) storeCopy(ctx context.Context, ref string, doc *idcheck.Document) error {
	sealed, err := s.d.Sealer.Seal(ref, doc.Data)
	if err != nil {
		return fmt.Errorf("seal ID copy: %w", err)
	}
	if err := s.d.Blobs.PutIDCopy(ctx, ref, sealed, string(doc.Kind), s.copyExpiry(s.d.Clock())); err != nil {
		return fmt.Errorf("store ID copy of %s: %w", ref, err)
	}
	return nil
}

func (s *Intake) limits(ip, email string) []Limit {
	perIP, perMail := s.d.Profile.RateLimits.PerIPPerHour, s.d.Profile.RateLimits.PerEmailPerDay
	if s.d.RateLimitPerIP != nil {
		perIP = *s.d.RateLimitPerIP
	}
	if s.d.RateLimitPerEmail != nil {
		perMail = *s.d.RateLimitPerEmail
	}
	var out []Limit
	if perIP > 0 && ip != "" {
		out = append(out, Limit{Key: "ip-" + s.pseudonym(ip), Max: perIP, Window: time.Hour})
	}
	if perMail > 0 && email != "" {
		out = append(out, Limit{Key: "em-" + s.pseudonym(request.LimitKeyEmail(email)), Max: perMail, Window: 24 * time.Hour})
	}
	return out
}

// pseudonym is a keyed hash, so counters never hold an address.
func (s *core) pseudonym(v string) string {
	m := hmac.New(sha256.New, s.d.PseudonymKey)
	m.Write([]byte(v))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// Confirm records that the requester controls the e-mail address and starts the clock: the
// case moves on per the profile's ID policy, and the receipt and staff letters are queued.
func (s *Intake) Confirm(ctx context.Context, ref string) (*request.Case, error) {
	now := s.d.Clock()
	var letters []*outbox.Letter
	c, err := s.update(ctx, ref, func(c *request.Case) (Change, error) {
		letters = nil
		if c.Status != request.AwaitingConfirmation && !c.ConfirmedAt.IsZero() {
			return Change{}, ErrAlreadyConfirmed
		}
		next := request.InProgress
		// A complaint needs no identity check (docs/rules.md §2).
		if c.Type != request.Complaint && (s.d.Profile.Identity.IDCopy == policy.IDCopyAlways || c.Identity.CopyHeld) {
			next = request.AwaitingIdentity
			c.Identity.CopyRequired = true
		}
		st, err := request.Next(request.ActConfirm, c.Status, next)
		if err != nil {
			return Change{}, err
		}
		c.Status, c.ConfirmedAt, c.UpdatedAt = st, now, now
		if c.DueDate, err = s.d.Calendar.Due(s.d.Profile, c.Type, c.Received, 0); err != nil {
			return Change{}, fmt.Errorf("due date: %w", err)
		}
		if c.Status == request.AwaitingIdentity && !c.Identity.CopyHeld {
			c.Identity.AskedAt = now
			s.startSuspension(c, now)
		}
		c.NextActionAt = s.nextAction(c, now)

		_, to := c.Recipient()
		receipt := s.newLetter(c, letter.Receipt, to, "", now)
		receipt.DueDate = c.DueDate
		receipt.Data.ClockSuspended = !c.Identity.RequestedAt.IsZero()
		s.addLink(receipt, "status", "RequestStatus", linktoken.Status, "", "", now, s.d.Profile.Links.RequesterDays)
		letters = append(letters, receipt)
		if c.Status == request.AwaitingIdentity && !c.Identity.CopyHeld {
			l := s.newLetter(c, letter.IDRequested, to, "confirm", now)
			l.Data.Reason = idReason(c.Lang)
			l.Data.ClockSuspended = !c.Identity.RequestedAt.IsZero()
			s.addLink(l, "upload", "UploadID", linktoken.Upload, "", "", now, s.d.Profile.Links.RequesterDays)
			letters = append(letters, l)
		}
		for _, staff := range s.staff {
			letters = append(letters, s.staffLetter(c, letter.StaffCase, staff, "", now))
		}
		return Change{
			Letters: letters,
			Events:  []request.Event{{At: now, Actor: "requester", Action: "confirmed", Detail: string(c.Status)}},
		}, nil
	})
	if err != nil {
		return c, err
	}
	s.d.Logger.InfoContext(ctx, "request confirmed", "reference", ref, "status", string(c.Status))
	s.publish(ctx, letters)
	return c, nil
}

func idReason(lang string) string { return i18n.T(lang, "mail.reason.id_always") }

// nextAction is the earliest moment after now the Tick has work for c.
func (s *core) nextAction(c *request.Case, now time.Time) time.Time {
	return s.plan(c, now).next
}

// staffLetter queues one letter with a personal StaffCase link for one staff address.
func (s *core) staffLetter(c *request.Case, kind letter.Kind, to, disc string, now time.Time) *outbox.Letter {
	l := s.newLetter(c, kind, to, disc, now)
	l.Lang = "nl" // staff work in Dutch
	l.DueDate = c.DueDate
	l.Data.RecipientName = ""
	l.Data.Representative = nil
	l.Data.Staff = &letter.StaffInfo{SubjectName: c.Subject.Name, Status: c.Status, Extended: c.Extended,
		DaysLeft: int(c.DueDate.DaysSince(deadline.DateIn(now)))}
	s.addLink(l, "staff", "StaffCase", linktoken.Staff, to, "", now, s.StaffCaseLinkDays(c.DueDate, now))
	l.Links[len(l.Links)-1].Claims.Generation = c.LinkGeneration // revoke_links stops it
	return l
}

// A StaffCase link lives past the due date in force by staffLinkGraceDays, and never longer
// than staffLinkMaxDays (an extended access request ends three months after receipt).
const (
	staffLinkGraceDays = 7
	staffLinkMaxDays   = 120
)

// StaffCaseLinkDays is how many days a StaffCase link minted at now to a case due on due lives:
// links.staffDays, or until a week past the due date in force when that is later (at most
// staffLinkMaxDays), so that a staff member's link does not die while the case still runs.
// Revoking the case's links and taking someone off the staff list still stop it at once.
func (s *core) StaffCaseLinkDays(due civil.Date, now time.Time) int {
	days := max(s.d.Profile.Links.StaffDays, 1)
	if due.IsZero() {
		return days
	}
	return max(days, min(due.DaysSince(deadline.DateIn(now))+staffLinkGraceDays, staffLinkMaxDays))
}

// newLetter fills what every letter about c carries.
func (s *core) newLetter(c *request.Case, kind letter.Kind, to, disc string, now time.Time) *outbox.Letter {
	name, _ := c.Recipient()
	d := letter.Data{
		Reference:     c.Reference,
		Org:           s.orgIn(c.Lang),
		RecipientName: name,
		RequestType:   c.Type,
		Received:      c.Received,
		DueDate:       c.DueDate,
		Extendable:    s.extendable(c.Type),
	}
	if r := c.Representative; r != nil {
		d.Representative = &letter.Representative{Name: r.Name, Capacity: r.Capacity, SubjectName: c.Subject.Name}
	}
	return &outbox.Letter{
		ID:        outbox.ID(s.d.PseudonymKey, c.Reference, kind, to, disc),
		Reference: c.Reference,
		Kind:      kind,
		Lang:      c.Lang,
		To:        to,
		Data:      d,
		Status:    outbox.Pending,
		CreatedAt: now,
	}
}

// extendable reports whether the profile allows a case of type t to be extended (V: access
// only; never a complaint, which runs on the organisation's own procedure, docs/rules.md §3).
func (s *core) extendable(t request.Type) bool {
	return slices.Contains(s.d.Profile.ExtendableTypes, string(t))
}

// org is the organisation as a letter in Dutch names it.
func (s *core) org() letter.Org { return s.orgIn("nl") }

// orgIn is the organisation as a letter in lang names it: the texts it supplies in that
// language (docs/rules.md §4), its privacy officer and its complaints committee.
func (s *core) orgIn(lang string) letter.Org {
	o, cc := s.d.Profile.Organisation, s.d.Profile.ComplaintsCommittee
	return letter.Org{Name: o.Name, Website: o.Website, PostalAddress: policy.AddressLine(o.PostalAddress),
		Phone: o.Phone, VisitingAddress: policy.AddressLine(o.VisitingAddress), ComplaintsContact: o.ComplaintsContact.In(lang),
		PrivacyOfficerEmail: o.PrivacyOfficerEmail, PrivacyOfficerName: o.PrivacyOfficerName.In(lang),
		PrivacyOfficerPhone: o.PrivacyOfficerPhone, PrivacyOfficerAddress: policy.AddressLine(o.PrivacyOfficerAddress),
		Committee: letter.Committee{Name: cc.Name.In(lang), HowToApply: cc.HowToApply.In(lang), Term: cc.Term.In(lang)}}
}

// addLink attaches a link that is signed when the letter is sent.
func (s *core) addLink(l *outbox.Letter, key, function string, p linktoken.Purpose, subject, scope string, now time.Time, days int) {
	if days <= 0 {
		days = 30
	}
	l.Links = append(l.Links, outbox.Link{Key: key, Function: function, Claims: linktoken.Claims{
		Purpose: p, Reference: l.Reference, Subject: subject, Scope: scope,
		Expires: now.Add(time.Duration(days) * 24 * time.Hour).Unix(), Issued: now.UnixMilli(),
	}})
	if exp := deadline.DateIn(now.Add(time.Duration(days) * 24 * time.Hour)); l.Data.LinksExpire.IsZero() || exp.Before(l.Data.LinksExpire) {
		l.Data.LinksExpire = exp
	}
}

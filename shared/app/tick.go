package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/deadline"
	"github.com/privacyloket/privacyloket/shared/letter"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/request"
)

// TickResult counts what one sweep did.
type TickResult struct {
	Cases   int // cases with work due
	Letters int // letters queued
	Deleted int // cases deleted or expired
	Relayed int // pending letters published again
}

// tickBatch bounds one query; a sweep runs batches until no case is due.
const (
	tickBatch     = 200
	tickMaxRounds = 50
	// workHour is when reminders of a day go out (Europe/Amsterdam).
	workHour = 8 * time.Hour
)

var errDelete = errors.New("retention ended")

// Tick runs everything that is due as of now: confirm reminders and expiry, staff reminders
// and escalations, ID-copy deletion, retention, and the outbox relay. It reads only cases whose
// NextActionAt has come. It is idempotent: letters have deterministic ids, so a second tick with
// the same now, a redelivered one, or two at once queue nothing twice.
func (s *Sweep) Tick(ctx context.Context, now time.Time) (TickResult, error) {
	var res TickResult
	var failed []error
	seen := map[string]bool{}
	for round := 0; round < tickMaxRounds; round++ {
		refs, err := s.d.Cases.DueCases(ctx, now, tickBatch)
		if err != nil {
			return res, err
		}
		fresh := 0
		for _, ref := range refs {
			if seen[ref] {
				continue // its next action is still due: a failed case does not block the sweep
			}
			seen[ref] = true
			fresh++
			n, deleted, err := s.tickCase(ctx, ref, now)
			if err != nil {
				// One bad case must not block every other deadline: back it off and carry on.
				failed = append(failed, fmt.Errorf("tick %s: %w", ref, err))
				s.backOff(ctx, ref, now, err)
				continue
			}
			res.Cases++
			res.Letters += n
			if deleted {
				res.Deleted++
			}
		}
		if len(refs) < tickBatch || fresh == 0 {
			break
		}
	}
	if w := s.CheckDecreeData(now); w != "" {
		s.d.Logger.WarnContext(ctx, "decree days missing", "warning", w)
		res.Letters += s.warnDecreeDays(ctx, now)
	}
	res.Letters += s.DeskTick(ctx, now) // staff digest and monthly report (desk_tick.go)
	n, err := s.RelayOutbox(ctx, now)
	res.Relayed = n
	if len(failed) > 0 {
		err = errors.Join(append([]error{fmt.Errorf("tick: %d case(s) failed", len(failed))}, append(failed, err)...)...)
	}
	return res, err
}

// Back-off of a case the Tick could not process: it comes back after tickBackoffBase, doubling
// with every consecutive failure up to tickBackoffMax.
const (
	tickBackoffBase = 5 * time.Minute
	tickBackoffMax  = 24 * time.Hour
)

// tickBackoff is how long the Tick leaves a case alone after its nth consecutive failure.
func tickBackoff(n int) time.Duration {
	d := tickBackoffBase
	for i := 1; i < n && d < tickBackoffMax; i++ {
		d *= 2
	}
	return min(d, tickBackoffMax)
}

// backOff records a failed attempt on the case and pushes its next action back, so that the
// same case does not come first again at every tick. The failure is logged (and counted by the
// log-based metric on "tick case failed").
func (s *Sweep) backOff(ctx context.Context, ref string, now time.Time, cause error) {
	failures := 0
	_, err := s.d.Cases.Update(ctx, ref, func(c *request.Case) (Change, error) {
		c.TickFailures++
		failures = c.TickFailures
		c.NextActionAt = now.Add(tickBackoff(c.TickFailures))
		return Change{}, nil
	})
	if err != nil {
		s.d.Logger.ErrorContext(ctx, "tick case failed; back-off not recorded", "reference", ref, "error", cause, "backoff_error", err)
		return
	}
	s.d.Logger.ErrorContext(ctx, "tick case failed", "reference", ref, "error", cause, "failures", failures)
}

// tickCase does what is due for one case in one transaction.
func (s *Sweep) tickCase(ctx context.Context, ref string, now time.Time) (int, bool, error) {
	var letters []*outbox.Letter
	expired, deleteResult, resultKey := false, false, ""
	_, err := s.update(ctx, ref, func(c *request.Case) (Change, error) {
		letters, expired, deleteResult = nil, false, false
		if !c.RetainUntil.IsZero() && !now.Before(c.RetainUntil) {
			return Change{}, errDelete
		}
		ch := Change{}
		p := s.plan(c, now)
		for _, d := range p.due {
			letters = append(letters, s.dueLetters(c, d, now)...)
		}
		if p.deleteCopy {
			c.Identity.CopyHeld, c.Identity.CopyUploaded, c.Identity.CopyKind = false, time.Time{}, ""
			ch.DeleteIDCopy = true
			ch.Events = append(ch.Events, request.Event{At: now, Actor: "system", Action: request.ActIDCopyDeleted, Detail: "term ended"})
		}
		if p.thirdPartyLapsed {
			// No answer within the term: the third party's data is masked (docs/rules.md §4).
			c.ThirdParty.Answer, c.ThirdParty.Mask = request.ThirdPartySilent, true
			if st, err := request.Next(request.ActThirdPartyDone, c.Status, ""); err == nil {
				c.Status = st
			}
			ch.Events = append(ch.Events, request.Event{At: now, Actor: "system", Action: request.ActThirdPartyTermEnded, Detail: "masked"})
		}
		if p.deleteResult {
			resultKey = c.Result.Key
			c.Result = nil
			deleteResult = true
			ch.Events = append(ch.Events, request.Event{At: now, Actor: "system", Action: request.ActResultDeleted, Detail: "link expired"})
		}
		if p.expire {
			st, err := request.Next(request.ActExpire, c.Status, "")
			if err != nil {
				return Change{}, err
			}
			expired = true
			// The personal data goes; a stub says the request lapsed.
			*c = request.Case{Reference: c.Reference, Type: c.Type, Status: st, Lang: c.Lang,
				SubmittedAt: c.SubmittedAt, Received: c.Received, UpdatedAt: now}
			ch.DeleteIDCopy = true
			return ch, nil
		}
		for _, l := range letters {
			ch.Events = append(ch.Events, request.Event{At: now, Actor: "system", Action: request.Action(l.Kind)})
		}
		ch.Letters = letters
		c.TickFailures = 0
		c.NextActionAt = s.plan(c, now).next
		c.UpdatedAt = now
		return ch, nil
	})
	switch {
	case errors.Is(err, errDelete):
		s.d.Logger.InfoContext(ctx, "retention ended: case deleted", "reference", ref)
		if err := s.d.Tasks.DeleteExtracts(ctx, ref); err != nil {
			return 0, false, err
		}
		return 0, true, s.d.Cases.DeleteCase(ctx, ref, false)
	case errors.Is(err, ErrNotFound):
		return 0, false, nil
	case err != nil:
		return 0, false, err
	}
	if deleteResult {
		if err := s.d.Blobs.DeleteAccessPackage(ctx, ref, resultKey); err != nil {
			return 0, false, err
		}
		// The extracts go with the package (docs/contract.md §3 "Search tasks").
		if err := s.d.Tasks.DeleteExtracts(ctx, ref); err != nil {
			return 0, false, err
		}
	}
	if expired {
		s.d.Logger.InfoContext(ctx, "unconfirmed request expired", "reference", ref)
		return 0, true, s.d.Cases.DeleteCase(ctx, ref, true)
	}
	for _, l := range letters {
		if l.Kind == letter.StaffOverdue {
			// Counted by the "case overdue" alert (terraform/monitoring.tf).
			s.d.Logger.WarnContext(ctx, "case overdue", "reference", ref, "days_overdue", l.Data.Staff.DaysOverdue)
			break
		}
	}
	s.publish(ctx, letters)
	return len(letters), false, nil
}

// dueItem is one letter kind due at one moment.
type dueItem struct {
	kind letter.Kind
	at   time.Time
	disc string // makes the letter id unique per moment
}

// plan is what the Tick must do for a case as of now, and when it next has work.
type plan struct {
	due              []dueItem
	deleteCopy       bool
	deleteResult     bool
	thirdPartyLapsed bool
	expire           bool
	next             time.Time
}

// at is a working moment of day d: reminders go out at the start of the working day.
func at(d civil.Date) time.Time { return deadline.StartOfDay(d).Add(workHour) }

// plan decides, from the case and the profile alone, what is due at now. Only the latest
// moment of each kind is acted on: after an outage a case gets one reminder, not a pile.
func (s *core) plan(c *request.Case, now time.Time) plan {
	var p plan
	consider := func(kind letter.Kind, moments []time.Time) {
		var last time.Time
		for _, m := range moments {
			if !m.After(now) {
				last = m
			} else if p.next.IsZero() || m.Before(p.next) {
				p.next = m
				break
			}
		}
		if !last.IsZero() {
			p.due = append(p.due, dueItem{kind: kind, at: last, disc: last.UTC().Format(time.RFC3339)})
		}
	}
	soonest := func(t time.Time) {
		if !t.IsZero() && (p.next.IsZero() || t.Before(p.next)) {
			p.next = t
		}
	}
	r := s.d.Profile.Reminders
	switch {
	case c.Status == request.AwaitingConfirmation:
		expiry := local(c.SubmittedAt).AddDate(0, 0, r.UnconfirmedExpiryDays)
		if !now.Before(expiry) {
			p.expire = true
			return p
		}
		consider(letter.ConfirmReminder, []time.Time{c.SubmittedAt.Add(time.Duration(r.ConfirmReminderHours) * time.Hour)})
		soonest(expiry)
	case c.Status == request.AwaitingIdentity && !c.Identity.RequestedAt.IsZero():
		// The clock stands still: no due-date reminders or escalations. A requester who has not
		// answered the request for identification in time is reminded; when the term passes a
		// second time, staff hear that the case is ready to refuse (docs/rules.md §2).
		if asked := c.Identity.AskedAt; !asked.IsZero() && !c.Identity.CopyHeld {
			consider(letter.IDRequested, []time.Time{s.identityReminderDue(asked)})
			consider(letter.StaffReminder, []time.Time{s.identityReplyDue(asked)})
		}
	case c.Status.Open() && !c.DueDate.IsZero():
		// Staff work to the internal target date (docs/rules.md §3): reminders counted back
		// from it, on it, and on the last working day before the legal due date.
		due := c.DueDate
		reminders := s.staffReminders(c)
		if asked := c.Identity.AskedAt; c.Status == request.AwaitingIdentity && !asked.IsZero() && !c.Identity.CopyHeld {
			// The clock runs on (asked too late to stop it, or the profile does not): the
			// requester is reminded, and staff hear of a silent requester too.
			if m := s.identityReminderDue(asked); m.Before(at(due)) {
				consider(letter.IDRequested, []time.Time{m})
			}
			if m := s.identityReplyDue(asked); m.Before(at(due)) {
				reminders = append([]time.Time{m}, reminders...)
				slices.SortFunc(reminders, func(a, b time.Time) int { return a.Compare(b) })
			}
		}
		overdueStart := at(due.AddDays(1))
		if now.Before(overdueStart) {
			consider(letter.StaffReminder, reminders)
			soonest(overdueStart)
		} else {
			// Once overdue, escalate now and every OverdueRepeatDays until decided.
			var moments []time.Time
			step := r.OverdueRepeatDays
			for m := overdueStart; ; m = local(m).AddDate(0, 0, step) {
				moments = append(moments, m)
				if m.After(now) || step <= 0 {
					break
				}
			}
			consider(letter.StaffOverdue, moments)
			// The working day after the missed due date the requester hears of it too: an
			// apology, when we now expect to decide, and the routes (docs/rules.md §4).
			consider(letter.TermPassed, []time.Time{at(s.d.Calendar.NextWorkingDay(due.AddDays(1)))})
		}
	}
	if tp := c.ThirdParty; c.Status == request.AwaitingThirdParty && tp != nil && tp.Answer == request.ThirdPartyPending {
		// The term ends with its last day; the next morning the data is masked.
		end := deadline.StartOfDay(tp.ObjectionDue.AddDays(1))
		if !now.Before(end) {
			p.thirdPartyLapsed = true
		} else {
			soonest(end)
		}
	}
	if c.Result != nil {
		if !now.Before(c.Result.ExpiresAt) {
			p.deleteResult = true
		} else {
			soonest(c.Result.ExpiresAt)
		}
	}
	if c.Identity.CopyHeld && !c.Identity.CopyUploaded.IsZero() {
		end := s.copyExpiry(c.Identity.CopyUploaded)
		if !now.Before(end) {
			p.deleteCopy = true
		} else {
			soonest(end)
		}
	}
	s.planSearches(c, now, &p)
	if a := c.Approval; c.Status == request.AwaitingApproval && a != nil {
		consider(letter.ApprovalOverdue, []time.Time{s.approvalOverdueAt(c)})
	}
	return p
}

// termPassedWorkingDays is how many working days after a term_passed letter we promise a
// decision at the latest: staff get staff_overdue from the same day, with the privacy officer.
const termPassedWorkingDays = 5

// identityReminderDue is when the requester, asked for proof of identity at asked and silent
// since, is reminded: the profile's reply term later, at the start of that day.
func (s *core) identityReminderDue(asked time.Time) time.Time {
	return at(deadline.DateIn(asked).AddDays(s.identityReplyDays()))
}

// identityReplyDue is when the reply term has passed a second time without an answer: staff are
// reminded, and the desk shows the case as ready to refuse on identity_not_established.
func (s *core) identityReplyDue(asked time.Time) time.Time {
	return at(deadline.DateIn(asked).AddDays(2 * s.identityReplyDays()))
}

func (s *core) identityReplyDays() int {
	if days := s.d.Profile.Identity.ReplyDays; days > 0 {
		return days
	}
	return 14
}

// dueLetters turns one due item into the letters it sends.
func (s *Sweep) dueLetters(c *request.Case, d dueItem, now time.Time) []*outbox.Letter {
	var out []*outbox.Letter
	switch d.kind {
	case letter.ConfirmReminder:
		_, to := c.Recipient()
		l := s.newLetter(c, letter.ConfirmReminder, to, d.disc, now)
		expiry := local(c.SubmittedAt).AddDate(0, 0, s.d.Profile.Reminders.UnconfirmedExpiryDays)
		l.Links = append(l.Links, outbox.Link{Key: "confirm", Function: "ConfirmRequest", Claims: linktoken.Claims{
			Purpose: linktoken.Confirm, Reference: c.Reference, Expires: expiry.Unix()}})
		l.Data.LinksExpire = deadline.DateIn(expiry)
		out = append(out, l)
	case letter.TermPassed:
		_, to := c.Recipient()
		l := s.newLetter(c, letter.TermPassed, to, c.DueDate.String(), now)
		l.DueDate = c.DueDate
		l.Data.ExpectedOn = s.d.Calendar.AddWorkingDays(deadline.DateIn(now), termPassedWorkingDays)
		s.addLink(l, "status", "RequestStatus", linktoken.Status, "", "", now, s.d.Profile.Links.RequesterDays)
		out = append(out, l)
	case letter.IDRequested:
		// The reminder of a request for proof of identity (docs/rules.md §2).
		_, to := c.Recipient()
		l := s.newLetter(c, letter.IDRequested, to, d.disc, now)
		l.Data.Reminder, l.Data.AskedOn = true, deadline.DateIn(c.Identity.AskedAt)
		s.identityClock(l, c, !c.Identity.RequestedAt.IsZero())
		s.addLink(l, "upload", "UploadID", linktoken.Upload, "", "", now, s.d.Profile.Links.RequesterDays)
		out = append(out, l)
	case letter.StaffReminder:
		idWait := c.Status == request.AwaitingIdentity && !c.Identity.AskedAt.IsZero() && !c.Identity.CopyHeld &&
			d.at.Equal(s.identityReplyDue(c.Identity.AskedAt))
		for _, staff := range s.remindFirst(c) {
			l := s.staffLetter(c, letter.StaffReminder, staff, d.disc, now)
			if idWait {
				l.Data.Staff.IdentityAskedOn = deadline.DateIn(c.Identity.AskedAt)
			}
			out = append(out, l)
		}
	case letter.StaffOverdue:
		for _, addr := range s.escalateTo(c, true) {
			l := s.staffLetter(c, letter.StaffOverdue, addr, d.disc, now)
			l.Data.Staff.DaysOverdue = int(deadline.DateIn(now).DaysSince(c.DueDate))
			out = append(out, l)
		}
	case letter.ApprovalOverdue:
		out = append(out, s.approvalOverdue(c, now)...)
	default:
		out = append(out, s.searchDueLetters(c, d, now)...)
	}
	return out
}

// warnDecreeDays queues, once per missing year, a decree_days_missing letter to the privacy
// officer and every staff address (the letter id is derived from the year and the address).
func (s *Sweep) warnDecreeDays(ctx context.Context, now time.Time) int {
	year, missing := s.d.Calendar.MissingDecreeYear(deadline.DateIn(now), deadline.DecreeWarningMonths)
	if !missing {
		return 0
	}
	to := append([]string{}, s.staff...)
	if po := s.d.Profile.Organisation.PrivacyOfficerEmail; po != "" {
		to = append([]string{po}, to...)
	}
	var queued []*outbox.Letter
	seen := map[string]bool{}
	for _, addr := range to {
		if seen[addr] {
			continue
		}
		seen[addr] = true
		l := &outbox.Letter{
			ID:   outbox.ID(s.d.PseudonymKey, "", letter.DecreeDaysMissing, addr, strconv.Itoa(year)),
			Kind: letter.DecreeDaysMissing, Lang: staffLang, To: addr, Status: outbox.Pending, CreatedAt: now,
			Data: letter.Data{Org: s.org(), MissingYear: year},
			// Kept until the year it warns about has begun: by then the data is there or late.
			RetainUntil: deadline.StartOfDay(civil.Date{Year: year, Month: 12, Day: 31}),
		}
		switch err := s.d.Outbox.QueueLetter(ctx, l); {
		case errors.Is(err, ErrExists):
		case err != nil:
			s.d.Logger.ErrorContext(ctx, "queue decree-days warning failed", "error", err)
		default:
			queued = append(queued, l)
		}
	}
	s.publish(ctx, queued)
	return len(queued)
}

package app

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"sync"
	"time"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/deadline"
	"github.com/privacyloket/privacyloket/shared/letter"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/report"
	"github.com/privacyloket/privacyloket/shared/request"
)

// DeskTick sends, on working days from 08:00 Europe/Amsterdam, the staff digest (once per day
// per address, while work is open) and, on the first working day of a month, the accountability
// report to the privacy officer (once per month). Letter ids are derived from the day or the
// month and the address, so a repeated tick queues nothing twice. It returns the letters queued;
// a failure is logged and retried by the next tick.
func (s *Sweep) DeskTick(ctx context.Context, now time.Time) int {
	today := deadline.DateIn(now)
	if !s.d.Calendar.IsWorkingDay(today) || now.Before(at(today)) {
		return 0
	}
	n := 0
	if !s.deskDone.has("digest", today.String()) {
		m, done, err := s.digest(ctx, today, now)
		if err != nil {
			s.d.Logger.ErrorContext(ctx, "staff digest failed", "error", err)
		}
		if done {
			s.deskDone.set("digest", today.String())
		}
		n += m
	}
	month := today.String()[:7]
	if s.firstWorkingDayOfMonth(today) && !s.deskDone.has("report", month) {
		m, err := s.monthlyReport(ctx, today, now)
		if err != nil {
			s.d.Logger.ErrorContext(ctx, "accountability report failed", "error", err)
		} else {
			s.deskDone.set("report", month)
		}
		n += m
	}
	return n
}

// doneMemo remembers, for one App (its core's deskDone field), the day whose digests and the month
// whose report are queued, so that later ticks that day do not read every open case again. The
// letter ids keep it exactly once across instances; this only saves the reads. The zero value
// is ready to use.
type doneMemo struct {
	mu sync.Mutex
	m  map[string]string
}

func (d *doneMemo) has(what, when string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.m[what] == when
}

func (d *doneMemo) set(what, when string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.m == nil {
		d.m = map[string]string{}
	}
	d.m[what] = when
}

func (s *Sweep) firstWorkingDayOfMonth(d civil.Date) bool {
	for x := (civil.Date{Year: d.Year, Month: d.Month, Day: 1}); x.Before(d); x = x.AddDays(1) {
		if s.d.Calendar.IsWorkingDay(x) {
			return false
		}
	}
	return s.d.Calendar.IsWorkingDay(d)
}

// digest queues one staff_digest per staff address: overdue cases, cases due within the
// profile's reminder window, cases whose requester has not sent the asked-for proof of identity
// within the reply term, letters waiting to be posted, and a desk link. done reports that
// today's digests are queued (now or before); not when there was nothing to report.
func (s *Sweep) digest(ctx context.Context, today civil.Date, now time.Time) (n int, done bool, err error) {
	// The digest reads what it reports, not every open case: the cases due within the window
	// (the overdue ones among them), those awaiting proof of identity, a count of the rest.
	// "Soon due" goes by the internal target date (docs/rules.md §3): the cases whose internal
	// date falls within the window; their legal due dates lie at most the margin later (a week
	// more covers the holidays the two calendars count differently).
	window := s.d.Calendar.AddWorkingDays(today, max(s.d.Profile.Reminders.StaffWorkingDaysBefore, 1))
	dueBy := s.d.Calendar.AddWorkingDays(window, s.d.Profile.InternalMargin()).AddDays(7)
	open, err := s.d.DeskStore.CountRunning(ctx) // an unconfirmed request is no work for staff yet
	if err != nil {
		return 0, false, fmt.Errorf("count open cases: %w", err)
	}
	due, err := s.d.DeskStore.RunningCases(ctx, dueBy, deskMaxCases)
	if err != nil {
		return 0, false, fmt.Errorf("cases due: %w", err)
	}
	waiting, err := s.d.DeskStore.CasesIn(ctx, request.AwaitingIdentity, deskMaxCases)
	if err != nil {
		return 0, false, fmt.Errorf("cases awaiting identity: %w", err)
	}
	post, err := s.d.DeskStore.LettersToPost(ctx, deskMaxToPost)
	if err != nil {
		return 0, false, fmt.Errorf("letters to post: %w", err)
	}
	info := letter.DeskInfo{Open: open, ToPost: len(post)}
	for _, l := range post {
		if deadline.DateIn(l.CreatedAt).Before(today) {
			info.ToPostOverdue++
		}
	}
	for _, c := range due {
		if c.DueDate.IsZero() {
			continue // no clock yet
		}
		dc := s.deskCase(c, today)
		if !dc.Overdue && dc.InternalDate.After(window) {
			continue // its internal date is not near yet
		}
		item := letter.DeskItem{Reference: dc.Reference, Type: dc.Type, DueDate: dc.DueDate, DaysLeft: dc.DaysLeft}
		if dc.Overdue {
			info.Overdue = append(info.Overdue, item)
		} else {
			info.DueSoon = append(info.DueSoon, item)
		}
	}
	for _, c := range waiting {
		if dc := s.deskCase(c, today); dc.IdentityLate {
			info.IdentityWaiting = append(info.IdentityWaiting, letter.DeskItem{Reference: dc.Reference, Type: dc.Type,
				DueDate: dc.DueDate, DaysLeft: dc.DaysLeft, AskedOn: dc.IdentityAskedOn})
		}
	}
	sort.SliceStable(info.IdentityWaiting, func(i, j int) bool {
		return info.IdentityWaiting[i].AskedOn.Before(info.IdentityWaiting[j].AskedOn)
	})
	if info.Open == 0 && info.ToPost == 0 {
		return 0, false, nil
	}
	var queued []*outbox.Letter
	for _, addr := range s.staff {
		l := s.deskLetter(letter.StaffDigest, addr, today.String(), now)
		d := info
		l.Data.Desk = &d
		switch err := s.d.Outbox.QueueLetter(ctx, l); {
		case errors.Is(err, ErrExists):
		case err != nil:
			s.publish(ctx, queued)
			return len(queued), false, fmt.Errorf("queue digest: %w", err)
		default:
			queued = append(queued, l)
		}
	}
	s.publish(ctx, queued)
	return len(queued), true, nil
}

// monthlyReport queues last month's accountability_report to the privacy officer, once; none
// for a month in which no request was received.
func (s *Sweep) monthlyReport(ctx context.Context, today civil.Date, now time.Time) (int, error) {
	po := s.d.Profile.Organisation.PrivacyOfficerEmail
	if po == "" {
		return 0, nil
	}
	from, to := report.PreviousMonth(today)
	r, _, err := s.report(ctx, from, to, now)
	if err != nil {
		return 0, err
	}
	decided := 0
	for _, n := range r.Decided {
		decided += n
	}
	received := 0
	for _, n := range r.Received {
		received += n
	}
	if received == 0 {
		return 0, nil // a month without requests has nothing to account for
	}
	info := &letter.DeskInfo{From: from, To: to, Received: received, Decided: decided, OnTime: r.OnTime, Late: r.Late,
		Open: r.Open, OverdueNow: r.OverdueNow, Extended: r.Extended}
	if r.OnTimeRate != nil {
		info.OnTimePercent = strconv.Itoa(int(*r.OnTimeRate*100+0.5)) + "%"
	}
	if r.MedianDaysToDecision != nil {
		info.MedianDays = strconv.Itoa(*r.MedianDaysToDecision)
	}
	l := &outbox.Letter{
		ID: outbox.ID(s.d.PseudonymKey, "", letter.AccountabilityReport, po, from.String()), Kind: letter.AccountabilityReport,
		Lang: staffLang, To: po, Status: outbox.Pending, CreatedAt: now, RetainUntil: now.Add(reportRetention),
		Data: letter.Data{Org: s.org(), Desk: info},
	}
	view := "StaffDesk?" + url.Values{"view": {"report"}, "from": {from.String()}, "to": {to.String()}}.Encode()
	s.addDeskLink(l, letter.LinkReport, view, po, now)
	switch err := s.d.Outbox.QueueLetter(ctx, l); {
	case errors.Is(err, ErrExists):
		return 0, nil
	case err != nil:
		return 0, fmt.Errorf("queue report: %w", err)
	}
	s.publish(ctx, []*outbox.Letter{l})
	return 1, nil
}

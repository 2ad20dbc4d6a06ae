package report

import (
	"slices"
	"strings"
	"time"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/deadline"
	"github.com/privacyloket/privacyloket/shared/request"
)

// viewEvents are the audit actions that record someone looking at something.
var viewEvents = []request.Action{request.ActIDCopyViewed, request.ActCaseViewed}

// thirdPartyReturns are the audit actions by which a case comes back from a third party.
var thirdPartyReturns = []request.Action{request.ActThirdPartyAgree, request.ActThirdPartyObject, request.ActThirdPartyTermEnded}

// FactsOf takes from a stored case and its audit trail what the report needs, leaving out every
// name, address and free text. channel is how the request came in. A last stage the trail leaves
// running while the case has moved on (an expiry records no event) ends at the case's UpdatedAt.
func FactsOf(c *request.Case, channel request.Channel, events []request.Event) CaseFacts {
	f := CaseFacts{
		Reference: c.Reference, Type: c.Type, Status: c.Status, Channel: channel,
		Received: c.Received, DueDate: c.DueDate, Extended: c.Extended,
		Stages: StagesFromEvents(events),
	}
	if d := c.Decision; d != nil {
		f.DecidedAt, f.Outcome, f.Ground = d.DecidedAt, d.Outcome, d.Ground
	}
	if n := len(f.Stages); n > 0 {
		last := &f.Stages[n-1]
		if last.To.IsZero() && last.Status != c.Status && c.UpdatedAt.After(last.From) {
			last.To = c.UpdatedAt
		}
	}
	var drafted time.Time
	for _, e := range events {
		switch e.Action {
		case request.ActIDCopyViewed:
			f.IDCopyViews++
		case request.ActDecisionDrafted:
			drafted = e.At
		case request.ActDecisionReturned:
			f.Returned++
		case request.ActDecisionApproved:
			if !drafted.IsZero() {
				f.ApprovalWaits = append(f.ApprovalWaits, e.At.Sub(drafted).Hours()/24)
			}
		}
	}
	return f
}

// StagesFromEvents replays a case's audit trail through the state machine and returns the
// stretches it spent in each status, in order; the last one runs on (To zero). ActSubmitted
// starts awaiting_confirmation; ActConfirmed and ActIntake enter the status in their Detail;
// a third party's answer (or its term ending) returns to in_progress; every other action moves
// as request.Next says, and events that change nothing (uploads, letters, views) are skipped.
func StagesFromEvents(events []request.Event) []Stage {
	evs := slices.Clone(events)
	slices.SortStableFunc(evs, func(a, b request.Event) int { return a.At.Compare(b.At) })
	var (
		out   []Stage
		cur   request.Status
		since time.Time
	)
	enter := func(s request.Status, at time.Time) {
		if s == cur || !s.Valid() {
			return
		}
		if cur != "" {
			out = append(out, Stage{Status: cur, From: since, To: at})
		}
		cur, since = s, at
	}
	for _, e := range evs {
		switch {
		case e.Action == request.ActSubmitted:
			if cur == "" {
				enter(request.AwaitingConfirmation, e.At)
			}
		case e.Action == request.ActConfirmed || e.Action == request.ActIntake:
			enter(request.Status(e.Detail), e.At)
		case slices.Contains(thirdPartyReturns, e.Action):
			if cur == request.AwaitingThirdParty {
				enter(request.InProgress, e.At)
			}
		case cur != "" && e.Action != request.ActConfirm:
			if next, err := request.Next(e.Action, cur, ""); err == nil {
				enter(next, e.At)
			}
		}
	}
	if cur != "" {
		out = append(out, Stage{Status: cur, From: since})
	}
	return out
}

// MaxPeriodMonths bounds a report's period: at most two years.
const MaxPeriodMonths = 24

// ParsePeriod reads a report's from and to (YYYY-MM-DD) and names every problem: "required"
// when missing, "date" when malformed, and "invalid" on to when it lies before from or the
// period is longer than MaxPeriodMonths.
func ParsePeriod(from, to string) (civil.Date, civil.Date, []request.FieldError) {
	var errs []request.FieldError
	parse := func(field, v string) civil.Date {
		v = strings.TrimSpace(v)
		if v == "" {
			errs = append(errs, request.FieldError{Field: field, Code: "required"})
			return civil.Date{}
		}
		d, err := civil.ParseDate(v)
		if err != nil || !d.IsValid() {
			errs = append(errs, request.FieldError{Field: field, Code: "date"})
			return civil.Date{}
		}
		return d
	}
	f, t := parse("from", from), parse("to", to)
	if len(errs) == 0 && (t.Before(f) || !t.Before(deadline.AddMonths(f, MaxPeriodMonths))) {
		errs = append(errs, request.FieldError{Field: "to", Code: "invalid"})
	}
	if len(errs) > 0 {
		return civil.Date{}, civil.Date{}, errs
	}
	return f, t, nil
}

// PreviousMonth returns the first and last day of the calendar month before today's, the period
// of the monthly accountability_report letter.
func PreviousMonth(today civil.Date) (from, to civil.Date) {
	first := civil.Date{Year: today.Year, Month: today.Month, Day: 1}
	return deadline.AddMonths(first, -1), first.AddDays(-1)
}

// Package deadline computes due dates: the Dutch working-day calendar and the counting of
// terms per EU Regulation 1182/71 (docs/rules.md §3). Its functions are pure functions of dates
// and a policy profile; every date is a Europe/Amsterdam calendar date.
package deadline

import (
	"errors"
	"fmt"
	"time"
	_ "time/tzdata" // the Amsterdam rules must not depend on the host's zoneinfo

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/policy"
	"github.com/privacyloket/privacyloket/shared/request"
)

// Errors callers can check with errors.Is.
var (
	ErrUnknownType = errors.New("unknown request type")
	// ErrNoTerm: the request type has neither an own term nor a GDPR ceiling.
	ErrNoTerm = errors.New("no term applies")
	// ErrNoCeiling: the request type has no GDPR ceiling, so GDPR 12(3) allows no extension.
	ErrNoCeiling = errors.New("no GDPR ceiling to extend")
	ErrBadInput  = errors.New("invalid deadline input")
)

var amsterdam = mustLoad("Europe/Amsterdam")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // cannot happen: time/tzdata is embedded
	}
	return loc
}

// Location returns Europe/Amsterdam, the zone every date of the product lives in.
func Location() *time.Location { return amsterdam }

// DateIn returns the Europe/Amsterdam calendar date of the instant t.
func DateIn(t time.Time) civil.Date { return civil.DateOf(t.In(amsterdam)) }

// StartOfDay returns 00:00 Europe/Amsterdam on d. Dutch DST switches happen at 02:00, so
// midnight always exists.
func StartOfDay(d civil.Date) time.Time { return d.In(amsterdam) }

// AddMonths adds n months and, where the target month is shorter, ends on its last day:
// 31 January + 1 month = 28 (or 29) February (EU 1182/71 art. 3(2)(c)). civil.Date.AddMonths
// would normalise to 3 March instead.
func AddMonths(d civil.Date, n int) civil.Date {
	first := time.Date(d.Year, d.Month+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return civil.Date{Year: first.Year(), Month: first.Month(), Day: min(d.Day, last)}
}

// AddTerm returns the last day of term t counted from the event on day d: the day of the
// event is not counted, a period in days ends after that many days, one in weeks on the same
// weekday, one in months on the same date or the last day of a shorter month (EU 1182/71
// art. 3). It does not roll over weekends or holidays.
func AddTerm(d civil.Date, t policy.Term) civil.Date {
	return AddMonths(d, t.Months).AddDays(7*t.Weeks + t.Days)
}

// gdprCeiling is GDPR 12(3): one month for the rights of articles 15-22. A complaint is not
// such a request and has no ceiling of its own.
var gdprCeiling = map[request.Type]policy.Term{
	request.Access:        {Months: 1},
	request.Rectification: {Months: 1},
	request.Erasure:       {Months: 1},
	request.Objection:     {Months: 1},
	request.Restriction:   {Months: 1},
	request.Portability:   {Months: 1},
}

// GDPRTerm returns the GDPR ceiling for requestType, and false if it has none.
func GDPRTerm(requestType request.Type) (policy.Term, bool) {
	t, ok := gdprCeiling[requestType]
	return t, ok
}

// extensionMonths is GDPR 12(3): one month, extendable by two more.
const extensionMonths = 3

// check rejects input no due date can be computed from.
func check(p *policy.Profile, requestType request.Type, received civil.Date, suspendedDays int) error {
	switch {
	case p == nil:
		return fmt.Errorf("%w: no policy profile", ErrBadInput)
	case !requestType.Valid():
		return fmt.Errorf("%w %q", ErrUnknownType, requestType)
	case !received.IsValid():
		return fmt.Errorf("%w: received date %v", ErrBadInput, received)
	case suspendedDays < 0:
		return fmt.Errorf("%w: negative suspension %d", ErrBadInput, suspendedDays)
	}
	return nil
}

// Due returns the date by which the request must be answered: the earlier of the profile's
// own term and the GDPR month, both counted from received. suspendedDays (calendar days the
// clock stood still, EDPB 01/2022 §159) are added at the end of each term, not to its start
// (docs/rules.md §3): objection received 28 February 2026, 1 day suspended, ends on
// 28 March + 1 = Sunday 29 March, so Monday 30 March. Only then does the GDPR end roll forward
// to a working day (EU 1182/71 art. 3(4)); the own term only if p.OwnTermsRollForward.
func (c *Calendar) Due(p *policy.Profile, requestType request.Type, received civil.Date, suspendedDays int) (civil.Date, error) {
	if err := check(p, requestType, received, suspendedDays); err != nil {
		return civil.Date{}, err
	}
	var due civil.Date
	if t := p.Term(string(requestType)); !t.IsZero() {
		due = AddTerm(received, t).AddDays(suspendedDays)
		if p.OwnTermsRollForward {
			// A corporation's own term is no statutory term: it rolls like the GDPR's, over the
			// undisputed holidays only, so that it never ends later than the law would have it.
			due = c.NextGDPRWorkingDay(due)
		}
	}
	if t, ok := gdprCeiling[requestType]; ok {
		if g := c.NextGDPRWorkingDay(AddTerm(received, t).AddDays(suspendedDays)); due.IsZero() || g.Before(due) {
			due = g
		}
	}
	if due.IsZero() {
		return civil.Date{}, fmt.Errorf("%w to %s in profile %q: set terms.%s", ErrNoTerm, requestType, p.ID, requestType)
	}
	return due, nil
}

// ExtendedDue returns the latest due date an extension may set: three months after receipt
// (GDPR 12(3): one month plus two), plus suspendedDays, rolled forward to a working day like
// the GDPR month. A complaint has no GDPR ceiling and so no extension (ErrNoCeiling).
func (c *Calendar) ExtendedDue(p *policy.Profile, requestType request.Type, received civil.Date, suspendedDays int) (civil.Date, error) {
	if err := check(p, requestType, received, suspendedDays); err != nil {
		return civil.Date{}, err
	}
	if _, ok := gdprCeiling[requestType]; !ok {
		return civil.Date{}, fmt.Errorf("%w: %s", ErrNoCeiling, requestType)
	}
	return c.NextGDPRWorkingDay(AddMonths(received, extensionMonths).AddDays(suspendedDays)), nil
}

// CaseDue returns the due date of a case as it stands: ExtendedDue when the case was extended,
// Due otherwise, both with every suspended day added. Recompute it with this whenever the
// suspended days change, so that a suspension never undoes an extension (docs/rules.md §3):
// extended to 29 June 2026, a 14-day suspension moves it to 11 July + roll = 13 July, never
// back to the plain term.
func (c *Calendar) CaseDue(p *policy.Profile, requestType request.Type, received civil.Date, suspendedDays int, extended bool) (civil.Date, error) {
	if extended {
		return c.ExtendedDue(p, requestType, received, suspendedDays)
	}
	return c.Due(p, requestType, received, suspendedDays)
}

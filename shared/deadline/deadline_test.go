package deadline

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/policy"
	"github.com/privacyloket/privacyloket/shared/request"
)

func profile(t testing.TB, name string) *policy.Profile {
	t.Helper()
	p, err := policy.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// custom loads testdata/profile.json: own terms of 30 days (access), 2 weeks
// (rectification), 1 month (erasure), none (objection) and 8 weeks (complaint); rollForward
// is applied by the caller.
func custom(t testing.TB, rollForward bool) *policy.Profile {
	t.Helper()
	p := profile(t, "testdata/profile.json")
	p.OwnTermsRollForward = rollForward
	return p
}

func TestAddMonths(t *testing.T) {
	t.Parallel()
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2026-03-27", 1, "2026-04-27"},
		{"2026-01-31", 1, "2026-02-28"}, // docs/rules.md §3: 31 Jan + 1 month = 28 Feb
		{"2028-01-31", 1, "2028-02-29"}, // or 29 Feb in a leap year
		{"2028-01-29", 1, "2028-02-29"},
		{"2027-01-29", 1, "2027-02-28"},
		{"2026-03-31", 1, "2026-04-30"},
		{"2026-05-31", 1, "2026-06-30"},
		{"2026-12-15", 1, "2027-01-15"},
		{"2026-12-31", 2, "2027-02-28"},
		{"2026-11-30", 3, "2027-02-28"},
		{"2027-11-30", 3, "2028-02-29"},
		{"2026-01-31", 13, "2027-02-28"},
		{"2024-02-29", 12, "2025-02-28"},
		{"2026-05-31", -1, "2026-04-30"},
		{"2026-01-15", -1, "2025-12-15"},
		{"2026-01-31", 0, "2026-01-31"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s%+d", tt.from, tt.n), func(t *testing.T) {
			t.Parallel()
			if got, want := AddMonths(date(t, tt.from), tt.n), date(t, tt.want); got != want {
				t.Errorf("AddMonths(%s, %d) = %s, want %s", tt.from, tt.n, got, want)
			}
		})
	}
}

func TestAddTerm(t *testing.T) {
	t.Parallel()
	tests := []struct {
		from string
		term policy.Term
		want string
	}{
		{"2026-03-01", policy.Term{Days: 14}, "2026-03-15"},   // the day of receipt is not counted
		{"2026-03-27", policy.Term{Weeks: 4}, "2026-04-24"},   // same weekday, 4 weeks on
		{"2026-12-28", policy.Term{Weeks: 1}, "2027-01-04"},   // over the year end
		{"2026-01-31", policy.Term{Months: 1}, "2026-02-28"},  // last day of a shorter month
		{"2026-02-20", policy.Term{Days: 10}, "2026-03-02"},   // February has 28 days
		{"2028-02-20", policy.Term{Days: 10}, "2028-03-01"},   // 29 in a leap year
		{"2026-03-27", policy.Term{}, "2026-03-27"},           // zero term: no movement
		{"2026-04-17", policy.Term{Weeks: 6}, "2026-05-29"},   // a complaint term
		{"2026-03-27", policy.Term{Months: 3}, "2026-06-27"},  // the extension ceiling
		{"2025-11-30", policy.Term{Months: 3}, "2026-02-28"},  // clamped
		{"2026-05-31", policy.Term{Months: 1}, "2026-06-30"},  // clamped
		{"2026-03-28", policy.Term{Days: 14}, "2026-04-11"},   // received on a Saturday
		{"2026-10-24", policy.Term{Weeks: 1}, "2026-10-31"},   // across the DST change
		{"2026-03-29", policy.Term{Months: 1}, "2026-04-29"},  // starting on the DST day
		{"2026-02-28", policy.Term{Months: 1}, "2026-03-28"},  // not "the last day" again
		{"2026-04-30", policy.Term{Months: 1}, "2026-05-30"},  // not 31 May
		{"2026-03-27", policy.Term{Days: 30}, "2026-04-26"},   // 30 days
		{"2026-01-01", policy.Term{Weeks: 52}, "2026-12-31"},  // a long term
		{"2026-12-31", policy.Term{Months: 12}, "2027-12-31"}, // a year in months
	}
	for _, tt := range tests {
		t.Run(tt.from+" "+tt.term.String(), func(t *testing.T) {
			t.Parallel()
			if got, want := AddTerm(date(t, tt.from), tt.term), date(t, tt.want); got != want {
				t.Errorf("AddTerm(%s, %s) = %s, want %s", tt.from, tt.term, got, want)
			}
		})
	}
}

func TestDue(t *testing.T) {
	t.Parallel()
	c := NewCalendar()
	v, a := profile(t, "vallei-wonen"), profile(t, "de-alliantie")
	own, rolling := custom(t, false), custom(t, true)
	tests := []struct {
		name      string
		p         *policy.Profile
		typ       request.Type
		received  string
		suspended int
		want      string
	}{
		// docs/contract.md §6: 4 weeks (24 April) beats the GDPR month (27 April is Koningsdag, so 28 April).
		{"contract example", v, request.Access, "2026-03-27", 0, "2026-04-24"},
		{"A access", a, request.Access, "2026-03-27", 0, "2026-04-24"},
		// V decides on corrections in 14 days, A in 4 weeks.
		{"V rectification 14 days", v, request.Rectification, "2026-03-27", 0, "2026-04-10"},
		{"A rectification 4 weeks", a, request.Rectification, "2026-03-27", 0, "2026-04-24"},
		{"V erasure 14 days", v, request.Erasure, "2026-03-27", 0, "2026-04-10"},
		{"A erasure 4 weeks", a, request.Erasure, "2026-03-27", 0, "2026-04-24"},
		// V sets no objection term: the GDPR month, rolled off Koningsdag.
		{"V objection: GDPR month off Koningsdag", v, request.Objection, "2026-03-27", 0, "2026-04-28"},
		{"A objection 4 weeks", a, request.Objection, "2026-03-27", 0, "2026-04-24"},
		{"V complaint 6 weeks", v, request.Complaint, "2026-03-27", 0, "2026-05-08"},
		// Own terms do not roll by default: a due date may fall on a weekend or holiday.
		{"own term on a Saturday stays", v, request.Access, "2026-02-28", 0, "2026-03-28"},
		{"own term on Koningsdag stays", a, request.Rectification, "2026-03-30", 0, "2026-04-27"},
		{"own term on Hemelvaart stays", a, request.Rectification, "2026-04-16", 0, "2026-05-14"},
		{"own term rolls over Hemelvaart, not the decree day", rolling, request.Rectification, "2026-04-30", 0, "2026-05-15"},
		{"rolled own term: Koningsdag", rolling, request.Rectification, "2026-04-13", 0, "2026-04-28"},
		// The GDPR month rolls over weekends and the undisputed holidays only: Goede Vrijdag, 5 mei
		// and decree days are days a GDPR period may end on (docs/rules.md §3).
		{"Goede Vrijdag is a GDPR working day", v, request.Objection, "2026-03-03", 0, "2026-04-03"},
		{"Koningsdag on a Saturday (2025)", v, request.Objection, "2025-03-26", 0, "2025-04-28"},
		{"5 mei is a GDPR working day", v, request.Objection, "2026-04-05", 0, "2026-05-05"},
		{"Hemelvaart rolls onto the decree day (RULES §3 example)", v, request.Objection, "2026-04-14", 0, "2026-05-15"},
		{"decree day 2027 is a GDPR working day", v, request.Objection, "2027-04-07", 0, "2027-05-07"},
		{"Hemelvaart 2027 rolls onto the decree day", v, request.Objection, "2027-04-06", 0, "2027-05-07"},
		{"Tweede Pinksterdag", v, request.Objection, "2026-04-25", 0, "2026-05-26"},
		{"Christmas on Friday", v, request.Objection, "2026-11-25", 0, "2026-12-28"},
		{"Christmas on a weekend", v, request.Objection, "2027-11-25", 0, "2027-12-27"},
		{"New Year rolls onto the decree day", v, request.Objection, "2025-12-01", 0, "2026-01-02"},
		{"Christmas Eve is a working day", v, request.Objection, "2026-11-24", 0, "2026-12-24"},
		// Month ends and leap years.
		{"31 Jan to 28 Feb, a Sunday", v, request.Objection, "2027-01-31", 0, "2027-03-01"},
		{"31 Jan to 29 Feb 2028", v, request.Objection, "2028-01-31", 0, "2028-02-29"},
		{"31 Mar to 30 Apr", v, request.Objection, "2026-03-31", 0, "2026-04-30"},
		{"received on a Sunday", v, request.Objection, "2026-03-29", 0, "2026-04-29"},
		// The earlier date wins, also when that is the GDPR month.
		{"30 days vs February: GDPR wins", own, request.Access, "2027-01-31", 0, "2027-03-01"},
		{"30 days vs a 31-day month: own wins", own, request.Access, "2026-03-01", 0, "2026-03-31"},
		{"own 1 month on a Sunday vs GDPR rolled: own wins", own, request.Erasure, "2027-01-31", 0, "2027-02-28"},
		{"own 1 month rolled equals GDPR", rolling, request.Erasure, "2027-01-31", 0, "2027-03-01"},
		{"no own term: GDPR", own, request.Objection, "2026-03-27", 0, "2026-04-28"},
		{"complaint has no ceiling: own term only", own, request.Complaint, "2026-03-27", 0, "2026-05-22"},
		// Suspended days are added to the end, before the GDPR end rolls (docs/rules.md §3).
		{"suspended 5 days", v, request.Access, "2026-03-27", 5, "2026-04-29"},
		{"suspended 3 days, GDPR", v, request.Objection, "2026-03-27", 3, "2026-04-30"},
		// 28 Feb + 1 month = Saturday 28 Mar; + 3 = Tuesday 3 Mar. Moving the start instead
		// gave 31 Jan + 1 month = 28 Feb, rolled to 2 Mar.
		{"suspended across a month end", v, request.Objection, "2026-01-28", 3, "2026-03-03"},
		{"suspended 0 days", v, request.Rectification, "2026-03-27", 0, "2026-04-10"},
		// Issue 10 item 3: 28 Feb + 1 month = Saturday 28 Mar.
		{"28 Feb, no suspension: Monday 30 Mar", v, request.Objection, "2026-02-28", 0, "2026-03-30"},
		{"28 Feb, 1 day: Sunday 29 Mar rolls to 30 Mar", v, request.Objection, "2026-02-28", 1, "2026-03-30"},
		{"28 Feb, 2 days: Monday 30 Mar", v, request.Objection, "2026-02-28", 2, "2026-03-30"},
		{"28 Feb, 3 days: Tuesday 31 Mar", v, request.Objection, "2026-02-28", 3, "2026-03-31"},
		{"28 Feb, 4 weeks, 3 days (A)", a, request.Objection, "2026-02-28", 3, "2026-03-31"},
		{"31 Jan, 1 day: 28 Feb + 1 = 1 Mar, a Monday (2027)", v, request.Objection, "2027-01-31", 1, "2027-03-01"},
		{"31 Jan 2028, 1 day: 29 Feb + 1 = 1 Mar", v, request.Objection, "2028-01-31", 1, "2028-03-01"},
		{"30 Apr, 1 day: 30 May + 1 = Sunday 31 May, so 1 Jun", v, request.Objection, "2026-04-30", 1, "2026-06-01"},
		{"suspended onto Goede Vrijdag", v, request.Objection, "2026-02-28", 6, "2026-04-03"},
		{"suspended onto the decree day, which ends it", v, request.Objection, "2026-04-12", 3, "2026-05-15"},
		{"own 14 days plus suspension, not rolled", v, request.Rectification, "2026-02-28", 1, "2026-03-15"},
		{"own term plus suspension, rolled", rolling, request.Rectification, "2026-02-28", 1, "2026-03-16"},
		{"complaint plus suspension", v, request.Complaint, "2026-03-27", 7, "2026-05-15"},
		// A year without decree-day data counts statutory holidays only: Friday 26 May 2028,
		// after Hemelvaart, is a working day until a decree says otherwise.
		{"2028: no decree data, Friday after Hemelvaart counts", v, request.Objection, "2028-04-26", 0, "2028-05-26"},
		{"2028: Hemelvaart itself still rolls", v, request.Objection, "2028-04-25", 0, "2028-05-26"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := c.Due(tt.p, tt.typ, date(t, tt.received), tt.suspended)
			if err != nil {
				t.Fatalf("Due(%s, %s, %s, %d): %v", tt.p.ID, tt.typ, tt.received, tt.suspended, err)
			}
			if want := date(t, tt.want); got != want {
				t.Errorf("Due(%s, %s, %s, %d) = %s (%s), want %s (%s)",
					tt.p.ID, tt.typ, tt.received, tt.suspended, got, got.Weekday(), want, want.Weekday())
			}
		})
	}
}

func TestExtendedDue(t *testing.T) {
	t.Parallel()
	c := NewCalendar()
	v, a := profile(t, "vallei-wonen"), profile(t, "de-alliantie")
	tests := []struct {
		name      string
		p         *policy.Profile
		typ       request.Type
		received  string
		suspended int
		want      string
	}{
		{"27 June 2026 is a Saturday", v, request.Access, "2026-03-27", 0, "2026-06-29"},
		{"the own term does not matter", a, request.Rectification, "2026-03-27", 0, "2026-06-29"},
		{"no own term", v, request.Objection, "2026-03-27", 0, "2026-06-29"},
		{"clamped to 28 Feb, a Saturday", v, request.Access, "2025-11-30", 0, "2026-03-02"},
		{"clamped to 29 Feb 2028", v, request.Erasure, "2027-11-30", 0, "2028-02-29"},
		{"Christmas", v, request.Access, "2026-09-25", 0, "2026-12-28"},
		{"New Year rolls onto the decree day", v, request.Access, "2025-10-01", 0, "2026-01-02"},
		{"Hemelvaart 2027 rolls onto the decree day", v, request.Access, "2027-02-06", 0, "2027-05-07"},
		// Suspended days are added to the end: 27 Jun + n, then rolled.
		{"suspended 2 days: Monday 29 June", v, request.Access, "2026-03-27", 2, "2026-06-29"},
		{"suspended 5 days: Thursday 2 July", v, request.Access, "2026-03-27", 5, "2026-07-02"},
		{"suspended 14 days: Saturday 11 July, so 13 July", v, request.Access, "2026-03-27", 14, "2026-07-13"},
		{"28 Feb, 1 day: 28 May + 1 = Friday 29 May", v, request.Objection, "2026-02-28", 1, "2026-05-29"},
		{"clamped month end plus 1 day", v, request.Access, "2025-11-30", 1, "2026-03-02"},
		{"clamped month end plus 3 days", v, request.Access, "2025-11-30", 3, "2026-03-03"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := c.ExtendedDue(tt.p, tt.typ, date(t, tt.received), tt.suspended)
			if err != nil {
				t.Fatal(err)
			}
			if want := date(t, tt.want); got != want {
				t.Errorf("ExtendedDue(%s, %s, %s, %d) = %s (%s), want %s",
					tt.p.ID, tt.typ, tt.received, tt.suspended, got, got.Weekday(), want)
			}
		})
	}
}

// TestCaseDue covers issue 10 item 2: when a suspension ends, an extended case keeps its
// extension and its extended date moves by the suspended days (docs/rules.md §3).
func TestCaseDue(t *testing.T) {
	t.Parallel()
	c := NewCalendar()
	v, a := profile(t, "vallei-wonen"), profile(t, "de-alliantie")
	tests := []struct {
		name      string
		p         *policy.Profile
		typ       request.Type
		received  string
		suspended int
		extended  bool
		want      string
	}{
		{"plain", v, request.Access, "2026-03-27", 0, false, "2026-04-24"},
		{"plain, suspended 14 days", v, request.Access, "2026-03-27", 14, false, "2026-05-08"},
		{"extended", v, request.Access, "2026-03-27", 0, true, "2026-06-29"},
		// The case: extended to 29 June, the copy arrives 14 days later. Not 8 May.
		{"extended, then suspended 14 days", v, request.Access, "2026-03-27", 14, true, "2026-07-13"},
		{"extended, A rectification, 3 days", a, request.Rectification, "2026-03-27", 3, true, "2026-06-30"},
		{"extended from a month end, 1 day", v, request.Objection, "2026-02-28", 1, true, "2026-05-29"},
		{"extended over New Year onto the decree day", v, request.Access, "2025-09-30", 3, true, "2026-01-02"},
		{"complaint, not extended", v, request.Complaint, "2026-03-27", 2, false, "2026-05-10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := c.CaseDue(tt.p, tt.typ, date(t, tt.received), tt.suspended, tt.extended)
			if err != nil {
				t.Fatal(err)
			}
			if want := date(t, tt.want); got != want {
				t.Errorf("CaseDue(%s, %s, %s, %d, %t) = %s (%s), want %s",
					tt.p.ID, tt.typ, tt.received, tt.suspended, tt.extended, got, got.Weekday(), want)
			}
		})
	}
	if _, err := c.CaseDue(v, request.Complaint, date(t, "2026-03-27"), 0, true); !errors.Is(err, ErrNoCeiling) {
		t.Errorf("CaseDue of an extended complaint: error %v, want ErrNoCeiling", err)
	}
}

// TestSuspensionInvariants: for every day of two years and every suspension up to 40 days,
// a suspension never shortens the term, adds at most its own days plus a roll-over, and the
// extended date never falls before the plain one.
func TestSuspensionInvariants(t *testing.T) {
	t.Parallel()
	c := NewCalendar()
	v := profile(t, "vallei-wonen")
	for d := date(t, "2026-01-01"); d.Before(date(t, "2028-01-01")); d = d.AddDays(1) {
		base, err := c.Due(v, request.Objection, d, 0)
		if err != nil {
			t.Fatal(err)
		}
		for n := 1; n <= 40; n++ {
			due, err := c.Due(v, request.Objection, d, n)
			if err != nil {
				t.Fatal(err)
			}
			ext, err := c.CaseDue(v, request.Objection, d, n, true)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case due.Before(base):
				t.Fatalf("Due(%s, %d) = %s, before the unsuspended %s", d, n, due, base)
			case !c.IsGDPRWorkingDay(due):
				t.Fatalf("Due(%s, %d) = %s, not a working day", d, n, due)
			case due.DaysSince(AddMonths(d, 1)) > n+6:
				t.Fatalf("Due(%s, %d) = %s: more than the suspension plus a roll-over", d, n, due)
			case ext.Before(due):
				t.Fatalf("extended CaseDue(%s, %d) = %s, before the plain %s", d, n, ext, due)
			}
		}
	}
}

func TestDueErrors(t *testing.T) {
	t.Parallel()
	c := NewCalendar()
	v := profile(t, "vallei-wonen")
	noComplaintTerm := profile(t, "vallei-wonen")
	noComplaintTerm.Terms[policy.Complaint] = policy.Term{}
	ok := date(t, "2026-03-27")
	tests := []struct {
		name      string
		p         *policy.Profile
		typ       request.Type
		received  civil.Date
		suspended int
		due, ext  error // the errors Due and ExtendedDue must return
	}{
		{"unknown type", v, "appeal", ok, 0, ErrUnknownType, ErrUnknownType},
		{"empty type", v, "", ok, 0, ErrUnknownType, ErrUnknownType},
		{"nil profile", nil, request.Access, ok, 0, ErrBadInput, ErrBadInput},
		{"zero date", v, request.Access, civil.Date{}, 0, ErrBadInput, ErrBadInput},
		{"impossible date", v, request.Access, civil.Date{Year: 2026, Month: 2, Day: 30}, 0, ErrBadInput, ErrBadInput},
		{"negative suspension", v, request.Access, ok, -1, ErrBadInput, ErrBadInput},
		{"complaint without a term", noComplaintTerm, request.Complaint, ok, 0, ErrNoTerm, ErrNoCeiling},
		{"complaint cannot be extended", v, request.Complaint, ok, 0, nil, ErrNoCeiling},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := c.Due(tt.p, tt.typ, tt.received, tt.suspended); !errors.Is(err, tt.due) {
				t.Errorf("Due error = %v, want %v", err, tt.due)
			}
			if _, err := c.ExtendedDue(tt.p, tt.typ, tt.received, tt.suspended); !errors.Is(err, tt.ext) {
				t.Errorf("ExtendedDue error = %v, want %v", err, tt.ext)
			}
		})
	}
}

// TestDueInvariants checks, for every day of six years, both profiles and every request type
// with a GDPR ceiling, what must always hold: the due date is after receipt and never later
// than the rolled GDPR month; that month ends on a working day; the extension ceiling is
// a working day and never before the due date.
func TestDueInvariants(t *testing.T) {
	t.Parallel()
	c := NewCalendar()
	profiles := []*policy.Profile{profile(t, "vallei-wonen"), profile(t, "de-alliantie"), custom(t, false), custom(t, true)}
	types := []request.Type{request.Access, request.Rectification, request.Erasure, request.Objection}
	for d := date(t, "2025-01-01"); d.Before(date(t, "2031-01-01")); d = d.AddDays(1) {
		gdpr := c.NextWorkingDay(AddMonths(d, 1))
		if !c.IsWorkingDay(gdpr) {
			t.Fatalf("GDPR month from %s ends on %s, not a working day", d, gdpr)
		}
		for _, p := range profiles {
			for _, typ := range types {
				due, err := c.Due(p, typ, d, 0)
				if err != nil {
					t.Fatalf("Due(%s, %s, %s): %v", p.ID, typ, d, err)
				}
				ext, err := c.ExtendedDue(p, typ, d, 0)
				if err != nil {
					t.Fatalf("ExtendedDue(%s, %s, %s): %v", p.ID, typ, d, err)
				}
				switch {
				case !due.After(d):
					t.Errorf("Due(%s, %s, %s) = %s, not after receipt", p.ID, typ, d, due)
				case due.After(gdpr):
					t.Errorf("Due(%s, %s, %s) = %s, later than the GDPR month %s", p.ID, typ, d, due, gdpr)
				case ext.Before(due) || !c.IsGDPRWorkingDay(ext):
					t.Errorf("ExtendedDue(%s, %s, %s) = %s: before Due %s or not a working day", p.ID, typ, d, ext, due)
				}
				if p.OwnTermsRollForward && !c.IsGDPRWorkingDay(due) {
					t.Errorf("Due(%s, %s, %s) = %s: profile rolls forward, but not a working day", p.ID, typ, d, due)
				}
			}
		}
	}
}

func TestDateIn(t *testing.T) {
	t.Parallel()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		t    time.Time
		want string
	}{
		{"winter midnight UTC is 01:00 CET", time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC), "2026-01-15"},
		{"winter 23:00 UTC is the next day", time.Date(2026, 1, 15, 23, 0, 0, 0, time.UTC), "2026-01-16"},
		{"winter 22:59:59 UTC is the same day", time.Date(2026, 1, 15, 22, 59, 59, 0, time.UTC), "2026-01-15"},
		{"summer 22:00 UTC is the next day", time.Date(2026, 7, 1, 22, 0, 0, 0, time.UTC), "2026-07-02"},
		{"summer 21:59:59 UTC is the same day", time.Date(2026, 7, 1, 21, 59, 59, 0, time.UTC), "2026-07-01"},
		// DST starts 29 March 2026 at 02:00 CET.
		{"last second of 28 March", time.Date(2026, 3, 28, 22, 59, 59, 0, time.UTC), "2026-03-28"},
		{"first second of 29 March", time.Date(2026, 3, 28, 23, 0, 0, 0, time.UTC), "2026-03-29"},
		{"the skipped hour", time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC), "2026-03-29"},
		{"last second of 29 March (CEST)", time.Date(2026, 3, 29, 21, 59, 59, 0, time.UTC), "2026-03-29"},
		{"first second of 30 March", time.Date(2026, 3, 29, 22, 0, 0, 0, time.UTC), "2026-03-30"},
		// DST ends 25 October 2026 at 03:00 CEST.
		{"first second of 25 October", time.Date(2026, 10, 24, 22, 0, 0, 0, time.UTC), "2026-10-25"},
		{"the repeated hour", time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC), "2026-10-25"},
		{"last second of 25 October (CET)", time.Date(2026, 10, 25, 22, 59, 59, 0, time.UTC), "2026-10-25"},
		{"first second of 26 October", time.Date(2026, 10, 25, 23, 0, 0, 0, time.UTC), "2026-10-26"},
		{"an instant in another zone", time.Date(2026, 3, 27, 19, 30, 0, 0, ny), "2026-03-28"},
		{"new year", time.Date(2025, 12, 31, 23, 0, 0, 0, time.UTC), "2026-01-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got, want := DateIn(tt.t), date(t, tt.want); got != want {
				t.Errorf("DateIn(%s) = %s, want %s", tt.t.Format(time.RFC3339), got, want)
			}
		})
	}
}

func TestStartOfDay(t *testing.T) {
	t.Parallel()
	tests := []struct {
		day       string
		wantUTC   time.Time
		dayLength time.Duration
	}{
		{"2026-01-15", time.Date(2026, 1, 14, 23, 0, 0, 0, time.UTC), 24 * time.Hour},
		{"2026-07-01", time.Date(2026, 6, 30, 22, 0, 0, 0, time.UTC), 24 * time.Hour},
		{"2026-03-29", time.Date(2026, 3, 28, 23, 0, 0, 0, time.UTC), 23 * time.Hour},
		{"2026-03-30", time.Date(2026, 3, 29, 22, 0, 0, 0, time.UTC), 24 * time.Hour},
		{"2026-10-25", time.Date(2026, 10, 24, 22, 0, 0, 0, time.UTC), 25 * time.Hour},
		{"2026-10-26", time.Date(2026, 10, 25, 23, 0, 0, 0, time.UTC), 24 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.day, func(t *testing.T) {
			t.Parallel()
			d := date(t, tt.day)
			got := StartOfDay(d)
			if !got.Equal(tt.wantUTC) {
				t.Errorf("StartOfDay(%s) = %s, want %s", d, got.UTC(), tt.wantUTC)
			}
			if got, want := StartOfDay(d.AddDays(1)).Sub(got), tt.dayLength; got != want {
				t.Errorf("%s lasts %s, want %s", d, got, want)
			}
			if got, want := got.Location().String(), "Europe/Amsterdam"; got != want {
				t.Errorf("location %q, want %q", got, want)
			}
		})
	}
}

func TestStartOfDayRoundTrip(t *testing.T) {
	t.Parallel()
	for d := date(t, "2024-01-01"); d.Before(date(t, "2031-01-01")); d = d.AddDays(1) {
		s := StartOfDay(d)
		if got := DateIn(s); got != d {
			t.Fatalf("DateIn(StartOfDay(%s)) = %s", d, got)
		}
		if got := DateIn(s.Add(-time.Nanosecond)); got != d.AddDays(-1) {
			t.Fatalf("the instant before StartOfDay(%s) is on %s", d, got)
		}
	}
}

func BenchmarkDue(b *testing.B) {
	c := NewCalendar()
	v := profile(b, "vallei-wonen")
	start := civil.Date{Year: 2026, Month: 1, Day: 1}
	types := request.Types
	i := 0
	for b.Loop() {
		// Walk over two years so the per-year cache and every rollover path are exercised.
		if _, err := c.Due(v, types[i%len(types)], start.AddDays(i%730), 0); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkExtendedDue(b *testing.B) {
	c := NewCalendar()
	v := profile(b, "vallei-wonen")
	start := civil.Date{Year: 2026, Month: 1, Day: 1}
	i := 0
	for b.Loop() {
		if _, err := c.ExtendedDue(v, request.Access, start.AddDays(i%730), 0); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkNewCalendarFirstYear(b *testing.B) {
	d := civil.Date{Year: 2026, Month: 5, Day: 5}
	for b.Loop() {
		NewCalendar().IsWorkingDay(d)
	}
}

// The examples of docs/rules.md §3 and of the legal review: a GDPR date never rolls over a day
// that only the Algemene termijnenwet equates with a holiday.
func TestGDPRDatesIgnoreAtwOnlyDays(t *testing.T) {
	t.Parallel()
	c := NewCalendar()
	v := profile(t, "vallei-wonen")
	for received, want := range map[string]string{
		"2026-04-15": "2026-05-15", // a Friday and a decree day
		"2025-12-02": "2026-01-02", // a decree day after New Year
		"2027-04-07": "2027-05-07", // a decree day after Hemelvaart
	} {
		got, err := c.Due(v, request.Objection, date(t, received), 0)
		if err != nil {
			t.Fatal(err)
		}
		if got.String() != want {
			t.Errorf("objection received %s under vallei-wonen: due %s, want %s", received, got, want)
		}
	}
	// Statutory terms still count every Atw day: 15 May 2026 is no working day for them.
	if c.IsWorkingDay(civil.Date{Year: 2026, Month: 5, Day: 15}) {
		t.Error("15 May 2026 (decree day) counts as an Atw working day")
	}
	for _, d := range []civil.Date{{Year: 2026, Month: 4, Day: 3}, {Year: 2026, Month: 5, Day: 5}, {Year: 2026, Month: 5, Day: 15}} {
		if !c.IsGDPRWorkingDay(d) {
			t.Errorf("%s is not a GDPR working day", d)
		}
	}
	for _, d := range []civil.Date{{Year: 2026, Month: 1, Day: 1}, {Year: 2026, Month: 4, Day: 6}, {Year: 2026, Month: 4, Day: 27}, {Year: 2026, Month: 5, Day: 14}, {Year: 2026, Month: 5, Day: 25}, {Year: 2026, Month: 12, Day: 25}, {Year: 2026, Month: 12, Day: 26}} {
		if c.IsGDPRWorkingDay(d) {
			t.Errorf("%s (an undisputed holiday) is a GDPR working day", d)
		}
	}
}

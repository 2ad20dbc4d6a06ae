// Package report is the accountability report of the privacy desk (GDPR 5(2)): the figures for
// the requests received in a period, one CSV row per case, server-rendered SVG charts with their
// tables, and a case's audit export. It is pure: callers pass in what they read from the store,
// as CaseFacts that hold no names or addresses, and the current time.
//
// Every date is a Europe/Amsterdam calendar date (deadline.DateIn). Percentiles use the
// nearest-rank method (see Percentile), so every median and 90th percentile is a value that
// really occurred.
package report

import (
	"cmp"
	"math"
	"slices"
	"time"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/deadline"
	"github.com/privacyloket/privacyloket/shared/request"
)

// Stage is one stretch of time a case spent in one status, from the audit trail. To is zero
// while the case is still in it.
type Stage struct {
	Status   request.Status
	From, To time.Time
}

// CaseFacts is what the report needs of one case, and nothing more: no names, no e-mail or postal
// addresses, no free text. FactsOf builds it from a stored case and its audit trail.
type CaseFacts struct {
	Reference string
	Type      request.Type
	Status    request.Status
	Channel   request.Channel
	Received  civil.Date // the day of receipt the clock counts from (an intake's receivedOn)
	DueDate   civil.Date // the due date in force (after extension and suspension); zero when none
	Extended  bool
	DecidedAt time.Time // zero when not decided
	Outcome   request.Outcome
	Ground    request.Ground
	Stages    []Stage
	// IDCopyViews counts how often staff opened the case's ID copy.
	IDCopyViews int
	// Returned counts the case's drafted decisions an approver sent back; ApprovalWaits are the
	// days each approved draft waited for approval (four eyes, docs/rules.md §8).
	Returned      int
	ApprovalWaits []float64
}

// Decided reports whether the case was decided (whatever its status now, e.g. closed later).
func (c CaseFacts) Decided() bool { return !c.DecidedAt.IsZero() }

// DecidedOn is the Amsterdam date of the decision; zero when not decided.
func (c CaseFacts) DecidedOn() civil.Date {
	if !c.Decided() {
		return civil.Date{}
	}
	return deadline.DateIn(c.DecidedAt)
}

// DaysToDecision counts calendar days from receipt to the decision date (a decision on the day
// of receipt is 0 days); ok is false when the case is not decided.
func (c CaseFacts) DaysToDecision() (days int, ok bool) {
	if !c.Decided() {
		return 0, false
	}
	return c.DecidedOn().DaysSince(c.Received), true
}

// OnTime reports whether the decision fell on or before the due date in force. A decision on a
// case whose clock never started (no due date) is on time: no term ran. ok is false when the
// case is not decided.
func (c CaseFacts) OnTime() (onTime, ok bool) {
	if !c.Decided() {
		return false, false
	}
	return c.DueDate.IsZero() || !c.DecidedOn().After(c.DueDate), true
}

// Open reports whether the case is still being handled: not decided, closed or expired (the
// desk's definition, docs/contract.md §3), so a case awaiting confirmation is open too.
func (c CaseFacts) Open() bool {
	return !c.Decided() && !c.Status.Finished()
}

// Overdue reports whether the case is open and its due date lies before today.
func (c CaseFacts) Overdue(today civil.Date) bool {
	return c.Open() && !c.DueDate.IsZero() && today.After(c.DueDate)
}

// StageStatuses are the statuses whose durations the report gives: waiting on the requester
// (confirmation, identity), on a third party, and on staff (in_progress).
var StageStatuses = stageOrder[:]

var stageOrder = [...]request.Status{request.AwaitingConfirmation, request.AwaitingIdentity,
	request.AwaitingThirdParty, request.InProgress}

// StageDays returns the days the case spent in each of StageStatuses, summed over every finished
// stretch (a status entered twice counts both times). A stretch still running is left out, so an
// open case does not pull the figures down. Statuses the case never finished are absent.
func (c CaseFacts) StageDays() map[request.Status]float64 {
	days, done := c.stageDays()
	out := make(map[request.Status]float64, len(StageStatuses))
	for i, s := range stageOrder {
		if done[i] {
			out[s] = days[i]
		}
	}
	return out
}

// stageDays is StageDays indexed like StageStatuses, without allocating.
func (c *CaseFacts) stageDays() (days [len(stageOrder)]float64, done [len(stageOrder)]bool) {
	for _, s := range c.Stages {
		if s.To.IsZero() || !s.To.After(s.From) {
			continue
		}
		if i := slices.Index(stageOrder[:], s.Status); i >= 0 {
			days[i] += s.To.Sub(s.From).Hours() / 24
			done[i] = true
		}
	}
	return days, done
}

// StageStats is the median and 90th percentile of the days cases spent in one status; both are
// null when no case in the period finished that status.
type StageStats struct {
	MedianDays *float64 `json:"medianDays"`
	P90Days    *float64 `json:"p90Days"`
}

// Report is the accountability report for the requests received from From to To (inclusive),
// as they stand at the moment it was computed. Its JSON is docs/contract.md §3 "The desk".
type Report struct {
	From civil.Date `json:"from"`
	To   civil.Date `json:"to"`
	// Received counts the period's requests per type; every type is present.
	Received map[request.Type]int `json:"received"`
	// Decided counts those decided by now per outcome, whenever the decision fell.
	Decided map[request.Outcome]int `json:"decided"`
	OnTime  int                     `json:"onTime"`
	Late    int                     `json:"late"`
	// Open and OverdueNow count the period's requests still open now, and those past due.
	Open       int `json:"open"`
	OverdueNow int `json:"overdueNow"`
	// OnTimeRate is OnTime/(OnTime+Late) as a fraction rounded to 3 decimals; null when nothing
	// was decided.
	OnTimeRate *float64 `json:"onTimeRate"`
	// MedianDaysToDecision and P90DaysToDecision are calendar days from receipt to decision,
	// nearest-rank; null when nothing was decided.
	MedianDaysToDecision *int `json:"medianDaysToDecision"`
	P90DaysToDecision    *int `json:"p90DaysToDecision"`
	Extended             int  `json:"extended"`
	// RefusedByGround counts refusals and partial refusals per ground; every ground is present.
	RefusedByGround map[request.Ground]int `json:"refusedByGround"`
	// Stages gives the days spent per status (StageStatuses), rounded to 0.1 day.
	Stages map[request.Status]StageStats `json:"stages"`
	// IDCopyViews counts staff views of ID copies of the period's requests.
	IDCopyViews int `json:"idCopyViews"`
	// ReturnedByApprover counts drafted decisions an approver sent back; MedianDaysAwaitingApproval
	// is the median time an approved decision waited for approval, in days rounded to 0.1 (null
	// when none was approved). Four eyes, docs/rules.md §8.
	ReturnedByApprover         int      `json:"returnedByApprover"`
	MedianDaysAwaitingApproval *float64 `json:"medianDaysAwaitingApproval"`
	// Weeks counts received requests and decisions per week of the period, for the line chart.
	Weeks []Week `json:"-"`
	// Today is the Amsterdam day the report was computed on.
	Today civil.Date `json:"-"`
	// Systems are the figures per system of the period's search tasks (systems.go).
	Systems map[string]SystemStats `json:"systems"`
}

// Week is one week of the period: from Start (a Monday, or the period's first day) to End (a
// Sunday, or its last day).
type Week struct {
	Start, End civil.Date
	Received   int // requests received that week
	Decided    int // requests of the period decided that week
}

// Compute builds the report for the cases received from from to to (inclusive) at the moment
// now. Cases received outside the period are ignored, so a caller may pass a superset. Every
// figure is about that cohort: a request received in the period and decided after it counts as
// decided; one received before it and decided in it does not count at all.
func Compute(from, to civil.Date, now time.Time, cases []CaseFacts) Report {
	today := deadline.DateIn(now)
	r := Report{
		From: from, To: to, Today: today,
		Received:        zeroes(request.Types),
		Decided:         zeroes(request.Outcomes),
		Systems:         map[string]SystemStats{},
		RefusedByGround: zeroes(request.Grounds),
		Stages:          make(map[request.Status]StageStats, len(StageStatuses)),
		Weeks:           weeks(from, to),
	}
	var toDecision []int
	var waits []float64
	stageDays := make(map[request.Status][]float64, len(StageStatuses))
	for i := range cases {
		c := &cases[i]
		if c.Received.Before(from) || c.Received.After(to) {
			continue
		}
		r.Received[c.Type]++
		if w := weekIndex(r.Weeks, c.Received); w >= 0 {
			r.Weeks[w].Received++
		}
		if c.Extended {
			r.Extended++
		}
		r.IDCopyViews += c.IDCopyViews
		r.ReturnedByApprover += c.Returned
		waits = append(waits, c.ApprovalWaits...)
		if n, ok := c.DaysToDecision(); ok {
			r.Decided[c.Outcome]++
			toDecision = append(toDecision, n)
			if on, _ := c.OnTime(); on {
				r.OnTime++
			} else {
				r.Late++
			}
			if c.Outcome.Limited() && c.Ground != "" {
				r.RefusedByGround[c.Ground]++
			}
			if w := weekIndex(r.Weeks, c.DecidedOn()); w >= 0 {
				r.Weeks[w].Decided++
			}
		} else if c.Open() {
			r.Open++
			if c.Overdue(today) {
				r.OverdueNow++
			}
		}
		days, done := c.stageDays()
		for i, s := range stageOrder {
			if done[i] {
				stageDays[s] = append(stageDays[s], days[i])
			}
		}
	}
	if n := r.OnTime + r.Late; n > 0 {
		r.OnTimeRate = ptr(round(float64(r.OnTime)/float64(n), 1000))
	}
	slices.Sort(waits)
	if v, ok := percentileSorted(waits, 50); ok {
		r.MedianDaysAwaitingApproval = ptr(round(v, 10))
	}
	slices.Sort(toDecision)
	if v, ok := percentileSorted(toDecision, 50); ok {
		r.MedianDaysToDecision = ptr(v)
	}
	if v, ok := percentileSorted(toDecision, 90); ok {
		r.P90DaysToDecision = ptr(v)
	}
	for _, s := range stageOrder {
		var st StageStats
		d := stageDays[s]
		slices.Sort(d)
		if v, ok := percentileSorted(d, 50); ok {
			st.MedianDays = ptr(round(v, 10))
		}
		if v, ok := percentileSorted(d, 90); ok {
			st.P90Days = ptr(round(v, 10))
		}
		r.Stages[s] = st
	}
	return r
}

// Percentile returns the p-th percentile (1 ≤ p ≤ 100) of values by the nearest-rank method:
// sorted ascending, the value at 1-based rank ⌈p·n/100⌉. The result is always one of the values;
// the median (p = 50) of an even count is the lower of the two middle values, and p = 100 is
// the maximum. ok is false for no values or p out of range. values is not changed.
func Percentile[T cmp.Ordered](values []T, p int) (v T, ok bool) {
	s := slices.Clone(values)
	slices.Sort(s)
	return percentileSorted(s, p)
}

func percentileSorted[T cmp.Ordered](sorted []T, p int) (v T, ok bool) {
	n := len(sorted)
	if n == 0 || p < 1 || p > 100 {
		return v, false
	}
	rank := (p*n + 99) / 100 // ⌈p·n/100⌉ in integers, so 90% of 10 is exactly rank 9
	return sorted[rank-1], true
}

// weeks splits the period into calendar weeks (Monday to Sunday), the first and last clipped to
// the period. A period with to before from has none.
func weeks(from, to civil.Date) []Week {
	if !from.IsValid() || !to.IsValid() || to.Before(from) {
		return nil
	}
	var out []Week
	for start := from; !start.After(to); {
		// Days until Sunday: Monday is 6 days before it, Sunday 0.
		end := start.AddDays((7 - int(start.In(time.UTC).Weekday())) % 7)
		if end.After(to) {
			end = to
		}
		out = append(out, Week{Start: start, End: end})
		start = end.AddDays(1)
	}
	return out
}

// weekIndex returns the index of the week holding d, or -1 outside the period.
func weekIndex(ws []Week, d civil.Date) int {
	if len(ws) == 0 || d.Before(ws[0].Start) || d.After(ws[len(ws)-1].End) {
		return -1
	}
	i, _ := slices.BinarySearchFunc(ws, d, func(w Week, d civil.Date) int {
		if w.End.Before(d) {
			return -1
		}
		return 1
	})
	return i
}

func zeroes[K ~string](keys []K) map[K]int {
	m := make(map[K]int, len(keys))
	for _, k := range keys {
		m[k] = 0
	}
	return m
}

func ptr[T any](v T) *T { return &v }

// round rounds x to 1/unit (unit 10: one decimal).
func round(x, unit float64) float64 { return math.Round(x*unit) / unit }

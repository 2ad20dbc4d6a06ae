package deadline

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"cloud.google.com/go/civil"
	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/nl"
)

// DecreeDay is a day equated with a public holiday by royal decree under the Algemene
// termijnenwet. These change every year, so they are data, not rules (docs/rules.md §3).
type DecreeDay struct {
	Date   civil.Date `json:"date"`
	Name   string     `json:"name"`
	Source string     `json:"source"`
}

//go:embed decree_days.json
var decreeDaysJSON []byte

// decreeData is decree_days.json: the years whose decrees were checked, and every day they
// equate with a public holiday. A year is listed even when its decree equates no day, so that
// "no data" and "no decree days" stay apart.
type decreeData struct {
	Years []int       `json:"coveredYears"`
	Days  []DecreeDay `json:"days"`
}

var decreeFile = sync.OnceValues(func() (decreeData, error) { return parseDecreeDays(decreeDaysJSON) })

// DecreeDays returns the embedded decree days (decree_days.json), parsed and checked once.
func DecreeDays() ([]DecreeDay, error) {
	d, err := decreeFile()
	return slices.Clone(d.Days), err
}

// DecreeYears returns the years the embedded decree-day data covers, ascending.
func DecreeYears() ([]int, error) {
	d, err := decreeFile()
	return slices.Clone(d.Years), err
}

func parseDecreeDays(data []byte) (decreeData, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var file decreeData
	if err := dec.Decode(&file); err != nil {
		return decreeData{}, fmt.Errorf("decree days: %w", err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		return decreeData{}, errors.New("decree days: trailing data")
	}
	var errs []error
	years := map[int]bool{}
	for i, y := range file.Years {
		switch {
		case y < 2000 || y > 2200:
			errs = append(errs, fmt.Errorf("decree days: coveredYears[%d]: %d is no plausible year", i, y))
		case years[y]:
			errs = append(errs, fmt.Errorf("decree days: coveredYears[%d]: %d listed twice", i, y))
		}
		years[y] = true
	}
	seen := map[civil.Date]bool{}
	for i, d := range file.Days {
		switch {
		case !d.Date.IsValid():
			errs = append(errs, fmt.Errorf("decree days[%d]: invalid date", i))
		case seen[d.Date]:
			errs = append(errs, fmt.Errorf("decree days[%d]: %s listed twice", i, d.Date))
		case d.Date.Weekday() == time.Saturday || d.Date.Weekday() == time.Sunday:
			// A weekend day is never a working day anyway; listing one points to a typo.
			errs = append(errs, fmt.Errorf("decree days[%d]: %s is a %s", i, d.Date, d.Date.Weekday()))
		case !years[d.Date.Year]:
			// A day in an unlisted year would leave that year reported as without data.
			errs = append(errs, fmt.Errorf("decree days[%d]: %s lies in %d, which coveredYears does not list", i, d.Date, d.Date.Year))
		}
		if d.Name == "" || d.Source == "" {
			errs = append(errs, fmt.Errorf("decree days[%d]: name and source are required", i))
		}
		seen[d.Date] = true
	}
	if err := errors.Join(errs...); err != nil {
		return decreeData{}, err
	}
	slices.Sort(file.Years)
	return file, nil
}

// statutory are the public holidays of the Algemene termijnenwet art. 3(1) as docs/rules.md §3
// lists them, for terms in Dutch statutes (such as the 6 weeks of UAVG 35), where decree days
// count too. rickar/cal's nl set matches it (5 May every year, Goede Vrijdag, the Sunday → 26
// April shift) except that it applies Koningsdag to every year; before 2014 the day was
// Koninginnedag on 30 April (29 April when that was a Sunday, from 1980).
var statutory = append(slices.Clone(undisputed), nl.GoedeVrijdag, nl.BevrijdingsDag)

// undisputed are the holidays that end a GDPR period later (EU Regulation 1182/71 art. 2(1), 3(4)):
// the general days off no one disputes. Goede Vrijdag, 5 mei and decree days are not among them:
// the Atw equates those only for its own terms, and where the law is unclear the product promises
// the earlier date (docs/rules.md §3).
var undisputed = []*cal.Holiday{
	nl.Nieuwjaar,
	nl.TweedePaasdag,
	nl.Koningsdag.Clone(&cal.Holiday{StartYear: 2014}),
	{
		Name: "Koninginnedag", Month: time.April, Day: 30, Func: cal.CalcDayOfMonth,
		StartYear: 1980, EndYear: 2013, Observed: []cal.AltDay{{Day: time.Sunday, Offset: -1}},
	},
	nl.Hemelvaart,
	nl.TweedePinksterDag,
	nl.EersteKerstdag,
	nl.TweedeKerstdag,
}

// Calendar knows the Dutch working days. It is safe for concurrent use.
type Calendar struct {
	decree  map[civil.Date]string
	covered []int // years with decree-day data, ascending

	mu    sync.RWMutex
	years map[int]map[civil.Date]string // statutory holidays, computed per year on first use
}

// NewCalendar returns a calendar with the statutory Dutch public holidays and the embedded
// decree days. It panics if the embedded decree data is broken, which a test rules out.
func NewCalendar() *Calendar {
	d, err := decreeFile()
	if err != nil {
		panic(err)
	}
	return newCalendar(d.Days, d.Years)
}

// NewCalendarWith returns a calendar with the statutory holidays and the given decree days,
// for tests and for an operator who needs a decree day before a release ships it. The years
// of the given days count as covered by decree-day data.
func NewCalendarWith(days []DecreeDay) *Calendar {
	var years []int
	for _, d := range days {
		years = append(years, d.Date.Year)
	}
	slices.Sort(years)
	return newCalendar(days, slices.Compact(years))
}

func newCalendar(days []DecreeDay, years []int) *Calendar {
	c := &Calendar{
		decree:  make(map[civil.Date]string, len(days)),
		covered: slices.Clone(years),
		years:   map[int]map[civil.Date]string{},
	}
	for _, d := range days {
		c.decree[d.Date] = d.Name
	}
	return c
}

// DecreeWarningMonths is how long before a year without decree-day data begins the product
// warns staff and operators: an extended due date lies up to 3 months (plus suspended days)
// after receipt, so from about 1 October a new request can end in the next year; six months
// leaves a quarter to publish the decree's days (docs/rules.md §3).
const DecreeWarningMonths = 6

// DecreeYears returns the years this calendar has decree-day data for, ascending. Other years
// are computed with the statutory holidays only.
func (c *Calendar) DecreeYears() []int { return slices.Clone(c.covered) }

// HasDecreeData reports whether the decrees of year are in the calendar's data.
func (c *Calendar) HasDecreeData(year int) bool {
	_, ok := slices.BinarySearch(c.covered, year)
	return ok
}

// MissingDecreeYear returns the first year from today's year up to the year of today plus
// months that has no decree-day data, and false when every such year has it. Call it at
// start-up and on each day's first tick with DecreeWarningMonths: a true answer means a due
// date may soon (or already) fall in a year whose decree days are unknown, so operators must
// add them to decree_days.json.
func (c *Calendar) MissingDecreeYear(today civil.Date, months int) (int, bool) {
	last := AddMonths(today, max(months, 0)).Year
	for y := today.Year; y <= last; y++ {
		if !c.HasDecreeData(y) {
			return y, true
		}
	}
	return 0, false
}

func (c *Calendar) year(y int) map[civil.Date]string {
	c.mu.RLock()
	m, ok := c.years[y]
	c.mu.RUnlock()
	if ok {
		return m
	}
	m = make(map[civil.Date]string, len(statutory))
	for _, h := range statutory {
		if _, observed := h.Calc(y); !observed.IsZero() {
			m[civil.DateOf(observed)] = h.Name
		}
	}
	c.mu.Lock()
	c.years[y] = m
	c.mu.Unlock()
	return m
}

// Holiday reports whether d is a public holiday or a day equated with one, and its name.
func (c *Calendar) Holiday(d civil.Date) (name string, ok bool) {
	if name, ok := c.year(d.Year)[d]; ok {
		return name, true
	}
	name, ok = c.decree[d]
	return name, ok
}

// IsWorkingDay reports whether d is neither a Saturday, a Sunday, a holiday nor a decree day.
func (c *Calendar) IsWorkingDay(d civil.Date) bool {
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	_, holiday := c.Holiday(d)
	return !holiday
}

// IsGDPRWorkingDay reports whether d is neither a Saturday, a Sunday nor one of the undisputed
// holidays: the days on which a GDPR period may end (docs/rules.md §3). Goede Vrijdag, 5 mei and
// decree days are GDPR working days.
func (c *Calendar) IsGDPRWorkingDay(d civil.Date) bool {
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	for _, h := range undisputed {
		if _, observed := h.Calc(d.Year); !observed.IsZero() && civil.DateOf(observed) == d {
			return false
		}
	}
	return true
}

// NextGDPRWorkingDay returns d if a GDPR period may end on it, else the first day after it that
// may (EU 1182/71 art. 3(4)).
func (c *Calendar) NextGDPRWorkingDay(d civil.Date) civil.Date {
	for !c.IsGDPRWorkingDay(d) {
		d = d.AddDays(1)
	}
	return d
}

// NextWorkingDay returns d if it is a working day, else the first working day after it.
func (c *Calendar) NextWorkingDay(d civil.Date) civil.Date {
	for !c.IsWorkingDay(d) {
		d = d.AddDays(1)
	}
	return d
}

// PrevWorkingDay returns d if it is a working day, else the last working day before it: the
// day to send a "last working day" reminder for a due date that falls on a weekend.
func (c *Calendar) PrevWorkingDay(d civil.Date) civil.Date {
	for !c.IsWorkingDay(d) {
		d = d.AddDays(-1)
	}
	return d
}

// AddWorkingDays moves n working days from d (d itself is not counted); a negative n moves
// back. With n == 0 it returns d unchanged, working day or not.
func (c *Calendar) AddWorkingDays(d civil.Date, n int) civil.Date {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for ; n > 0; n-- {
		d = d.AddDays(step)
		for !c.IsWorkingDay(d) {
			d = d.AddDays(step)
		}
	}
	return d
}

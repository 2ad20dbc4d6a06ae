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
// termijnenwet. These change every year, so they are data, not rules (RULES.md §3).
type DecreeDay struct {
	Date   civil.Date `json:"date"`
	Name   string     `json:"name"`
	Source string     `json:"source"`
}

//go:embed decree_days.json
var decreeDaysJSON []byte

var decreeDays = sync.OnceValues(func() ([]DecreeDay, error) { return parseDecreeDays(decreeDaysJSON) })

// DecreeDays returns the embedded decree days (decree_days.json), parsed and checked once.
func DecreeDays() ([]DecreeDay, error) {
	days, err := decreeDays()
	return slices.Clone(days), err
}

func parseDecreeDays(data []byte) ([]DecreeDay, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var days []DecreeDay
	if err := dec.Decode(&days); err != nil {
		return nil, fmt.Errorf("decree days: %w", err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		return nil, errors.New("decree days: trailing data")
	}
	var errs []error
	seen := map[civil.Date]bool{}
	for i, d := range days {
		switch {
		case !d.Date.IsValid():
			errs = append(errs, fmt.Errorf("decree days[%d]: invalid date", i))
		case seen[d.Date]:
			errs = append(errs, fmt.Errorf("decree days[%d]: %s listed twice", i, d.Date))
		case d.Date.Weekday() == time.Saturday || d.Date.Weekday() == time.Sunday:
			// A weekend day is never a working day anyway; listing one points to a typo.
			errs = append(errs, fmt.Errorf("decree days[%d]: %s is a %s", i, d.Date, d.Date.Weekday()))
		}
		if d.Name == "" || d.Source == "" {
			errs = append(errs, fmt.Errorf("decree days[%d]: name and source are required", i))
		}
		seen[d.Date] = true
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return days, nil
}

// statutory are the public holidays of the Algemene termijnenwet art. 3 as RULES.md §3 lists
// them. rickar/cal's nl set matches it (5 May every year, Goede Vrijdag, the Sunday → 26 April
// shift) except that it applies Koningsdag to every year; before 2014 the day was
// Koninginnedag on 30 April (29 April when that was a Sunday, from 1980).
var statutory = []*cal.Holiday{
	nl.Nieuwjaar,
	nl.GoedeVrijdag,
	nl.TweedePaasdag,
	nl.Koningsdag.Clone(&cal.Holiday{StartYear: 2014}),
	{
		Name: "Koninginnedag", Month: time.April, Day: 30, Func: cal.CalcDayOfMonth,
		StartYear: 1980, EndYear: 2013, Observed: []cal.AltDay{{Day: time.Sunday, Offset: -1}},
	},
	nl.BevrijdingsDag,
	nl.Hemelvaart,
	nl.TweedePinksterDag,
	nl.EersteKerstdag,
	nl.TweedeKerstdag,
}

// Calendar knows the Dutch working days. It is safe for concurrent use.
type Calendar struct {
	decree map[civil.Date]string

	mu    sync.RWMutex
	years map[int]map[civil.Date]string // statutory holidays, computed per year on first use
}

// NewCalendar returns a calendar with the statutory Dutch public holidays and the embedded
// decree days. It panics if the embedded decree data is broken, which a test rules out.
func NewCalendar() *Calendar {
	days, err := DecreeDays()
	if err != nil {
		panic(err)
	}
	return NewCalendarWith(days)
}

// NewCalendarWith returns a calendar with the statutory holidays and the given decree days,
// for tests and for an operator who needs a decree day before a release ships it.
func NewCalendarWith(days []DecreeDay) *Calendar {
	c := &Calendar{decree: make(map[civil.Date]string, len(days)), years: map[int]map[civil.Date]string{}}
	for _, d := range days {
		c.decree[d.Date] = d.Name
	}
	return c
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

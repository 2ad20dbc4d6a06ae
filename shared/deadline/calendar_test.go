package deadline

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"cloud.google.com/go/civil"
	"github.com/google/go-cmp/cmp"
)

// date parses YYYY-MM-DD or fails the test.
func date(t testing.TB, s string) civil.Date {
	t.Helper()
	d, err := civil.ParseDate(s)
	if err != nil {
		t.Fatalf("bad test date %q: %v", s, err)
	}
	return d
}

func TestHoliday(t *testing.T) {
	t.Parallel()
	c := NewCalendar()
	tests := []struct {
		day  string
		want string // "" means: not a holiday
	}{
		// 2026, the product's first year.
		{"2026-01-01", "Nieuwjaarsdag"},
		{"2026-01-02", "Vrijdag na Nieuwjaarsdag (bij besluit gelijkgesteld)"},
		{"2026-04-03", "Goede Vrijdag"},
		{"2026-04-05", ""}, // Eerste Paasdag: a Sunday, not in the list
		{"2026-04-06", "Tweede Paasdag"},
		{"2026-04-27", "Koningsdag"},
		{"2026-05-05", "Bevrijdingsdag"},
		{"2026-05-14", "Hemelvaartsdag"},
		{"2026-05-15", "Vrijdag na Hemelvaartsdag (bij besluit gelijkgesteld)"},
		{"2026-05-25", "Tweede Pinksterdag"},
		{"2026-12-25", "Eerste Kerstdag"},
		{"2026-12-26", "Tweede Kerstdag"},
		{"2026-12-31", ""},
		// Koningsdag moves to Saturday 26 April when the 27th is a Sunday.
		{"2025-04-26", "Koningsdag"},
		{"2025-04-27", ""},
		{"2031-04-26", "Koningsdag"},
		{"2031-04-27", ""},
		{"2014-04-26", "Koningsdag"},
		// Before 2014 it was Koninginnedag, 30 April (29 April when that was a Sunday).
		{"2013-04-30", "Koninginnedag"},
		{"2013-04-27", ""},
		{"2006-04-29", "Koninginnedag"},
		{"2006-04-30", ""},
		// 5 mei counts every year, not only every fifth year.
		{"2024-05-05", "Bevrijdingsdag"},
		{"2027-05-05", "Bevrijdingsdag"},
		{"2028-05-05", "Bevrijdingsdag"},
		{"2027-05-06", "Hemelvaartsdag"},
		{"2027-05-07", "Vrijdag na Hemelvaartsdag (bij besluit gelijkgesteld)"},
		{"2028-05-26", ""}, // Friday after Hemelvaart 2028: no decree in the data
		{"2025-11-11", ""},
	}
	for _, tt := range tests {
		t.Run(tt.day, func(t *testing.T) {
			t.Parallel()
			name, ok := c.Holiday(date(t, tt.day))
			if got, want := ok, tt.want != ""; got != want {
				t.Fatalf("Holiday(%s) ok = %v (%q), want %v", tt.day, got, name, want)
			}
			if got, want := name, tt.want; got != want {
				t.Errorf("Holiday(%s) = %q, want %q", tt.day, got, want)
			}
		})
	}
}

// TestMovableHolidays checks the Easter-based holidays against an independent table of
// Easter Sundays, so a slip in the library's Easter algorithm shows here.
func TestMovableHolidays(t *testing.T) {
	t.Parallel()
	c := NewCalendar()
	easter := map[int]string{
		2020: "2020-04-12", 2021: "2021-04-04", 2022: "2022-04-17", 2023: "2023-04-09",
		2024: "2024-03-31", 2025: "2025-04-20", 2026: "2026-04-05", 2027: "2027-03-28",
		2028: "2028-04-16", 2029: "2029-04-01", 2030: "2030-04-21", 2031: "2031-04-13",
		2032: "2032-03-28", 2033: "2033-04-17", 2034: "2034-04-09", 2035: "2035-03-25",
	}
	for year, sunday := range easter {
		e := date(t, sunday)
		for offset, want := range map[int]string{
			-2: "Goede Vrijdag", 1: "Tweede Paasdag", 39: "Hemelvaartsdag", 50: "Tweede Pinksterdag",
		} {
			d := e.AddDays(offset)
			if got, _ := c.Holiday(d); got != want {
				t.Errorf("%d: Holiday(%s) = %q, want %q", year, d, got, want)
			}
		}
	}
}

func TestEveryYearHasTheStatutoryNine(t *testing.T) {
	t.Parallel()
	c := NewCalendarWith(nil)
	// In these years Hemelvaartsdag fell on 5 mei, so two holidays share one day.
	shared := map[int]bool{2005: true, 2016: true}
	for year := 1990; year <= 2060; year++ {
		n := 0
		for d := (civil.Date{Year: year, Month: 1, Day: 1}); d.Year == year; d = d.AddDays(1) {
			if _, ok := c.Holiday(d); ok {
				n++
			}
		}
		want := 9
		if shared[year] {
			want = 8
		}
		if got := n; got != want {
			t.Errorf("%d has %d holidays, want %d", year, got, want)
		}
	}
}

func TestIsWorkingDay(t *testing.T) {
	t.Parallel()
	c := NewCalendar()
	tests := []struct {
		day  string
		want bool
	}{
		{"2026-03-27", true},  // Friday
		{"2026-03-28", false}, // Saturday
		{"2026-03-29", false}, // Sunday
		{"2026-03-30", true},  // Monday
		{"2026-04-03", false}, // Goede Vrijdag
		{"2026-04-27", false}, // Koningsdag on a Monday
		{"2026-05-05", false}, // Bevrijdingsdag on a Tuesday
		{"2026-05-15", false}, // decree day
		{"2027-05-07", false}, // decree day
		{"2026-01-02", false}, // decree day
		{"2028-05-26", true},  // no decree for it in the data
		{"2026-12-24", true},  // Kerstavond is a working day
		{"2026-12-31", true},  // so is Oudejaarsdag
	}
	for _, tt := range tests {
		t.Run(tt.day, func(t *testing.T) {
			t.Parallel()
			if got, want := c.IsWorkingDay(date(t, tt.day)), tt.want; got != want {
				t.Errorf("IsWorkingDay(%s) = %v, want %v", tt.day, got, want)
			}
		})
	}
}

func TestNextAndPrevWorkingDay(t *testing.T) {
	t.Parallel()
	c := NewCalendar()
	tests := []struct {
		day, next, prev string
	}{
		{"2026-03-27", "2026-03-27", "2026-03-27"}, // a working day is its own answer
		{"2026-03-28", "2026-03-30", "2026-03-27"}, // weekend
		{"2026-04-03", "2026-04-07", "2026-04-02"}, // Goede Vrijdag to Tweede Paasdag
		{"2026-04-06", "2026-04-07", "2026-04-02"},
		{"2026-05-14", "2026-05-18", "2026-05-13"}, // Hemelvaart + decree day + weekend
		{"2026-12-25", "2026-12-28", "2026-12-24"},
		{"2026-01-01", "2026-01-05", "2025-12-31"}, // New Year + decree day + weekend
		{"2027-12-25", "2027-12-27", "2027-12-24"}, // Christmas on a weekend
		{"2025-04-26", "2025-04-28", "2025-04-25"}, // Koningsdag on a Saturday
		{"2027-05-06", "2027-05-10", "2027-05-04"}, // Hemelvaart 2027: back over 5 mei too
	}
	for _, tt := range tests {
		t.Run(tt.day, func(t *testing.T) {
			t.Parallel()
			d := date(t, tt.day)
			if got, want := c.NextWorkingDay(d), date(t, tt.next); got != want {
				t.Errorf("NextWorkingDay(%s) = %s, want %s", d, got, want)
			}
			if got, want := c.PrevWorkingDay(d), date(t, tt.prev); got != want {
				t.Errorf("PrevWorkingDay(%s) = %s, want %s", d, got, want)
			}
		})
	}
}

func TestAddWorkingDays(t *testing.T) {
	t.Parallel()
	c := NewCalendar()
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2026-03-25", 0, "2026-03-25"},
		{"2026-03-28", 0, "2026-03-28"}, // zero keeps even a Saturday
		{"2026-03-25", 1, "2026-03-26"},
		{"2026-03-27", 1, "2026-03-30"},  // over a weekend
		{"2026-03-28", 1, "2026-03-30"},  // from a Saturday
		{"2026-04-02", 1, "2026-04-07"},  // over Easter
		{"2026-04-24", 3, "2026-04-30"},  // over Koningsdag
		{"2026-05-13", 1, "2026-05-18"},  // over Hemelvaart and the decree day
		{"2026-12-23", 6, "2027-01-04"},  // 24, 28, 29, 30, 31 Dec, 4 Jan
		{"2025-12-31", 1, "2026-01-05"},  // New Year, decree day, weekend
		{"2026-04-24", -3, "2026-04-21"}, // a staff reminder 3 working days before a due date
		{"2026-04-28", -1, "2026-04-24"}, // back over Koningsdag
		{"2026-04-07", -1, "2026-04-02"}, // back over Easter
		{"2026-03-28", -1, "2026-03-27"}, // back from a Saturday
		{"2026-01-05", -2, "2025-12-30"},
	}
	for _, tt := range tests {
		t.Run(tt.from, func(t *testing.T) {
			t.Parallel()
			if got, want := c.AddWorkingDays(date(t, tt.from), tt.n), date(t, tt.want); got != want {
				t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", tt.from, tt.n, got, want)
			}
		})
	}
}

func TestEmbeddedDecreeDays(t *testing.T) {
	t.Parallel()
	days, err := DecreeDays()
	if err != nil {
		t.Fatal(err)
	}
	got := map[civil.Date]bool{}
	for _, d := range days {
		got[d.Date] = true
	}
	for _, want := range []string{"2026-01-02", "2026-05-15", "2027-05-07"} {
		if !got[date(t, want)] {
			t.Errorf("decree_days.json lacks %s (docs/rules.md §3)", want)
		}
	}
}

func TestParseDecreeDaysRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file, mention string
	}{
		{"decree_weekend.json", "is a Saturday"},
		{"decree_duplicate.json", "listed twice"},
		{"decree_no_source.json", "name and source are required"},
		{"decree_unknown_field.json", `unknown field "reason"`},
		{"decree_bad_date.json", "decree days"},
		{"decree_year_not_covered.json", "2028, which coveredYears does not list"},
		{"decree_year_twice.json", "2026 listed twice"},
		{"decree_year_implausible.json", "26 is no plausible year"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			_, err = parseDecreeDays(data)
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), tt.mention) {
				t.Errorf("error %q does not mention %q", err, tt.mention)
			}
		})
	}
}

func TestNewCalendarWith(t *testing.T) {
	t.Parallel()
	extra := DecreeDay{Date: civil.Date{Year: 2028, Month: time.May, Day: 26}, Name: "Brugdag", Source: "test"}
	c := NewCalendarWith([]DecreeDay{extra})
	name, ok := c.Holiday(extra.Date)
	if diff := cmp.Diff([]any{"Brugdag", true}, []any{name, ok}); diff != "" {
		t.Errorf("Holiday(%s) (-want +got):\n%s", extra.Date, diff)
	}
	if !c.IsWorkingDay(date(t, "2026-05-15")) {
		t.Error("the statutory set still holds the embedded decree days; NewCalendarWith should replace them")
	}
	if c.IsWorkingDay(date(t, "2026-05-14")) {
		t.Error("statutory holidays must stay when decree days are replaced")
	}
}

// TestDecreeCoverage: decree_days.json covers 2026 and 2027; 2028 has no data yet
// (issue 10 item 13), and the warning comes DecreeWarningMonths before it begins.
func TestDecreeCoverage(t *testing.T) {
	t.Parallel()
	years, err := DecreeYears()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{2026, 2027}, years); diff != "" {
		t.Errorf("DecreeYears() (-want +got):\n%s", diff)
	}
	c := NewCalendar()
	if diff := cmp.Diff(years, c.DecreeYears()); diff != "" {
		t.Errorf("Calendar.DecreeYears() (-want +got):\n%s", diff)
	}
	for y, want := range map[int]bool{2025: false, 2026: true, 2027: true, 2028: false} {
		if got := c.HasDecreeData(y); got != want {
			t.Errorf("HasDecreeData(%d) = %t, want %t", y, got, want)
		}
	}
	tests := []struct {
		today    string
		months   int
		wantYear int
		wantMiss bool
	}{
		{"2026-11-28", DecreeWarningMonths, 0, false}, // 2027 is covered
		{"2027-06-30", DecreeWarningMonths, 0, false}, // + 6 months = 30 Dec 2027
		{"2027-07-01", DecreeWarningMonths, 2028, true},
		{"2027-12-31", DecreeWarningMonths, 2028, true},
		{"2028-03-01", DecreeWarningMonths, 2028, true}, // already in a year without data
		{"2027-10-01", 0, 0, false},
		{"2025-12-01", DecreeWarningMonths, 2025, true}, // the current year counts too
		{"2026-12-31", -1, 0, false},                    // a negative lead means today only
	}
	for _, tt := range tests {
		y, miss := c.MissingDecreeYear(date(t, tt.today), tt.months)
		if y != tt.wantYear || miss != tt.wantMiss {
			t.Errorf("MissingDecreeYear(%s, %d) = %d, %t, want %d, %t", tt.today, tt.months, y, miss, tt.wantYear, tt.wantMiss)
		}
	}
	// A calendar with an operator's extra decree day covers that day's year.
	extra := NewCalendarWith([]DecreeDay{{Date: date(t, "2028-05-26"), Name: "Brugdag", Source: "test"}})
	if !extra.HasDecreeData(2028) || extra.HasDecreeData(2026) {
		t.Errorf("NewCalendarWith covers %v, want [2028]", extra.DecreeYears())
	}
	// Without data, 2028 still has its statutory holidays and none of the decree days.
	if c.IsWorkingDay(date(t, "2028-05-25")) {
		t.Error("Hemelvaart 2028 must stay a holiday without decree data")
	}
	if !c.IsWorkingDay(date(t, "2028-05-26")) {
		t.Error("Friday 26 May 2028 has no decree yet and must be a working day")
	}
}

// TestConcurrentUse exercises the per-year cache from many goroutines; run with -race.
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	c := NewCalendar()
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for y := 2020; y < 2040; y++ {
				d := civil.Date{Year: y, Month: 5, Day: 5}
				if _, ok := c.Holiday(d); !ok {
					t.Errorf("goroutine %d: %s not a holiday", g, d)
				}
			}
		})
	}
	wg.Wait()
}

package web

import (
	"testing"
	"time"

	"cloud.google.com/go/civil"
)

// Pages write dates as the letters do, in the reader's language, and times as Europe/Amsterdam
// local: around midnight the local day is the one shown, and across the DST changes the
// clock on the wall is.
func TestDateAndTimeForTheReader(t *testing.T) {
	t.Parallel()
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	utc := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, time.UTC) }
	for _, tc := range []struct {
		name   string
		at     time.Time
		nl, en string
	}{
		{"winter afternoon (CET, UTC+1)", utc(2026, 11, 28, 14, 39), "28 november 2026, 15:39", "28 November 2026, 15:39"},
		{"before midnight UTC is the next day here", utc(2026, 11, 28, 23, 30), "29 november 2026, 00:30", "29 November 2026, 00:30"},
		{"last minute of the local day", utc(2026, 11, 28, 22, 59), "28 november 2026, 23:59", "28 November 2026, 23:59"},
		{"summer midnight (CEST, UTC+2) turns the month", utc(2026, 6, 30, 22, 15), "1 juli 2026, 00:15", "1 July 2026, 00:15"},
		{"new year in Amsterdam, old year in UTC", utc(2026, 12, 31, 23, 5), "1 januari 2027, 00:05", "1 January 2027, 00:05"},
		{"just before summer time starts", utc(2026, 3, 29, 0, 59), "29 maart 2026, 01:59", "29 March 2026, 01:59"},
		{"summer time starts: 02:00 is skipped", utc(2026, 3, 29, 1, 0), "29 maart 2026, 03:00", "29 March 2026, 03:00"},
		{"summer time ends: first 02:30 (CEST)", utc(2026, 10, 25, 0, 30), "25 oktober 2026, 02:30", "25 October 2026, 02:30"},
		{"summer time ends: second 02:30 (CET)", utc(2026, 10, 25, 1, 30), "25 oktober 2026, 02:30", "25 October 2026, 02:30"},
		{"a moment in another zone is still shown in Amsterdam", time.Date(2026, 5, 4, 20, 0, 0, 0, newYork), "5 mei 2026, 02:00", "5 May 2026, 02:00"},
		{"zero time", time.Time{}, "", ""},
	} {
		if got := DateTime(tc.at, "nl"); got != tc.nl {
			t.Errorf("%s: DateTime(nl) = %q, want %q", tc.name, got, tc.nl)
		}
		if got := DateTime(tc.at, "en"); got != tc.en {
			t.Errorf("%s: DateTime(en) = %q, want %q", tc.name, got, tc.en)
		}
		if !tc.at.IsZero() {
			if got := dateTimeText(tc.at.UTC().Format(time.RFC3339), "nl"); got != tc.nl {
				t.Errorf("%s: dateTimeText(RFC 3339, nl) = %q, want %q", tc.name, got, tc.nl)
			}
		}
	}

	for _, tc := range []struct {
		d           civil.Date
		nl, en, iso string
	}{
		{civil.Date{Year: 2026, Month: 11, Day: 28}, "28 november 2026", "28 November 2026", "2026-11-28"},
		{civil.Date{Year: 2026, Month: 3, Day: 1}, "1 maart 2026", "1 March 2026", "2026-03-01"},
		{civil.Date{Year: 2028, Month: 2, Day: 29}, "29 februari 2028", "29 February 2028", "2028-02-29"},
		{civil.Date{}, "", "", ""},
	} {
		if got := Date(tc.d, "nl"); got != tc.nl {
			t.Errorf("Date(%v, nl) = %q, want %q", tc.d, got, tc.nl)
		}
		if got := Date(tc.d, "en"); got != tc.en {
			t.Errorf("Date(%v, en) = %q, want %q", tc.d, got, tc.en)
		}
		if got := ISODate(tc.d); got != tc.iso {
			t.Errorf("ISODate(%v) = %q, want %q", tc.d, got, tc.iso)
		}
		if tc.iso != "" {
			if got := dateText(tc.iso, "en"); got != tc.en {
				t.Errorf("dateText(%q, en) = %q, want %q", tc.iso, got, tc.en)
			}
		}
	}

	// Text that is no date or moment is shown as it is, never dropped.
	if got := dateText("soon", "nl"); got != "soon" {
		t.Errorf("dateText(soon) = %q", got)
	}
	if got := dateTimeText("", "nl"); got != "" {
		t.Errorf("dateTimeText(\"\") = %q", got)
	}
}

// A due date says its weekday, so a term that ends on a Sunday (lawful under the profile's own
// terms) is not missed.
func TestDayDate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		d      civil.Date
		nl, en string
	}{
		{civil.Date{Year: 2027, Month: 1, Day: 3}, "zondag 3 januari 2027", "Sunday 3 January 2027"},
		{civil.Date{Year: 2026, Month: 12, Day: 7}, "maandag 7 december 2026", "Monday 7 December 2026"},
		{civil.Date{}, "", ""},
	} {
		if got := DayDate(tc.d, "nl"); got != tc.nl {
			t.Errorf("DayDate(%v, nl) = %q, want %q", tc.d, got, tc.nl)
		}
		if got := DayDate(tc.d, "en"); got != tc.en {
			t.Errorf("DayDate(%v, en) = %q, want %q", tc.d, got, tc.en)
		}
	}
	if got, want := dayDateText("2027-01-03", "nl"), "zondag 3 januari 2027"; got != want {
		t.Errorf("dayDateText = %q, want %q", got, want)
	}
}

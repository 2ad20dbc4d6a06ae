package web

import (
	"strconv"
	"time"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/csvfile"
	"github.com/privacyloket/privacyloket/shared/deadline"
	"github.com/privacyloket/privacyloket/shared/i18n"
	"github.com/privacyloket/privacyloket/shared/letter"
)

// Pages write every date and time the way the letters do, in the page's language: a calendar
// day as "28 november 2026" (nl) or "28 November 2026" (en), with the month names of the
// catalogue (through letter.FormatDate, so pages and letters cannot drift apart); a moment as
// that day and the time of day in Europe/Amsterdam, where the corporation and its tenants are:
// "28 november 2026, 15:39". Nothing on a page is UTC. JSON answers and the values of date
// inputs keep the ISO form (ISODate), as docs/contract.md and browsers need.

// Date writes a calendar date for a reader of lang; the zero date is "".
func Date(d civil.Date, lang string) string {
	return letter.FormatDate(d, lang)
}

// DayDate writes a calendar date with its weekday, "zondag 3 januari 2027" (nl) or "Sunday 3
// January 2027" (en): a due date for the requester, who must not miss that it falls in a weekend
// (lawful when the term ends there). The zero date is "".
func DayDate(d civil.Date, lang string) string {
	if d.IsZero() || !d.IsValid() {
		return ""
	}
	wd := d.In(time.UTC).Weekday()
	return i18n.T(lang, "weekday."+strconv.Itoa(int(wd))) + " " + Date(d, lang)
}

// ShortDate writes a calendar date without its year, with the month abbreviated, for a chart's
// axis and table: "2 nov." (nl), "2 Nov" (en); the zero date is "".
func ShortDate(d civil.Date, lang string) string {
	if d.IsZero() {
		return ""
	}
	return strconv.Itoa(d.Day) + " " + i18n.T(lang, "month.short."+strconv.Itoa(int(d.Month)))
}

// DateTime writes a moment as the Europe/Amsterdam date and time for a reader of lang, e.g.
// "28 november 2026, 15:39"; the zero time is "".
func DateTime(t time.Time, lang string) string {
	if t.IsZero() {
		return ""
	}
	local := t.In(deadline.Location())
	return Date(civil.DateOf(local), lang) + ", " + local.Format("15:04")
}

// Decimal writes x with one decimal as the reader writes it: "1,5" (nl), "1.5" (en).
func Decimal(x float64, lang string) string { return csvfile.Decimal(x, lang) }

// ISODate writes a calendar date as YYYY-MM-DD, for JSON answers and date inputs; the zero
// date is "".
func ISODate(d civil.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// dateText is Date for a calendar date stored as ISO text (the JSON views); text that is not a
// date is shown as it is.
func dateText(s, lang string) string {
	d, err := civil.ParseDate(s)
	if err != nil {
		return s
	}
	return Date(d, lang)
}

// dayDateText is DayDate for a calendar date stored as ISO text.
func dayDateText(s, lang string) string {
	d, err := civil.ParseDate(s)
	if err != nil {
		return s
	}
	return DayDate(d, lang)
}

// dateTimeText is DateTime for a moment stored as RFC 3339 text (the JSON views); text that is
// not a moment is shown as it is.
func dateTimeText(s, lang string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	return DateTime(t, lang)
}

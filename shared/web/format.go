package web

import (
	"time"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/deadline"
)

// Pages write every date and time the same way in both languages: a calendar day as
// YYYY-MM-DD (as in the letters and the JSON answers, so a requester can match them), a moment
// as that day and the time of day in Europe/Amsterdam, where the corporation and its tenants
// are. Nothing on a page is UTC.

// Date writes a calendar date; the zero date is "".
func Date(d civil.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// DateTime writes a moment as the local date and time, e.g. "2026-11-28 15:39"; the zero time
// is "".
func DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(deadline.Location()).Format("2006-01-02 15:04")
}

// dateTimeText is DateTime for a moment stored as RFC 3339 text (the JSON views); text that is
// not a moment is shown as it is.
func dateTimeText(s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	return DateTime(t)
}

package deadline

import (
	"testing"

	"cloud.google.com/go/civil"
)

func TestInternalDate(t *testing.T) {
	t.Parallel()
	c := NewCalendar()
	d := func(s string) civil.Date {
		v, err := civil.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		due, received string
		margin        int
		want          string
	}{
		{"2026-05-15", "2026-04-15", 5, "2026-05-07"}, // Fri 15 May: Hemelvaartsdag (14 May) skipped
		{"2026-05-19", "2026-04-19", 5, "2026-05-11"}, // Hemelvaartsdag 14 May is skipped
		{"2026-05-08", "2026-04-08", 5, "2026-05-01"}, // 5 mei is no undisputed holiday: counted
		{"2026-04-30", "2026-04-28", 5, "2026-04-28"}, // never before receipt
		{"2026-06-01", "2026-05-01", 0, "2026-06-01"},
	} {
		if got := c.InternalDate(d(tc.due), d(tc.received), tc.margin); got != d(tc.want) {
			t.Errorf("InternalDate(%s, %s, %d) = %s, want %s", tc.due, tc.received, tc.margin, got, tc.want)
		}
	}
	if got := c.InternalDate(civil.Date{}, d("2026-01-05"), 5); !got.IsZero() {
		t.Errorf("no due date gives %s", got)
	}
	if got, want := c.AddGDPRWorkingDays(d("2026-05-13"), 3), d("2026-05-19"); got != want {
		t.Errorf("AddGDPRWorkingDays(Wed 13 May, 3) = %s, want %s (Ascension Day and the weekend skipped)", got, want)
	}
}

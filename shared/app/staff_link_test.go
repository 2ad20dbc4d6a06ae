package app_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/deadline"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

// A staff member's StaffCase link keeps working while the case runs: past the due date in
// force (a month, or three after an extension), not only links.staffDays (14 days).
func TestStaffCaseLinksOutliveTheDueDate(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, testStaffCaseLinksOutliveTheDueDate)
}

func testStaffCaseLinksOutliveTheDueDate(t *testing.T, backend testenv.Backend) {
	s := testenv.NewStack(t, testenv.Options{Backend: backend, Profile: "de-alliantie", Now: amsterdam("2026-03-30 09:00")})
	staff := "staff@corp.test"
	expires := func(m testenv.Mail) time.Time {
		t.Helper()
		u, err := url.Parse(m.Link("StaffCase"))
		if err != nil {
			t.Fatalf("%s: link: %v", m.Kind(), err)
		}
		tok := u.Query().Get("token")
		if _, err := s.Signer.Verify(tok, linktoken.Staff, s.Clock.Now()); err != nil {
			t.Fatalf("%s: link does not verify: %v", m.Kind(), err)
		}
		claims, err := s.Signer.Verify(tok, linktoken.Staff, time.Unix(0, 0))
		if err != nil {
			t.Fatalf("%s: %v", m.Kind(), err)
		}
		return time.Unix(claims.Expires, 0)
	}
	c := submitConfirm(t, s, access("long@tenant.test"))
	if got, want := expires(s.Mail.Await(t, "staff_case", staff, c.Reference)), deadline.StartOfDay(c.DueDate.AddDays(7)); got.Before(want) {
		t.Errorf("staff_case link expires %s, before the due date %s plus a week", got, c.DueDate)
	}

	c, err := s.App.Casework.StaffAct(ctx, c.Reference, staffLink, app.StaffInput{Action: request.ActExtend, Explanation: "Wij moeten gegevens uit drie systemen halen."})
	if err != nil {
		t.Fatal(err)
	}
	// The desk's per-case links and later letters use the extended due date.
	if got, want := s.App.StaffCaseLinkDays(c.DueDate, s.Clock.Now()), int(c.DueDate.DaysSince(deadline.DateIn(s.Clock.Now())))+7; !c.Extended || got != want {
		t.Errorf("StaffCaseLinkDays(extended due %s) = %d, want %d", c.DueDate, got, want)
	}
	// Capped: never longer than 120 days from minting.
	if got := s.App.StaffCaseLinkDays(c.DueDate.AddDays(400), s.Clock.Now()); got != 120 {
		t.Errorf("StaffCaseLinkDays a year ahead = %d, want the cap 120", got)
	}
	if got := s.App.StaffCaseLinkDays(c.DueDate.AddDays(-400), s.Clock.Now()); got != s.Profile.Links.StaffDays {
		t.Errorf("StaffCaseLinkDays long overdue = %d, want links.staffDays %d", got, s.Profile.Links.StaffDays)
	}
}

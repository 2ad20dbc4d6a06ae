package app_test

import (
	"testing"
	"time"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

// A reload of the staff page records "Verzoek bekeken" at most once per staff member per case
// per 30 minutes (docs/contract.md §3, issue 24 item 5); another staff member's view counts on
// its own, and so does a view after the window.
func TestStaffPageViewOncePerWindow(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		s := testenv.NewStack(t, testenv.Options{Backend: b, Now: amsterdam("2026-03-27 10:00")})
		c := intake(t, s, phoneIntake("Vera Vaak", "2026-03-27"))
		po := app.StaffLink{Holder: s.Profile.Organisation.PrivacyOfficerEmail}
		views := func() map[string]int {
			evs, err := s.Store.Events(ctx, c.Reference)
			if err != nil {
				t.Fatal(err)
			}
			n := map[string]int{}
			for _, e := range evs {
				if e.Action == request.ActCaseViewed {
					n[e.Actor]++
				}
			}
			return n
		}
		open := func(by app.StaffLink) {
			t.Helper()
			if _, err := s.App.Casework.StaffPage(ctx, c.Reference, by); err != nil {
				t.Fatal(err)
			}
		}
		for range 3 {
			open(staffLink)
			s.Clock.Add(5 * time.Minute)
		}
		open(po)
		if got := views(); got[staffLink.Holder] != 1 || got[po.Holder] != 1 {
			t.Errorf("after three reloads in 15 minutes and one view by another: %v, want one each", got)
		}
		s.Clock.Add(app.ViewWindow) // 45 minutes after the first view
		open(staffLink)
		if got := views(); got[staffLink.Holder] != 2 {
			t.Errorf("a view after the window: %v, want a second view", got)
		}
		// Off the list: refused, also within the window of an earlier view.
		if _, err := s.App.Casework.StaffPage(ctx, c.Reference, app.StaffLink{Holder: "left@corp.test"}); err == nil {
			t.Error("a holder off the list opened the page")
		}
	})
}

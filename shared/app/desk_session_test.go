package app_test

import (
	"errors"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

// deskLink signs addr in by e-mail (from client ip) and returns the claims of the desk link the
// n-th desk_link letter carries (1: the first).
func deskLink(t *testing.T, s *testenv.Stack, addr, ip string, n int) linktoken.Claims {
	t.Helper()
	if err := s.App.Desk.RequestDeskLink(ctx, addr, app.Client{IP: ip}); err != nil {
		t.Fatalf("RequestDeskLink: %v", err)
	}
	testenv.Eventually(t, "a desk_link", func() bool { return s.Mail.Count("desk_link", addr, "") >= n })
	var link string
	for _, m := range s.Mail.All() {
		if m.Kind() == "desk_link" && m.To == addr {
			link = m.Link("StaffDesk")
		}
	}
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.Signer.Verify(u.Query().Get("token"), linktoken.Desk, s.Clock.Now())
	if err != nil {
		t.Fatalf("desk link: %v", err)
	}
	return c
}

// A desk link lives one day, says when it was made, and only opens a session; the session
// lasts eight hours and ends at sign-out (issue 19, item 4).
func TestDeskSessionLifecycle(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		s := testenv.NewStack(t, testenv.Options{Backend: b, Now: amsterdam("2026-03-27 10:00")})
		now := s.Clock.Now()
		c := deskLink(t, s, "staff@corp.test", "192.0.2.1", 1)
		if got, want := c.ExpiresAt(), now.Add(24*time.Hour); !got.Equal(want) {
			t.Errorf("desk link expires %v, want one day on (%v)", got, want)
		}
		if !c.IssuedAt().Equal(now) {
			t.Errorf("desk link issued %v, want %v", c.IssuedAt(), now)
		}
		secret, u, err := s.App.Desk.OpenDeskSession(ctx, c)
		if err != nil || len(secret) < 43 || u.Staff != "staff@corp.test" || u.FormToken == "" {
			t.Fatalf("OpenDeskSession: %q %+v %v", secret, u, err)
		}
		got, err := s.App.Desk.DeskSession(ctx, secret)
		if err != nil || got != u {
			t.Fatalf("DeskSession = %+v, %v; want %+v", got, err, u)
		}
		if !u.FormTokenOK(u.FormToken) || u.FormTokenOK("") || u.FormTokenOK(u.FormToken+"x") {
			t.Error("FormTokenOK")
		}
		// Nothing stored names the secret or the address.
		stored, err := s.Deps.Sessions.Session(ctx, secret)
		if !errors.Is(err, app.ErrNotFound) {
			t.Errorf("a session is stored under its secret: %+v", stored)
		}
		// A second session (another device) has its own form token.
		secret2, u2, err := s.App.Desk.OpenDeskSession(ctx, c)
		if err != nil || secret2 == secret || u2.FormToken == u.FormToken || u2.FormTokenOK(u.FormToken) {
			t.Errorf("second session: %v, same secret or form token", err)
		}
		other := secret2[:42] + "A"
		if other == secret2 {
			other = secret2[:42] + "B"
		}
		for _, bad := range []string{"", "short", secret[:42] + "!", other} {
			if _, err := s.App.Desk.DeskSession(ctx, bad); !errors.Is(err, app.ErrNoSession) {
				t.Errorf("DeskSession(%q): %v, want ErrNoSession", bad, err)
			}
		}
		if err := s.App.Desk.EndDeskSession(ctx, secret); err != nil {
			t.Fatal(err)
		}
		if _, err := s.App.Desk.DeskSession(ctx, secret); !errors.Is(err, app.ErrNoSession) {
			t.Errorf("after sign-out: %v, want ErrNoSession", err)
		}
		if _, err := s.App.Desk.DeskSession(ctx, secret2); err != nil {
			t.Errorf("signing out of one session ended the other: %v", err)
		}
		// Eight hours, used or not.
		s.Clock.Add(8*time.Hour - time.Second)
		if _, err := s.App.Desk.DeskSession(ctx, secret2); err != nil {
			t.Errorf("just before eight hours: %v", err)
		}
		s.Clock.Add(time.Second)
		if _, err := s.App.Desk.DeskSession(ctx, secret2); !errors.Is(err, app.ErrNoSession) {
			t.Errorf("after eight hours: %v, want ErrNoSession", err)
		}
		// A case link opens no session.
		if _, _, err := s.App.Desk.OpenDeskSession(ctx, linktoken.Claims{Purpose: linktoken.Staff, Subject: "staff@corp.test", Reference: "PL-AAAA-BBBB"}); !errors.Is(err, app.ErrLinkRevoked) {
			t.Errorf("OpenDeskSession with a case link's claims: %v", err)
		}
	})
}

// A staff member taken off the list loses every session at once, and their desk link opens
// none.
func TestDeskSessionEndsWhenTheHolderLeavesTheList(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		s := testenv.NewStack(t, testenv.Options{Backend: b, Staff: []string{"staff@corp.test", "leaver@corp.test"}})
		c := deskLink(t, s, "leaver@corp.test", "192.0.2.1", 1)
		secret, _, err := s.App.Desk.OpenDeskSession(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		// The next instance starts with the new list.
		deps := s.Deps
		deps.Staff = []string{"staff@corp.test"}
		later, err := app.New(deps)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := later.Desk.DeskSession(ctx, secret); !errors.Is(err, app.ErrNoSession) {
			t.Errorf("session of someone off the list: %v, want ErrNoSession", err)
		}
		if _, _, err := later.Desk.OpenDeskSession(ctx, c); !errors.Is(err, app.ErrLinkRevoked) {
			t.Errorf("desk link of someone off the list: %v, want ErrLinkRevoked", err)
		}
	})
}

// Signing out everywhere ends every session, desk link and case link of that staff member
// issued before now, and nobody else's; links made afterwards work (issue 19, item 4).
func TestSignOutEverywhere(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		s := testenv.NewStack(t, testenv.Options{Backend: b, Staff: []string{"staff@corp.test", "other@corp.test"}, Now: amsterdam("2026-03-27 10:00")})
		c := deskLink(t, s, "staff@corp.test", "192.0.2.1", 1)
		mine1, u, _ := s.App.Desk.OpenDeskSession(ctx, c)
		mine2, _, _ := s.App.Desk.OpenDeskSession(ctx, c)
		theirs, _, err := s.App.Desk.OpenDeskSession(ctx, deskLink(t, s, "other@corp.test", "192.0.2.1", 1))
		if err != nil {
			t.Fatal(err)
		}
		before := s.Clock.Now()
		s.Clock.Add(time.Minute)
		if err := s.App.Desk.SignOutEverywhere(ctx, u.Staff); err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{mine1, mine2} {
			if _, err := s.App.Desk.DeskSession(ctx, secret); !errors.Is(err, app.ErrNoSession) {
				t.Errorf("a session after sign-out everywhere: %v, want ErrNoSession", err)
			}
		}
		if _, err := s.App.Desk.DeskSession(ctx, theirs); err != nil {
			t.Errorf("another staff member's session: %v", err)
		}
		if _, _, err := s.App.Desk.OpenDeskSession(ctx, c); !errors.Is(err, app.ErrLinkRevoked) {
			t.Errorf("the desk link from before: %v, want ErrLinkRevoked", err)
		}
		// Case links: one issued before, one that does not say when (refused: it may be old),
		// one issued after.
		for _, issued := range []time.Time{before, {}} {
			if err := s.App.Desk.CheckSignOut(ctx, "Staff@corp.test", issued); !errors.Is(err, app.ErrLinkRevoked) {
				t.Errorf("case link issued %v: %v, want ErrLinkRevoked", issued, err)
			}
		}
		s.Clock.Add(time.Minute)
		if err := s.App.Desk.CheckSignOut(ctx, "staff@corp.test", s.Clock.Now()); err != nil {
			t.Errorf("case link issued after: %v", err)
		}
		if err := s.App.Desk.CheckSignOut(ctx, "other@corp.test", before); err != nil {
			t.Errorf("someone else's case link: %v", err)
		}
		// A new desk link opens a session again.
		s.Clock.Add(10 * time.Minute) // the next desk_link window
		fresh, _, err := s.App.Desk.OpenDeskSession(ctx, deskLink(t, s, "staff@corp.test", "192.0.2.1", 2))
		if err != nil {
			t.Fatalf("a desk link made after the sign-out: %v", err)
		}
		if _, err := s.App.Desk.DeskSession(ctx, fresh); err != nil {
			t.Errorf("the new session: %v", err)
		}
	})
}

// Sign-ins are counted in the store: two instances share one count (issue 19, item 7).
func TestDeskSignInsAreCountedAcrossInstances(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		s := testenv.NewStack(t, testenv.Options{Backend: b, Now: amsterdam("2026-03-27 10:00")})
		other, err := app.New(s.Deps) // a second instance on the same store
		if err != nil {
			t.Fatal(err)
		}
		cl := app.Client{IP: "203.0.113.5"}
		var errs []error
		for i := range 6 {
			svc := s.App
			if i%2 == 1 {
				svc = other
			}
			errs = append(errs, svc.Desk.RequestDeskLink(ctx, "someone@else.test", cl))
		}
		var rl *app.RateLimitedError
		if slices.ContainsFunc(errs[:5], func(err error) bool { return err != nil }) || !errors.As(errs[5], &rl) || rl.RetryAfter <= 0 {
			t.Errorf("six sign-ins for one address from one client over two instances: %v, want the sixth rate limited", errs)
		}
		// Per client, whatever the address: 20 an hour.
		for i := range 20 {
			addr := string(rune('a'+i)) + "@else.test"
			if err := other.Desk.RequestDeskLink(ctx, addr, app.Client{IP: "203.0.113.6"}); err != nil {
				t.Fatalf("sign-in %d: %v", i, err)
			}
		}
		if err := s.App.Desk.RequestDeskLink(ctx, "z@else.test", app.Client{IP: "203.0.113.6"}); !errors.As(err, &rl) {
			t.Errorf("21st sign-in from one client: %v, want rate limited", err)
		}
		// Per address, from every client together: 30 an hour.
		for i := range 30 {
			cl := app.Client{IP: "198.51.100." + string(rune('0'+i/10)) + string(rune('0'+i%10))}
			if err := s.App.Desk.RequestDeskLink(ctx, "target@corp.test", cl); err != nil {
				t.Fatalf("sign-in %d for one address: %v", i, err)
			}
		}
		if err := other.Desk.RequestDeskLink(ctx, "target@corp.test", app.Client{IP: "198.51.100.99"}); !errors.As(err, &rl) {
			t.Errorf("31st sign-in for one address: %v, want rate limited", err)
		}
		s.Clock.Add(time.Hour)
		if err := other.Desk.RequestDeskLink(ctx, "target@corp.test", app.Client{IP: "198.51.100.99"}); err != nil {
			t.Errorf("the next hour: %v", err)
		}
	})
}

// An intake's day of receipt lies at most a year back, confirmed or not; the day staff entered
// and who entered it are in the case's timeline (issue 19, item 8).
func TestDeskIntakeDayOfReceiptIsBounded(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		s := testenv.NewStack(t, testenv.Options{Backend: b, Now: amsterdam("2026-03-27 10:00")})
		for _, day := range []string{"2025-03-26", "1900-01-01"} {
			_, err := s.App.Desk.Intake(ctx, "staff@corp.test", phoneIntake("Oud Verzoek", day))
			if got := deskFields(err); !slices.Contains(got, "receivedOn:too_old") || slices.Contains(got, "receivedOn:confirm_past") {
				t.Errorf("received %s (confirmed): %v, want receivedOn:too_old", day, got)
			}
		}
		in := phoneIntake("Oud Verzoek", "2025-03-26")
		in.ConfirmPast = false
		if got := deskFields(mustErr(s.App.Desk.Intake(ctx, "staff@corp.test", in))); !slices.Equal(got, []string{"receivedOn:too_old"}) {
			t.Errorf("received more than a year ago (not confirmed): %v, want receivedOn:too_old alone", got)
		}
		if open, _ := s.Store.OpenCases(ctx, 10); len(open) != 0 {
			t.Errorf("a refused intake stored %d cases", len(open))
		}
		c := intake(t, s, phoneIntake("Een Jaar", "2025-03-27"))
		evs, err := s.Store.Events(ctx, c.Reference)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(evs, func(e request.Event) bool { return e.Action == request.ActReceivedOn })
		if i < 0 || evs[i].Detail != "2025-03-27" || evs[i].Actor != "staff@corp.test" {
			t.Errorf("events %+v, want received_on 2025-03-27 by staff@corp.test", evs)
		}
	})
}

package app_test

import (
	"strings"
	"testing"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

// A request waiting for proof of identity is never overdue (its clock stands still), so the
// digest names it once the requester has let the profile's reply term pass twice (after the
// first, the requester was reminded): staff must refuse on identity_not_established or try
// another way. The desk counts it too (docs/rules.md §2).
func TestDigestNamesIdentityWaitingTooLong(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		s := testenv.NewStack(t, testenv.Options{Backend: b, Profile: "vallei-wonen", Staff: []string{"staff@corp.test"}, Now: amsterdam("2026-03-27 10:00")})
		c := submitConfirm(t, s, access("stil@tenant.test"))
		c = staffAct(t, s, c.Reference, app.StaffInput{Action: request.ActRequestIdentity, Reason: "Het adres klopt niet met onze gegevens."})
		if c.Status != request.AwaitingIdentity {
			t.Fatalf("status %s, want awaiting_identity", c.Status)
		}
		// replyDays is 14: asked on 27 March, reminded on 10 April, too long from 24 April.
		tick(t, s, "2026-04-23 09:00")
		m := s.Mail.Await(t, "staff_digest", "staff@corp.test", "")
		if strings.Contains(m.Text, "Wacht te lang") || strings.Contains(m.Subject, "wacht te lang") {
			t.Errorf("digest within the reply term names the case as waiting too long:\n%s\n%s", m.Subject, m.Text)
		}
		settle(t, s, c.Reference)
		if n := s.Mail.Count("id_requested", "stil@tenant.test", c.Reference); n != 2 {
			t.Errorf("%d id_requested letters by 23 April, want the question and its reminder", n)
		}
		s.Clock.Set(amsterdam("2026-04-23 09:00"))
		if v, err := s.App.Desk.Desk(ctx, app.DeskFilter{}); err != nil || v.Counts.IdentityLate != 0 {
			t.Errorf("desk within the reply term: %v, %+v", err, v)
		}
		tick(t, s, "2026-04-24 09:00")
		testenv.Eventually(t, "the second digest", func() bool { return s.Mail.Count("staff_digest", "staff@corp.test", "") == 2 })
		var last testenv.Mail // the digest of 24 April: the one of 23 April arrived before it was queued
		for _, x := range s.Mail.All() {
			if x.Kind() == "staff_digest" {
				last = x
			}
		}
		if !strings.Contains(last.Subject, "1 wacht te lang") || !strings.Contains(last.Text, c.Reference+": inzage, identiteitsbewijs gevraagd op 27 maart 2026") {
			t.Errorf("digest after the reply term does not name the case:\n%s\n%s", last.Subject, last.Text)
		}
		s.Clock.Set(amsterdam("2026-04-24 09:00"))
		v, err := s.App.Desk.Desk(ctx, app.DeskFilter{})
		if err != nil || v.Counts.IdentityLate != 1 || len(v.Cases) != 1 || !v.Cases[0].IdentityLate {
			t.Errorf("desk after the reply term: %v, %+v", err, v)
		}
	})
}

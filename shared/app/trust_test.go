package app_test

import (
	"errors"
	"testing"
	"time"

	"cloud.google.com/go/firestore"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

// Issue 11 item 2: "+tags" and capitals do not make a new address for the per-address limit.
func TestEmailLimitIgnoresTagsAndCase(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, backend testenv.Backend) {
		one := 1
		s := testenv.NewStack(t, testenv.Options{Backend: backend, RateMail: &one})
		if _, err := s.Svc.Submit(ctx, access("carla@tenant.test"), app.Client{IP: "198.51.100.1"}, nil); err != nil {
			t.Fatal(err)
		}
		for i, addr := range []string{"Carla+2@Tenant.TEST", " CARLA@tenant.test"} {
			_, err := s.Svc.Submit(ctx, access(addr), app.Client{IP: "198.51.100." + string(rune('2'+i))}, nil)
			var rl *app.RateLimitedError
			if !errors.As(err, &rl) {
				t.Errorf("%q after carla@tenant.test: %v, want RateLimitedError", addr, err)
			}
		}
	})
}

// Issue 11 item 7: every part of a case lives as long as the case. After deciding moves the
// case's retention to years, its first event and its confirm letter expire with it.
func TestAuditTrailLivesAsLongAsTheCase(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, backend testenv.Backend) {
		s := testenv.NewStack(t, testenv.Options{Backend: backend})
		c := ready(t, s, access("bewaar@tenant.test"))
		c = decide(t, s, c.Reference, app.StaffInput{Outcome: "refused", Motivation: "Te vaak gevraagd.", Ground: "excessive"})
		if c.Status != request.Decided || c.RetainUntil.Before(c.SubmittedAt.AddDate(1, 0, 0)) {
			t.Fatalf("after decide: %s, kept until %s", c.Status, c.RetainUntil)
		}
		letters, err := s.Store.Letters(ctx, c.Reference)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range letters {
			if !l.RetainUntil.Equal(c.RetainUntil) {
				t.Errorf("letter %s kept until %s, the case until %s", l.Kind, l.RetainUntil, c.RetainUntil)
			}
		}
		exp, err := eventsExpireAt(s, c.Reference)
		if err != nil {
			t.Fatal(err)
		}
		events, _ := s.Store.Events(ctx, c.Reference)
		for i, e := range exp {
			if !e.Equal(c.RetainUntil) {
				t.Errorf("event %s expires at %s, the case at %s", events[i].Action, e, c.RetainUntil)
			}
		}
		if len(exp) == 0 || events[0].Action != "submitted" {
			t.Errorf("events %v, want the submitted event first", events)
		}
	})
}

// eventsExpireAt reads the TTL of a case's events from the backend.
func eventsExpireAt(s *testenv.Stack, ref string) ([]time.Time, error) {
	if s.Mem != nil {
		return s.Mem.EventsExpireAt(ctx, ref)
	}
	snaps, err := s.FS.Collection("cases").Doc(ref).Collection("events").OrderBy("seq", firestore.Asc).Documents(ctx).GetAll()
	if err != nil {
		return nil, err
	}
	out := make([]time.Time, len(snaps))
	for i, snap := range snaps {
		v, err := snap.DataAt("expireAt")
		if err != nil {
			return nil, err
		}
		out[i], _ = v.(time.Time)
	}
	return out, nil
}

package app_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
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

// brokenCases fails every change of one case that writes letters or events, as a case the Tick
// cannot process would.
type brokenCases struct {
	app.CaseStore
	ref string
}

var errBroken = errors.New("broken case")

func (b brokenCases) Update(ctx context.Context, ref string, fn func(c *request.Case) (app.Change, error)) (*request.Case, error) {
	return b.CaseStore.Update(ctx, ref, func(c *request.Case) (app.Change, error) {
		ch, err := fn(c)
		if err == nil && ref == b.ref && (len(ch.Letters) > 0 || len(ch.Events) > 0) {
			return ch, errBroken
		}
		return ch, err
	})
}

// Issue 11 item 14: a case the Tick cannot process is backed off; the others are done, and the
// failure is reported.
func TestTickCarriesOnPastAFailingCase(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, backend testenv.Backend) {
		s := testenv.NewStack(t, testenv.Options{Backend: backend, Now: amsterdam("2026-03-27 10:00")})
		bad, err := s.Svc.Submit(ctx, access("stuck@tenant.test"), app.Client{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		s.Clock.Add(time.Minute)
		good, err := s.Svc.Submit(ctx, access("fine@tenant.test"), app.Client{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		deps := s.Svc.Deps
		deps.Cases = brokenCases{s.Store, bad.Reference}
		svc, err := app.New(deps)
		if err != nil {
			t.Fatal(err)
		}
		now := amsterdam("2026-03-29 12:00") // both are due for a confirm reminder
		res, err := svc.Tick(ctx, now)
		if err == nil || !errors.Is(err, errBroken) || !strings.Contains(err.Error(), "1 case") {
			t.Errorf("Tick: %v, want an error naming 1 failed case", err)
		}
		if res.Cases != 1 {
			t.Errorf("cases done = %d, want 1 (the good one)", res.Cases)
		}
		s.Mail.Await(t, "confirm_reminder", "fine@tenant.test", good.Reference)
		c, err := s.Store.Case(ctx, bad.Reference)
		if err != nil {
			t.Fatal(err)
		}
		if c.TickFailures != 1 || !c.NextActionAt.After(now) {
			t.Errorf("failing case: failures %d, next action %s; want 1, after %s", c.TickFailures, c.NextActionAt, now)
		}
		// The next minute it is left alone; when its back-off ends it is tried again, longer.
		if _, err := svc.Tick(ctx, now.Add(time.Minute)); err != nil {
			t.Errorf("tick a minute later: %v, want the failing case backed off", err)
		}
		if _, err := svc.Tick(ctx, c.NextActionAt); !errors.Is(err, errBroken) {
			t.Errorf("tick after the back-off: %v, want the case tried again", err)
		}
		again, _ := s.Store.Case(ctx, bad.Reference)
		if again.TickFailures != 2 || again.NextActionAt.Sub(c.NextActionAt) <= c.NextActionAt.Sub(now) {
			t.Errorf("second failure: failures %d, next action %s; want 2 and a longer back-off", again.TickFailures, again.NextActionAt)
		}
		if strings.Contains(s.Logs.String(), "stuck@tenant.test") {
			t.Error("an address reached the logs")
		}
	})
}

// Issue 11 item 4: two staff members decide at the same moment. One wins; the loser's
// clean-up must not delete the winner's access package.
func TestConcurrentDecidesKeepTheDownload(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, backend testenv.Backend) {
		s := testenv.NewStack(t, testenv.Options{Backend: backend})
		for i := range 4 {
			c := ready(t, s, access(fmt.Sprintf("samen%d@tenant.test", i)))
			in := app.StaffInput{Action: request.ActDecide, Outcome: "granted", ResultFile: []byte(`[{"contract":"HV-1"}]`)}
			var wg sync.WaitGroup
			start := make(chan struct{})
			errs := make([]error, 2)
			for j := range 2 {
				wg.Go(func() {
					<-start
					_, errs[j] = s.Svc.StaffAct(ctx, c.Reference, "staff@corp.test", in)
				})
			}
			close(start)
			wg.Wait()
			if (errs[0] == nil) == (errs[1] == nil) {
				t.Fatalf("round %d: errors %v, want one winner", i, errs)
			}
			got, err := s.Store.Case(ctx, c.Reference)
			if err != nil || got.Status != request.Decided || got.Result == nil {
				t.Fatalf("round %d: case %v, %v; want decided with a result", i, got, err)
			}
			if _, err := s.Svc.DownloadResult(ctx, c.Reference); err != nil {
				t.Errorf("round %d: download after two concurrent decides: %v", i, err)
			}
		}
	})
}

// accessPackages counts the access packages stored for a case, whatever their key.
func accessPackages(t *testing.T, s *testenv.Stack, ref string) int {
	t.Helper()
	if s.Mem != nil {
		n := 0
		for l := range strings.SplitSeq(s.Mem.Dump(), "\n") {
			if strings.HasPrefix(l, "results/"+ref+"@") || strings.HasPrefix(l, "results/"+ref+" ") {
				n++
			}
		}
		return n
	}
	heads, err := s.FS.Collection("results").Where("reference", "==", ref).Documents(ctx).GetAll()
	if err != nil {
		t.Fatal(err)
	}
	return len(heads)
}

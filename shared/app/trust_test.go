package app_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

// Issue 11 item 2: "+tags" and capitals do not make a new address for the per-address limit.
func TestEmailLimitIgnoresTagsAndCase(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, backend testenv.Backend) {
		one := 1
		s := testenv.NewStack(t, testenv.Options{Backend: backend, RateMail: &one})
		if _, err := s.App.Intake.Submit(ctx, access("carla@tenant.test"), app.Client{IP: "198.51.100.1"}, nil); err != nil {
			t.Fatal(err)
		}
		for i, addr := range []string{"Carla+2@Tenant.TEST", " CARLA@tenant.test"} {
			_, err := s.App.Intake.Submit(ctx, access(addr), app.Client{IP: "198.51.100." + string(rune('2'+i))}, nil)
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
		c = decide(t, s, c.Reference, app.StaffInput{Outcome: "refused", Motivation: "Te vaak gevraagd.", Ground: "excessive", Evidence: "Vier gelijke verzoeken in één maand."})
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

// eventsExpireAt reads the TTL of a case's events from the backend. In Firestore a case's
// events live inside its document and expire with it.
func eventsExpireAt(s *testenv.Stack, ref string) ([]time.Time, error) {
	if s.Mem != nil {
		return s.Mem.EventsExpireAt(ctx, ref)
	}
	doc, err := s.FS.Collection("cases").Doc(ref).Get(ctx)
	if err != nil {
		return nil, err
	}
	var out []time.Time
	if v, err := doc.DataAt("events"); err == nil {
		exp, err := doc.DataAt("expireAt")
		if err != nil {
			return nil, err
		}
		at, _ := exp.(time.Time)
		for range v.([]any) {
			out = append(out, at)
		}
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
	return b.CaseStore.Update(ctx, ref, b.breaking(ref, fn))
}

func (b brokenCases) UpdateParts(ctx context.Context, ref string, fn func(c *request.Case) (app.Change, error)) (*request.Case, []request.Event, []*outbox.Letter, error) {
	return b.CaseStore.UpdateParts(ctx, ref, b.breaking(ref, fn))
}

// breaking is fn, failing when it changes the broken case with letters or events.
func (b brokenCases) breaking(ref string, fn func(c *request.Case) (app.Change, error)) func(c *request.Case) (app.Change, error) {
	return func(c *request.Case) (app.Change, error) {
		ch, err := fn(c)
		if err == nil && ref == b.ref && (len(ch.Letters) > 0 || len(ch.Events) > 0) {
			return ch, errBroken
		}
		return ch, err
	}
}

// Issue 11 item 14: a case the Tick cannot process is backed off; the others are done, and the
// failure is reported.
func TestTickCarriesOnPastAFailingCase(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, backend testenv.Backend) {
		s := testenv.NewStack(t, testenv.Options{Backend: backend, Now: amsterdam("2026-03-27 10:00")})
		bad, err := s.App.Intake.Submit(ctx, access("stuck@tenant.test"), app.Client{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		s.Clock.Add(time.Minute)
		good, err := s.App.Intake.Submit(ctx, access("fine@tenant.test"), app.Client{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		deps := s.Deps
		deps.Cases = brokenCases{s.Store, bad.Reference}
		svc, err := app.New(deps)
		if err != nil {
			t.Fatal(err)
		}
		now := amsterdam("2026-03-29 12:00") // both are due for a confirm reminder
		res, err := svc.Sweep.Tick(ctx, now)
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
		if _, err := svc.Sweep.Tick(ctx, now.Add(time.Minute)); err != nil {
			t.Errorf("tick a minute later: %v, want the failing case backed off", err)
		}
		if _, err := svc.Sweep.Tick(ctx, c.NextActionAt); !errors.Is(err, errBroken) {
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
					_, errs[j] = s.App.Casework.StaffAct(ctx, c.Reference, staffLink, in)
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
			if _, err := s.App.Intake.DownloadResult(ctx, c.Reference); err != nil {
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

// staffLink is the link of the test stack's staff member, from before any revoke_links.
var staffLink = app.StaffLink{Holder: "staff@corp.test"}

// Issue 11 item 3: a staff link works only while its holder is on the staff list or is the
// privacy officer, and only while the case's links have not been revoked; every view of a case
// and of its ID copy is in the timeline; a finished case shows no ID copy.
func TestStaffLinksCanBeRevoked(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, backend testenv.Backend) {
		s := testenv.NewStack(t, testenv.Options{Backend: backend, FormIDCopy: true})
		sub := access("link@tenant.test")
		c, err := s.App.Intake.Submit(ctx, sub, app.Client{IP: "192.0.2.1"}, testJPEG(t))
		if err != nil {
			t.Fatal(err)
		}
		if c, err = s.App.Intake.Confirm(ctx, c.Reference); err != nil {
			t.Fatal(err)
		}
		ref := c.Reference

		// Someone taken off the list: their links stop working, on every use.
		gone := app.StaffLink{Holder: "left@corp.test"}
		if _, err := s.App.Casework.StaffPage(ctx, ref, gone); !errors.Is(err, app.ErrLinkRevoked) {
			t.Errorf("page for a holder off the list: %v, want ErrLinkRevoked", err)
		}
		if _, _, err := s.App.Casework.IDCopy(ctx, ref, gone); !errors.Is(err, app.ErrLinkRevoked) {
			t.Errorf("ID copy for a holder off the list: %v, want ErrLinkRevoked", err)
		}
		if _, err := s.App.Casework.StaffAct(ctx, ref, gone, app.StaffInput{Action: request.ActExtend, Explanation: "x"}); !errors.Is(err, app.ErrLinkRevoked) {
			t.Errorf("action for a holder off the list: %v, want ErrLinkRevoked", err)
		}
		// The same address on a service whose list no longer holds it.
		deps := s.Deps
		deps.Staff = []string{"new@corp.test"}
		later, err := app.New(deps)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := later.Casework.StaffPage(ctx, ref, staffLink); !errors.Is(err, app.ErrLinkRevoked) {
			t.Errorf("page after the holder left STAFF_EMAILS: %v, want ErrLinkRevoked", err)
		}
		// The privacy officer may always look.
		po := app.StaffLink{Holder: s.Profile.Organisation.PrivacyOfficerEmail}
		if _, err := later.Casework.StaffPage(ctx, ref, po); err != nil {
			t.Errorf("page for the privacy officer: %v", err)
		}

		// Views are in the timeline, with who.
		if _, err := s.App.Casework.StaffPage(ctx, ref, staffLink); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.App.Casework.IDCopy(ctx, ref, staffLink); err != nil {
			t.Fatal(err)
		}
		events, _ := s.Store.Events(ctx, ref)
		seen := map[request.Action]string{}
		for _, e := range events {
			seen[e.Action] = e.Actor
		}
		if seen["case_viewed"] != "staff@corp.test" || seen["id_copy_viewed"] != "staff@corp.test" {
			t.Errorf("views in the timeline: %v, want case_viewed and id_copy_viewed by staff@corp.test", events)
		}
		if strings.Contains(fmt.Sprint(events), "left@corp.test") {
			t.Error("a refused link left an event")
		}

		// revoke_links: every staff link made before stops working; a fresh one works; the
		// requester's links are not staff links and keep working.
		got, err := s.App.Casework.StaffAct(ctx, ref, staffLink, app.StaffInput{Action: request.ActRevokeLinks})
		if err != nil {
			t.Fatalf("revoke_links: %v", err)
		}
		if got.LinkGeneration != 1 {
			t.Errorf("generation after revoke_links = %d, want 1", got.LinkGeneration)
		}
		if _, err := s.App.Casework.StaffPage(ctx, ref, staffLink); !errors.Is(err, app.ErrLinkRevoked) {
			t.Errorf("page with a link from before revoke_links: %v, want ErrLinkRevoked", err)
		}
		if _, err := s.App.Casework.StaffAct(ctx, ref, staffLink, app.StaffInput{Action: request.ActExtend, Explanation: "x"}); !errors.Is(err, app.ErrLinkRevoked) {
			t.Errorf("action with a link from before revoke_links: %v, want ErrLinkRevoked", err)
		}
		fresh := app.StaffLink{Holder: "staff@corp.test", Generation: 1}
		if _, err := s.App.Casework.StaffPage(ctx, ref, fresh); err != nil {
			t.Errorf("page with a fresh link: %v", err)
		}
		if _, err := s.App.Intake.Status(ctx, ref); err != nil {
			t.Errorf("the requester's status after revoke_links: %v", err)
		}
		events, _ = s.Store.Events(ctx, ref)
		if !strings.Contains(fmt.Sprint(events), "revoke_links") {
			t.Errorf("revoke_links not in the timeline: %v", events)
		}

		// A finished case shows no ID copy.
		if _, err := s.App.Casework.StaffAct(ctx, ref, fresh, app.StaffInput{Action: request.ActVerifyIdentity, Method: "id_copy", DocumentType: "passport"}); err != nil {
			t.Fatal(err)
		}
		if c, err := s.App.Casework.StaffAct(ctx, ref, fresh, app.StaffInput{Action: request.ActDecide, Outcome: "refused", Motivation: "Te vaak.", Ground: "excessive", Evidence: "Vier gelijke verzoeken in één maand."}); err != nil {
			t.Fatal(err)
		} else {
			approveDraft(t, s, c)
		}
		if _, _, err := s.App.Casework.IDCopy(ctx, ref, fresh); !errors.Is(err, app.ErrNotAllowed) {
			t.Errorf("ID copy of a decided case: %v, want refused", err)
		}
	})
}

// Staff letters carry the case's link generation: after revoke_links, new links work.
func TestStaffLettersCarryTheLinkGeneration(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, backend testenv.Backend) {
		s := testenv.NewStack(t, testenv.Options{Backend: backend})
		c := ready(t, s, access("gen@tenant.test"))
		if _, err := s.App.Casework.StaffAct(ctx, c.Reference, staffLink, app.StaffInput{Action: request.ActRevokeLinks}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.App.Sweep.Tick(ctx, amsterdam("2026-05-15 09:00")); err != nil { // overdue: staff are told
			t.Fatal(err)
		}
		letters, _ := s.Store.Letters(ctx, c.Reference)
		n := 0
		for _, l := range letters {
			if l.Kind != "staff_reminder" && l.Kind != "staff_overdue" {
				continue // the staff_case letter went out before revoke_links
			}
			for _, k := range l.Links {
				if k.Key == "staff" {
					n++
					if k.Claims.Generation != 1 {
						t.Errorf("staff link in %s has generation %d, want 1", l.Kind, k.Claims.Generation)
					}
				}
			}
		}
		if n == 0 {
			t.Fatalf("no staff reminder or escalation with a link; letters %d", len(letters))
		}
	})
}

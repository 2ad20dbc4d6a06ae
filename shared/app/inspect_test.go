package app_test

import (
	"bytes"
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/idcheck"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

// Issue 19 item 5: uploads are inspected only when everything cheaper has passed, each
// inspection counts against the client's per-IP limit, and one client has one at a time.

// exe is a file that inspection always refuses (a *idcheck.Rejection): an answer without that
// refusal means the file was not inspected.
var exe = append([]byte("MZ\x90\x00"), bytes.Repeat([]byte{0}, 400)...)

// watchedCases counts the attempts counted without storing a case (Count, which every
// inspection calls first). With hold set, the first Count signals entered and waits for hold
// to close: an inspection held in progress for as long as the test needs it.
type watchedCases struct {
	app.CaseStore
	counts  atomic.Int32
	hold    chan struct{}
	entered chan struct{}
	started atomic.Bool
}

func (w *watchedCases) Count(ctx context.Context, limits []app.Limit, now time.Time) error {
	w.counts.Add(1)
	if w.hold != nil && w.started.CompareAndSwap(false, true) {
		close(w.entered)
		<-w.hold
	}
	return w.CaseStore.Count(ctx, limits, now)
}

// watched is the stack's service on a watched store.
func watched(t *testing.T, s *testenv.Stack, hold bool) (*app.App, *watchedCases) {
	t.Helper()
	w := &watchedCases{CaseStore: s.Store}
	if hold {
		w.hold, w.entered = make(chan struct{}), make(chan struct{})
	}
	deps := s.Deps
	deps.Cases = w
	svc, err := app.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	return svc, w
}

func isRejection(err error) bool {
	var rej *idcheck.Rejection
	return errors.As(err, &rej)
}

// A submission refused for its fields is answered for its fields only: its file is never
// opened, and nothing is counted.
func TestUploadIsNotInspectedWhenFieldsAreInvalid(t *testing.T) {
	t.Parallel()
	three := 3
	s := testenv.NewStack(t, testenv.Options{Backend: testenv.Memory, RateIP: &three, FormIDCopy: true})
	svc, w := watched(t, s, false)
	for range 5 {
		bad := access("carla@tenant.test")
		bad.Name = ""
		_, err := svc.Intake.Submit(ctx, bad, app.Client{IP: "192.0.2.50"}, exe)
		var verr *app.ValidationError
		if !errors.As(err, &verr) || isRejection(err) {
			t.Fatalf("invalid fields with an upload: %v, want a ValidationError without the file's verdict", err)
		}
	}
	if n := w.counts.Load(); n != 0 {
		t.Errorf("%d inspections counted for field-invalid submissions, want 0", n)
	}
}

// A bot that filled in the honeypot is answered like a person, limits included, but its file
// is never opened and nothing of it is kept.
func TestBotUploadIsNotInspected(t *testing.T) {
	t.Parallel()
	two := 2
	s := testenv.NewStack(t, testenv.Options{Backend: testenv.Memory, RateIP: &two, FormIDCopy: true})
	bot := access("bot@tenant.test")
	bot.Website = "http://spam.example"
	c, err := s.App.Intake.Submit(ctx, bot, app.Client{IP: "192.0.2.60"}, exe)
	if err != nil || c == nil || !isReference(c.Reference) {
		t.Fatalf("bot with an upload: %v, want a reference as a person gets (its file never inspected)", err)
	}
	if _, err := s.Store.Case(ctx, c.Reference); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("the bot's case: %v, want ErrNotFound", err)
	}
	// It counted as an inspection and a submission, as a person's would: the limit of two is
	// reached, and the next is refused as a person's would be.
	_, err = s.App.Intake.Submit(ctx, bot, app.Client{IP: "192.0.2.60"}, nil)
	var rl *app.RateLimitedError
	if !errors.As(err, &rl) {
		t.Errorf("bot over the limit: %v, want RateLimitedError", err)
	}
}

func isReference(ref string) bool { return len(ref) == len("PL-XXXX-XXXX") && ref[:3] == "PL-" }

// Every inspection counts against the client's per-IP limit, whatever its outcome and whether
// it came with the form or through an upload link; the one past the limit is refused (429)
// without being inspected. Another client is not affected.
func TestEveryInspectionCounts(t *testing.T) {
	t.Parallel()
	three := 3
	s := testenv.NewStack(t, testenv.Options{Backend: testenv.Memory, Profile: idAlways, RateIP: &three, FormIDCopy: true})
	c := submitConfirm(t, s, access("upload@tenant.test"))
	if c.Status != request.AwaitingIdentity {
		t.Fatalf("status %s, want awaiting_identity", c.Status)
	}
	svc, w := watched(t, s, false)
	me := app.Client{IP: "198.51.100.70"}
	for i := range 3 {
		var err error
		if i == 1 {
			_, err = svc.Intake.Submit(ctx, access("form@tenant.test"), me, exe)
		} else {
			_, err = svc.Intake.UploadIdentity(ctx, c.Reference, me, exe)
		}
		if !isRejection(err) {
			t.Fatalf("inspection %d: %v, want the file refused", i+1, err)
		}
	}
	if n := w.counts.Load(); n != 3 {
		t.Errorf("%d inspections counted, want 3", n)
	}
	for _, try := range []func() error{
		func() error { _, err := svc.Intake.UploadIdentity(ctx, c.Reference, me, exe); return err },
		func() error { _, err := svc.Intake.Submit(ctx, access("form@tenant.test"), me, exe); return err },
	} {
		err := try()
		var rl *app.RateLimitedError
		if !errors.As(err, &rl) || rl.RetryAfter <= 0 || isRejection(err) {
			t.Errorf("inspection past the limit: %v, want RateLimitedError and no inspection", err)
		}
	}
	if _, err := svc.Intake.UploadIdentity(ctx, c.Reference, app.Client{IP: "198.51.100.71"}, exe); !isRejection(err) {
		t.Errorf("another client: %v, want its file inspected (and refused)", err)
	}
	s.Clock.Add(time.Hour)
	if _, err := svc.Intake.UploadIdentity(ctx, c.Reference, me, exe); !isRejection(err) {
		t.Errorf("the next hour: %v, want the file inspected again", err)
	}
}

// One client has one inspection in progress at a time: a second one meanwhile is refused as
// busy (503 with Retry-After in the handlers), without being inspected; another client goes on.
func TestOneInspectionPerClientAtATime(t *testing.T) {
	t.Parallel()
	ten := 10
	s := testenv.NewStack(t, testenv.Options{Backend: testenv.Memory, RateIP: &ten, FormIDCopy: true})
	svc, w := watched(t, s, true)
	me := app.Client{IP: "203.0.113.80"}
	done := make(chan error, 1)
	go func() {
		_, err := svc.Intake.Submit(ctx, access("first@tenant.test"), me, testJPEG(t))
		done <- err
	}()
	select {
	case <-w.entered:
	case err := <-done:
		t.Fatalf("the first upload finished without being counted: %v", err)
	}
	_, err := svc.Intake.Submit(ctx, access("second@tenant.test"), me, exe)
	if !errors.Is(err, app.ErrInspecting) || !errors.Is(err, idcheck.ErrBusy) || isRejection(err) {
		t.Errorf("second upload while the first is inspected: %v, want ErrInspecting (busy) and no inspection", err)
	}
	if _, err := svc.Intake.Submit(ctx, access("other@tenant.test"), app.Client{IP: "203.0.113.81"}, exe); !isRejection(err) {
		t.Errorf("another client meanwhile: %v, want its file inspected", err)
	}
	close(w.hold)
	if err := <-done; err != nil {
		t.Fatalf("first upload: %v", err)
	}
	if _, err := svc.Intake.Submit(ctx, access("third@tenant.test"), me, exe); !isRejection(err) {
		t.Errorf("after the first finished: %v, want the file inspected", err)
	}
}

// An upload link to a case that takes no upload is refused (409) before the file is opened or
// counted.
func TestUploadIdentityChecksTheCaseFirst(t *testing.T) {
	t.Parallel()
	three := 3
	s := testenv.NewStack(t, testenv.Options{Backend: testenv.Memory, RateIP: &three, FormIDCopy: true})
	unconfirmed, err := s.App.Intake.Submit(ctx, access("late@tenant.test"), app.Client{IP: "192.0.2.1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	decided := ready(t, s, access("done@tenant.test"))
	decided = decide(t, s, decided.Reference, app.StaffInput{Outcome: "refused", Motivation: "Te vaak gevraagd.", Ground: "excessive", Evidence: "Vier gelijke verzoeken in één maand."})
	if decided.Status != request.Decided {
		t.Fatalf("status %s, want decided", decided.Status)
	}
	svc, w := watched(t, s, false)
	for _, ref := range []string{unconfirmed.Reference, decided.Reference} {
		for range 4 { // more than the limit: nothing is counted either
			_, err := svc.Intake.UploadIdentity(ctx, ref, app.Client{IP: "192.0.2.90"}, exe)
			var na *app.NotAllowedError
			if !errors.As(err, &na) || na.Reason != "no_upload" || isRejection(err) {
				t.Fatalf("upload to a case that takes none: %v, want NotAllowedError no_upload without inspection", err)
			}
		}
	}
	if n := w.counts.Load(); n != 0 {
		t.Errorf("%d inspections counted, want 0", n)
	}
}
